/* The page's small behaviours without inline handlers (Content-Security-Policy
   script-src 'self'): a button marked data-print prints the page, a select marked
   data-autosubmit submits its form when it changes; a wide table that scrolls sideways can
   be focused and scrolled with the keyboard (WCAG 2.1.1, axe scrollable-region-focusable). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-autosubmit]") : null;
    if (target && target.form) { target.form.submit(); }
  });
  function scrollable(root) {
    var boxes = (root || document).querySelectorAll(".table-responsive:not([tabindex])");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        var heading = caption || box.previousElementSibling;
        var label = heading && heading.textContent ? heading.textContent.trim().slice(0, 60) : "";
        box.setAttribute("aria-label", label || document.title);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scrollable(document); });
  } else { scrollable(document); }
  window.addEventListener("resize", function () { scrollable(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scrollable(event.target); });
})();
