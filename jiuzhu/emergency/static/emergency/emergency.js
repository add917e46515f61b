/* Emergency pages: the checklist's tick boxes and photo previews, plain JavaScript (the
   receipt's signature pad is the shared jiuzhu/signature.js). */
(function () {
  "use strict";

  /* --- checklist: a ticked box shows as ticked (the whole row is the target) --- */
  Array.prototype.forEach.call(document.querySelectorAll(".jn-check input[type=checkbox]"), function (box) {
    var row = box.closest(".jn-check");
    function show() { row.classList.toggle("checked", box.checked); }
    box.addEventListener("change", show);
    show();
  });

  /* --- photos: previews and a count --- */
  Array.prototype.forEach.call(document.querySelectorAll("[data-photo-input]"), function (input) {
    var box = input.closest("section") || document;
    var previews = box.querySelector("[data-photo-previews]");
    var count = box.querySelector("[data-photo-count]");
    input.addEventListener("change", function () {
      if (previews) { previews.innerHTML = ""; }
      Array.prototype.forEach.call(input.files, function (file) {
        if (!previews) { return; }
        var image = document.createElement("img");
        image.alt = file.name;
        image.src = URL.createObjectURL(file);
        previews.appendChild(image);
      });
      if (count) { count.textContent = input.files.length ? "已选择 " + input.files.length + " 张照片" : "尚未选择照片"; }
    });
  });
})();
