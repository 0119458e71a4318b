// Arrival check-in: on the inspector's tap, send the phone's position; the server answers with
// the distance to the school. Browsers give a position only over HTTPS or on localhost.
// Texts come from data-msg-* attributes on the button (the template translates them).
(() => {
  "use strict";

  const button = document.getElementById("check-in-button");
  const statusLine = document.getElementById("check-in-status");
  if (!button || !statusLine) {
    return;
  }

  const TONES = ["text-success", "text-warning-emphasis", "text-danger", "text-body-secondary"];
  const FALLBACK_MESSAGES = {
    msgLocating: "正在获取位置…",
    msgDistance: "距学校 {distance} 米",
    msgFlagged: "距学校 {distance} 米，超出范围，已标记给督导室",
    msgNoLocation: "未获取位置",
    msgOffline: "离线：联网后自动签到",
    msgFailed: "签到未成功，请重试",
  };
  let pending = null; // a position taken offline, sent when the connection returns

  const message = (name, values = {}) =>
    Object.keys(values).reduce(
      (text, key) => text.replace(`{${key}}`, values[key]),
      button.dataset[name] || FALLBACK_MESSAGES[name]
    );

  function show(text, tone) {
    statusLine.textContent = text;
    statusLine.classList.remove(...TONES);
    statusLine.classList.add(tone);
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // The visit form carries the position too, so its autosave (kept on the phone while offline)
  // records it even if this page is closed before the connection returns.
  function keepInVisitForm(position) {
    const form = document.getElementById("visit-form");
    const fields = form ? form.elements : {};
    if (!fields.check_in_latitude) {
      return;
    }
    const { coords } = position;
    fields.location_consent.value = "True";
    fields.check_in_latitude.value = String(coords.latitude);
    fields.check_in_longitude.value = String(coords.longitude);
    fields.check_in_accuracy.value = String(Math.round(coords.accuracy));
    fields.check_in_taken_at.value = takenAt(position);
    fields.check_in_latitude.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // When the phone took the position, by its own clock; the server falls back to its time.
  function takenAt(position) {
    const taken = new Date(position.timestamp);
    return Number.isNaN(taken.getTime()) ? "" : taken.toISOString();
  }

  async function send(position) {
    button.disabled = false;
    if (!navigator.onLine) {
      pending = position;
      show(message("msgOffline"), "text-warning-emphasis");
      return;
    }
    const { coords } = position;
    const body = new FormData();
    body.append("lat", String(coords.latitude));
    body.append("lon", String(coords.longitude));
    body.append("accuracy", String(Math.round(coords.accuracy)));
    body.append("taken_at", takenAt(position));
    try {
      const response = await fetch(button.dataset.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(`check-in answered ${response.status}`);
      }
      const answer = await response.json();
      pending = null;
      const distance = { distance: Math.round(answer.distance_m) };
      if (answer.distance_m === null || answer.distance_m === undefined) {
        show(answer.status_display || message("msgNoLocation"), "text-warning-emphasis");
      } else if (answer.flagged) {
        show(message("msgFlagged", distance), "text-danger");
      } else {
        show(message("msgDistance", distance), "text-success");
      }
    } catch (error) {
      if (navigator.onLine) {
        show(message("msgFailed"), "text-danger");
      } else {
        pending = position;
        show(message("msgOffline"), "text-warning-emphasis");
      }
    }
  }

  button.addEventListener("click", (event) => {
    event.preventDefault();
    if (!navigator.geolocation) {
      show(message("msgNoLocation"), "text-warning-emphasis");
      return;
    }
    button.disabled = true;
    show(message("msgLocating"), "text-body-secondary");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        keepInVisitForm(position);
        send(position);
      },
      () => {
        // Denied, unavailable or too slow: the visit stays marked "no location".
        button.disabled = false;
        show(message("msgNoLocation"), "text-warning-emphasis");
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  });

  window.addEventListener("online", () => {
    if (pending) {
      send(pending);
    }
  });
})();
