"""Small readers for the exported quizzes, written from the importers' rules, not from our writers.

- Moodle XML: ElementTree, reading the fields Moodle's qformat_xml reads (question/format/xml).
- GIFT: the steps of Moodle's qformat_gift importer (question/format/gift/format.php): questions
  are separated by blank lines, `//` lines are dropped, escaped characters are set aside before
  anything is split, the answer block is the text between the first `{` and `}`, `####` starts the
  general feedback, `#` a choice's feedback, and `~%50%` a weight.
- OLX: the archive's members and the course tree from course.xml down to each problem.
"""
from __future__ import annotations

import html
import io
import json
import re
import tarfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

# --- Moodle XML -----------------------------------------------------------------------------------

@dataclass
class MoodleAnswer:
    fraction: str
    format: str
    text: str
    feedback: str


@dataclass
class MoodleQuestion:
    type: str
    name: str
    idnumber: str
    questiontext: str
    files: dict[str, bytes]
    generalfeedback: str
    single: str | None
    answers: list[MoodleAnswer]


@dataclass
class MoodleFile:
    category: str
    category_info: str
    category_idnumber: str
    questions: list[MoodleQuestion]


def _text(element: ElementTree.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    # Moodle trims every text it imports (qformat_xml::getpath with $istext).
    return (found.text or "").strip() if found is not None else ""


def read_moodle(data: bytes) -> MoodleFile:
    import base64

    root = ElementTree.fromstring(data)
    assert root.tag == "quiz"
    questions = root.findall("question")
    category = questions[0]
    assert category.get("type") == "category", "the file must start with its category"
    out = MoodleFile(_text(category.find("category")), _text(category.find("info")),
                     (category.findtext("idnumber") or "").strip(), [])
    for q in questions[1:]:
        text = q.find("questiontext")
        assert text.get("format") == "html"
        files = {f.get("name"): base64.b64decode(f.text or "") for f in text.findall("file")}
        for f in text.findall("file"):
            assert f.get("encoding") == "base64" and f.get("path") == "/"
        answers = [MoodleAnswer(a.get("fraction"), a.get("format"), _text(a), _text(a.find("feedback")))
                   for a in q.findall("answer")]
        out.questions.append(MoodleQuestion(
            q.get("type"), _text(q.find("name")), (q.findtext("idnumber") or "").strip(), _text(text), files,
            _text(q.find("generalfeedback")), q.findtext("single"), answers))
    return out


# --- GIFT -----------------------------------------------------------------------------------------

_ESCAPES = {"\\:": "&&058;", "\\#": "&&035;", "\\=": "&&061;", "\\{": "&&123;", "\\}": "&&125;",
            "\\~": "&&126;", "\\n": "&&010"}
_CHARS = {"&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{", "&&125;": "}", "&&126;": "~",
          "&&010": "\n"}
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")


def _pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def _post(text: str) -> str:
    for placeholder, char in _CHARS.items():
        text = text.replace(placeholder, char)
    return text


@dataclass
class GiftText:
    format: str  # "html", "plain", "markdown", "moodle" or "" (the question's)
    text: str


def _with_format(text: str) -> GiftText:
    match = re.match(r"\[(html|plain|markdown|moodle)\]", text)
    if match:
        return GiftText(match.group(1), _post(text[match.end():]).strip())
    return GiftText("", _post(text).strip())


@dataclass
class GiftQuestion:
    name: str
    type: str  # multichoice or truefalse
    questiontext: GiftText
    generalfeedback: str
    single: bool = True
    answers: list[tuple[float, str, str]] = field(default_factory=list)  # (fraction, text, feedback)
    correct: bool | None = None  # truefalse: the right answer
    feedback_true: str = ""
    feedback_false: str = ""


@dataclass
class GiftFile:
    category: str
    comments: list[str]
    questions: list[GiftQuestion]


def read_gift(text: str) -> GiftFile:
    blocks, current = [], []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out = GiftFile("", [line[2:].strip() for block in blocks for line in block if line.startswith("//")], [])
    for block in blocks:
        body = "\n".join(line for line in block if not line.startswith("//")).strip()
        if not body:
            continue
        body = _pre(body)
        if body.startswith("$CATEGORY:"):
            assert not out.category, "one category per file"
            out.category = body[len("$CATEGORY:"):].strip()
            continue
        assert body.startswith("::"), f"every question has a name: {body[:60]}"
        end = body.index("::", 2)
        name, body = _post(body[2:end]), body[end + 2:].strip()
        start, finish = body.index("{"), body.index("}")
        assert body.endswith("}") and finish == len(body) - 1, "the answers close the question"
        answers = body[start + 1:finish].strip()
        question_text = _with_format(body[:start])
        general = ""
        if "####" in answers:
            cut = answers.rindex("####")
            general, answers = _with_format(answers[cut + 4:]).text, answers[:cut].strip()
        if "~" in answers:
            q = GiftQuestion(name, "multichoice", question_text, general, single="=" in answers)
            parts = answers.replace("=", "~=").split("~")
            for part in [p.strip() for p in parts if p.strip()]:
                if part.startswith("="):
                    fraction, part = 1.0, part[1:]
                elif _WEIGHT.match(part):
                    weight = part[1:part.index("%", 1)]
                    fraction, part = float(weight) / 100, part[part.index("%", 1) + 1:]
                else:
                    fraction = 0.0
                answer, _, feedback = part.partition("#")
                q.answers.append((fraction, _with_format(answer).text, _with_format(feedback).text))
        else:
            answer, *feedback = answers.split("#", 2)
            assert answer.strip() in ("T", "TRUE", "F", "FALSE"), f"not a true/false answer: {answers[:40]}"
            wrong = _with_format(feedback[0]).text if feedback else ""
            right = _with_format(feedback[1]).text if len(feedback) > 1 else ""
            correct = answer.strip() in ("T", "TRUE")
            q = GiftQuestion(name, "truefalse", question_text, general, correct=correct,
                             feedback_true=right if correct else wrong, feedback_false=wrong if correct else right)
        out.questions.append(q)
    return out


# --- Open edX OLX ---------------------------------------------------------------------------------

@dataclass
class OlxProblem:
    url_name: str
    display_name: str
    element: ElementTree.Element  # the <problem>


@dataclass
class OlxQuiz:
    module: str
    chapter: str
    title: str
    graded: str
    format: str
    intro_html: str
    problems: list[OlxProblem]


@dataclass
class OlxCourse:
    members: list[tarfile.TarInfo]
    files: dict[str, bytes]
    org: str
    course: str
    title: str
    grading: dict
    quizzes: list[OlxQuiz]


def read_olx(data: bytes) -> OlxCourse:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        files = {m.name: tar.extractfile(m).read() for m in members if m.isfile()}
    top = {name.split("/")[0] for name in files}
    assert len(top) == 1, "one top folder holding course.xml"
    (top,) = top

    def xml(path: str) -> ElementTree.Element:
        return ElementTree.fromstring(files[f"{top}/{path}"])

    pointer = xml("course.xml")
    run = pointer.get("url_name")
    course = xml(f"course/{run}.xml")
    grading = json.loads(files[f"{top}/policies/{run}/grading_policy.json"])
    quizzes = []
    for chapter_ref in course.findall("chapter"):
        module = chapter_ref.get("url_name")
        chapter = xml(f"chapter/{module}.xml")
        (seq_ref,) = chapter.findall("sequential")
        sequential = xml(f"sequential/{seq_ref.get('url_name')}.xml")
        (vertical_ref,) = sequential.findall("vertical")
        vertical = xml(f"vertical/{vertical_ref.get('url_name')}.xml")
        intro = ""
        problems = []
        for child in vertical:
            if child.tag == "html":
                pointer_html = xml(f"html/{child.get('url_name')}.xml")
                intro = files[f"{top}/html/{pointer_html.get('filename')}.html"].decode()
            else:
                assert child.tag == "problem"
                element = xml(f"problem/{child.get('url_name')}.xml")
                problems.append(OlxProblem(child.get("url_name"), element.get("display_name"), element))
        quizzes.append(OlxQuiz(module, chapter.get("display_name"), sequential.get("display_name"),
                               sequential.get("graded"), sequential.get("format"), intro, problems))
    return OlxCourse(members, files, pointer.get("org"), pointer.get("course"), course.get("display_name"),
                     grading, quizzes)


def inner_xml(element: ElementTree.Element) -> str:
    """An element's content (text and children) as XML, without the element's own tag."""
    return (html.escape(element.text or "", quote=False)
            + "".join(ElementTree.tostring(child, encoding="unicode") for child in element))


def html_events(fragment: str) -> list[tuple]:
    """HTML as a list of (start, tag, attrs) / (end, tag) / (text, ...) events, character references
    resolved and void elements closed, so that HTML and its XML re-serialisation compare equal."""
    from html.parser import HTMLParser

    void = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    events: list[tuple] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            events.append(("start", tag, tuple(sorted(attrs))))
            if tag in void:
                events.append(("end", tag))

        def handle_startendtag(self, tag, attrs):
            events.append(("start", tag, tuple(sorted(attrs))))
            events.append(("end", tag))

        def handle_endtag(self, tag):
            if tag not in void:
                events.append(("end", tag))

        def handle_data(self, data):
            if events and events[-1][0] == "text":
                events[-1] = ("text", events[-1][1] + data)
            else:
                events.append(("text", data))

    parser = Parser(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return events


def text_content(fragment: str) -> str:
    return "".join(e[1] for e in html_events(fragment) if e[0] == "text")
