// 大处方: keep the sticky bar's count of ticked items, disable the button when none is
// ticked, open or fold every department at once, and open every department for printing.
(function () {
  "use strict";
  var form = document.querySelector('[data-testid="prescription-form"]');
  if (!form) return;
  var count = form.querySelector("[data-rx-count]");
  var button = form.querySelector('[data-testid="intake-together"]');
  function update() {
    var n = form.querySelectorAll('input[name="items"]:checked').length;
    if (count) count.textContent = String(n);
    if (button) button.disabled = n === 0;
  }
  form.addEventListener("change", update);
  form.addEventListener("click", function (event) {
    var more = event.target.closest("[data-rx-more]");
    if (more) { more.closest("details.rx-group").classList.add("rx-all"); return; }
    var toggle = event.target.closest("[data-rx-toggle]");
    if (!toggle) return;
    var open = toggle.getAttribute("data-rx-toggle") === "open";
    form.querySelectorAll("details.rx-group").forEach(function (d) { d.open = open; });
  });
  window.addEventListener("beforeprint", function () {
    form.querySelectorAll("details.rx-group").forEach(function (d) { d.open = true; });
  });
  update();
})();
