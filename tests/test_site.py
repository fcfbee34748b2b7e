"""The site build without a browser: atomic replacement, generated pages, the quiz HTML golden."""
from __future__ import annotations

import os
from pathlib import Path

from conftest import build, copy_course

from coursebuild.checks import load_checked_course
from coursebuild.render.site.pages import render_quiz_html
from coursebuild.render.views import needed_to_pass

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_failed_build_leaves_the_last_good_site(tmp_path, capsys, site_engine):
    root = copy_course("minimal", tmp_path)
    assert build(root, "site", engine=site_engine) == 0
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}

    quiz = root / "quizzes" / "fake-news.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("correct: false", "correct: true"), encoding="utf-8")
    assert build(root, "site", engine=site_engine) == 1

    out = capsys.readouterr().out
    assert "quizzes/fake-news.yml:5:5: error[quiz-correct-count]" in out
    assert "Traceback" not in out
    after = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".site")]
    assert leftovers == [], "the staging folder of the failed build was left behind"


def test_site_rebuild_keeps_handouts_built_by_the_other_command(tmp_path, site_engine):
    root = copy_course("minimal", tmp_path)
    handouts = root / "site" / "handouts"
    handouts.mkdir(parents=True)
    (handouts / "first-steps.pdf").write_bytes(b"%PDF-1.7 stand-in")
    (handouts / "manifest.json").write_text(
        '[{"file": "handouts/first-steps.pdf", "title": "เอกสาร ก้าวแรก", "kind": "handout",'
        ' "module": "first-steps", "pages": 1, "bytes": 17}]', encoding="utf-8")
    assert build(root, "site", engine=site_engine) == 0
    assert (root / "site" / "handouts" / "first-steps.pdf").read_bytes() == b"%PDF-1.7 stand-in"
    downloads = (root / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "เอกสาร ก้าวแรก" in downloads and "1 KB" in downloads
    assert 'href="../handouts/first-steps.pdf"' in downloads


def test_module_page_has_objectives_key_points_and_quiz_link(tmp_path, site_engine):
    root = copy_course("minimal", tmp_path)
    assert build(root, "site", engine=site_engine) == 0
    html = (root / "site" / "modules" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert "อธิบายบทบาทของอาสาสมัครดิจิทัลในหมู่บ้านได้" in html  # an objective
    assert "ฟังก่อน แล้วค่อยแนะนำ" in html  # a key point
    assert 'href="../../quiz/first-steps/"' in html
    assert 'id="who"' in html
    assert "ความลับของวิทยากร" not in html


def test_needed_to_pass_rounds_up():
    assert needed_to_pass(3, 70) == 3
    assert needed_to_pass(10, 70) == 7
    assert needed_to_pass(9, 70) == 7
    assert needed_to_pass(1, 50) == 1


def test_quiz_html_matches_golden(tmp_path):
    """Snapshot of the compiled quiz; refresh with `make golden` after an intended change."""
    course, problems = load_checked_course(copy_course("minimal", tmp_path))
    assert course is not None, problems
    html = render_quiz_html(course, course.quizzes["first-steps"], "../../images/") + "\n"
    golden = GOLDEN / "quiz-first-steps.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_site_and_print_show_a_quiz_the_same_way(tmp_path):
    """One quiz view for both: a choice's Markdown is HTML on the site as on paper, and a
    multiple-choice hint the editor typed into the prompt shows once, not twice."""
    from coursebuild.render.print.printdoc import make_module_view

    root = copy_course("minimal", tmp_path)
    quiz = root / "quizzes" / "first-steps.yml"
    text = quiz.read_text(encoding="utf-8")
    text = text.replace("prompt: ช่องทางใดเป็นช่องทางทางการ", "prompt: ช่องทางใดเป็นช่องทางทางการ (เลือกได้มากกว่า 1 ข้อ)")
    text = text.replace("- text: ลิงก์ใน SMS", "- text: ลิงก์ใน **SMS**")
    quiz.write_text(text, encoding="utf-8")
    course, problems = load_checked_course(root)
    assert course is not None, problems

    site_html = render_quiz_html(course, course.quizzes["first-steps"], "../../images/")
    assert site_html.count("เลือกได้มากกว่า") == 1
    assert "ลิงก์ใน <strong>SMS</strong>" in site_html and "**SMS**" not in site_html

    module = course.module("first-steps")
    view, _ = make_module_view(course, module, 1, "handout")
    paper = next(q for q in view.quiz.questions if q.id == "channels")
    assert paper.hint and "เลือกได้มากกว่า" not in paper.prompt_html
    assert "<strong>SMS</strong>" in paper.choices[2].text_html
