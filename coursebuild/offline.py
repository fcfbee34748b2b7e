"""Stage 3b: offline use of the trainee site.

Three outputs, all made from the finished site:

- Service worker and web app manifest (`write_offline_files`, called by render_site after every
  other file of the site is final). site/sw.js precaches every lesson, quiz, asset and the search
  index; its version is a hash of those files' contents, so a new deployment is a new cache,
  installed beside the old one and switched to whole. Each file's own hash is listed too: the
  worker checks what it downloads against it, so a half-uploaded deployment can never be cached
  as a mix of old and new pages. Handout PDFs stay online-only.
- The "my progress" page (`write_progress_page`, called by write_docs): a plain page that
  theme/assets/progress.js fills from the phone's own storage.
- A copy for trainers that opens from file:// (`write_offline_zip`, `build.py site --offline`).

The app icon is theme/icon.svg, drawn into PNGs here with Pillow. The SVG may use only what
`render_icon` understands (rect, circle, polyline, text); anything else fails the build rather
than giving a wrong icon.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import jinja2

from . import urls
from .load import Course
from .markup import engine_root
from .problems import ContentError, Problem

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
# Size, date and version of the precache, for the page's "download for offline" control.
OFFLINE_INFO = "offline.json"
ICON_SOURCE = "theme/icon.svg"
ICON_DIR = "assets/icons"
THEME_COLOUR = "#17365d"
BUDGET_BYTES = 3 * 1024 * 1024
PROGRESS_PAGE = "progress.md"
OFFLINE_ZIP = "dist/site-offline.zip"

# Precached, but outside the version: MkDocs stamps the build date into the sitemap, which would
# otherwise announce "new content" after every rebuild. It only lists page addresses (Material's
# instant navigation reads it), so an older copy can never mix page content.
UNVERSIONED = ("sitemap.xml",)
_PRECACHE_TOP = ("assets/", "images/", "search/")
_LUNR = "assets/javascripts/lunr/"


# --- what the offline cache holds -------------------------------------------------------------

@dataclass(frozen=True)
class CachedFile:
    path: str  # relative to the site root, with forward slashes
    size: int
    digest: str  # first 16 hex digits of SHA-256, as the service worker checks it
    gzip_size: int


@dataclass(frozen=True)
class Precache:
    files: tuple[CachedFile, ...]  # versioned files, sorted by path
    extras: tuple[CachedFile, ...]  # UNVERSIONED files present in the site

    @property
    def version(self) -> str:
        h = hashlib.sha256()
        for f in self.files:
            h.update(f"{f.path}\0{f.digest}\n".encode())
        return h.hexdigest()[:12]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files + self.extras)

    @property
    def gzip_size(self) -> int:
        return sum(f.gzip_size for f in self.files + self.extras)


def search_language_files(site: Path) -> set[str]:
    """The lunr files Material's search worker imports for the index's languages (none for "en")."""
    index = site / "search" / "search_index.json"
    langs = ["en"]
    if index.is_file():
        langs = json.loads(index.read_text(encoding="utf-8")).get("config", {}).get("lang", langs)
    # The same choice as Material's worker (src/.../search/worker/main): wordcut for th and hi.
    names = []
    for lang in langs:
        if lang == "ja":
            names.append("tinyseg.js")
        if lang in ("th", "hi"):
            names.append("wordcut.js")
        if lang != "en":
            names.append(f"min/lunr.{lang}.min.js")
    if len(langs) > 1:
        names.append("min/lunr.multi.min.js")
    if names:
        names.append("min/lunr.stemmer.support.min.js")
    return {_LUNR + n for n in names}


def is_precached(path: str, lunr_files: set[str]) -> bool:
    """Whether a site file belongs in the offline cache. PDFs and source maps do not."""
    if path.endswith((".map", ".gz")) or path.startswith(urls.HANDOUT_DIR + "/"):
        return False
    if path.startswith(_LUNR):
        return path in lunr_files
    if path.endswith(".html") or path == MANIFEST:
        return True
    return path.startswith(_PRECACHE_TOP)


def _cached_file(site: Path, path: str) -> CachedFile:
    data = (site / path).read_bytes()
    return CachedFile(path, len(data), hashlib.sha256(data).hexdigest()[:16], len(gzip.compress(data, 6, mtime=0)))


def collect_precache(site: Path) -> Precache:
    lunr_files = search_language_files(site)
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    files = [_cached_file(site, p) for p in paths if p not in UNVERSIONED and is_precached(p, lunr_files)]
    extras = [_cached_file(site, p) for p in UNVERSIONED if (site / p).is_file()]
    return Precache(tuple(files), tuple(extras))


def content_date(course: Course) -> dt.date:
    """The date shown as "content of": SOURCE_DATE_EPOCH, else the newest content file's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = int(epoch)
    else:
        stamp = max((p.stat().st_mtime for p in course.content_files if p.is_file()), default=0)
    return dt.datetime.fromtimestamp(stamp, dt.timezone(dt.timedelta(hours=7))).date()


def offline_info(course: Course, precache: Precache) -> dict:
    return {
        "course": course.config.id,
        "version": precache.version,
        "date": content_date(course).isoformat(),
        "bytes": precache.size,
        "files": {f.path: f.digest for f in precache.files},
        "extras": [f.path for f in precache.extras],
    }


# --- the service worker -------------------------------------------------------------------------

# Kept here rather than in the theme because the build fills in the file list; everything the
# worker does is in this one file. Plain JS, no modules: it must run in any phone's Chrome.
_SERVICE_WORKER_JS = r"""/* Offline cache of the course site. Generated by coursebuild/offline.py; do not edit.
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
"""

_INFO_MARKER = "/*osd-offline-info*/{}"


def service_worker_js(info: dict) -> str:
    return _SERVICE_WORKER_JS.replace(_INFO_MARKER, json.dumps(info, ensure_ascii=False, sort_keys=True))


# --- web app manifest and icons ----------------------------------------------------------------

def short_name(title: str) -> str:
    """The home-screen label: the abbreviation in the title's brackets, as in "… (อสด.) …"."""
    match = re.search(r"\(([^()]{1,12})\)", title)
    return match.group(1).strip() if match else "อสด."


def web_manifest(course: Course, icons: list[dict]) -> dict:
    return {
        "id": "./",
        "name": course.config.title,
        "short_name": short_name(course.config.title),
        "description": f"บทเรียนและแบบทดสอบ {course.config.title} อ่านได้แม้ไม่มีอินเทอร์เน็ต",
        "lang": "th",
        "dir": "ltr",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }


class IconError(ValueError):
    pass


_SVG = "{http://www.w3.org/2000/svg}"


def _num(element: ElementTree.Element, name: str, default: float | None = None) -> float:
    value = element.get(name)
    if value is None:
        if default is None:
            raise IconError(f"<{element.tag.removeprefix(_SVG)}> needs {name}=")
        return default
    return float(value.removesuffix("px"))


def render_icon(svg: str, size: int, maskable: bool = False):
    """Draw our icon SVG (a small subset of SVG) as a square PNG image of `size` pixels.

    Maskable icons (Android crops them to any shape) get a full-bleed background and the drawing
    shrunk to the central 80%, the safe zone.
    """
    from PIL import Image, ImageColor, ImageDraw, ImageFont

    from .pdf import sarabun_dir

    root = ElementTree.fromstring(svg)
    box = [float(v) for v in root.get("viewBox", "0 0 512 512").split()]
    if len(box) != 4 or box[2] != box[3]:
        raise IconError("the icon needs a square viewBox, e.g. viewBox=\"0 0 512 512\"")
    ss = 4  # supersampling, for smooth edges after the downscale
    canvas = size * ss
    unit = canvas / box[2]
    shrink = 0.8 if maskable else 1.0
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    elements = [e for e in root if e.tag.removeprefix(_SVG) not in ("title", "desc")]

    def xy(x: float, y: float) -> tuple[float, float]:
        cx = (x - box[0] - box[2] / 2) * shrink + box[2] / 2
        cy = (y - box[1] - box[3] / 2) * shrink + box[3] / 2
        return cx * unit, cy * unit

    def length(v: float) -> float:
        return v * unit * shrink

    def colour(element: ElementTree.Element, name: str):
        value = element.get(name, "none" if name == "stroke" else "#000000")
        return None if value == "none" else ImageColor.getrgb(value)

    if maskable:
        first = elements[0] if elements else None
        if first is None or first.tag.removeprefix(_SVG) != "rect":
            raise IconError("a maskable icon needs a background <rect> as the first shape")
        draw.rectangle((0, 0, canvas, canvas), fill=colour(first, "fill"))
        elements = elements[1:]

    for element in elements:
        tag = element.tag.removeprefix(_SVG)
        fill, stroke = colour(element, "fill"), colour(element, "stroke")
        width = length(_num(element, "stroke-width", 1)) if stroke else 0
        if tag == "rect":
            x0, y0 = xy(_num(element, "x", 0), _num(element, "y", 0))
            x1, y1 = x0 + length(_num(element, "width")), y0 + length(_num(element, "height"))
            draw.rounded_rectangle((x0, y0, x1, y1), radius=length(_num(element, "rx", 0)), fill=fill,
                                   outline=stroke, width=round(width))
        elif tag == "circle":
            cx, cy = xy(_num(element, "cx"), _num(element, "cy"))
            r = length(_num(element, "r"))
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=stroke, width=round(width))
        elif tag == "polyline":
            numbers = [float(n) for n in re.split(r"[\s,]+", element.get("points", "").strip()) if n]
            points = [xy(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
            draw.line(points, fill=stroke, width=round(width), joint="curve")
            if element.get("stroke-linecap") == "round":
                for px, py in (points[0], points[-1]):
                    draw.ellipse((px - width / 2, py - width / 2, px + width / 2, py + width / 2), fill=stroke)
        elif tag == "text":
            weight = "Bold" if element.get("font-weight") in ("bold", "700", "800") else "Regular"
            font = ImageFont.truetype(str(sarabun_dir() / f"Sarabun-{weight}.ttf"),
                                      round(length(_num(element, "font-size"))))
            anchor = {"middle": "ms", "end": "rs"}.get(element.get("text-anchor", ""), "ls")
            draw.text(xy(_num(element, "x", 0), _num(element, "y", 0)), (element.text or "").strip(),
                      font=font, fill=fill, anchor=anchor)
        else:
            raise IconError(f"<{tag}> is not supported in {ICON_SOURCE}; use rect, circle, polyline or text")
    return image.resize((size, size), Image.LANCZOS)


def write_icons(course: Course, site: Path) -> list[dict]:
    """PNG icons from theme/icon.svg; returns the manifest's icon list."""
    from PIL import Image

    source = engine_root(course.root) / ICON_SOURCE
    try:
        svg = source.read_text(encoding="utf-8")
        variants = [(192, False), (512, False), (512, True), (180, True)]
        images = {(size, maskable): render_icon(svg, size, maskable) for size, maskable in variants}
    except (OSError, ElementTree.ParseError, IconError) as exc:
        raise ContentError([Problem(ICON_SOURCE, 0, 0, "icon", f"cannot draw the app icon: {exc}",
                                    "keep theme/icon.svg to rect, circle, polyline and text shapes")]) from exc
    (site / ICON_DIR).mkdir(parents=True, exist_ok=True)
    (site / ICON_DIR / "icon.svg").write_text(svg, encoding="utf-8")
    icons = []
    for (size, maskable), image in images.items():
        name = f"icon-{'maskable-' if maskable else ''}{size}.png"
        # A 256-colour palette keeps the smooth edges at a quarter of the bytes.
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(site / ICON_DIR / name, optimize=True)
        if size != 180:  # 180 px is the iPhone's apple-touch-icon, linked from the page
            icons.append({"src": f"{ICON_DIR}/{name}", "sizes": f"{size}x{size}", "type": "image/png",
                          "purpose": "maskable" if maskable else "any"})
    icons.append({"src": f"{ICON_DIR}/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
    return icons


def write_offline_files(course: Course, site: Path) -> Precache:
    """Icons, manifest, then the service worker over the final site (it hashes every file)."""
    icons = write_icons(course, site)
    manifest = web_manifest(course, icons)
    (site / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    precache = collect_precache(site)
    info = offline_info(course, precache)
    (site / SERVICE_WORKER).write_text(service_worker_js(info), encoding="utf-8")
    summary = {k: info[k] for k in ("course", "version", "date", "bytes")}
    (site / OFFLINE_INFO).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return precache


# --- "my progress" page -------------------------------------------------------------------------

_PROGRESS_TEMPLATE = """\
<div class="osd-progress" data-osd-progress data-course-title="{{ title }}">
<p class="osd-progress__note">คะแนนแบบทดสอบเก็บไว้ในเครื่องนี้เท่านั้น หน้านี้เป็น<strong>บันทึกเพื่อทบทวนตนเอง ไม่ใช่เอกสารรับรอง</strong> ใครก็แก้ไขได้ จึงใช้ยืนยันผลการอบรมอย่างเป็นทางการไม่ได้</p>
<p class="osd-progress__count" data-progress-count>ผ่านแล้ว 0 จาก {{ quiz_count }} แบบทดสอบ</p>
<table class="osd-progress__table">
<thead><tr><th scope="col">บทเรียน</th><th scope="col">คะแนนสูงสุด</th><th scope="col">ผล</th></tr></thead>
<tbody>
{%- for row in rows %}
<tr data-progress-row="{{ row.id }}"{% if not row.quiz %} data-no-quiz{% endif %}>
<th scope="row"><a href="{{ row.href }}">{{ row.number }}. {{ row.title }}</a></th>
{%- if row.quiz %}
<td data-cell="score">–</td>
<td data-cell="result">ยังไม่ได้ทำ</td>
{%- else %}
<td colspan="2">ไม่มีแบบทดสอบ</td>
{%- endif %}
</tr>
{%- endfor %}
</tbody>
</table>
<noscript><p>หน้านี้ต้องเปิด JavaScript จึงจะแสดงคะแนนได้</p></noscript>
<p class="osd-progress__actions">
<label class="osd-progress__name">ชื่อผู้เรียน (ไม่บังคับ แสดงในหน้าสรุป) <input type="text" autocomplete="name" data-progress-name maxlength="60"></label>
<button type="button" class="md-button md-button--primary" data-progress-summary-open>แสดงสรุปเต็มจอให้วิทยากรดู</button>
</p>
<h2 id="transfer">ย้ายความก้าวหน้าไปเครื่องอื่น</h2>
<p>สร้างรหัสบนเครื่องเดิม แล้วพิมพ์หรือวางรหัสบนเครื่องใหม่ หรือสแกนคิวอาร์โค้ดด้วยกล้องของเครื่องใหม่ คะแนนที่ดีกว่าจะถูกเก็บไว้</p>
<p><button type="button" class="md-button" data-progress-export>สร้างรหัสความก้าวหน้า</button></p>
<div class="osd-progress__export" data-progress-export-box hidden>
<label>รหัสความก้าวหน้า <input type="text" readonly data-progress-code></label>
<button type="button" class="md-button" data-progress-copy>คัดลอกรหัส</button>
<div class="osd-progress__qr" data-progress-qr></div>
</div>
<h3 id="import">นำเข้าจากเครื่องเดิม</h3>
<p><label>รหัสจากเครื่องเดิม <input type="text" data-progress-import-code autocomplete="off" autocapitalize="characters" spellcheck="false"></label>
<button type="button" class="md-button" data-progress-import>นำเข้า</button></p>
<p class="osd-progress__status" data-progress-import-status role="status"></p>
</div>
"""


def progress_markdown(course: Course) -> str:
    rows = [{"id": m.id, "number": n, "title": m.meta.title, "quiz": m.id in course.quizzes,
             "href": "../" + (urls.quiz_path(m.id) if m.id in course.quizzes else urls.module_path(m.id))}
            for n, m in enumerate(course.modules, 1)]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.from_string(_PROGRESS_TEMPLATE).render(
        title=course.config.title, rows=rows, quiz_count=len(course.quizzes))
    # Python-Markdown ends a raw HTML block at a blank line; keep the block in one piece.
    html = "\n".join(line for line in html.split("\n") if line.strip())
    # Out of search: its words are table headings and this phone's scores, not course content.
    return ('---\ntitle: "ความก้าวหน้าของฉัน"\nsearch:\n  exclude: true\n---\n\n# ความก้าวหน้าของฉัน\n\n'
            + html + "\n")


def write_progress_page(course: Course, docs: Path) -> None:
    (docs / PROGRESS_PAGE).write_text(progress_markdown(course), encoding="utf-8")


# --- the trainers' copy that opens from file:// -------------------------------------------------

_HREF = re.compile(r'(\shref=")([^"]*)(")')
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.I)


def file_url(href: str) -> str:
    """A link as it must be on file://: a folder means its index.html ("../x/" → "../x/index.html")."""
    if not href or _EXTERNAL.match(href):
        return href
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    path, rest = href[:cut], href[cut:]
    if path == "":
        return href
    if path.endswith("/"):
        path += "index.html"
    elif path.rsplit("/", 1)[-1] in (".", ".."):
        path += "/index.html"
    return path + rest


_MATERIAL_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _without_instant_navigation(match: re.Match) -> str:
    config = json.loads(match.group(2))
    config["features"] = [f for f in config.get("features", []) if not f.startswith("navigation.instant")]
    return match.group(1) + json.dumps(config).replace("</", "<\\/") + match.group(3)


def file_page(html: str) -> str:
    """A page of the trainers' copy: folder links made file links, instant navigation off.

    Material skips instant navigation on file://, but with the feature on it then never announces
    the page (document$), so quiz.js and progress.js would not start.
    """
    html = _MATERIAL_CONFIG.sub(_without_instant_navigation, html, count=1)
    return _HREF.sub(lambda m: m.group(1) + file_url(m.group(2)) + m.group(3), html)


def file_search_index(index_json: str) -> str:
    """search/search_index.js: Material reads `__index` from it on file:// (no fetch there)."""
    index = json.loads(index_json)
    for doc in index.get("docs", []):
        # Locations are relative to the site root, where "" and "#modules" mean the home page.
        doc["location"] = file_url("./" + doc.get("location", "")).removeprefix("./")
    return "var __index = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"


_README = """\
{title} — ฉบับออฟไลน์สำหรับวิทยากร

1. แตกไฟล์ zip นี้ไว้ในเครื่อง
2. เปิดไฟล์ index.html ในโฟลเดอร์ {folder} ด้วย Chrome, Edge หรือ Firefox
3. ใช้ได้โดยไม่ต้องต่ออินเทอร์เน็ต: บทเรียน แบบทดสอบ การค้นหา และเอกสาร PDF

คะแนนแบบทดสอบเก็บไว้ในเบราว์เซอร์ของเครื่องนี้เท่านั้น เป็นบันทึกเพื่อทบทวนตนเอง ไม่ใช่เอกสารรับรอง
เนื้อหาฉบับวันที่ {date} (รุ่น {version})
"""


def offline_zip_files(site: Path) -> list[str]:
    """What the trainers' copy holds: what the phone caches, plus the handout PDFs."""
    lunr_files = search_language_files(site)
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    return [p for p in paths
            if is_precached(p, lunr_files) or p in UNVERSIONED
            or (p.startswith(urls.HANDOUT_DIR + "/") and p.endswith(".pdf"))]


def write_offline_zip(course: Course, root: Path) -> Path:
    """dist/site-offline.zip from the built site/: unzip anywhere and open index.html."""
    site = root / "site"
    if not (site / "index.html").is_file():
        raise ContentError([Problem("site/index.html", 0, 0, "no-site", "the site has not been built",
                                    "run: python build.py site --offline")])
    folder = f"{course.config.id}-offline"
    info = json.loads((site / OFFLINE_INFO).read_text(encoding="utf-8")) if (site / OFFLINE_INFO).is_file() else {}
    date = info.get("date", content_date(course).isoformat())
    stamp = tuple(int(x) for x in date.split("-")) + (0, 0, 0)
    target = root / OFFLINE_ZIP
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)  # same input, same zip
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        zf.writestr(entry, data)

    try:
        with zipfile.ZipFile(partial, "w") as zf:
            # An ASCII name and a BOM with CRLF: old Windows unzippers and Notepad still show Thai.
            readme = _README.format(title=course.config.title, folder=folder, date=date, version=info.get("version", "-"))
            add(zf, "README.txt", readme.replace("\n", "\r\n").encode("utf-8-sig"))
            for path in offline_zip_files(site):
                data = (site / path).read_bytes()
                if path.endswith(".html"):
                    data = file_page(data.decode("utf-8")).encode("utf-8")
                add(zf, path, data)
                if path == "search/search_index.json":
                    add(zf, "search/search_index.js", file_search_index(data.decode("utf-8")).encode("utf-8"))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target

