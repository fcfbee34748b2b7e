"""Stage 3a: render the trainee site.

We write a generated docs folder (pages.py: lessons without trainer notes, compiled quizzes, the
home page with the module list), run a site engine on it with the plain mkdocs.yml (MkDocs or
Zensical, engines.py), then make our Thai search index from the built pages, finish each page
(labelled tables, one joined stylesheet, its Content-Security-Policy) and write the offline files.
Quizzes, the nav and search are ours, not engine plugins, so either engine gives the same site.

`SiteBuilder` does this, once for `build.py site` and again after every save for the live
preview (`rebuild`), where only what the save changed is done again:

- the docs folder is generated in full (fast: Markdown renders are remembered, markup.py), but
  only the files whose bytes changed are written over the previous ones;
- MkDocs runs as a "dirty" build, which renders only pages whose Markdown is newer than their
  HTML. That is exact here because every input of a page is in its Markdown file (our own
  markup's placeholders name its content: docs.TrustedBlocks) except what `_signature` covers
  (the nav, titles, settings, mkdocs.yml, theme/, the engine): when that changes, or a file is
  removed, the build is a full one. Zensical always builds in full;
- the pages the engine did not write again keep their finished HTML; the search index, the
  policy's hash list and the service worker's file list are made again from every page, but a
  page's cut text, its inline scripts and each file's compressed size are remembered by content.

tests/test_preview_speed.py checks that a rebuild after a lesson or quiz edit gives the same site,
file for file, as a full build.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

from coursebuild import cache, urls
from coursebuild.markup import engine_root, load_site_config
from coursebuild.problems import ContentError
from coursebuild.render.site.csp import (
    fill_policy,
    inspect_page,
    page_problems,
    policy_hashes,
    template_scripts,
)
from coursebuild.render.site.docs import TrustedBlocks
from coursebuild.render.site.engines import choose_engine, run_engine, write_heading_ids
from coursebuild.render.site.offline import write_offline_files
from coursebuild.render.site.pageload import bundle_page, site_root_path
from coursebuild.render.site.pages import (
    _text,
    course_copyright,
    read_handout_manifest,
    site_extra,
    site_nav,
    write_docs,
)
from coursebuild.render.site.reading import label_tables, site_description
from coursebuild.render.site.search_index import write_search_index
from coursebuild.source.load import Course
from coursebuild.write import sync_tree

# Folders other commands write into site/; a site-only rebuild keeps them.
CARRIED_OVER = [urls.HANDOUT_DIR]
# theme/ folders used at build time only. MkDocs copies every non-HTML file of a theme into the
# site; these are templates and print styles, not something a phone should ever download.
THEME_BUILD_ONLY = ["templates", "print", "certificate", "preview"]


def markdown_settings(course: Course, blocks: TrustedBlocks) -> list:
    """mkdocs.yml's Markdown extensions, plus our content cleaning with this build's own markup.

    A copy: MkDocs empties the entries it reads, and the settings are cached for the next build."""
    return [*copy.deepcopy(load_site_config(course.root).get("markdown_extensions", [])),
            {"coursebuild.markup:SafeContent": {"trusted": blocks.html}}]


@dataclasses.dataclass
class _Page:
    """One built page: the engine's HTML, the same finished but for its policy's hashes, its
    inline scripts and problems, and what we last wrote (to tell whether the engine wrote it again)."""

    raw: str
    prepared: str
    scripts: list[str]
    findings: list[str]
    written: str = ""


class SiteBuilder:
    """Builds the site into the folder `out` from a docs folder `docs`, and again in place
    (`rebuild`) after an edit. `keep` leaves `docs` for the next rebuild; otherwise it is removed
    after each build."""

    def __init__(self, out: Path, docs: Path, keep: bool = False, token: str | None = None):
        self.out, self.docs, self.keep = out, docs, keep
        self.blocks_token = token
        self.pages: dict[str, _Page] = {}
        self.signature: str | None = None  # of the last good build; None: the next one is full
        self.last_full = True
        # (findings, scripts) of a finished page, by its text: Zensical writes every page again.
        self._inspected: dict[str, tuple[list[str], list[str]]] = {}

    def build(self, course: Course, engine: str, handouts: list[dict], public=None, incremental: bool = False) -> None:
        """Build into `out`: in full, or with `incremental` only what changed since the last build
        (not with COURSEBUILD_CACHE=off, which the benchmarks use for a baseline)."""
        incremental = incremental and cache.enabled()
        staging = self.docs.with_name(self.docs.name + ".next") if incremental else self.docs
        shutil.rmtree(staging, ignore_errors=True)
        try:
            blocks = TrustedBlocks(self.blocks_token) if self.blocks_token else TrustedBlocks()
            blocks = write_docs(course, staging, handouts, public, blocks)
            write_heading_ids(course, staging)
            nav, extra = site_nav(course, bool(handouts)), {"osd": site_extra(course)}
            settings = {"site_name": _text(course.config.title), "copyright": course_copyright(course),
                        "site_description": _text(site_description(course)),
                        "markdown_extensions": markdown_settings(course, blocks)}
            signature = _signature(course, engine, nav, extra, settings)
            if signature != self.signature:  # the templates may have changed: judge pages afresh
                self._inspected = {}
            dirty = incremental and engine == "mkdocs" and signature == self.signature
            if incremental:
                written, removed = sync_tree(staging, self.docs)
                dirty = dirty and not removed
                if dirty:
                    # MkDocs' dirty build compares modification times, which a coarse file system
                    # could make equal: what a changed file became is removed, so it is made again.
                    for rel in written:
                        (self.out / _built_path(rel)).unlink(missing_ok=True)
            self.signature = None  # until this build succeeds
            if not dirty:
                _empty(self.out)
                self.pages = {}
            self.last_full = not dirty
            template_dirs = run_engine(engine, course, self.docs, self.out, nav, extra, settings, dirty=dirty)
            for name in THEME_BUILD_ONLY:
                shutil.rmtree(self.out / name, ignore_errors=True)
            self._finish(course, template_dirs, keep_cache=not incremental)
            self.signature = signature
        finally:
            if incremental:
                shutil.rmtree(staging, ignore_errors=True)
            if not self.keep:
                shutil.rmtree(self.docs, ignore_errors=True)

    def _finish(self, course: Course, template_dirs: list[Path], keep_cache: bool) -> None:
        """Search index, finished pages and offline files, from every page of `out`."""
        known = template_scripts(template_dirs)
        root_path = site_root_path(course.config.site_url)
        bundles: dict[tuple[str, ...], str] = {}
        current: dict[str, _Page] = {}
        for path in sorted(self.out.rglob("*.html")):
            name = path.relative_to(self.out).as_posix()
            text = path.read_text(encoding="utf-8")
            page = self.pages.get(name)
            if page is None or page.written != text:  # new, or written again by the engine
                prepared = bundle_page(self.out, name, label_tables(text), root_path, bundles)
                inspected = self._inspected.get(prepared)
                if inspected is None:
                    inspected = inspect_page(prepared, known)
                findings, scripts = inspected
                page = _Page(text, prepared, scripts, findings)
            current[name] = page
        self.pages = current
        if self.keep:  # only a preview builds again; the templates' scripts are part of the answer
            self._inspected = {page.prepared: (page.findings, page.scripts) for page in current.values()}
        write_search_index(course, self.docs, self.out, keep_cache, {n: p.raw for n, p in current.items()})
        problems = [problem for name, page in current.items() for problem in page_problems(name, page.findings)]
        if problems:
            raise ContentError(problems)
        # Every page lists every inline script of the site: Material's instant navigation runs a
        # new page's scripts under the first page's policy (csp.py).
        hashes = policy_hashes(script for page in current.values() for script in page.scripts)
        for name, page in current.items():
            final = fill_policy(page.prepared, hashes)
            if final != page.written:
                (self.out / name).write_text(final, encoding="utf-8")
                page.written = final
        # Last: the service worker's precache list hashes every other file of the finished site.
        write_offline_files(course, self.out)


def _signature(course: Course, engine: str, nav: list, extra: dict, settings: dict) -> str:
    """What every page depends on besides its own Markdown file: when it changes, every page is
    built again. Our markup's HTML is left out: each block's placeholder in a page names it."""
    h = hashlib.sha256()
    plain = {key: value for key, value in settings.items() if key != "markdown_extensions"}
    extensions = [entry for entry in settings["markdown_extensions"]
                  if not (isinstance(entry, dict) and "coursebuild.markup:SafeContent" in entry)]
    for part in (engine, course.config.site_url, nav, extra, plain, extensions, load_site_config(course.root)):
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8") + b"\0")
    theme = engine_root(course.root) / "theme"
    for path in sorted(p for p in theme.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(theme).as_posix()}\0{cache.file_digest(path)}\n".encode())
    return h.hexdigest()


def _built_path(source: Path) -> Path:
    """Where the engine writes a docs file: a page's folder index ("modules/x.md" →
    "modules/x/index.html", "a/index.md" → "a/index.html"), any other file as it is."""
    if source.suffix != ".md":
        return source
    return source.with_suffix(".html") if source.stem == "index" else source.with_suffix("") / "index.html"


def _empty(folder: Path) -> None:
    """Remove what `folder` holds, keeping the folder (and its permissions)."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def render_site(course: Course, out: Path, engine: str, handouts: list[dict] | None = None,
                public=None) -> None:
    """Build the whole trainee site into the empty folder `out` with the site engine `engine`.

    `handouts` (the manifest entries) and `public` (verify data) come from this run's handouts
    and certificates steps in `build.py build`; without them, what earlier runs left in site/
    and dist/ is read (`build.py site` alone)."""
    if handouts is None:
        handouts = read_handout_manifest(course.root / "site")
    SiteBuilder(out, out.parent / (out.name + ".docs")).build(course, engine, handouts, public)


def with_site_url(course: Course, site_url: str | None) -> Course:
    """The same course published at another address (a local preview or test server).

    Material's instant navigation only follows links listed in sitemap.xml under site_url, so a
    preview must be built for the address it is served from.
    """
    if not site_url:
        return course
    if not site_url.endswith("/"):
        site_url += "/"
    return dataclasses.replace(course, config=dataclasses.replace(course.config, site_url=site_url))


def build_site(course: Course, engine: str | None = None, handouts: list[dict] | None = None,
               public=None) -> Path:
    """Build into a staging folder and swap it in as <root>/site only when everything succeeded.

    `engine` is "mkdocs" or "zensical"; None means the default named in mkdocs.yml. `handouts`
    and `public`: see render_site."""
    from coursebuild.write import carry_over, replace_dir, staging_dir

    engine = choose_engine(course.root, engine)
    dest = course.root / "site"
    with staging_dir(dest) as tmp:
        render_site(course, tmp, engine, handouts, public)
        carry_over(dest, tmp, CARRIED_OVER)
        replace_dir(tmp, dest)
    return dest
