"""The two site engines (MkDocs + Material, and Zensical): how one is chosen, and that they make
the same site from the same generated pages: heading ids, links, and nothing either cannot read."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from conftest import ENGINES, ROOT, build, copy_course

from coursebuild.markup import (
    HeadingIdError,
    render_markdown,
    slugify,
    with_heading_ids,
)
from coursebuild.problems import ContentError


class _Article(HTMLParser):
    """Heading ids and relative link targets inside a page's <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if re.fullmatch(r"h[1-6]", tag) and attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and "headerlink" not in (attrs.get("class") or ""):
                self.links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def article(html: str) -> _Article:
    parser = _Article()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[str, Path]:
    """The minimal course built by each engine, with a downloads page (a stand-in handout)."""
    sites = {}
    for engine in ENGINES:
        root = copy_course("minimal", tmp_path_factory.mktemp(f"engines-{engine}"))
        (root / "site" / "handouts").mkdir(parents=True)
        for name in ("first-steps", "first-steps-quiz", "fake-news", "fake-news-quiz"):
            (root / "site" / "handouts" / f"{name}.pdf").write_bytes(b"%PDF-1.7 stand-in")
        (root / "site" / "handouts" / "manifest.json").write_text(
            '[{"file": "handouts/first-steps.pdf", "title": "เอกสาร", "kind": "handout", "module": "first-steps",'
            ' "pages": 1, "bytes": 17}]', encoding="utf-8")
        assert build(root, "site", engine=engine) == 0
        sites[engine] = root / "site"
    return sites


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))


def test_mkdocs_yml_holds_only_plain_yaml_both_engines_read():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)  # no !!python tags: Zensical cannot call Python
    settings = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))
    assert "!!" not in settings and "hooks" not in config
    assert config["plugins"] == [{"search": {"enabled": False}}]  # our search replaces the engines'
    toc = next(e["toc"] for e in config["markdown_extensions"] if isinstance(e, dict) and "toc" in e)
    assert "slugify" not in toc
    assert config["extra"]["engine"] in ENGINES


def test_both_engines_build_the_same_pages_with_the_same_ids_and_links(both):
    assert pages(both["mkdocs"]) == pages(both["zensical"])
    for page in pages(both["mkdocs"]):
        made = {e: article((both[e] / page).read_text(encoding="utf-8")) for e in ENGINES}
        assert made["mkdocs"].ids == made["zensical"].ids, page
        assert made["mkdocs"].links == made["zensical"].links, page


def test_headings_keep_thai_in_their_ids_on_both_engines(both):
    title = "2. รู้เท่าทันข่าวปลอม"
    for engine in ENGINES:
        ids = article((both[engine] / "modules" / "fake-news" / "index.html").read_text(encoding="utf-8")).ids
        assert ids[0] == slugify(title, "-") == "2-รู้เท่าทันข่าวปลอม", engine  # Zensical's own gives "2"
        assert "check" in ids  # the editor's fixed id is kept


def test_heading_ids_are_the_ones_checks_and_print_use(both):
    """The check for broken anchors renders the lesson with markup.py: the site has those ids."""
    body = (both["mkdocs"].parent / "course" / "modules" / "first-steps.md").read_text(encoding="utf-8")
    expected = re.findall(r'<h[1-6] id="([^"]+)"', render_markdown(ROOT, body.split("---", 2)[2]))
    for engine in ENGINES:
        ids = article((both[engine] / "modules" / "first-steps" / "index.html").read_text(encoding="utf-8")).ids
        assert expected and set(expected) <= set(ids), engine


def test_every_link_on_the_site_leads_to_a_file(both):
    for engine in ENGINES:
        site = both[engine]
        for page in pages(site):
            for link in article((site / page).read_text(encoding="utf-8")).links:
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or not parts.path:
                    continue
                target = urlsplit(urljoin("http://x/" + page, link)).path.lstrip("/")
                path = site / unquote(target)
                assert (path / "index.html" if target.endswith("/") or path.is_dir() else path).is_file(), (
                    engine, page, link)


def test_generator_names_the_engine(both):
    assert "mkdocs-1.6" in (both["mkdocs"] / "index.html").read_text(encoding="utf-8")
    assert "zensical-0.0.73" in (both["zensical"] / "index.html").read_text(encoding="utf-8")


def own_engine_settings(root: Path, change) -> None:
    """Give the course its own mkdocs.yml (and theme), changed by `change(text) -> text`."""
    shutil.copytree(ROOT / "theme", root / "theme")
    (root / "mkdocs.yml").write_text(change((ROOT / "mkdocs.yml").read_text(encoding="utf-8")), encoding="utf-8")


def generator(root: Path) -> str:
    return re.search(r'<meta name="generator" content="([^"]+)"', (root / "site" / "index.html").read_text(
        encoding="utf-8")).group(1)


def test_mkdocs_yml_names_the_default_engine_and_the_flag_overrides_it(tmp_path):
    root = copy_course("minimal", tmp_path)
    own_engine_settings(root, lambda text: re.sub(r"(?m)^  engine: \w+$", "  engine: zensical", text))
    assert build(root, "site") == 0
    assert generator(root).startswith("zensical")
    assert build(root, "site", engine="mkdocs") == 0
    assert generator(root).startswith("mkdocs")


def test_unknown_engine_setting_is_reported_with_its_line(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    own_engine_settings(root, lambda text: re.sub(r"(?m)^  engine: \w+$", "  engine: hugo", text))
    assert build(root, "site") == 1
    line = next(n for n, t in enumerate((root / "mkdocs.yml").read_text(encoding="utf-8").split("\n"), 1)
                if "engine: hugo" in t)
    assert f"mkdocs.yml:{line}:11: error[site-engine-setting]: unknown site engine 'hugo'" in capsys.readouterr().out


def test_python_in_mkdocs_yml_is_a_problem_not_a_traceback(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    own_engine_settings(root, lambda text: text.replace(
        "      permalink: true\n", "      permalink: true\n      slugify: !!python/name:coursebuild.markup.slugify\n"))
    assert build(root, "site") == 1
    out = capsys.readouterr().out
    assert "error[site-config]" in out and "Traceback" not in out


def test_engines_own_search_switched_on_is_refused(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    own_engine_settings(root, lambda text: text.replace("      enabled: false\n", "      enabled: true\n"))
    assert build(root, "site", engine="zensical") == 1
    assert "error[search-config]" in capsys.readouterr().out


def test_zensical_warnings_fail_the_build_with_where_and_what(tmp_path):
    """Zensical reports on its terminal only; the build reads that report (pinned version's format)."""
    from coursebuild.checks import load_checked_course
    from coursebuild.render.site.engines import run_engine
    from coursebuild.render.site.pages import site_nav, write_docs

    course, _ = load_checked_course(copy_course("minimal", tmp_path / "course"))
    docs = tmp_path / "docs"
    write_docs(course, docs, [])
    glossary = docs / "glossary.md"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n[ไปไหน](nowhere.md)\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    with pytest.raises(ContentError) as failure:
        run_engine("zensical", course, docs, tmp_path / "out", site_nav(course), {})
    messages = [p.message for p in failure.value.problems]
    assert any(m.startswith("glossary.md:") and "page does not exist" in m for m in messages), messages


@pytest.mark.parametrize(("text", "expected"), [
    ("## ตรวจสอบก่อนแชร์\n", "## ตรวจสอบก่อนแชร์ {#ตรวจสอบก่อนแชร์}\n"),
    ("## ทักท้วง (LINE) {#correcting}\n", "## ทักท้วง (LINE) {#correcting}\n"),  # fixed by the editor
    ("## คลาส {.big}\n", "## คลาส {#คลาส .big}\n"),
    ("### ซ้ำ ###\n\n### ซ้ำ\n", "### ซ้ำ {#ซ้ำ}\n\n### ซ้ำ {#ซ้ำ_1}\n"),  # as toc numbers repeats
    ("```\n# not a heading\n```\n", "```\n# not a heading\n```\n"),
    ("    # indented code\n", "    # indented code\n"),
    ('!!! note "x"\n\n    ## ในกล่อง\n', '!!! note "x"\n\n    ## ในกล่อง {#ในกล่อง}\n'),
])
def test_every_heading_gets_its_id_written_out(text, expected):
    assert with_heading_ids(ROOT, text) == expected


def test_an_underlined_heading_cannot_get_a_fixed_id():
    with pytest.raises(HeadingIdError) as failure:
        with_heading_ids(ROOT, "หัวข้อ\n======\n")
    assert failure.value.heading == "หัวข้อ"
