// Progress of a job the worker runs (a monthly report, a long export): polls its status URL
// and fills in <progress>, the state and the download link. A static file: the CSP allows no
// inline script. The page works without it too (reload to see the state).
(function () {
  "use strict";
  var POLL_MS = 1000;

  function watch(box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("[data-job-bar]");
    var state = box.querySelector("[data-job-state]");
    var step = box.querySelector("[data-job-step]");
    var done = box.querySelector("[data-job-done]");
    var link = box.querySelector("[data-job-download]");
    var error = box.querySelector("[data-job-error]");

    function show(job) {
      bar.value = job.progress;
      bar.textContent = job.progress + "%";
      state.textContent = job.state_label;
      step.textContent = job.step || "";
      if (job.done) {
        link.href = job.download_url;
        done.hidden = false;
      }
      error.hidden = !job.failed;
      return job.done || job.failed;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (job) {
          if (!show(job)) {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          window.setTimeout(poll, POLL_MS * 5); // offline for a moment: keep trying, slower
        });
    }

    if (!done.hidden || !error.hidden) {
      return;
    }
    poll();
  }

  document.querySelectorAll("[data-job-status]").forEach(watch);
})();
