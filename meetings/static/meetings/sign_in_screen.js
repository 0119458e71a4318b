// The office's sign-in screen: fetch this minute's QR code again every few seconds, so the
// code shown is always current (the server accepts this and the previous minute's only).
(function () {
  "use strict";
  var image = document.getElementById("sign-in-code");
  if (!image) {
    return;
  }
  var url = image.getAttribute("data-code-url");
  var seconds = parseInt(image.getAttribute("data-refresh-seconds"), 10) || 15;
  window.setInterval(function () {
    var next = new Image();
    next.onload = function () {
      image.src = next.src;
    };
    next.src = url + "?t=" + Date.now();
  }, seconds * 1000);
})();
