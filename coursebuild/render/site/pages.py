"""Stage 3a, the pages: the generated docs folder a site engine builds the trainee site from.

Lessons without trainer notes, compiled quizzes, the home page with the module list, the extra
pages, downloads, verify, badges and progress pages, and the images: everything a trainee may see,
nothing else. Our own markup (quiz forms, navigation) is made by templates in theme/templates/ and
stands in the Markdown as trusted blocks (docs.TrustedBlocks).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from markupsafe import Markup, escape

from coursebuild import trust, urls
from coursebuild.markup import markdown_text, strip_admonitions
from coursebuild.problems import ContentError, Problem, relpath
from coursebuild.render.site.badges_page import write_badge_docs
from coursebuild.render.site.docs import TrustedBlocks, front_matter
from coursebuild.render.site.offline import write_progress_page
from coursebuild.render.site.reading import module_description, quiz_description
from coursebuild.render.site.verify_page import write_verify_docs
from coursebuild.render.views import format_duration, make_quiz_view
from coursebuild.source.load import COURSE_DIR, IMAGE_DIR, Course, Module, Page, Quiz
from coursebuild.templates import template_env


def render_block(course: Course, template: str, **context) -> Markup:
    """One of our own pieces of page markup, from theme/templates/ (autoescaped)."""
    return Markup(template_env(course.root, "templates").get_template(template).render(**context))


def render_quiz_html(course: Course, quiz: Quiz, image_prefix: str) -> str:
    """The quiz form. `image_prefix` maps course/images/ to where the page finds them."""
    view = make_quiz_view(course, quiz)
    html = template_env(course.root, "templates").get_template("quiz.html").render(quiz=view, image_prefix=image_prefix)
    # Python-Markdown ends a raw HTML block at a blank line; the template has none, keep it so.
    return "\n".join(line for line in html.split("\n") if line.strip())


def module_markdown(course: Course, module: Module, number: int, blocks: TrustedBlocks) -> str:
    meta = module.meta
    quiz = course.quizzes.get(module.id)
    title = f"{number}. {meta.title}"
    # The engine prints the description into <meta> unescaped: it is escaped here, as the title is.
    parts = [front_matter(title, description=str(escape(module_description(module)))), f"# {markdown_text(title)}\n", blocks.add(render_block(
        course, "module-facts.html", module_id=module.id, duration=format_duration(meta.duration),
        questions=len(quiz.data.questions) if quiz else 0))]
    # Objectives and key points stay Markdown in the page, so that the engine resolves their links
    # like the lesson's; each is kept to one line, so that it cannot end the list it is in.
    parts.append('!!! objectives "วัตถุประสงค์การเรียนรู้"\n\n    เมื่อเรียนจบบทนี้ ผู้เรียนจะสามารถ\n\n')
    parts += [f"    - {_one_line(o)}\n" for o in meta.objectives]
    parts.append("\n")
    parts.append(strip_admonitions(module.page.body, "trainer").strip() + "\n\n")
    if meta.key_points:
        parts.append("## ประเด็นสำคัญ {#key-points}\n\n")
        parts += [f"- {_one_line(k)}\n" for k in meta.key_points]
        parts.append("\n")
    if meta.references:
        parts.append("## แหล่งอ้างอิง {#references}\n")
        parts.append(blocks.add(render_block(course, "references.html", references=meta.references)))
    parts.append(blocks.add(next_steps_html(course, module)))
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def next_steps_html(course: Course, module: Module) -> Markup:
    has_quiz = module.id in course.quizzes
    return render_block(
        course, "next-steps.html",
        quiz_href=f"../../{urls.quiz_path(module.id)}" if has_quiz else "",
        handout_href=f"../../{urls.handout_file(module.id)}",
        quiz_sheet_href=f"../../{urls.quiz_sheet_file(module.id)}" if has_quiz else "")


def quiz_markdown(course: Course, module: Module, number: int, quiz: Quiz, blocks: TrustedBlocks) -> str:
    title = quiz.data.title
    back = render_block(course, "quiz-back.html", lesson_href=f"../../{urls.module_path(module.id)}",
                        number=number, title=module.meta.title)
    return (front_matter(title, description=str(escape(quiz_description(module, quiz)))) + f"# {markdown_text(title)}\n" + blocks.add(back)
            + blocks.add(render_quiz_html(course, quiz, "../../images/")))


def home_markdown(course: Course, blocks: TrustedBlocks) -> str:
    modules = []
    for number, module in enumerate(course.modules, 1):
        modules.append({
            "id": module.id, "number": number, "title": module.meta.title, "href": urls.module_path(module.id),
            "duration": format_duration(module.meta.duration),
            "quiz_href": urls.quiz_path(module.id) if module.id in course.quizzes else ""})
    total = format_duration(sum(m.meta.duration for m in course.modules))
    body = strip_admonitions(course.home.body, "trainer").strip()
    # The lessons come right after the opening paragraph: on a phone, a trainee should not have
    # to scroll through the whole introduction to reach them.
    lead, _, rest = body.partition("\n\n")
    return (front_matter(course.home.title) + f"# {markdown_text(course.config.title)}\n\n" + lead + "\n\n"
            + "## บทเรียน {#modules}\n"
            + blocks.add(render_block(course, "home-modules.html", modules=modules, total=total))
            + rest + "\n")


def page_markdown(page: Page) -> str:
    return (front_matter(page.title) + f"# {markdown_text(page.title)}\n\n"
            + strip_admonitions(page.body, "trainer").strip() + "\n")


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


def downloads_markdown(course: Course, entries: list[dict], blocks: TrustedBlocks) -> str:
    parts = [front_matter("เอกสารดาวน์โหลด"), "# เอกสารดาวน์โหลด\n\n",
             "เอกสาร PDF ขนาด A4 สำหรับพิมพ์แจกในห้องอบรม ขนาดไฟล์แสดงไว้ให้ตัดสินใจก่อนดาวน์โหลดด้วยข้อมูลมือถือ\n\n"]
    for kind, heading in _KIND_HEADINGS:
        rows = [{"href": f"../{e['file']}", "title": str(e.get("title", e["file"])), "size": format_size(e["bytes"])}
                for e in entries if e.get("kind") == kind]
        if rows:
            parts.append(f"## {heading}\n")
            parts.append(blocks.add(render_block(course, "downloads.html", rows=rows)))
    return "".join(parts)


def _text(value: str) -> Markup:
    """A title for the engine's own templates, which print titles as HTML: escaped here, and
    marked as such so that the few places that escape again (`| e`) leave it alone."""
    return escape(value)


def site_nav(course: Course, has_downloads: bool = False) -> list:
    lessons = [{_text(f"{n}. {m.meta.title}"): f"modules/{m.id}.md"} for n, m in enumerate(course.modules, 1)]
    quizzes = [{_text(f"{n}. {m.meta.title}"): f"quiz/{m.id}.md"}
               for n, m in enumerate(course.modules, 1) if m.id in course.quizzes]
    nav: list = [{"หน้าแรก": "index.md"}, {"บทเรียน": lessons}]
    if quizzes:
        nav.append({"แบบทดสอบ": quizzes})
    nav += [{_text(p.title): p.name} for p in course.pages]
    nav.append({"ความก้าวหน้าของฉัน": "progress.md"})
    if has_downloads:
        nav.append({"เอกสารดาวน์โหลด": "downloads.md"})
    return nav


def write_docs(course: Course, docs: Path, handouts: list[dict], public=None,
               blocks: TrustedBlocks | None = None) -> TrustedBlocks:
    """The generated MkDocs source folder: everything a trainee may see, nothing else.

    `public` is this run's verify data (see verify_page.write_verify_docs). Returns our own
    markup by placeholder, for the engine run (see docs.TrustedBlocks); `blocks` gives the
    placeholders' token (a preview keeps one for its session), else a new one is made.
    """
    blocks = TrustedBlocks() if blocks is None else blocks
    (docs / "modules").mkdir(parents=True)
    (docs / "quiz").mkdir()
    (docs / "index.md").write_text(home_markdown(course, blocks), encoding="utf-8")
    for number, module in enumerate(course.modules, 1):
        (docs / "modules" / f"{module.id}.md").write_text(module_markdown(course, module, number, blocks),
                                                          encoding="utf-8")
        quiz = course.quizzes.get(module.id)
        if quiz:
            (docs / "quiz" / f"{module.id}.md").write_text(quiz_markdown(course, module, number, quiz, blocks),
                                                           encoding="utf-8")
    for page in course.pages:
        target = docs / page.name
        if not trust.is_inside(target.parent, [docs]) or ".." in Path(page.name).parts:
            raise ContentError([Problem("course/course.yml", 0, 0, "path-outside",
                                        f"page '{page.name}' is outside course/", "list pages inside course/")])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_markdown(page), encoding="utf-8")
    if handouts:
        (docs / "downloads.md").write_text(downloads_markdown(course, handouts, blocks), encoding="utf-8")
    write_verify_docs(course, docs, blocks, public)
    write_badge_docs(course, docs)
    write_progress_page(course, docs, blocks)
    copy_images(course, docs / IMAGE_DIR)
    return blocks


def copy_images(course: Course, dest: Path) -> None:
    """course/images/ into the site: regular files only. A symbolic link there (to the roster, say)
    would publish whatever it points at, so the build refuses it whatever `check` said."""
    images = course.root / COURSE_DIR / IMAGE_DIR
    if not images.is_dir():
        return
    links = trust.find_symlinks(images)
    if links:
        raise ContentError([Problem(relpath(link, course.root), 0, 0, "symlink",
                                    "a symbolic link in course/images/ is not published",
                                    "copy the real file into course/images/ instead of linking to it")
                            for link in links])
    shutil.copytree(images, dest)


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
    return _text(f"{course.config.title} · {names}")
