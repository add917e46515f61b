/* Signature pads (签名板) of the phone pages — the home investigation, the emergency
   receipt: pointer events on <canvas>, kept as a PNG data URL in the hidden input.
   Markup: [data-signature] > canvas[data-signature-pad] + input[data-signature-value]
   + button[data-signature-clear]; [data-signature-required] refuses an unsigned submit
   and shows [data-signature-error]. Plain JavaScript, no library. */
(function () {
  "use strict";

  /* --- signature pads: pointer events on <canvas>, exported as PNG data URLs --- */
  function SignaturePad(box) {
    var canvas = box.querySelector("[data-signature-pad]");
    var input = box.querySelector("[data-signature-value]");
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
    }
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }
    function save() {
      input.value = drawn ? canvas.toDataURL("image/png") : "";
      canvas.classList.toggle("signed", drawn);
      if (drawn) { canvas.classList.remove("invalid"); }
      input.dispatchEvent(new Event("change", { bubbles: true }));  // e.g. selfservice/signed.js
    }
    function restore() {
      if (!input.value || input.value.indexOf("data:image/png;base64,") !== 0) { return; }
      var image = new Image();
      image.onload = function () {
        var rect = canvas.getBoundingClientRect();
        ctx.drawImage(image, 0, 0, rect.width, rect.height);
        drawn = true;
        canvas.classList.add("signed");
      };
      image.src = input.value;
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* synthetic */ } }
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fillStyle = "#111";
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      save();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    box.querySelector("[data-signature-clear]").addEventListener("click", function () {
      drawn = false;
      fit();
      save();
    });
    // A pad inside a closed <details> has no size yet: fit it when it opens.
    var details = box.closest("details");
    if (details) {
      details.addEventListener("toggle", function () { if (details.open && !drawn) { fit(); restore(); } });
    }
    fit();
    restore();
    var form = box.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!input.value && box.hasAttribute("data-signature-required")) {
          event.preventDefault();
          canvas.classList.add("invalid");
          var error = box.querySelector("[data-signature-error]");
          if (error) { error.hidden = false; }
          canvas.scrollIntoView({ block: "center" });
        }
      });
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-signature]"), SignaturePad);
})();
