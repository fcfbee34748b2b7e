/* Offline cache of the course site. coursebuild/offline.py fills in the file list and version (OSD below).
 *
 * - Install: fetch every file listed below into a cache named after the content version, each
 *   checked against its hash (a file from another deployment fails the install, and the old
 *   version keeps working). Files unchanged since the old version are copied, not downloaded.
 * - A new version waits until the page's "มีเนื้อหาใหม่" button sends SKIP_WAITING, so a session
 *   never mixes old and new pages. Activation deletes the older caches of this site.
 * - Fetch: precached files cache-first ("modules/x/" is "modules/x/index.html"); anything else,
 *   such as handout PDFs, goes to the network untouched.
 */
"use strict";

var OSD = /*osd-offline-info*/{};
var SCOPE = self.registration.scope;
var PREFIX = "osd " + SCOPE + " ";
var CACHE = PREFIX + OSD.version;
var INFO = "offline.json";
var SCOPE_PATH = new URL(SCOPE).pathname;

function urlOf(path) { return new URL(path, SCOPE).href; }

function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

function precachePath(url) {
  if (url.origin !== self.location.origin || url.pathname.indexOf(SCOPE_PATH) !== 0) return null;
  var path;
  try { path = decodeURIComponent(url.pathname.slice(SCOPE_PATH.length)); } catch (e) { return null; }
  if (path === "" || path.slice(-1) === "/") path += "index.html";
  return has(OSD.files, path) || OSD.extras.indexOf(path) >= 0 ? path : null;
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
    return (b < 16 ? "0" : "") + b.toString(16);
  }).join("");
}

function digest(buffer) {
  return crypto.subtle.digest("SHA-256", buffer).then(function (d) { return hex(d).slice(0, 16); });
}

function stored(buffer, type) {
  /* A fresh Response: no redirect or URL of its own, so "modules/x/" stays the page's address. */
  return new Response(buffer, { headers: { "Content-Type": type || "application/octet-stream" } });
}

function tell(message) {
  return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

/* Files of older complete versions, by hash, so an update downloads only what changed. */
function reusable() {
  var found = {};
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; })
      .map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.match(urlOf(INFO)).then(function (res) { return res && res.json(); }).then(function (info) {
            if (!info || !info.files) return;
            Object.keys(info.files).forEach(function (path) {
              if (!has(found, info.files[path])) found[info.files[path]] = { cache: cache, path: path };
            });
          });
        });
      }));
  }).then(function () { return found; }, function () { return found; });
}

function download(path, expected) {
  /* no-cache first (a 304 costs no data); then past any HTTP cache; then past a proxy's cache. */
  var tries = [[urlOf(path), "no-cache"], [urlOf(path), "reload"],
               [urlOf(path) + "?v=" + expected, "reload"]];
  function attempt(i) {
    return fetch(tries[i][0], { cache: tries[i][1], credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error(path + ": HTTP " + res.status);
      var type = res.headers.get("Content-Type");
      return res.arrayBuffer().then(function (buffer) {
        if (expected === null) return stored(buffer, type);
        return digest(buffer).then(function (got) {
          if (got === expected) return stored(buffer, type);
          if (i + 1 < tries.length) return attempt(i + 1);
          throw new Error(path + " is not the version this worker was built for");
        });
      });
    });
  }
  return attempt(0);
}

function copy(source, path, expected) {
  return source.cache.match(urlOf(source.path)).then(function (res) {
    if (!res) return download(path, expected);
    var type = res.headers.get("Content-Type");
    return res.arrayBuffer().then(function (buffer) {
      return digest(buffer).then(function (got) {
        return got === expected ? stored(buffer, type) : download(path, expected);
      });
    });
  });
}

function install() {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(urlOf(INFO)).then(function (complete) {
      /* The same content again (only this script changed): nothing to download or to mix. */
      if (complete) return tell({ type: "osd-offline-ready", version: OSD.version }).then(function () {
        return self.skipWaiting();
      });
      return reusable().then(function (old) {
        var paths = Object.keys(OSD.files), queue = paths.concat(OSD.extras);
        var done = 0, bytes = 0, total = queue.length, stopped = false;
        function next() {
          var path = queue.shift();
          if (path === undefined || stopped) return Promise.resolve();
          var expected = has(OSD.files, path) ? OSD.files[path] : null;
          var got = expected !== null && has(old, expected) ? copy(old[expected], path, expected)
            : download(path, expected);
          if (expected === null) got = got.catch(function () { return null; });  /* sitemap: optional */
          return got.then(function (res) {
            if (!res) return null;
            return res.clone().arrayBuffer().then(function (b) {
              bytes += b.byteLength;
              return cache.put(urlOf(path), res);
            });
          }).then(function () {
            done++;
            tell({ type: "osd-offline-progress", version: OSD.version, done: done, total: total,
                   bytes: bytes, totalBytes: OSD.bytes });
            return next();
          }, function (error) {
            stopped = true;  /* the install has failed: no more downloads for it */
            throw error;
          });
        }
        return Promise.all([next(), next(), next(), next()]).then(function () {
          var info = JSON.stringify(Object.assign({}, OSD, { cached_at: new Date().toISOString() }));
          /* Written last: its presence is what "this version is complete" means. */
          return cache.put(urlOf(INFO), stored(info, "application/json"));
        }).then(function () {
          return tell({ type: "osd-offline-ready", version: OSD.version });
        });
      }).catch(function (error) {
        return caches.delete(CACHE).then(function () {
          tell({ type: "osd-offline-failed", version: OSD.version, message: String(error && error.message) });
          throw error;
        });
      });
    });
  });
}

self.addEventListener("install", function (event) { event.waitUntil(install()); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function status() {
  return caches.open(CACHE).then(function (cache) { return cache.match(urlOf(INFO)); })
    .then(function (res) { return res ? res.json() : null; })
    .then(function (info) {
      return { version: OSD.version, date: OSD.date, bytes: OSD.bytes, complete: !!info,
               cached_at: info ? info.cached_at : null };
    });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  if (data.type === "STATUS" && event.ports[0]) {
    status().then(function (s) { event.ports[0].postMessage(s); });
  }
});

var OFFLINE_PAGE = '<!doctype html><html lang="th"><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1"><title>ไม่มีอินเทอร์เน็ต</title>' +
  '<body style="font-family:sans-serif;line-height:1.7;padding:1.5rem;max-width:36rem">' +
  '<h1 style="font-size:1.4rem">ไม่มีอินเทอร์เน็ต</h1>' +
  '<p>หน้านี้ไม่ได้เก็บไว้อ่านแบบออฟไลน์ (เช่น ไฟล์ PDF) ลองอีกครั้งเมื่อต่ออินเทอร์เน็ตได้</p>' +
  '<p><a href="' + SCOPE + '">กลับหน้าแรกของหลักสูตร</a></p></body></html>';

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  var path = precachePath(url);
  if (path) {
    event.respondWith(caches.open(CACHE).then(function (cache) { return cache.match(urlOf(path)); })
      .then(function (hit) { return hit || fetch(request); }));
  } else if (url.href === urlOf(INFO)) {
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(urlOf(INFO)); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }));
  }
});
