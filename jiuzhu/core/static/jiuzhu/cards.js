/* On a phone, a list's table becomes cards: each cell carries its column's heading
   (data-label), and site.css lays rows out as cards below 576 px. Tables without a <thead>
   (key-value tables) and tables marked .no-cards keep their layout. */
(function () {
  "use strict";
  function label(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      if (table.classList.contains("no-cards") || !table.tHead) { return; }
      var headings = [];
      var head = table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) { return; }
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) { headings.push(th.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
              cell.setAttribute("data-label", headings[column] || "");
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("jz-cards");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
