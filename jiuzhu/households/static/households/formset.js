// Household form (家庭登记): add empty rows to the Django formsets; fill a member's birth
// date and sex from their ID number as it is typed; show 元/年 or 元/月 as chosen.
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

  // As the ID number is typed: birth date (unless the worker typed another) and sex.
  var ID = /^\d{17}[\dXx]$/;
  function fromId(input) {
    var number = input.value.trim();
    var sex = document.querySelector('[data-sex-for="' + input.name + '"]');
    var birth = document.getElementsByName(input.name.replace(/id_number$/, "birth_date"))[0];
    var valid = ID.test(number);
    if (sex) sex.value = valid ? (parseInt(number.charAt(16), 10) % 2 ? "男" : "女") : "";
    if (!birth || !valid) return;
    if (birth.value && birth.getAttribute("data-from-id") !== birth.value) return;
    var born = number.slice(6, 10) + "-" + number.slice(10, 12) + "-" + number.slice(12, 14);
    birth.value = born;
    birth.setAttribute("data-from-id", born);
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.name && /-id_number$/.test(input.name)) fromId(input);
  });

  // Amounts per year or per month: every income and expenditure says which.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "amount_period") return;
    var unit = input.value === "month" ? "（元/月）" : "（元/年）";
    document.querySelectorAll("[data-periodic-unit]").forEach(function (span) {
      span.textContent = unit;
    });
    document.querySelectorAll("template").forEach(function (template) {
      template.innerHTML = template.innerHTML.replace(/（元\/[年月]）/g, unit);
    });
  });
  var period = document.querySelector('input[name="amount_period"]:checked');
  if (period) period.dispatchEvent(new Event("change", { bubbles: true }));
})();
