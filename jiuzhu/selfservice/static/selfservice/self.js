// Progressive enhancement of the household step: choosing a township leaves only its
// villages in the village list (the other groups are taken out of the list, which also
// works in phones' native pickers, where hidden options still show), and choosing a village
// sets its township. Without JavaScript the village list shows every township's villages in
// groups, and the server checks that the village lies in the township.
document.addEventListener("DOMContentLoaded", () => {
  const town = document.querySelector('select[name="township"]');
  const village = document.querySelector("select[data-village]");
  if (!town || !village) return;
  const groups = Array.from(village.querySelectorAll("optgroup"));
  const groupOf = (value) => groups.find((g) => Array.from(g.children).some((o) => o.value === value));
  const chosen = groupOf(village.value);
  if (chosen && !town.value) town.value = chosen.dataset.township;
  const narrow = () => {
    const keep = village.value;
    for (const group of groups) group.remove();
    for (const group of groups) {
      if (!town.value || group.dataset.township === town.value) village.append(group);
    }
    village.value = Array.from(village.options).some((o) => o.value === keep) ? keep : "";
  };
  town.addEventListener("change", narrow);
  village.addEventListener("change", () => {
    const group = groupOf(village.value);
    if (group && town.value !== group.dataset.township) {
      town.value = group.dataset.township;
      narrow();
    }
  });
  narrow();
});
