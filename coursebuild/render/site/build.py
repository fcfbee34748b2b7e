"""Stage 3a: render the trainee site.

We write a generated MkDocs docs folder (lessons without trainer notes, compiled quizzes, the home
page with the module list), run MkDocs with the plain mkdocs.yml, then post-process the search
index for Thai. Quizzes and the nav are ours, not MkDocs plugins, so the engine can be swapped.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from coursebuild import urls
from coursebuild.markup import (
    engine_root,
    render_inline,
    render_markdown,
    strip_admonitions,
)
from coursebuild.problems import ContentError, Problem
from coursebuild.render.site.offline import write_offline_files, write_progress_page
from coursebuild.render.site.pageload import bundle_stylesheets
from coursebuild.render.site.reading import finish_pages, module_description, quiz_description, site_description
from coursebuild.render.site.search import prepare_search_index
from coursebuild.render.site.verify_page import write_verify_docs
from coursebuild.render.views import format_duration, needed_to_pass
from coursebuild.source.load import COURSE_DIR, IMAGE_DIR, Course, Module, Page, Quiz

# Folders other commands write into site/; a site-only rebuild keeps them.
CARRIED_OVER = [urls.HANDOUT_DIR]
# theme/ folders used at build time only. MkDocs copies every non-HTML file of a theme into the
# site; these are templates and print styles, not something a phone should ever download.
THEME_BUILD_ONLY = ["templates", "print", "certificate"]


def template_env(root: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(engine_root(root) / "theme" / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class ChoiceView:
    text: str
    correct: bool
    feedback_html: Markup


@dataclass(frozen=True)
class QuestionView:
    id: str
    type: str
    prompt_html: Markup
    choices: list[ChoiceView]
    correct_texts: list[str]
    explanation_html: Markup
    image: object
    image_url: str


def render_quiz_html(course: Course, quiz: Quiz, image_prefix: str) -> str:
    """The quiz form. `image_prefix` maps course/images/ to where the page finds them."""
    root = course.root
    questions = []
    for q in quiz.data.questions:
        image_url = ""
        if q.image:
            image_url = image_prefix + Path(q.image.src).name
        questions.append(QuestionView(
            id=q.id, type=q.type, prompt_html=render_inline(root, q.prompt),
            choices=[ChoiceView(c.text, c.correct, render_inline(root, c.feedback) if c.feedback else Markup(""))
                     for c in q.choices],
            correct_texts=[c.text for c in q.choices if c.correct],
            explanation_html=Markup(render_markdown(root, q.explanation)),
            image=q.image, image_url=image_url))
    total = len(questions)
    html = template_env(root).get_template("quiz.html").render(
        quiz=quiz.data, questions=questions, pass_mark=quiz.pass_mark,
        need=needed_to_pass(total, quiz.pass_mark))
    # Python-Markdown ends a raw HTML block at a blank line; the template has none, keep it so.
    return "\n".join(line for line in html.split("\n") if line.strip())


def _front(title: str, description: str = "") -> str:
    # JSON strings are YAML double-quoted strings: any title or description stays one value.
    meta = f"title: {json.dumps(title, ensure_ascii=False)}\n"
    if description:
        meta += f"description: {json.dumps(description, ensure_ascii=False)}\n"
    return f"---\n{meta}---\n\n"


def module_markdown(course: Course, module: Module, number: int) -> str:
    meta = module.meta
    quiz = course.quizzes.get(module.id)
    parts = [_front(f"{number}. {meta.title}", module_description(module)), f"# {number}. {meta.title}\n"]
    facts = [f"⏱ {format_duration(meta.duration)}"]
    if quiz:
        facts.append(f"แบบทดสอบ {len(quiz.data.questions)} ข้อ")
    parts.append(f'<p class="osd-module-facts">{" · ".join(facts)} '
                 f'<span class="osd-module-status" data-module-progress="{module.id}"></span></p>\n')
    parts.append('!!! objectives "วัตถุประสงค์การเรียนรู้"\n\n    เมื่อเรียนจบบทนี้ ผู้เรียนจะสามารถ\n\n')
    parts += [f"    - {o}\n" for o in meta.objectives]
    parts.append("\n")
    parts.append(strip_admonitions(module.page.body, "trainer").strip() + "\n\n")
    if meta.key_points:
        parts.append('## ประเด็นสำคัญ {#key-points}\n\n')
        parts += [f"- {k}\n" for k in meta.key_points]
        parts.append("\n")
    if meta.references:
        parts.append('## แหล่งอ้างอิง {#references}\n\n')
        parts += [f"- [{r.title}]({r.url})\n" for r in meta.references]
        parts.append("\n")
    parts.append(next_steps_html(course, module))
    return "".join(parts)


def next_steps_html(course: Course, module: Module) -> str:
    links = []
    if module.id in course.quizzes:
        links.append(f'<a class="md-button md-button--primary" href="../../{urls.quiz_path(module.id)}">ทำแบบทดสอบท้ายบท</a>')
    links.append(f'<a class="md-button" href="../../{urls.handout_file(module.id)}" data-print-link download>'
                 'เอกสารประกอบ (PDF)</a>')
    if module.id in course.quizzes:
        links.append(f'<a class="md-button" href="../../{urls.quiz_sheet_file(module.id)}" data-print-link download>'
                     'แบบทดสอบสำหรับพิมพ์ (PDF)</a>')
    return '<nav class="osd-next" aria-label="ขั้นต่อไป">\n' + "\n".join(links) + "\n</nav>\n"


def quiz_markdown(course: Course, module: Module, number: int, quiz: Quiz) -> str:
    title = quiz.data.title
    lesson = f"../../{urls.module_path(module.id)}"
    return (_front(title, quiz_description(module, quiz)) + f"# {title}\n\n"
            f'<p class="osd-back"><a href="{lesson}">← กลับไปบทเรียน {number}. {module.meta.title}</a></p>\n\n'
            + render_quiz_html(course, quiz, "../../images/") + "\n")


def home_markdown(course: Course) -> str:
    rows = []
    total = 0
    for number, module in enumerate(course.modules, 1):
        total += module.meta.duration
        quiz = course.quizzes.get(module.id)
        rows.append(
            f'<li class="osd-modules__item" data-module-id="{module.id}">'
            f'<a class="osd-modules__link" href="{urls.module_path(module.id)}">'
            f'<span class="osd-modules__number">{number}</span> '
            f'<span class="osd-modules__title">{_escape(module.meta.title)}</span></a> '
            f'<span class="osd-modules__meta">{format_duration(module.meta.duration)}'
            + (f' · <a href="{urls.quiz_path(module.id)}">แบบทดสอบ</a>' if quiz else "")
            + f' <span class="osd-module-status" data-module-progress="{module.id}"></span></span></li>')
    body = strip_admonitions(course.home.body, "trainer").strip()
    # The lessons come right after the opening paragraph: on a phone, a trainee should not have
    # to scroll through the whole introduction to reach them.
    lead, _, rest = body.partition("\n\n")
    return (_front(course.home.title) + f"# {_escape(course.config.title)}\n\n" + lead + "\n\n"
            + '## บทเรียน {#modules}\n\n'
            + f'<p class="osd-progress-line">{len(course.modules)} บท · รวม {format_duration(total)} · '
              '<span data-progress-summary></span></p>\n'
            + '<ol class="osd-modules">\n' + "\n".join(rows) + "\n</ol>\n\n" + rest + "\n")


def _escape(text: str) -> str:
    return str(jinja2.utils.markupsafe.escape(text))


def page_markdown(page: Page) -> str:
    return _front(page.title) + f"# {page.title}\n\n" + strip_admonitions(page.body, "trainer").strip() + "\n"


def read_handout_manifest(site: Path) -> list[dict]:
    """The handouts built by `build.py handouts` (site/handouts/manifest.json), with file sizes."""
    manifest = site / urls.HANDOUT_DIR / "manifest.json"
    if not manifest.is_file():
        return []
    # Entries name files relative to site/ ("handouts/fake-news.pdf"); list only those still there.
    return [entry for entry in json.loads(manifest.read_text(encoding="utf-8"))
            if (site / entry["file"]).is_file()]


_KIND_HEADINGS = [
    ("book", "หนังสือหลักสูตร"), ("handout", "เอกสารประกอบการเรียน"), ("quiz", "แบบทดสอบสำหรับพิมพ์"),
    ("answers", "เฉลยแบบทดสอบ (สำหรับวิทยากร)"), ("book-trainer", "ฉบับวิทยากร"),
]


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def downloads_markdown(entries: list[dict]) -> str:
    parts = [_front("เอกสารดาวน์โหลด"), "# เอกสารดาวน์โหลด\n\n",
             "เอกสาร PDF ขนาด A4 สำหรับพิมพ์แจกในห้องอบรม ขนาดไฟล์แสดงไว้ให้ตัดสินใจก่อนดาวน์โหลดด้วยข้อมูลมือถือ\n\n"]
    for kind, heading in _KIND_HEADINGS:
        rows = [e for e in entries if e.get("kind") == kind]
        if not rows:
            continue
        parts.append(f"## {heading}\n\n| เอกสาร | ขนาด |\n|---|---|\n")
        for e in rows:
            title = str(e.get("title", e["file"])).replace("|", "\\|")
            parts.append(f'| <a href="../{e["file"]}" download>{_escape(title)}</a> '
                         f'| {format_size(e["bytes"])} |\n')
        parts.append("\n")
    return "".join(parts)


def site_nav(course: Course, has_downloads: bool = False) -> list:
    lessons = [{f"{n}. {m.meta.title}": f"modules/{m.id}.md"} for n, m in enumerate(course.modules, 1)]
    quizzes = [{f"{n}. {m.meta.title}": f"quiz/{m.id}.md"}
               for n, m in enumerate(course.modules, 1) if m.id in course.quizzes]
    nav: list = [{"หน้าแรก": "index.md"}, {"บทเรียน": lessons}]
    if quizzes:
        nav.append({"แบบทดสอบ": quizzes})
    nav += [{p.title: p.name} for p in course.pages]
    nav.append({"ความก้าวหน้าของฉัน": "progress.md"})
    if has_downloads:
        nav.append({"เอกสารดาวน์โหลด": "downloads.md"})
    return nav


def write_docs(course: Course, docs: Path, handouts: list[dict]) -> None:
    """The generated MkDocs source folder: everything a trainee may see, nothing else."""
    (docs / "modules").mkdir(parents=True)
    (docs / "quiz").mkdir()
    (docs / "index.md").write_text(home_markdown(course), encoding="utf-8")
    for number, module in enumerate(course.modules, 1):
        (docs / "modules" / f"{module.id}.md").write_text(module_markdown(course, module, number), encoding="utf-8")
        quiz = course.quizzes.get(module.id)
        if quiz:
            (docs / "quiz" / f"{module.id}.md").write_text(quiz_markdown(course, module, number, quiz),
                                                           encoding="utf-8")
    for page in course.pages:
        target = docs / page.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_markdown(page), encoding="utf-8")
    if handouts:
        (docs / "downloads.md").write_text(downloads_markdown(handouts), encoding="utf-8")
    write_verify_docs(course, docs)
    write_progress_page(course, docs)
    images = course.root / COURSE_DIR / IMAGE_DIR
    if images.is_dir():
        shutil.copytree(images, docs / IMAGE_DIR)


def site_extra(course: Course) -> dict:
    """What assets/quiz.js needs to show progress: read from the page, never from the network."""
    return {
        "course": course.config.id,
        "modules": [m.id for m in course.modules],
        "quizzes": {m: {"pass_mark": q.pass_mark, "total": len(q.data.questions)}
                    for m, q in course.quizzes.items()},
    }


def course_copyright(course: Course) -> str:
    names = " และ ".join(o.name for o in course.config.organisers)
    return f"{course.config.title} · {names}"


class _CollectWarnings(logging.Handler):
    """MkDocs logs problems; we turn its warnings into Problems so the build fails loudly."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def run_mkdocs(course: Course, docs: Path, out: Path, has_downloads: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _CollectWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(
            config_file=str(engine_root(course.root) / "mkdocs.yml"),
            docs_dir=str(docs), site_dir=str(out),
            site_name=course.config.title, site_url=course.config.site_url,
            nav=site_nav(course, has_downloads), strict=True,
            copyright=course_copyright(course), site_description=site_description(course),
        )
        config.extra["osd"] = site_extra(course)
        build(config)
    except MkDocsException as exc:
        handler.records.append(logging.LogRecord("mkdocs", logging.ERROR, "", 0, str(exc), None, None))
    finally:
        logger.removeHandler(handler)
    if handler.records:
        raise ContentError([
            Problem("mkdocs.yml", 0, 0, "site-engine", r.getMessage().replace(str(docs) + "/", ""),
                    "MkDocs rejected the generated site; this is usually a theme or mkdocs.yml problem")
            for r in handler.records])


def render_site(course: Course, out: Path) -> None:
    """Build the whole trainee site into the empty folder `out`."""
    work = out.parent / (out.name + ".docs")
    handouts = read_handout_manifest(course.root / "site")
    try:
        write_docs(course, work, handouts)
        run_mkdocs(course, work, out, bool(handouts))
        for name in THEME_BUILD_ONLY:
            shutil.rmtree(out / name, ignore_errors=True)
        finish_pages(out)
        bundle_stylesheets(out, course.config.site_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    prepare_search_index(course, out)
    # Last: the service worker's precache list hashes every other file of the finished site.
    write_offline_files(course, out)


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


def build_site(course: Course) -> Path:
    """Build into a staging folder and swap it in as <root>/site only when everything succeeded."""
    from coursebuild.write import carry_over, replace_dir, staging_dir

    dest = course.root / "site"
    with staging_dir(dest) as tmp:
        render_site(course, tmp)
        carry_over(dest, tmp, CARRIED_OVER)
        replace_dir(tmp, dest)
    return dest
