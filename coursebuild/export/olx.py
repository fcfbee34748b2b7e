"""Open edX OLX: the quizzes as a course archive for Studio's Tools → Import.

One chapter per module, holding one graded subsection (the quiz) with one unit: a short text with
the pass mark, then one problem per question. Single-answer and true/false questions are
`<multiplechoiceresponse>`, multiple-answer ones `<choiceresponse>` (checkboxes, all or nothing, as
on our site); each choice's feedback is a `<choicehint>` and the explanation a `<solution>`. The
course's pass mark becomes the grading policy's cutoff; Open edX has no pass mark per subsection,
so each quiz states its own in the text above its questions.

The archive is reproducible: files in name order, owner 0, and every time stamp from
SOURCE_DATE_EPOCH (else the last commit), so the same quizzes give the same bytes.
"""
from __future__ import annotations

import gzip
import io
import json
import tarfile
from xml.etree.ElementTree import Element, SubElement, tostring

from coursebuild.export.view import ExportQuestion, ExportQuiz
from coursebuild.export.xhtml import append_html
from coursebuild.pdf import source_date
from coursebuild.render.views import needed_to_pass
from coursebuild.source.load import Course

FOLDER = "olx"
TOP = "course"  # the folder inside the archive that holds course.xml
RUN = "quizzes"  # the course run's url_name; Studio keeps the key of the course imported into
ASSIGNMENT_TYPE = "แบบทดสอบ"


def url_name(*parts: str) -> str:
    """Module ids and question ids are slugs without "_", so "_" joins them unambiguously."""
    return "_".join(parts)


def xml_bytes(element: Element) -> bytes:
    return tostring(element, encoding="unicode").encode("utf-8") + b"\n"


def _lines(element: Element, *children: Element) -> None:
    """One structural child per line; the HTML inside problems is left exactly as rendered."""
    element.text = "\n"
    for child in children:
        child.tail = "\n"


def problem_xml(question: ExportQuestion, number: int) -> Element:
    problem = Element("problem", display_name=f"ข้อ {number}", markdown="null")
    parts = []
    if question.image is not None:
        picture = SubElement(problem, "p")
        SubElement(picture, "img", src=f"/static/{question.image.name}", alt=question.image.alt)
        parts.append(picture)
    multiple = question.kind == "multiple"
    response = SubElement(problem, "choiceresponse" if multiple else "multiplechoiceresponse")
    parts.append(response)
    _lines(problem, *parts)
    label = append_html(SubElement(response, "label"), question.prompt_html)
    group = SubElement(response, "checkboxgroup") if multiple else SubElement(response, "choicegroup",
                                                                              type="MultipleChoice")
    solution = SubElement(response, "solution")
    _lines(response, label, group, solution)
    for choice in question.choices:
        element = SubElement(group, "choice", correct="true" if choice.correct else "false")
        element.text = choice.text
        if choice.feedback_html:
            # A checkbox hint needs to say when it shows: when this box is ticked.
            append_html(SubElement(element, "choicehint", {"selected": "true"} if multiple else {}),
                        choice.feedback_html)
    _lines(group, *group)
    detail = SubElement(solution, "div", {"class": "detailed-solution"})
    SubElement(detail, "p").text = "คำอธิบาย"
    append_html(detail, question.explanation_html)
    _lines(solution, detail)
    return problem


def pass_mark_html(quiz: ExportQuiz) -> bytes:
    need = needed_to_pass(len(quiz.questions), quiz.pass_mark)
    paragraph = Element("p")
    paragraph.text = (f"{len(quiz.questions)} ข้อ · เกณฑ์ผ่านร้อยละ {quiz.pass_mark} "
                      f"(ตอบถูกอย่างน้อย {need} ข้อ)")
    return xml_bytes(paragraph)


def olx_files(course: Course, quizzes: list[ExportQuiz]) -> dict[str, bytes]:
    """{path inside the archive: content}."""
    config = course.config
    files: dict[str, bytes] = {}

    def put(path: str, element: Element) -> None:
        files[f"{TOP}/{path}"] = xml_bytes(element)

    put("course.xml", Element("course", url_name=RUN, org=config.id, course=config.id))
    run = Element("course", display_name=config.title, language="th")
    chapters = [SubElement(run, "chapter", url_name=quiz.module) for quiz in quizzes]
    _lines(run, *chapters)
    put(f"course/{RUN}.xml", run)
    for quiz in quizzes:
        quiz_name = url_name(quiz.module, "quiz")
        chapter = Element("chapter", display_name=f"{quiz.number}. {quiz.module_title}")
        _lines(chapter, SubElement(chapter, "sequential", url_name=quiz_name))
        put(f"chapter/{quiz.module}.xml", chapter)
        sequential = Element("sequential", display_name=quiz.title, graded="true", format=ASSIGNMENT_TYPE)
        _lines(sequential, SubElement(sequential, "vertical", url_name=quiz_name))
        put(f"sequential/{quiz_name}.xml", sequential)
        vertical = Element("vertical", display_name=quiz.title)
        intro = url_name(quiz.module, "pass")
        children = [SubElement(vertical, "html", url_name=intro)]
        put(f"html/{intro}.xml", Element("html", filename=intro, display_name="เกณฑ์ผ่าน"))
        files[f"{TOP}/html/{intro}.html"] = pass_mark_html(quiz)
        for number, question in enumerate(quiz.questions, 1):
            name = url_name(quiz.module, question.id)
            children.append(SubElement(vertical, "problem", url_name=name))
            put(f"problem/{name}.xml", problem_xml(question, number))
            if question.image is not None:
                files[f"{TOP}/static/{question.image.name}"] = question.image.data
        _lines(vertical, *children)
        put(f"vertical/{quiz_name}.xml", vertical)
    policy = {f"course/{RUN}": {"display_name": config.title, "language": "th"}}
    grading = {"GRADER": [{"type": ASSIGNMENT_TYPE, "short_label": "Quiz", "min_count": len(quizzes),
                           "drop_count": 0, "weight": 1.0}],
               "GRADE_CUTOFFS": {"Pass": config.pass_mark / 100}}
    for path, data in ((f"policies/{RUN}/policy.json", policy), (f"policies/{RUN}/grading_policy.json", grading),
                       ("policies/assets.json", {})):
        files[f"{TOP}/{path}"] = (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    return files


def deterministic_targz(files: dict[str, bytes]) -> bytes:
    """A .tar.gz whose bytes depend only on `files`: sorted, owner 0, fixed times, no gzip name."""
    mtime = int(source_date().timestamp())
    folders = sorted({"/".join(path.split("/")[:i]) for path in files for i in range(1, path.count("/") + 1)})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted([*folders, *files]):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
            if name in files:
                info.size, info.mode = len(files[name]), 0o644
                tar.addfile(info, io.BytesIO(files[name]))
            else:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=mtime, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def olx_archive(course: Course, quizzes: list[ExportQuiz]) -> dict[str, bytes]:
    """{file name: content} for dist/export/olx/: one <course-id>.tar.gz."""
    return {f"{course.config.id}.tar.gz": deterministic_targz(olx_files(course, quizzes))}
