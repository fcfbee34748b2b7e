"""Stage 3b: print. Trainee handouts, paper quizzes, answer keys and the course book, as PDFs in
site/handouts/ with a manifest.json for the site's downloads page.

Every document's HTML is made and checked first (missing images are reported with their source
line before any PDF is rendered). The PDFs are then rendered once each, in a small process pool,
into a staging folder that replaces site/handouts/ only when every file succeeded. A PDF whose
inputs are the same as in an earlier build is copied from build/print-cache/ (pdf_cache.py).
"""
from __future__ import annotations

import contextlib
import json
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jinja2

from coursebuild import urls
from coursebuild.cache import CACHE_DIR, cache_dir
from coursebuild.pdf import font_face_css, source_date, write_pdf
from coursebuild.problems import ContentError, Problem, relpath
from coursebuild.render.print.pdf_cache import CACHE_NAME, PdfCache
from coursebuild.render.print.printdoc import (
    Edition,
    ModuleView,
    PageView,
    content_roots,
    make_edition,
    make_module_view,
    make_page_view,
    print_dir,
    render_document,
    template_env,
)
from coursebuild.source.load import Course, Module
from coursebuild.write import replace_dir, staging_dir

BOOK_SOURCE = "course/course.yml"  # the book is every module; its contents are listed here
# Worker processes: one per core this process may use, at most 4. More do not pay: the two books
# are half the work and each renders on one core (bench/build.py measures it).
MAX_WORKERS = 4
# Every print document is tagged for PDF/UA-1: a structure tree (headings, lists, tables, links in
# reading order), the language from <html lang="th"> and the title shown instead of the file
# name, so a screen reader can read a handout and a phone can reflow it. The book's bookmarks come
# from its h1-h3 (WeasyPrint's default bookmark-level). Costs about 8% more CPU (the course
# book: 3.35 s against 3.07 s untagged).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass(frozen=True)
class PrintJob:
    """One PDF to render: its HTML and what the manifest says about it."""

    file: str  # relative to site/, e.g. "handouts/fake-news.pdf"
    title: str
    kind: str
    module: str | None
    source: str  # the content file a WeasyPrint warning is blamed on
    html: str = field(repr=False)


@dataclass(frozen=True)
class Printed:
    file: str
    title: str
    kind: str
    module: str | None
    pages: int
    bytes: int


def plan_print(course: Course) -> tuple[list[PrintJob], list[Problem]]:
    """The HTML of every document, and every problem found while making it. Nothing is written."""
    edition, problems = make_edition(course, source_date().date())
    env = template_env(course.root, course.config.thai_numerals)
    jobs: list[PrintJob] = []
    for position, module in enumerate(course.modules, 1):
        sub_jobs, sub = plan_module(course, module, position, env, edition)
        jobs += sub_jobs
        problems += sub
    sub_jobs, sub = plan_books(course, env, edition)
    # The same image shows up in a handout and both books: report it once.
    return jobs + sub_jobs, sorted(set(problems + sub))


def plan_module(course: Course, module: Module, position: int, env: jinja2.Environment,
                edition: Edition) -> tuple[list[PrintJob], list[Problem]]:
    """A module's trainee handout, and its quiz sheet and answer key if it has a quiz."""
    view, problems = make_module_view(course, module, position, "handout")
    common = dict(ed=edition, m=view)
    jobs = [PrintJob(urls.handout_file(module.id), f"เอกสารประกอบ บทที่ {view.number} {view.title}", "handout",
                     module.id, module.page.path,
                     render_document(env, "handout.html", doc_title=view.title, worksheets=view.worksheets,
                                     running_doc=edition.course_title, **common))]
    quiz = view.quiz
    if quiz:
        jobs.append(PrintJob(urls.quiz_sheet_file(module.id), f"{quiz.title} (กระดาษคำตอบ)", "quiz",
                             module.id, quiz.path,
                             render_document(env, "quiz.html", doc_title=quiz.title,
                                             running_doc=edition.course_title, **common)))
        jobs.append(PrintJob(urls.answers_file(module.id), f"เฉลย{quiz.title} (สำหรับวิทยากร)", "answers",
                             module.id, quiz.path,
                             render_document(env, "answers.html", doc_title=f"เฉลย{quiz.title}",
                                             running_doc="เฉลย · สำหรับวิทยากร", **common)))
    return jobs, problems


def plan_books(course: Course, env: jinja2.Environment, edition: Edition) -> tuple[list[PrintJob], list[Problem]]:
    """The trainee book and the trainer edition (trainer notes and every answer key added)."""
    jobs: list[PrintJob] = []
    problems: list[Problem] = []
    for name, file, kind, label, running in (
            ("book", urls.BOOK_FILE, "book", "ฉบับผู้เรียน", edition.course_title),
            ("trainer", urls.TRAINER_BOOK_FILE, "book-trainer", "ฉบับวิทยากร", "ฉบับวิทยากร · ไม่แจกผู้เรียน")):
        chapters: list[ModuleView] = []
        for position, module in enumerate(course.modules, 1):
            chapter, sub = make_module_view(course, module, position, name)
            chapters.append(chapter)
            problems += sub
        pages: list[PageView] = []
        for page in course.pages:
            view, sub = make_page_view(course, page, name)
            pages.append(view)
            problems += sub
        title = f"{course.config.title} {label}"
        jobs.append(PrintJob(file, title, kind, None, BOOK_SOURCE,
                             render_document(env, "book.html", doc_title=title, ed=edition, running_doc=running,
                                             modules=chapters, pages=pages, trainer=name == "trainer")))
    return jobs, problems


def read_print_css(course: Course) -> str:
    return (print_dir(course.root) / "print.css").read_text(encoding="utf-8")


def readable_folders(course: Course) -> tuple[str, ...]:
    """What WeasyPrint may read for print: the content folders (images) and theme/print/ (styles)."""
    return tuple(str(p) for p in [*content_roots(course), print_dir(course.root)])


def render_job(job: PrintJob, out: Path, css: str, base_url: str,
               allowed: tuple[str, ...] = ()) -> tuple[Printed | None, list[Problem]]:
    """Render one PDF into `out`. Runs in a worker process, so problems are returned, not raised
    (ContentError does not survive pickling with its problems)."""
    pages: list[int] = []
    try:
        data = write_pdf(job.html, base_url, [css], job.source, out / Path(job.file).name, title=job.title,
                         allowed=allowed, finisher=lambda document, pdf: pages.append(len(document.pages)),
                         **PDF_OPTIONS)
    except ContentError as exc:
        return None, exc.problems
    return Printed(job.file, job.title, job.kind, job.module, pages[0], len(data)), []


def default_workers() -> int:
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


def manifest_entries(printed: list[Printed]) -> list[dict]:
    """What the site's downloads page lists: every public document (never a trainer copy)."""
    return [asdict(p) for p in printed if not urls.is_trainer_file(p.file)]


def write_manifest(printed: list[Printed], out: Path) -> None:
    text = json.dumps(manifest_entries(printed), ensure_ascii=False, indent=2) + "\n"
    (out / Path(urls.MANIFEST_FILE).name).write_text(text, encoding="utf-8")


def build_handouts(course: Course, workers: int | None = None) -> list[str]:
    """Build every print document into site/handouts/, replacing it only if all succeeded."""
    jobs, problems = plan_print(course)
    if problems:
        raise ContentError(problems)
    lines, _ = render_handouts(course, jobs, workers)
    return lines


def render_handouts(course: Course, jobs: list[PrintJob], workers: int | None = None) -> tuple[list[str], list[dict]]:
    """Render planned jobs into site/handouts/ and dist/trainer/, each replaced only if all of its
    documents succeeded. Returns the report lines and the manifest entries (for the site build)."""
    with PrintRun(course, jobs, workers) as run:
        lines, manifest = run.finish_public()
        lines += run.finish_trainer()
    return lines, manifest


class _Now:
    """An executor that runs each job when it is submitted (one worker, or one job)."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class PrintRun:
    """Print jobs rendering in a process pool, from the moment it is made.

    The public documents (site/handouts/) are finished first, so that `build.py build` can build
    the site from their manifest while the trainer copies (dist/trainer/; the trainer book is the
    longest document of all) are still rendering. Each folder is replaced only when every one of
    its documents succeeded. Use it as a context manager: leaving it stops the pool and removes
    whatever was not swapped in."""

    def __init__(self, course: Course, jobs: list[PrintJob], workers: int | None = None) -> None:
        self.course = course
        root = course.root
        self.dest = root / "site" / urls.HANDOUT_DIR
        self.trainer_dest = root / "dist" / urls.TRAINER_DIR
        css = read_print_css(course)
        base_url = print_dir(root).as_uri() + "/"
        self.cache = PdfCache(cache_dir(root, CACHE_NAME), print_dir(root), css, base_url, PDF_OPTIONS,
                              source_date().isoformat(), font_face_css())
        self.jobs = jobs
        self._stack = contextlib.ExitStack()
        self.pool = _Now()
        try:
            self._start(css, base_url, workers)
        except BaseException:  # not yet a context manager: clean up here
            self.__exit__()
            raise

    def _start(self, css: str, base_url: str, workers: int | None) -> None:
        jobs, course = self.jobs, self.course
        self.tmp = self._stack.enter_context(staging_dir(self.dest))
        self.trainer_tmp = self._stack.enter_context(staging_dir(self.trainer_dest))
        self.printed: dict[str, Printed] = {}
        self.keys: dict[str, str] = {}
        todo = []
        for job in jobs:
            self.keys[job.file] = self.cache.key(job.html, job.title)
            hit = self.cache.get(self.keys[job.file])
            if hit is None:
                todo.append(job)
                continue
            data, pages = hit
            (self._out_of(job.file) / Path(job.file).name).write_bytes(data)
            self.printed[job.file] = Printed(job.file, job.title, job.kind, job.module, pages, len(data))
        workers = workers or default_workers()
        self.pool = (ProcessPoolExecutor(max_workers=min(workers, len(todo))) if workers > 1 and len(todo) > 1
                     else _Now())
        allowed = readable_folders(course)
        self.futures = {job.file: self.pool.submit(render_job, job, self._out_of(job.file), css, base_url, allowed)
                        for job in schedule(todo)}

    def __enter__(self) -> PrintRun:
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self._stack.close()

    def _collect(self, trainer: bool) -> list[Printed]:
        """Wait for one side's documents; one ContentError with every problem if any failed."""
        jobs = [job for job in self.jobs if urls.is_trainer_file(job.file) == trainer]
        try:
            results = [self.futures[job.file].result() for job in jobs if job.file in self.futures]
        except BrokenProcessPool:
            raise ContentError([Problem(relpath(self.dest, self.course.root), 0, 0, "print-worker-crashed",
                                        "a process rendering handouts stopped unexpectedly; nothing was replaced",
                                        "this is usually lack of memory: close other programs and run again")]) from None
        problems = sorted({p for _, sub in results for p in sub})
        if problems:
            raise ContentError(problems)
        for printed, _ in results:
            self.printed[printed.file] = printed
            self.cache.put(self.keys[printed.file], (self._out_of(printed.file) / Path(printed.file).name).read_bytes(),
                           printed.pages)
        return [self.printed[job.file] for job in jobs]

    def _out_of(self, file: str) -> Path:
        return self.trainer_tmp if urls.is_trainer_file(file) else self.tmp

    def finish_public(self) -> tuple[list[str], list[dict]]:
        """site/handouts/ with its manifest, swapped in; the report line and the manifest entries."""
        printed = self._collect(trainer=False)
        write_manifest(printed, self.tmp)
        replace_dir(self.tmp, self.dest)
        return [_report("handouts", self.dest, printed, self.course.root)], manifest_entries(printed)

    def finish_trainer(self) -> list[str]:
        """dist/trainer/, swapped in; the report lines (with how many PDFs came from the cache)."""
        printed = self._collect(trainer=True)
        replace_dir(self.trainer_tmp, self.trainer_dest)
        self.cache.prune()
        lines = [_report("trainer copies", self.trainer_dest, printed, self.course.root)]
        if self.cache.hits:
            lines.append(f"print: {self.cache.hits} of {len(self.jobs)} PDFs unchanged since the last build, "
                         f"copied from {CACHE_DIR}/{CACHE_NAME}/")
        return lines


def schedule(jobs: list[PrintJob]) -> list[PrintJob]:
    """The order jobs are handed to the workers. The longest document first, whatever its kind:
    it ends last otherwise (the trainer book, about a third of all print work). Then the public
    documents, longest first, so that the site can be built from them while the rest of the
    trainer copies render."""
    ordered = sorted(jobs, key=lambda job: -len(job.html))
    head = ordered[:1]
    public = [job for job in ordered[1:] if not urls.is_trainer_file(job.file)]
    trainer = [job for job in ordered[1:] if urls.is_trainer_file(job.file)]
    return head + public + trainer


def _report(label: str, where: Path, printed: list[Printed], root: Path) -> str:
    size = sum(p.bytes for p in printed)
    pages = sum(p.pages for p in printed)
    return (f"{label}: wrote {len(printed)} PDFs ({size / 1e6:.1f} MB, {pages} pages) "
            f"to {where.relative_to(root).as_posix()}")
