"""Offline support without a browser: what the service worker caches, its version, the manifest
and icons, the progress page, and the trainers' file:// zip."""
from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from conftest import build, copy_course
from PIL import Image

from coursebuild import icons
from coursebuild.problems import ContentError
from coursebuild.render.site.offline import (
    BUDGET_BYTES,
    collect_precache,
    file_url,
    is_precached,
)
from coursebuild.render.site.search_index import read_search_index

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory, site_engine) -> Path:
    """The minimal course built with `site --offline`, with a handout PDF carried over."""
    root = copy_course("minimal", tmp_path_factory.mktemp(f"offline-{site_engine}"))
    (root / "site" / "handouts").mkdir(parents=True)
    (root / "site" / "handouts" / "first-steps.pdf").write_bytes(b"%PDF-1.7 handout")
    assert build(root, "site", "--offline", engine=site_engine) == 0
    return root


def worker_info(site: Path) -> dict:
    text = (site / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^var OSD = (\{.*\});$", text, re.M).group(1))


def test_worker_lists_every_page_and_the_search_index_but_no_pdf(built):
    site = built / "site"
    files = worker_info(site)["files"]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages <= set(files), pages - set(files)
    for needed in ("search/index.js", "assets/search.js", "assets/search-engine.js",
                   "assets/quiz.js", "assets/offline.js", "assets/progress.js",
                   "manifest.webmanifest", "assets/icons/icon-192.png", "progress/index.html"):
        assert needed in files
    assert (site / "handouts" / "first-steps.pdf").is_file()  # carried over, and still online-only
    assert not [f for f in files if f.endswith((".pdf", ".map")) or f.startswith("handouts/")]
    # The engines' own search (worker, lunr and its 677 KB Thai wordcut) is off: not even on the site.
    engine_search = [p.relative_to(site).as_posix() for p in site.rglob("*")
                     if "lunr" in p.name or "workers" in p.parts or p.name in ("search_index.json", "search.json")]
    assert engine_search == []


def test_worker_hashes_match_the_files_it_will_download(built):
    import hashlib

    site = built / "site"
    info = worker_info(site)
    for path, digest in info["files"].items():
        assert hashlib.sha256((site / path).read_bytes()).hexdigest()[:16] == digest, path
    assert info["bytes"] == sum((site / p).stat().st_size for p in list(info["files"]) + info["extras"])
    assert json.loads((site / "offline.json").read_text())["version"] == info["version"]


def test_precache_rules():
    assert is_precached("search/index.js")
    assert is_precached("verify/index.html")
    assert not is_precached("handouts/course-book.pdf")
    assert not is_precached("handouts/index.html")
    assert not is_precached("assets/javascripts/bundle.js.map")
    assert not is_precached("sitemap.xml.gz")
    assert not is_precached("print/print.css")  # WeasyPrint's stylesheet, not the site's


def test_version_follows_content_and_ignores_the_sitemap_date(built, tmp_path, site_engine):
    site = built / "site"
    before = collect_precache(site).version
    sitemap = site / "sitemap.xml"
    saved = sitemap.read_text(encoding="utf-8")
    sitemap.write_text(re.sub(r"<lastmod>[^<]*</lastmod>", "<lastmod>2031-01-01</lastmod>", saved), encoding="utf-8")
    try:
        assert collect_precache(site).version == before
    finally:
        sitemap.write_text(saved, encoding="utf-8")

    root = copy_course("minimal", tmp_path / "changed")
    lesson = root / "course" / "modules" / "fake-news.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nย่อหน้าใหม่\n", encoding="utf-8")
    assert build(root, "site", engine=site_engine) == 0
    assert collect_precache(root / "site").version != before


def test_rebuilding_the_same_content_gives_the_same_worker(built, tmp_path, site_engine):
    first = (built / "site" / "sw.js").read_text(encoding="utf-8")
    root = copy_course("minimal", tmp_path / "again")
    for source in (built / "course").rglob("*"):  # the same dates as well as the same text
        target = root / source.relative_to(built)
        if source.is_file():
            target.write_bytes(source.read_bytes())
            os.utime(target, (source.stat().st_atime, source.stat().st_mtime))
    assert build(root, "site", engine=site_engine) == 0
    assert (root / "site" / "sw.js").read_text(encoding="utf-8") == first


def test_manifest_has_thai_names_our_icons_and_the_theme_colour(built):
    site = built / "site"
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "หลักสูตรทดสอบขั้นต่ำ"
    assert manifest["short_name"] == "ทดสอบ"  # course.yml short_name
    assert manifest["lang"] == "th" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#17365d" and manifest["start_url"] == "./"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert (site / icon["src"]).is_file(), icon
    index = (site / "index.html").read_text(encoding="utf-8")
    # MkDocs writes "x", Zensical "./x": the same address. Scripts are deferred: no wait before the first paint.
    assert re.search(r'rel="manifest" href="(\./)?manifest\.webmanifest"', index)
    assert re.search(r'<script src="(\./)?assets/offline\.js" defer></script>', index)


def _course(tmp_path, fixture="minimal", **config):
    import dataclasses

    from coursebuild.source.load import load_course

    course, _ = load_course(copy_course(fixture, tmp_path / fixture))
    return dataclasses.replace(course, config=dataclasses.replace(course.config, **config))


def test_short_name_comes_from_course_yml_else_the_title_brackets_else_the_id(tmp_path):
    course = _course(tmp_path)
    assert icons.short_name(course) == "ทดสอบ"  # the minimal fixture's course.yml sets it
    assert icons.short_name(_course(tmp_path, short_name="", title="การพัฒนา (อสม.) ประจำหมู่บ้าน")) == "อสม."
    bare = _course(tmp_path, short_name="", title="หลักสูตรไม่มีวงเล็บ")
    assert icons.short_name(bare) == bare.config.id[:12]


def _near(pixel, rgb, tolerance=4) -> bool:
    """The 256-colour palette may move a colour by a step or two."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb))


def _png(data: bytes):
    import io

    return Image.open(io.BytesIO(data)).convert("RGBA")


def test_icon_is_drawn_from_the_template_with_the_course_name(tmp_path):
    svg = icons.icon_svg(_course(tmp_path, short_name="อสด."))
    assert ">อสด.</text>" in svg
    icon = _png(icons.rasterise(svg, 192))
    assert icon.size == (192, 192)
    assert _near(icon.getpixel((96, 10)), (23, 54, 93))  # the navy background, #17365d
    assert icon.getpixel((0, 0))[3] == 0  # rounded corner: transparent
    assert _near(icon.getpixel((96, 58)), (242, 182, 50))  # the gold tick circle
    text_row = [icon.getpixel((x, 165)) for x in range(40, 152)]
    assert any(_near(p, (255, 255, 255)) for p in text_row)  # the Thai name is drawn in white near the bottom
    # Maskable: full-bleed background, the drawing inside the safe zone.
    mask = _png(icons.rasterise(icons.maskable(svg), 512))
    assert _near(mask.getpixel((0, 0)), (23, 54, 93)) and mask.getpixel((0, 0))[3] >= 250  # opaque corner
    # Another course's name gives another icon: nothing of the sample course is baked in.
    other = icons.icon_svg(_course(tmp_path, short_name="อสม."))
    assert ">อสม.</text>" in other and "อสด" not in other
    assert icons.rasterise(other, 192) != icons.rasterise(svg, 192)


def test_a_name_is_escaped_in_the_icon(tmp_path):
    from xml.etree import ElementTree

    svg = icons.icon_svg(_course(tmp_path, short_name="<b>&x"))
    assert ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text == "<b>&x"


def test_a_broken_icon_template_fails_the_build_with_its_path(tmp_path, monkeypatch):
    engine = tmp_path / "engine"
    (engine / "theme" / "templates").mkdir(parents=True)
    (engine / "theme" / "templates" / "icon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="1"/></svg>')
    from coursebuild import templates

    monkeypatch.setattr(templates, "engine_root", lambda _root: engine)
    with pytest.raises(ContentError) as err:
        icons.write_icons(_course(tmp_path), tmp_path / "site")
    problem = err.value.problems[0]
    assert problem.path == icons.ICON_TEMPLATE and "background" in problem.message


def test_progress_page_lists_every_module_and_says_it_is_a_self_check(built):
    html = (built / "site" / "progress" / "index.html").read_text(encoding="utf-8")
    assert "ความก้าวหน้าของฉัน" in html
    assert 'data-progress-row="first-steps"' in html and 'data-progress-row="fake-news"' in html
    assert 'href="../quiz/first-steps/"' in html
    assert "บันทึกเพื่อทบทวนตนเอง ไม่ใช่เอกสารรับรอง" in html
    index = read_search_index(built / "site")
    assert "progress/" not in [page["u"] for page in index["pages"]]


@pytest.mark.parametrize(("href", "expected"), [
    ("modules/x/", "modules/x/index.html"),
    ("../fake-news/#check", "../fake-news/index.html#check"),
    ("../..", "../../index.html"),
    ("./", "./index.html"),
    (".", "./index.html"),
    ("..?q=1", "../index.html?q=1"),
    ("#top", "#top"),
    ("https://example.org/x/", "https://example.org/x/"),
    ("mailto:a@b.c", "mailto:a@b.c"),
    ("../../assets/osd.css", "../../assets/osd.css"),
    ("../../handouts/first-steps.pdf", "../../handouts/first-steps.pdf"),
])
def test_file_url_opens_folders_as_index_html(href, expected):
    assert file_url(href) == expected


def test_offline_zip_holds_rewritten_pages_search_script_and_pdfs(built):
    with zipfile.ZipFile(built / "dist" / "site-offline.zip") as zf:
        names = set(zf.namelist())
        assert "minimal-offline/index.html" in names
        assert "minimal-offline/handouts/first-steps.pdf" in names
        assert "minimal-offline/sw.js" not in names
        assert {"minimal-offline/search/index.js", "minimal-offline/assets/search-engine.js"} <= names
        lesson = zf.read("minimal-offline/modules/first-steps/index.html").decode("utf-8")
    assert 'href="../fake-news/index.html"' in lesson and 'href="../../quiz/first-steps/index.html"' in lesson
    assert not re.search(r'href="(?:\.\.?/)*[^":#?]*/"', lesson), "a folder link is left"
    assert '"navigation.instant"' not in lesson
    # The real site is untouched.
    assert 'href="../fake-news/"' in (built / "site" / "modules" / "first-steps" / "index.html").read_text(
        encoding="utf-8")


def test_offline_zip_is_the_same_for_the_same_site(built, tmp_path):
    from coursebuild.render.site.offline import write_offline_zip
    from coursebuild.source.load import load_course

    first = (built / "dist" / "site-offline.zip").read_bytes()
    course, _ = load_course(built)
    assert write_offline_zip(course, built).read_bytes() == first


def test_offline_zip_without_a_site_is_a_problem_not_a_traceback(tmp_path):
    from coursebuild.render.site.offline import write_offline_zip
    from coursebuild.source.load import load_course

    root = copy_course("minimal", tmp_path / "course")
    course, _ = load_course(root)
    with pytest.raises(ContentError):
        write_offline_zip(course, root)


def test_minimal_course_cache_is_far_under_budget(built):
    assert collect_precache(built / "site").size < BUDGET_BYTES / 2


def test_icons_are_palette_pngs_of_the_right_size(built):
    for size in (192, 512):
        with Image.open(built / "site" / "assets" / "icons" / f"icon-{size}.png") as image:
            assert image.size == (size, size)


def test_the_real_course_offline_cache_stays_under_3_mb(tmp_path, site_engine):
    """The issue's budget, for the course we ship (bench/offline.py prints the breakdown)."""
    root = copy_course("sample", tmp_path)
    assert build(root, "site", engine=site_engine) == 0
    precache = collect_precache(root / "site")
    assert precache.size < BUDGET_BYTES, f"{precache.size / 1024 / 1024:.2f} MB; run bench/offline.py"
