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
  // Auto-submit filters: <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) {
      event.target.form.submit();
    }
  });
})();
