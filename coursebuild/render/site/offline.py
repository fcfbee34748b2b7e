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

The app icon and favicon are drawn for each course by icons.py.
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

from coursebuild import urls
from coursebuild.icons import short_name, write_icons
from coursebuild.markup import engine_root
from coursebuild.problems import ContentError, Problem
from coursebuild.render.site.docs import TrustedBlocks, front_matter
from coursebuild.source.load import Course
from coursebuild.templates import template_env

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
# Size, date and version of the precache, for the page's "download for offline" control.
OFFLINE_INFO = "offline.json"
THEME_COLOUR = "#17365d"
BUDGET_BYTES = 3 * 1024 * 1024
PROGRESS_PAGE = "progress.md"
OFFLINE_ZIP = "dist/site-offline.zip"

# Precached, but outside the version: MkDocs stamps the build date into the sitemap, which would
# otherwise announce "new content" after every rebuild. It only lists page addresses (Material's
# instant navigation reads it), so an older copy can never mix page content.
UNVERSIONED = ("sitemap.xml",)
_PRECACHE_TOP = ("assets/", "images/", "search/")


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


def is_precached(path: str) -> bool:
    """Whether a site file belongs in the offline cache. PDFs and source maps do not."""
    if path.endswith((".map", ".gz")) or path.startswith(urls.HANDOUT_DIR + "/"):
        return False
    if path.endswith(".html") or path == MANIFEST:
        return True
    return path.startswith(_PRECACHE_TOP)


# Compressed sizes by content digest: compressing every file is most of this step's time, and a
# preview rebuilding on every save changes one or two files.
_GZIP_SIZES: dict[str, int] = {}


def _cached_file(site: Path, path: str) -> CachedFile:
    data = (site / path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    size = _GZIP_SIZES.get(digest)
    if size is None:
        size = _GZIP_SIZES[digest] = len(gzip.compress(data, 6, mtime=0))
    return CachedFile(path, len(data), digest[:16], size)


def collect_precache(site: Path) -> Precache:
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    files = [_cached_file(site, p) for p in paths if p not in UNVERSIONED and is_precached(p)]
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

_INFO_MARKER = "/*osd-offline-info*/{}"


def service_worker_js(root: Path, info: dict) -> str:
    """theme/templates/sw.js with the build's file list and version filled in. Plain JS, no
    modules: it must run in any phone's Chrome. theme/templates/ is never published as is."""
    source = (engine_root(root) / "theme" / "templates" / SERVICE_WORKER).read_text(encoding="utf-8")
    if _INFO_MARKER not in source:
        raise ValueError(f"theme/templates/{SERVICE_WORKER} lost its {_INFO_MARKER} marker")
    return source.replace(_INFO_MARKER, json.dumps(info, ensure_ascii=False, sort_keys=True))


# --- web app manifest and icons ----------------------------------------------------------------

def web_manifest(course: Course, icons: list[dict]) -> dict:
    return {
        "id": "./",
        "name": course.config.title,
        "short_name": short_name(course),
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


def write_offline_files(course: Course, site: Path) -> Precache:
    """Icons, manifest, then the service worker over the final site (it hashes every file)."""
    icons = write_icons(course, site)
    manifest = web_manifest(course, icons)
    (site / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    precache = collect_precache(site)
    info = offline_info(course, precache)
    (site / SERVICE_WORKER).write_text(service_worker_js(course.root, info), encoding="utf-8")
    summary = {k: info[k] for k in ("course", "version", "date", "bytes")}
    (site / OFFLINE_INFO).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return precache


# --- "my progress" page -------------------------------------------------------------------------

def progress_markdown(course: Course, blocks: TrustedBlocks) -> str:
    rows = [{"id": m.id, "number": n, "title": m.meta.title, "quiz": m.id in course.quizzes,
             "href": "../" + (urls.quiz_path(m.id) if m.id in course.quizzes else urls.module_path(m.id))}
            for n, m in enumerate(course.modules, 1)]
    html = template_env(course.root, "templates").get_template("progress.html").render(
        title=course.config.title, rows=rows, quiz_count=len(course.quizzes))
    # Out of search: its words are table headings and this phone's scores, not course content.
    return (front_matter("ความก้าวหน้าของฉัน", search={"exclude": True}) + "# ความก้าวหน้าของฉัน\n\n"
            + blocks.add(html))


def write_progress_page(course: Course, docs: Path, blocks: TrustedBlocks) -> None:
    (docs / PROGRESS_PAGE).write_text(progress_markdown(course, blocks), encoding="utf-8")


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


# The engines' page settings (Material's and Zensical's pages both carry them).
_MATERIAL_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _without_instant_navigation(match: re.Match) -> str:
    config = json.loads(match.group(2))
    config["features"] = [f for f in config.get("features", []) if not f.startswith("navigation.instant")]
    return match.group(1) + json.dumps(config).replace("</", "<\\/") + match.group(3)


def file_page(html: str) -> str:
    """A page of the trainers' copy: folder links made file links, instant navigation off.

    The engines skip instant navigation on file://, but with the feature on they then never
    announce the page (document$), so quiz.js, progress.js and search.js would not start.
    """
    html = _MATERIAL_CONFIG.sub(_without_instant_navigation, html, count=1)
    return _HREF.sub(lambda m: m.group(1) + file_url(m.group(2)) + m.group(3), html)


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
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    return [p for p in paths
            if is_precached(p) or p in UNVERSIONED
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
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target

