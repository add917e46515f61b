// 一门受理: show an item's materials checklist and scans only while the item is chosen.
(function () {
  "use strict";
  document.querySelectorAll(".intake-item-check").forEach(function (box) {
    box.addEventListener("change", function () {
      var panel = document.querySelector('.intake-materials[data-item="' + box.value + '"]');
      if (!panel) { return; }
      panel.hidden = !box.checked;
      if (box.checked) {
        panel.querySelectorAll('input[type="checkbox"]').forEach(function (m) { m.checked = true; });
      }
    });
  });
})();
