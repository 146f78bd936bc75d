// Authgate's built-in challenge: find a counter such that SHA-256("<challenge>:<counter>")
// starts with <difficulty> zero bits, then put "<challenge>.<counter>" in the form.
// The submit button stays disabled until the work is done; the status is announced.
(function () {
  "use strict";
  var box = document.querySelector("[data-authgate-pow]");
  if (!box || !window.crypto || !window.crypto.subtle) { return; }
  var form = box.closest("form");
  var field = box.querySelector("input[name=captcha]");
  var status = box.querySelector(".captcha-status");
  var challenge = box.getAttribute("data-challenge");
  var difficulty = parseInt(box.getAttribute("data-difficulty"), 10);
  var buttons = form ? form.querySelectorAll("button[type=submit]") : [];
  var texts = box.closest("[data-busy]");
  var busyText = (texts && texts.getAttribute("data-busy")) || "Checking that you are a person\u2026";
  var doneText = (texts && texts.getAttribute("data-done")) || "Verified. You can continue.";
  var encoder = new TextEncoder();
  var chunk = 2000;

  function setBusy(busy) {
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = busy; }
    box.setAttribute("data-state", busy ? "busy" : "done");
    status.textContent = busy ? busyText : doneText;
  }

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      if (b === 0) { bits += 8; continue; }
      var lead = 0;
      while ((b & 0x80) === 0) { lead += 1; b <<= 1; }
      return bits + lead;
    }
    return bits;
  }

  async function search(start) {
    for (var counter = start; counter < start + chunk; counter++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + counter));
      if (zeroBits(new Uint8Array(digest)) >= difficulty) { return counter; }
    }
    return -1;
  }

  async function run() {
    setBusy(true);
    var start = 0;
    for (;;) {
      var found = await search(start);
      if (found >= 0) {
        field.value = challenge + "." + found;
        setBusy(false);
        return;
      }
      start += chunk;
      await new Promise(function (resolve) { setTimeout(resolve, 0); });
    }
  }

  run();
})();
