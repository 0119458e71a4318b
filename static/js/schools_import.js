// The import page: show that a large file is being checked, and stop a double submit.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  var progress = document.getElementById("import-progress");
  if (!form || !progress) {
    return;
  }
  form.addEventListener("submit", function () {
    progress.classList.remove("d-none");
    // Disable after the browser has taken the clicked button's name into the submission.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
