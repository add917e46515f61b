// 一门受理: show an item's materials checklist and scans only while the item is chosen.
// Nothing is ticked for the worker: each material is ticked 原件已核验 when its paper
// original was seen, or gets a scan; what has neither goes on the receipt (一次性告知).
(function () {
  "use strict";
  document.querySelectorAll(".intake-item-check").forEach(function (box) {
    box.addEventListener("change", function () {
      var panel = document.querySelector('.intake-materials[data-item="' + box.value + '"]');
      if (!panel) { return; }
      panel.hidden = !box.checked;
    });
  });
})();
