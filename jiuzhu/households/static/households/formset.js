// Household form (家庭登记): add empty rows to the Django formsets, and fill a member's
// birth date from their ID number when it is still blank.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.split("__prefix__").join(String(index))
      .split("__number__").join(String(index + 1));
    var note = rows.querySelector("[data-empty-note]");
    if (note) note.remove();
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = rows.lastElementChild.querySelector("input:not([type=hidden]):not([readonly]), select");
    if (first) first.focus();
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || !/-id_number$/.test(input.name)) return;
    var number = input.value.trim();
    var birth = document.getElementsByName(input.name.replace(/id_number$/, "birth_date"))[0];
    if (!birth || birth.value || !/^\d{17}[\dXx]$/.test(number)) return;
    birth.value = number.slice(6, 10) + "-" + number.slice(10, 12) + "-" + number.slice(12, 14);
  });
})();
