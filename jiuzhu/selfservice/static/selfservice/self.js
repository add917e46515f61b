// Progressive enhancement of the household step: choosing a township narrows the village
// list to its villages, and choosing a village sets its township. Without JavaScript the
// village list simply shows every township's villages in groups.
document.addEventListener("DOMContentLoaded", () => {
  const town = document.querySelector('select[name="township"]');
  const village = document.querySelector("select[data-village]");
  if (!town || !village) return;
  const narrow = () => {
    for (const group of village.querySelectorAll("optgroup")) {
      const show = !town.value || group.dataset.township === town.value;
      group.hidden = !show;
      group.disabled = !show;
    }
    const chosen = village.selectedOptions[0];
    if (chosen && chosen.parentElement.disabled) village.value = "";
  };
  town.addEventListener("change", narrow);
  village.addEventListener("change", () => {
    const group = village.selectedOptions[0] && village.selectedOptions[0].parentElement;
    if (group && group.dataset.township) town.value = group.dataset.township;
  });
  narrow();
});
