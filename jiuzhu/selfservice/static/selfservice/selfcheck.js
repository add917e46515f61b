// Progressive enhancement of 我能申请吗: choosing how many people live together shows that
// many member boxes at once (without JavaScript, the "确定人数" button asks the server).
// Hidden boxes are disabled too, so what they hold is not sent.
document.addEventListener("DOMContentLoaded", () => {
  const size = document.querySelector('select[name="size"]');
  const boxes = Array.from(document.querySelectorAll("fieldset[data-member]"));
  const button = document.querySelector("[data-size-button]");
  if (size && boxes.length) {
    if (button) button.hidden = true;
    const show = () => {
      const n = parseInt(size.value, 10) || 1;
      for (const box of boxes) {
        const on = parseInt(box.dataset.member, 10) < n;
        box.hidden = !on;
        box.disabled = !on;
      }
    };
    size.addEventListener("change", show);
    show();
  }
  const result = document.getElementById("result");
  if (result) result.focus();
});
