/* The page's small behaviours without inline handlers (Content-Security-Policy
   script-src 'self'): a button marked data-print prints the page, a select marked
   data-autosubmit submits its form when it changes. */
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
})();
