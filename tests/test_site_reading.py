"""The finished site's pages made easier to read and quicker to draw (issue 16), checked on the
built HTML; what a trainee sees of it is in test_reading_browser.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import build, copy_course

from coursebuild.render.site.pageload import bundle_stylesheets, rebase_urls
from coursebuild.render.site.reading import label_tables, shorten

TABLE = """<table>
<thead>
<tr>
<th>ช่องทาง</th>
<th style="text-align: left;">ที่อยู่ &amp; เวลา</th>
</tr>
</thead>
<tbody>
<tr>
<td>เว็บไซต์</td>
<td style="text-align: left;">www.antifakenewscenter.com</td>
</tr>
<tr>
<td>LINE</td>
<td>@antifakenewscenter</td>
</tr>
</tbody>
</table>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_course("minimal", tmp_path_factory.mktemp("reading"))
    page = root / "course" / "modules" / "fake-news.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n| ช่องทาง | ที่อยู่ |\n|---|---|\n| LINE | @afnc |\n",
                    encoding="utf-8")
    assert build(root, "site") == 0
    return root / "site"


def test_a_table_becomes_a_labelled_focusable_region_whose_cells_name_their_column():
    out = label_tables(f"<p>x</p>{TABLE}")
    assert out.startswith('<p>x</p><div class="osd-table" role="region" tabindex="0" '
                          'aria-label="ตาราง: ช่องทาง, ที่อยู่ &amp; เวลา" data-columns="2"><table>')
    assert out.endswith("</table></div>")
    assert out.count('<td data-label="ช่องทาง">') == 2
    assert '<td data-label="ที่อยู่ &amp; เวลา" style="text-align: left;">www.' in out
    assert '<td data-label="ที่อยู่ &amp; เวลา">@antifakenewscenter' in out


def test_tables_of_one_page_get_labels_of_their_own_and_ours_are_left_alone():
    ours = '<table class="osd-progress__table"><tr><th>บทเรียน</th></tr></table>'
    out = label_tables(TABLE + TABLE + ours)
    assert 'aria-label="ตาราง 1: ช่องทาง' in out and 'aria-label="ตาราง 2: ช่องทาง' in out
    assert out.endswith(ours)


def test_description_is_cut_at_a_space_with_an_ellipsis():
    assert shorten("ก " * 10, 200) == ("ก " * 10).strip()
    cut = shorten("คำยาว " * 60, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(" …")


def test_lesson_and_quiz_pages_describe_themselves_and_every_page_has_a_description(site):
    lesson = (site / "modules" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert ('<meta name="description" content="ก้าวแรกของอาสาสมัครดิจิทัล: อธิบายบทบาทของอาสาสมัครดิจิทัลในหมู่บ้านได้ · '
            'แนะนำช่องทางราชการที่ถูกต้องให้เพื่อนบ้านได้">') in lesson
    quiz = (site / "quiz" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="description" content="แบบทดสอบท้ายบท ก้าวแรกของอาสาสมัครดิจิทัล: 3 ข้อ '
                     r'ผ่านเมื่อตอบถูก \d ข้อ', quiz)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<meta name="description" content="[^"]{20,}">', text), page


def test_built_lesson_table_is_a_region(site):
    lesson = (site / "modules" / "fake-news" / "index.html").read_text(encoding="utf-8")
    assert '<div class="osd-table" role="region" tabindex="0" aria-label="ตาราง: ช่องทาง, ที่อยู่" data-columns="2">' in lesson


def test_every_page_links_one_stylesheet_holding_all_of_its_own_in_order(site):
    bundles = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        head = text[:text.index("</head>")]
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', head)
        assert len(links) == 1 and re.search(r"assets/stylesheets/osd\.[0-9a-f]{10}\.css$", links[0]), (page, links)
        bundles.add(links[0].rsplit("/", 1)[-1])
    assert len(bundles) == 1
    bundle = (site / "assets" / "stylesheets" / bundles.pop()).read_text(encoding="utf-8")
    names = re.findall(r"^/\* (assets/\S+\.css) \*/$", bundle, re.M)
    assert [n.split("/")[-1].split(".")[0] for n in names] == ["main", "palette", "osd", "reading"]
    assert bundle.startswith('@charset "UTF-8";\n/* assets/stylesheets/main.')
    for name in names:  # each file whole, unchanged but for its @charset (none has relative url()s)
        assert (site / name).read_text(encoding="utf-8").removeprefix('@charset "UTF-8";').strip() in bundle


def test_the_offline_cache_holds_the_joined_stylesheet_and_the_reading_files(site):
    sw = (site / "sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r'"files": (\{.*?\})', sw, re.S).group(1))
    assert any(re.fullmatch(r"assets/stylesheets/osd\.[0-9a-f]{10}\.css", f) for f in files)
    assert {"assets/reading.js", "assets/reading.css"} <= set(files)


def test_relative_urls_in_joined_stylesheets_still_point_at_their_files():
    css = "a{background:url(../images/x.svg)} b{background:url('data:image/svg+xml;x')} c{src:url(\"/f.woff\")}"
    out = rebase_urls(css, "assets/osd.css", "assets/stylesheets/bundle.css")
    assert "url(../../images/x.svg)" in out and "url('data:image/svg+xml;x')" in out and 'url("/f.woff")' in out


def test_absolute_stylesheet_links_stay_absolute_under_a_sub_path(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.css").write_text("a{}")
    (tmp_path / "assets" / "b.css").write_text("b{}")
    page = ('<html><head><link rel="stylesheet" href="/course/assets/a.css">\n'
            '<link rel="stylesheet" href="/course/assets/b.css">\n</head><body></body></html>')
    (tmp_path / "404.html").write_text(page)
    bundle_stylesheets(tmp_path, "https://example.org/course/")
    links = re.findall(r'href="([^"]+)"', (tmp_path / "404.html").read_text())
    assert len(links) == 1 and links[0].startswith("/course/assets/stylesheets/osd.")
    assert (tmp_path / links[0].removeprefix("/course/")).read_text() == (
        '@charset "UTF-8";\n/* assets/a.css */\na{}\n/* assets/b.css */\nb{}\n')
