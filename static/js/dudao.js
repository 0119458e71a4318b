// Site-wide behaviour. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // One tap, one POST: a second tap while the page loads would record the action twice.
  // On window, so it runs after every page script that may cancel the submit and use fetch.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post" || form.hasAttribute("data-download")) {
      return;
    }
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
    } else {
      form.setAttribute("data-submitting", "");
    }
  });
  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
    });
  });
  // Auto-submit filters: <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) {
      event.target.form.submit();
    }
  });
})();
