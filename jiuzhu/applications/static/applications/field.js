/* 移动调查 (field kit) on the investigation page: the offline queue, neighbours' signature
   pads, differences of the survey highlighted, video checks, document scanning.

   Offline: a submitted investigation is put in the phone's queue (IndexedDB: its fields,
   photos, videos, scans and signatures, with a submission key made here) and sent to
   data-submit-url when there is a network — at once, when the browser comes back
   online, on every page load and every 30 s. The server records a key once and answers
   the first result to a repeat, so a lost answer or a second tab never makes a second
   record. The service worker (/applications/investigations/sw.js) keeps the page and its files, so it
   reloads without a network. Needs a secure context (HTTPS, or 127.0.0.1/localhost).
   Plain JavaScript, no library. */
(function () {
  "use strict";
  var form = document.getElementById("investigation-form");
  var panel = document.querySelector("[data-field-queue]");
  var DB = "jiuzhu-field", STORE = "queue";
  var STATES = { waiting: "等待网络", sending: "正在上传", sent: "已上传", failed: "未能录入", login: "需重新登录" };

  /* --- the service worker: this page and its files kept for offline use --- */
  function registerWorker() {
    if (!form || !("serviceWorker" in navigator) || !window.isSecureContext) { return; }
    navigator.serviceWorker.register(form.getAttribute("data-sw-url"), { scope: "/applications/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [location.pathname];
        (performance.getEntriesByType("resource") || []).forEach(function (entry) {
          if (entry.name.indexOf(location.origin + "/static/") === 0) { urls.push(entry.name); }
        });
        Array.prototype.forEach.call(document.querySelectorAll("script[src], link[rel=stylesheet]"), function (el) {
          urls.push(el.src || el.href);
        });
        if (registration.active) { registration.active.postMessage({ type: "cache", urls: urls }); }
      }).catch(function () { /* no worker: the page still queues, it only cannot reload offline */ });
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "cached") { document.documentElement.setAttribute("data-offline-ready", "1"); }
    });
  }

  /* --- IndexedDB --- */
  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return tx("readwrite", function (store) { store.put(item); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* --- the visible queue --- */
  function render() {
    if (!panel || !window.indexedDB) { return Promise.resolve(); }
    return all().then(function (items) {
      var pending = items.filter(function (i) { return i.state !== "sent"; });
      var recent = items.filter(function (i) { return i.state !== "sent" || Date.now() - i.sentAt < 86400000; });
      panel.hidden = recent.length === 0;
      panel.querySelector("[data-queue-title]").textContent = "待上传 " + pending.length + " 项";
      panel.querySelector("[data-network-state]").textContent = navigator.onLine ? "在线" : "离线";
      var list = panel.querySelector("[data-queue-items]");
      var template = document.getElementById("queue-item-template");
      list.innerHTML = "";
      recent.sort(function (a, b) { return a.created - b.created; }).forEach(function (item) {
        var node = template.content.cloneNode(true);
        var li = node.querySelector("[data-queue-item]");
        li.setAttribute("data-state", item.state);
        li.querySelector("[data-queue-case]").textContent = item.label;
        var state = li.querySelector("[data-queue-state]");
        state.textContent = STATES[item.state] || item.state;
        state.className = "queue-state " + item.state;
        li.querySelector("[data-queue-detail]").textContent =
          "录入于 " + new Date(item.created).toLocaleString("zh-CN") + (item.message ? "：" + item.message : "");
        var retry = li.querySelector("[data-queue-retry]");
        retry.hidden = item.state === "sent" || item.state === "sending";
        retry.addEventListener("click", function () {
          item.state = "waiting";
          put(item).then(flush);
        });
        var link = li.querySelector("[data-queue-open]");
        if (item.state === "sent" && item.result) { link.href = item.result; link.hidden = false; }
        list.appendChild(node);
      });
      if (form) {
        var mine = items.filter(function (i) { return i.page === location.pathname && i.state !== "failed"; });
        var done = document.querySelector("[data-field-done]");
        form.hidden = mine.length > 0;
        if (done) { done.hidden = mine.length === 0; }
      }
    });
  }

  /* --- sending, once per key --- */
  var flushing = false;
  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      if (pair[1] && typeof pair[1] === "object" && pair[1].blob) { body.append(pair[0], pair[1].blob, pair[1].name); }
      else { body.append(pair[0], pair[1]); }
    });
    body.set("submission_key", item.key);
    var token = document.querySelector("[name=csrfmiddlewaretoken]");  // today's, after a new login
    if (token) { body.set("csrfmiddlewaretoken", token.value); }
    item.state = "sending";
    return put(item).then(render).then(function () {
      return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                               headers: { "X-Requested-With": "fetch", "Accept": "application/json" } });
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve({})).then(function (answer) {
        if (response.ok && (answer.status === "recorded" || answer.status === "replayed")) {
          item.state = "sent"; item.sentAt = Date.now(); item.result = answer.url; item.message = answer.message;
          item.fields = [];  // the files are on the server now
        } else if (response.status === 401 || !json) {  // the login page, not an answer
          item.state = "login"; item.message = answer.message || "登录已过期，请重新登录后重试";
        } else {
          item.state = "failed"; item.message = answer.message || ("HTTP " + response.status);
        }
      });
    }, function () {
      item.state = "waiting"; item.message = "";  // no network: try again later
      retrySoon();  // the network often comes back a moment after the 'online' event
    }).then(function () { return put(item); });
  }
  function flush() {
    if (flushing || !window.indexedDB) { return Promise.resolve(); }
    flushing = true;
    return all().then(function (items) {
      var due = items.filter(function (i) { return i.state === "waiting" || i.state === "sending"; });
      return due.reduce(function (chain, item) {
        return chain.then(function () { return navigator.onLine ? send(item) : null; });
      }, Promise.resolve());
    }).then(function () { flushing = false; return render(); },
            function () { flushing = false; return render(); });
  }
  var retries = 0;
  function retrySoon() {
    if (navigator.onLine && retries < 10) { retries += 1; setTimeout(flush, 2000 * retries); }
  }
  window.addEventListener("online", function () { retries = 0; setTimeout(flush, 500); });
  window.addEventListener("offline", render);
  setInterval(flush, 30000);

  /* --- queue the form instead of posting it --- */
  if (form && window.indexedDB && window.FormData) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }  // the page's own checks refused it
      event.preventDefault();
      var data = new FormData(form);
      data.delete("scans");
      scans.forEach(function (file) { data.append("scans", file, file.name); });
      var fields = [];
      data.forEach(function (value, name) {
        if (value instanceof File) {
          if (value.size) { fields.push([name, { blob: value.slice(0, value.size, value.type), name: value.name }]); }
        } else { fields.push([name, value]); }
      });
      var key = newKey();
      var item = { key: key, url: form.getAttribute("data-submit-url"), page: location.pathname,
                   label: form.getAttribute("data-case") || document.title, created: Date.now(),
                   state: "waiting", message: "", fields: fields };
      put(item).then(render).then(function () {
        if (panel) { panel.scrollIntoView({ block: "start" }); }
        return flush();
      }).then(function () {
        return all();
      }).then(function (items) {
        var mine = items.filter(function (i) { return i.key === key; })[0];
        if (mine && mine.state === "sent" && mine.result) { location.href = mine.result; }
      }).catch(function () {
        form.submit();  // no storage after all: post the page as before
      });
    });
  }

  /* --- neighbours' signature pads (rows are added and removed) --- */
  function pad(box) {
    if (box.getAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "1");
    var canvas = box.querySelector("[data-neighbour-pad]"), input = box.querySelector("[data-neighbour-value]");
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false, last = null;
    function fit() {
      var ratio = window.devicePixelRatio || 1, rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio); canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    }
    function at(e) { var r = canvas.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; }
    canvas.addEventListener("pointerdown", function (e) { e.preventDefault(); drawing = true; last = at(e); drawn = true; });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) { return; }
      var p = at(e); ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke(); last = p;
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      input.value = drawn ? canvas.toDataURL("image/png") : "";
      canvas.classList.toggle("signed", drawn);
    }
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) { canvas.addEventListener(name, end); });
    box.querySelector("[data-neighbour-clear]").addEventListener("click", function () { drawn = false; fit(); input.value = ""; canvas.classList.remove("signed"); });
    fit();
  }
  function pads() { Array.prototype.forEach.call(document.querySelectorAll("[data-neighbour-sign]"), pad); }
  var rows = document.querySelector("[data-neighbour-rows]");
  if (rows && window.MutationObserver) { new MutationObserver(pads).observe(rows, { childList: true }); }
  pads();

  /* --- the survey: what differs from the registry, in red --- */
  var survey = document.querySelector("[data-survey]");
  function differs(row) {
    var input = row.querySelector("[data-survey-input]");
    var declared = row.getAttribute("data-declared"), value = (input.value || "").replace(/[,，\s]/g, "");
    if (input.tagName === "SELECT") { return value !== declared; }
    if (value === "") { return false; }
    return isNaN(Number(value)) || Number(value) !== Number(declared);
  }
  function compare() {
    if (!survey) { return; }
    var count = 0;
    Array.prototype.forEach.call(survey.querySelectorAll("[data-survey-row]"), function (row) {
      var on = differs(row);
      row.classList.toggle("differs", on);
      if (on) { count += 1; }
    });
    survey.querySelector("[data-survey-summary]").textContent =
      count ? "与申报不一致 " + count + " 项（已标红）" : "与申报一致";
  }
  if (survey) { survey.addEventListener("input", compare); survey.addEventListener("change", compare); compare(); }

  /* --- videos: length and size told at once (the server checks again by content) --- */
  var videos = document.querySelector("[data-video-input]");
  if (videos) {
    videos.addEventListener("change", function () {
      var list = document.querySelector("[data-video-list]");
      var maxBytes = Number(videos.getAttribute("data-max-bytes")), maxSeconds = Number(videos.getAttribute("data-max-seconds"));
      list.innerHTML = "";
      var problems = [];
      Array.prototype.forEach.call(videos.files, function (file) {
        var li = document.createElement("li");
        li.textContent = file.name + "（" + (file.size / 1048576).toFixed(1) + " MB）";
        if (file.size > maxBytes) { li.className = "text-danger"; li.textContent += " 超过 " + (maxBytes / 1048576) + " MB"; problems.push(file.name); }
        list.appendChild(li);
        var probe = document.createElement("video");
        probe.preload = "metadata";
        probe.onloadedmetadata = function () {
          URL.revokeObjectURL(probe.src);
          if (isFinite(probe.duration)) {
            li.textContent += " " + Math.round(probe.duration) + " 秒";
            if (probe.duration > maxSeconds + 0.5) { li.className = "text-danger"; li.textContent += "，超过 " + maxSeconds + " 秒"; }
          }
        };
        probe.src = URL.createObjectURL(file);
      });
      if (problems.length) { videos.value = ""; }
    });
  }

  /* --- document scanning: pages taken one after another, kept in order --- */
  var scans = [];
  var scanInput = document.querySelector("[data-scan-input]");
  function showScans() {
    var list = document.querySelector("[data-scan-list]");
    list.innerHTML = "";
    scans.forEach(function (file, index) {
      var li = document.createElement("li");
      li.textContent = "第 " + (index + 1) + " 页 " + file.name + " ";
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "btn btn-link btn-sm p-0"; remove.textContent = "删除";
      remove.addEventListener("click", function () { scans.splice(index, 1); showScans(); });
      li.appendChild(remove);
      list.appendChild(li);
    });
    document.querySelector("[data-scan-count]").textContent =
      scans.length ? "共 " + scans.length + " 页，提交时合成一个 PDF" : "尚未拍摄扫描页";
  }
  if (scanInput) {
    scanInput.addEventListener("change", function () {
      Array.prototype.forEach.call(scanInput.files, function (file) { scans.push(file); });
      scanInput.value = "";
      showScans();
    });
  }

  registerWorker();
  render().then(flush);
})();
