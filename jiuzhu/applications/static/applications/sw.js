/* 移动调查 service worker, served as /applications/investigations/sw.js (scope /applications/).
   Keeps the investigation pages (入户调查, 我的调查) and their assets so that a page once
   opened reloads without a network: pages and static files network first, the cached
   copy when offline. The page tells the worker what it loaded ("cache" message).
   Never touches a POST: the page's queue (field.js) sends the investigations itself. */
"use strict";
var CACHE = "jiuzhu-field-v2";
var PAGES = /\/applications\/(\d+\/investigate\/|investigations\/)$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("jiuzhu-field-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function sameOrigin(url) { return new URL(url, self.location.href).origin === self.location.origin; }

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) { return; }
  var urls = data.urls.filter(sameOrigin);
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok) { return cache.put(url, response); }
        return null;
      }).catch(function () { return null; });
    }));
  }).then(function () {
    if (event.source) { event.source.postMessage({ type: "cached", count: urls.length }); }
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !sameOrigin(request.url)) { return; }
  var url = new URL(request.url);
  if (request.mode === "navigate" && PAGES.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.origin + url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.origin + url.pathname).then(function (cached) {
        return cached || new Response("<!doctype html><meta charset=utf-8><title>离线</title>" +
          "<p>当前没有网络，此页面尚未在本机保存。请恢复网络后再打开。</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    // network first as well: an updated script is used at once; the copy serves offline
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (cached) {
        return cached || new Response("", { status: 503 });
      });
    }));
  }
});
