/* 入户调查 on a phone: signature pads, location, photo previews, neighbour rows.
   Plain JavaScript, no library. */
(function () {
  "use strict";
  var form = document.getElementById("investigation-form");
  if (!form) { return; }

  /* signature pads: the shared jiuzhu/signature.js */

  /* --- location: the browser's position, or typed by hand --- */
  var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
  var status = form.querySelector("[data-geo-status]");
  var manual = form.querySelector("[data-geo-manual]");
  var manualLat = form.querySelector("[data-geo-manual-lat]");
  var manualLng = form.querySelector("[data-geo-manual-lng]");
  function show(text, ok) {
    status.textContent = text;
    status.className = "geo-status mb-2 " + (ok ? "text-success" : "text-danger");
  }
  function locate() {
    if (!("geolocation" in navigator)) {
      show("本设备不支持定位，请手动填写经纬度。", false);
      manual.open = true;
      return;
    }
    show("正在定位……", true);
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      manualLat.value = lat.value;
      manualLng.value = lng.value;
      show("已定位：北纬 " + lat.value + "，东经 " + lng.value +
           "（精度约 " + Math.round(position.coords.accuracy || 0) + " 米）", true);
    }, function (error) {
      var reason = error.code === 1 ? "未允许定位" : error.code === 3 ? "定位超时" : "无法获取位置";
      show(reason + "，请重试或手动填写经纬度。", false);
      manual.open = true;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  function typed() {
    lat.value = manualLat.value.trim();
    lng.value = manualLng.value.trim();
    if (lat.value && lng.value) { show("已手动填写：北纬 " + lat.value + "，东经 " + lng.value, true); }
  }
  manualLat.addEventListener("input", typed);
  manualLng.addEventListener("input", typed);
  form.querySelector("[data-geo-locate]").addEventListener("click", locate);
  if (lat.value && lng.value) {
    manualLat.value = lat.value;
    manualLng.value = lng.value;
    show("已定位：北纬 " + lat.value + "，东经 " + lng.value, true);
  } else {
    locate();
  }

  /* --- photos: previews and a count --- */
  var photos = form.querySelector("[data-photo-input]");
  var previews = form.querySelector("[data-photo-previews]");
  var count = form.querySelector("[data-photo-count]");
  photos.addEventListener("change", function () {
    previews.innerHTML = "";
    Array.prototype.forEach.call(photos.files, function (file) {
      var image = document.createElement("img");
      image.alt = file.name;
      image.src = URL.createObjectURL(file);
      previews.appendChild(image);
    });
    count.textContent = photos.files.length ? "已选择 " + photos.files.length + " 张照片" : "尚未选择照片";
  });

  /* --- neighbour visits: add and remove rows --- */
  var rows = form.querySelector("[data-neighbour-rows]");
  var template = document.getElementById("neighbour-template");
  form.querySelector("[data-neighbour-add]").addEventListener("click", function () {
    rows.appendChild(template.content.cloneNode(true));
    var added = rows.lastElementChild;
    added.querySelector("input").focus();
  });
  rows.addEventListener("click", function (event) {
    if (!event.target.matches("[data-neighbour-remove]")) { return; }
    var row = event.target.closest("[data-neighbour-row]");
    if (rows.querySelectorAll("[data-neighbour-row]").length > 1) {
      row.remove();
    } else {
      Array.prototype.forEach.call(row.querySelectorAll("input, textarea"), function (el) { el.value = ""; });
    }
  });

  /* --- check before sending, so the investigator is told at once, in Chinese --- */
  form.addEventListener("submit", function (event) {
    var missing = [];
    Array.prototype.forEach.call(form.querySelectorAll("[data-signature]"), function (box) {
      if (!box.querySelector("[data-signature-value]").value) {
        missing.push(box.querySelector(".form-label").textContent.trim());
        box.querySelector("[data-signature-pad]").classList.add("invalid");
      }
    });
    if (!lat.value || !lng.value) { missing.push("调查地点"); }
    if (!photos.files.length) { missing.push("入户照片"); }
    if (missing.length) {
      event.preventDefault();
      var box = form.querySelector("[data-client-errors]");
      box.textContent = "请先完成：" + missing.join("、");
      box.hidden = false;
      box.scrollIntoView({ block: "center" });
    }
  });
})();
