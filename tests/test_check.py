"""`python build.py check`: every problem is reported with its code and exact position, the exit
code is 1 with a summary and no traceback, clean courses pass, and no YAML an editor can type
makes the checker crash."""
from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebuild.checks import load_checked_course
from coursebuild.checks.text import check_text
from coursebuild.cli import main
from coursebuild.editor.external_links import (
    Outcome,
    Use,
    check_urls,
    fetch,
    find_external_links,
)

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
BROKEN = FIXTURES / "broken"

# (code, path, line, column) of every problem planted in tests/fixtures/broken.
EXPECTED = [
    ("unknown-field", "course/course.yml", 9, 1),
    ("yaml-duplicate-key", "course/course.yml", 10, 1),
    ("duplicate-id", "course/course.yml", 16, 5),  # module listed twice
    ("unlisted-module", "course/modules/draft.md", 1, 1),
    ("broken-link", "course/modules/links.md", 10, 22),
    ("broken-anchor", "course/modules/links.md", 11, 24),
    ("missing-image", "course/modules/links.md", 13, 16),
    ("image-no-alt", "course/modules/links.md", 15, 5),
    ("trainer-note-empty", "course/modules/links.md", 17, 1),
    ("wrong-type", "course/modules/timing.md", 4, 11),
    ("invisible-char", "course/modules/typos.md", 10, 5),  # zero-width space
    ("thai-sara-am", "course/modules/typos.md", 11, 5),  # ํ + า
    ("thai-double-sara-e", "course/modules/typos.md", 12, 5),  # เ + เ
    ("thai-double-mark", "course/modules/typos.md", 13, 3),
    ("quiz-correct-count", "quizzes/basics.yml", 4, 5),  # single with 2 correct
    ("duplicate-id", "quizzes/basics.yml", 13, 5),  # question id used twice
    ("quiz-no-correct", "quizzes/basics.yml", 13, 5),  # multiple with none
    ("quiz-true-false-choices", "quizzes/basics.yml", 22, 5),
    ("duplicate-choice", "quizzes/basics.yml", 30, 9),
    ("out-of-range", "quizzes/links.yml", 3, 12),
    ("empty-text", "quizzes/links.yml", 7, 13),  # empty prompt
    ("bad-format", "quizzes/links.yml", 14, 9),
    ("bad-value", "quizzes/links.yml", 15, 11),
    ("too-few-items", "quizzes/links.yml", 18, 7),
    ("quiz-unknown-module", "quizzes/retired.yml", 1, 9),
    ("yaml-syntax", "quizzes/timing.yml", 6, 22),
    ("missing-field", "quizzes/typos.yml", 4, 5),
    # Warnings and errors of the terms, claims, quiz-wording and learning-time checks.
    ("claims-duplicate-id", "course/claims.yml", 10, 9),
    ("claims-match-not-found", "course/claims.yml", 13, 13),
    ("claims-where-missing", "course/claims.yml", 14, 13),
    ("claims-where-stale", "course/claims.yml", 14, 40),
    ("claims-no-source", "course/claims.yml", 15, 13),
    ("claims-duration-mismatch", "course/claims.yml", 21, 20),  # 45 minutes, the module says 30
    ("course-too-short", "course/course.yml", 20, 14),  # 2 hours of the required 18
    ("time-box-mismatch", "course/modules/links.md", 21, 33),  # 20 minutes once the break is left out
    ("term-misspelling", "course/modules/typos.md", 14, 5),  # ดิจิตอล
    ("terms-marker", "course/modules/typos.md", 14, 13),  # allow marker never ended
    ("claim-unregistered", "course/modules/typos.md", 15, 15),  # 1111 (1441 is registered)
    ("terms-duplicate", "course/terms.yml", 8, 20),
    ("terms-word", "course/terms.yml", 10, 5),
    ("quiz-negated-statement", "quizzes/basics.yml", 24, 28),
]


WARNINGS = {"claims-match-not-found", "claims-where-missing", "claims-where-stale", "claims-duration-mismatch",
            "term-misspelling", "terms-marker", "claim-unregistered", "quiz-negated-statement"}


@pytest.fixture(scope="module")
def broken_problems():
    course, problems = load_checked_course(BROKEN)
    assert course is None
    return problems


@pytest.mark.parametrize("code,path,line,column", EXPECTED, ids=[f"{c}@{p}:{line}" for c, p, line, _ in EXPECTED])
def test_each_planted_problem_is_reported_at_its_position(broken_problems, code, path, line, column):
    found = {(p.code, p.path, p.line, p.column) for p in broken_problems}
    assert (code, path, line, column) in found


def test_broken_fixture_reports_nothing_unexpected(broken_problems):
    assert sorted((p.code, p.path, p.line, p.column) for p in broken_problems) == sorted(EXPECTED)
    assert all(p.message and p.hint for p in broken_problems)
    assert {p.code for p in broken_problems if not p.is_error} == WARNINGS


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], capture_output=True, text=True,
                          cwd=PROJECT, timeout=120)


def test_check_on_broken_course_exits_1_with_summary_and_no_traceback():
    result = _run("--root", str(BROKEN), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    warnings = sum(code in WARNINGS for code, *_ in EXPECTED)
    assert result.stdout.rstrip().splitlines()[-1] == (
        f"{len(EXPECTED) - warnings} errors and {warnings} warnings in 12 files")
    assert "quizzes/typos.yml:4:5: error[missing-field]:" in result.stdout


@pytest.mark.parametrize("fixture", ["minimal", "unicode"])
def test_clean_course_checks_with_exit_0(fixture):
    result = _run("--root", str(FIXTURES / fixture), "check")
    assert (result.returncode, result.stdout) == (0, "ok: no problems found\n")


def test_unicode_course_builds_with_thai_anchors_and_file_names(tmp_path):
    root = tmp_path / "unicode"
    shutil.copytree(FIXTURES / "unicode", root, ignore=shutil.ignore_patterns("site"))
    assert main(["--root", str(root), "site"]) == 0
    lesson = (root / "site" / "modules" / "rainy-season" / "index.html").read_text(encoding="utf-8")
    assert 'id="ฤดูฝน-๒๕๖๕"' in lesson
    assert "ก๋วยเตี๋ยว" in lesson and "日本語" in lesson
    assert "ตรวจสอบว่าผู้เรียนพิมพ์" not in lesson  # the trainer note stays off the site
    assert (root / "site" / "images" / "ขั้นตอน.svg").is_file()
    chat = (root / "site" / "modules" / "emoji-chat" / "index.html").read_text(encoding="utf-8")
    assert "👨\u200d👩\u200d👧\u200d👦" in chat


# --- regressions -------------------------------------------------------------------------------

def test_zero_width_joiner_inside_an_emoji_is_not_reported(tmp_path):
    # Regression: 👨‍👩‍👧 is three emoji joined by U+200D; the check used to flag every joiner.
    assert check_text(tmp_path / "a.md", tmp_path, "ครอบครัว 👨\u200d👩\u200d👧 🧑🏾\u200d💻 🏳️\u200d🌈") == []


def test_zero_width_joiner_between_thai_letters_is_reported(tmp_path):
    problems = check_text(tmp_path / "a.md", tmp_path, "ข่าว\u200dปลอม")
    assert [(p.code, p.line, p.column) for p in problems] == [("invisible-char", 1, 5)]


@pytest.mark.parametrize("text,line,column", [
    ("module: &m\n  a: *m\n", 1, 9),  # an alias that contains itself used to recurse forever
    ("module: x\ntitle: a\x00b\n", 2, 9),  # the YAML reader's refusal used to escape as a traceback
])
def test_yaml_that_used_to_crash_gives_a_yaml_syntax_problem(tmp_path, text, line, column):
    root = _copy_minimal(tmp_path)
    (root / "quizzes" / "fake-news.yml").write_text(text, encoding="utf-8")
    course, problems = load_checked_course(root)
    assert course is None
    assert ("yaml-syntax", "quizzes/fake-news.yml", line, column) in {(p.code, p.path, p.line, p.column)
                                                                      for p in problems}


@pytest.mark.parametrize("src", ['"a\\0b.svg"', "x" * 5000 + ".svg"])
def test_impossible_image_file_names_are_reported_not_raised(tmp_path, src):
    root = _copy_minimal(tmp_path)
    quiz = root / "quizzes" / "fake-news.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(
        "    choices:", f"    image:\n      src: {src}\n      alt: รูป\n    choices:", 1), encoding="utf-8")
    _, problems = load_checked_course(root)
    assert [p.code for p in problems] == ["missing-image"]


# --- any YAML gives a Course or Problems, never an exception -----------------------------------

def _copy_minimal(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root, ignore=shutil.ignore_patterns("site"))
    return root


@pytest.fixture(scope="module")
def scratch_course(tmp_path_factory):
    return _copy_minimal(tmp_path_factory.mktemp("prop"))


VALID_QUIZ = (FIXTURES / "minimal" / "quizzes" / "first-steps.yml").read_text(encoding="utf-8")

YAMLISH = st.lists(st.sampled_from([
    "module: ", "first-steps", "title: ", "questions:", "\n", "\n  ", "\n    ", "  - ", "- ", "id: ",
    "type: ", "single", "multiple", "true_false", "choices:", "text: ", "correct: ", "true", "false",
    "yes", "null", "~", "explanation: ", "prompt: ", "pass_mark: ", "70", "-1", "1e3", ".inf", "0x1F",
    "2565-03-11", ":", ": ", "#", "'", '"', "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!binary ",
    "!!python/object:os.system ", "? ", "|", ">", "%", "@", "`", "\t", "\\", "\\0", "\u200b", "ก", "่", "ำ",
    "\u0e4d\u0e32", "เเ", "📱", "\x00", "\x85", "\ufeff", "\r\n", "image:", "src: ", "../course/images/steps.svg",
]), max_size=60).map("".join)

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@st.composite
def mutated_quiz(draw):
    """A valid quiz with a few edits an editor might make: cut, paste, re-indent, retype."""
    lines = VALID_QUIZ.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "truncate", "swap"]))
        if edit == "delete" and len(lines) > 1:
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t"])) + lines[i]
        elif edit == "dedent":
            lines[i] = lines[i][draw(st.integers(0, 4)):]
        elif edit == "insert":
            text = lines[i]
            at = draw(st.integers(0, len(text)))
            lines[i] = text[:at] + draw(YAMLISH | ANY_TEXT) + text[at:]
        elif edit == "truncate":
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=YAMLISH | ANY_TEXT | mutated_quiz())
def test_any_quiz_text_gives_a_course_or_problems_never_an_exception(scratch_course, text):
    (scratch_course / "quizzes" / "first-steps.yml").write_text(text, encoding="utf-8")
    course, problems = load_checked_course(scratch_course)
    assert course is not None or any(p.is_error for p in problems)
    for p in problems:
        assert p.path and p.line >= 0 and p.column >= 0 and p.code and p.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_quiz_bytes_give_a_course_or_problems(scratch_course, data):
    (scratch_course / "quizzes" / "first-steps.yml").write_bytes(data)
    course, problems = load_checked_course(scratch_course)
    assert course is not None or any(p.is_error for p in problems)


# --- external links: on demand only, never over the network in tests ----------------------------

def test_check_never_touches_external_links_without_the_flag(monkeypatch, capsys):
    import coursebuild.editor.external_links as external

    def refuse(*args, **kwargs):
        raise AssertionError("external links were checked without --external")

    monkeypatch.setattr(external, "check_external_links", refuse)
    monkeypatch.setattr(external, "fetch", refuse)
    assert main(["--root", str(FIXTURES / "minimal"), "check"]) == 0


def test_external_links_are_found_with_positions():
    uses = find_external_links(FIXTURES / "minimal", [FIXTURES / "minimal" / "course" / "modules" / "first-steps.md"])
    assert uses == [Use("https://www.thaigov.go.th/news/contents/details/52600", "course/modules/first-steps.md", 12, 10)]


def test_external_link_results_become_problems_at_every_use():
    uses = [Use("https://gone.example/", "a.md", 3, 7), Use("https://gone.example/", "b.md", 1, 1),
            Use("https://slow.example/", "a.md", 5, 2), Use("https://fine.example/", "a.md", 6, 1)]
    outcomes = {"https://gone.example/": Outcome(False, True, "HTTP 404 Not Found"),
                "https://slow.example/": Outcome(False, False, "no answer within 15 s"),
                "https://fine.example/": Outcome(True, False, "HTTP 200")}
    problems = check_urls(uses, outcomes.__getitem__)
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in problems] == [
        ("a.md", 3, 7, "external-link-broken", "error"),
        ("b.md", 1, 1, "external-link-broken", "error"),
        ("a.md", 5, 2, "external-link-unreachable", "warning"),
    ]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802
        # Some government sites refuse HEAD: the checker must retry with GET.
        self.send_response(405 if self.path == "/no-head" else (404 if self.path == "/gone" else 200))
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.send_response(404 if self.path == "/gone" else 200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_fetch_falls_back_to_get_and_reports_404_on_a_local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert fetch(base + "/page", timeout=5).ok
        assert fetch(base + "/no-head", timeout=5).ok
        gone = fetch(base + "/gone", timeout=5)
        assert (gone.ok, gone.gone) == (False, True)
        assert fetch(base + "/ฤดูฝน?q=ไทย", timeout=5).ok  # Thai in a path is percent-encoded
    finally:
        server.shutdown()
        server.server_close()


# --- every code an editor can see is explained in CONTRIBUTING.md ------------------------------

def problem_codes() -> set[str]:
    """Codes passed to Problem(...) (4th argument) or to any helper with a `code` parameter."""
    import ast

    codes: set[str] = set()
    for path in sorted((PROJECT / "coursebuild").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        positions = {"Problem": 3}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "code" in (args := [a.arg for a in node.args.args]):
                positions[node.name] = args.index("code")
            # A dataclass with a `code` field (trust.Dropped) is such a helper too.
            fields = [f.target.id for f in (node.body if isinstance(node, ast.ClassDef) else [])
                      if isinstance(f, ast.AnnAssign) and isinstance(f.target, ast.Name)]
            if "code" in fields:
                positions[node.name] = fields.index("code")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in positions:
                continue
            values = node.args[positions[name]:positions[name] + 1] + [k.value for k in node.keywords
                                                                         if k.arg == "code"]
            codes |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return codes


def test_every_problem_code_is_explained_in_contributing():
    import re

    codes = problem_codes()
    assert {code for code, *_ in EXPECTED} <= codes  # the scanner finds what the fixture shows
    documented = set(re.findall(r"^#### `([a-z0-9-]+)`$", (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8"),
                                re.M))
    assert sorted(codes - documented) == [], "explain these codes, with a before/after fix, in CONTRIBUTING.md"
    assert sorted(documented - codes) == [], "CONTRIBUTING.md explains codes the code no longer emits"


def test_summary_counts_what_is_printed():
    """Regression: the same problem found twice was printed once but counted twice."""
    from coursebuild.problems import Problem
    from coursebuild.report import format_github, format_human, format_json

    twice = [Problem("course/a.md", 3, 1, "broken-link", "link to 'x.md'")] * 2
    assert format_human(twice).splitlines()[-1] == "1 error in 1 file"
    assert format_github(twice).splitlines()[-1] == "1 error in 1 file"
    assert '"errors": 1' in format_json(twice)
