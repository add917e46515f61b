/* 签署核对授权 on a phone or the window's pad: the signature pads are jiuzhu/signature.js;
   this asks the phone for its position once (optional: a refusal signs without it) and
   puts it into every member's form. Plain JavaScript, no library. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("[data-sign-form]");
  if (!forms.length || !("geolocation" in navigator)) { return; }
  navigator.geolocation.getCurrentPosition(function (position) {
    Array.prototype.forEach.call(forms, function (form) {
      form.querySelector("[data-sign-lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[data-sign-lng]").value = position.coords.longitude.toFixed(6);
    });
  }, function () { /* refused or unavailable: the signature is kept without a place */ },
  { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
})();
