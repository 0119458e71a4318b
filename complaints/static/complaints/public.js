// Public pages: optional help only, everything works without it. Sent once per tap, and a photo
// over the upload limit is named before it travels over a slow connection.
(function () {
  "use strict";
  var form = document.querySelector("form[data-public-form]");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function (event) {
    var button = form.querySelector("button[type=submit]");
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "");
    if (button) {
      button.disabled = true;
    }
  });
  window.addEventListener("pageshow", function () {
    form.removeAttribute("data-sent");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = false;
    }
  });
})();
