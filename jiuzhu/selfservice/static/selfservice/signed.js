/* The review step of the online application: while the adults sign below, the materials
   list says 家庭经济状况核对授权书：已签署（电子签名 n/m） — counted again whenever a pad
   changes (jiuzhu/signature.js fires "change" on its hidden input). Plain JavaScript. */
(function () {
  "use strict";
  var status = document.querySelector("[data-signed-status]");
  var form = document.querySelector("[data-sign-form]");
  if (!status || !form) { return; }
  var total = parseInt(status.getAttribute("data-total"), 10) || 0;
  function count() {
    var signed = 0;
    Array.prototype.forEach.call(form.querySelectorAll("[data-signature-value]"), function (input) {
      if (input.value) { signed += 1; }
    });
    if (signed) {
      status.textContent = status.getAttribute("data-signed-text")
        .replace("%(n)s", String(signed)).replace("%(total)s", String(total));
      status.classList.remove("text-secondary");
    } else {
      status.textContent = status.getAttribute("data-unsigned-text");
      status.classList.add("text-secondary");
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-signature-value")) { count(); }
  });
  count();
})();
