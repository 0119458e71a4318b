// A "print" button for printable pages: <button data-print>. No inline handlers (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
