// Photo buttons of the rectification steps: the file input is hidden behind a button (as on the
// visit record), so the names of the chosen photos are shown under it. Texts come from the
// input's data-msg-chosen attribute (the template translates it).
(() => {
  "use strict";

  for (const input of document.querySelectorAll(".photo-button-input")) {
    const chosen = document.getElementById(`${input.id}_chosen`);
    if (!chosen) {
      continue;
    }
    input.addEventListener("change", () => {
      const names = Array.from(input.files, (file) => file.name).join("、");
      chosen.textContent = names ? input.dataset.msgChosen.replace("{names}", names) : "";
    });
  }
})();
