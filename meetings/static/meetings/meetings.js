// Meeting pages: the decision form shows only the chooser of the owner kind picked.
(function () {
  "use strict";
  document.querySelectorAll("select[data-owner-kind]").forEach(function (kind) {
    var form = kind.form;
    function show() {
      form.querySelectorAll("[data-owner-field]").forEach(function (field) {
        var wrapper = field.closest(".col-md-6") || field.parentElement;
        wrapper.hidden = field.getAttribute("data-owner-field") !== kind.value;
      });
    }
    kind.addEventListener("change", show);
    show();
  });
})();
