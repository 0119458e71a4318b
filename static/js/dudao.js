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

// Find boxes under long selects (dudao/pickers.py): the page answers ?pick=<select>&term=...
// with the matches, which replace the select's options (the chosen one stays).
(function () {
  "use strict";
  var timers = new WeakMap();

  function status(box, text) {
    var line = box.closest(".search-find").nextElementSibling;
    if (line && line.classList.contains("search-find-status")) {
      line.textContent = text ? line.getAttribute(text) : "";
    }
  }

  function search(box) {
    var select = document.getElementById(box.getAttribute("data-search-for"));
    if (!select) {
      return;
    }
    var form = select.form;
    var params = new URLSearchParams({ pick: select.name, term: box.value.trim() });
    (box.getAttribute("data-narrow") || "").split(" ").forEach(function (key) {
      var other = key && form && form.elements[key];
      if (other && other.value) {
        params.set(key, other.value);
      }
    });
    fetch(window.location.pathname + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (data) {
        var keep = Array.prototype.filter.call(select.options, function (option) {
          return option.value === "" || option.selected;
        });
        var kept = keep.map(function (option) { return option.value; });
        select.replaceChildren.apply(select, keep);
        data.results.forEach(function (row) {
          if (kept.indexOf(row.id) === -1) {
            select.add(new Option(row.text, row.id));
          }
        });
        if (data.results.length === 1 && !select.value) {
          select.value = data.results[0].id; // one match: chosen, the user only checks it
        }
        var found = box.parentElement.querySelector("input[type=hidden]");
        if (found) {
          found.value = box.value.trim();
        }
        status(box, data.results.length === 0 ? "data-msg-none" : data.more ? "data-msg-more" : "data-msg-found");
      })
      .catch(function () {});
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-search-for")) {
      return;
    }
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(function () { search(box); }, 300));
  });
  // Enter in a find box searches in place instead of sending the form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.hasAttribute && event.target.hasAttribute("data-search-for")) {
      event.preventDefault();
      search(event.target);
    }
  });
  // With the script, "Find" searches in place too.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".search-find button");
    var box = button && button.parentElement.querySelector("[data-search-for]");
    if (box) {
      event.preventDefault();
      search(box);
    }
  });
  // A narrowing field (the township) changed: list what it now allows.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || !field.name) {
      return;
    }
    field.form.querySelectorAll("[data-search-for]").forEach(function (box) {
      if ((box.getAttribute("data-narrow") || "").split(" ").indexOf(field.name) !== -1) {
        search(box);
      }
    });
  });
})();
