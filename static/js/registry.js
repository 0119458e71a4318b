// Registry forms: a block marked data-shown-for-kind="special" is shown only while the form's
// kind select has that value (or while it holds a choice, so an error on it stays visible).
(function () {
  "use strict";
  var kind = document.querySelector("select[name=kind]");
  var blocks = document.querySelectorAll("[data-shown-for-kind]");
  if (!kind || !blocks.length) {
    return;
  }
  function update() {
    blocks.forEach(function (block) {
      var wanted = block.getAttribute("data-shown-for-kind") === kind.value;
      block.hidden = !wanted && !block.querySelector("input:checked");
    });
  }
  kind.addEventListener("change", update);
  update();
})();
