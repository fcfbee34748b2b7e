"""The JSON Schema that editors' tools read agrees with the validator that CI runs.

We have no JSON Schema library (and add no dependency for one), so `schema_errors` below is a
small checker for exactly the keywords schema.py emits. Both are run on every fixture file and on
many mutations of valid files; their verdicts must agree.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from coursebuild.editor.schema import (
    SCHEMA_CODES,
    SCHEMA_DIR,
    build_schemas,
    check_schemas,
    dataclass_schema,
)
from coursebuild.source import model
from coursebuild.source.load import split_front_matter
from coursebuild.source.yamlsource import load_yaml

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
SCHEMAS = build_schemas()
THAI = re.compile("[\u0e00-\u0e7f]")
EMITTED_KEYWORDS = {"$schema", "title", "description", "default", "type", "properties", "required",
                    "additionalProperties", "items", "minItems", "enum", "minimum", "maximum", "pattern",
                    "anyOf", "patternErrorMessage"}


# --- a minimal JSON Schema checker (draft-07 semantics, for the keywords above) --------------------

def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "number":
        return number
    if name == "integer":  # JSON Schema: 2.0 is an integer too
        return number and float(value).is_integer()
    raise AssertionError(f"unknown type {name}")


def schema_errors(schema: dict, value: Any, where: str = "$") -> list[str]:
    unknown = set(schema) - EMITTED_KEYWORDS
    assert not unknown, f"this checker does not know {unknown}: extend it before schema.py uses them"
    errors: list[str] = []
    if "anyOf" in schema and all(schema_errors(s, value, where) for s in schema["anyOf"]):
        errors.append(f"{where}: matches no alternative")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return errors + [f"{where}: not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: not one of {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: does not match {schema['pattern']}")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: above {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        for index, item in enumerate(value):
            errors += schema_errors(schema.get("items", {}), item, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}: missing {name}" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{where}: unknown {key}" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(properties[key], item, f"{where}.{key}")
    return errors


def test_checker_can_fail():
    # The agreement tests below mean nothing if this checker accepted everything.
    schema = SCHEMAS["quiz.schema.json"]
    assert schema_errors(schema, {"module": "x", "title": "t", "questions": []}) == ["$.questions: fewer than 1 items"]
    assert schema_errors(schema, {"module": "X", "title": " ", "questions": [{}], "extra": 1})


# --- which model describes which file ----------------------------------------------------------

def _cohort_class():
    try:
        from coursebuild.certificates.cohort_config import CohortConfig
    except ImportError:
        return None
    return CohortConfig


def content_files(root: Path) -> list[tuple[Path, type, str]]:
    """(file, model, schema name) for every YAML document of a course folder."""
    out = []
    if (root / "course" / "course.yml").is_file():
        out.append((root / "course" / "course.yml", model.CourseConfig, "course.schema.json"))
    for path in sorted((root / "course").glob("**/*.md")):
        if "modules" in path.relative_to(root / "course").parts:
            out.append((path, model.ModuleMeta, "module.schema.json"))
        else:
            out.append((path, model.PageMeta, "page.schema.json"))
    out += [(path, model.QuizFile, "quiz.schema.json") for path in sorted((root / "quizzes").glob("*.y*ml"))]
    for name, cls in (("terms", model.TermsFile), ("claims", model.ClaimsFile)):
        if (root / "course" / f"{name}.yml").is_file():
            out.append((root / "course" / f"{name}.yml", cls, f"{name}.schema.json"))
    cohort = _cohort_class()
    if cohort is not None:
        out += [(path, cohort, "cohort.schema.json") for path in sorted(root.glob("roster/*/cohort.yml"))]
    return out


ROOTS = [FIXTURES / name for name in sorted(p.name for p in FIXTURES.iterdir() if (p / "course").is_dir())] + [PROJECT]
FILES = [item for root in ROOTS for item in content_files(root)]


def _tree(path: Path, name: str = ""):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        tree, _, _, problems = split_front_matter(text, path.name)
    else:
        tree, problems = load_yaml(text, path.name)
    return tree, problems


def validator_rejects(cls: type, tree) -> bool:
    _, problems = model.convert(cls, tree, "file")
    return any(p.code in SCHEMA_CODES for p in problems)


def schema_rejects(name: str, data: Any) -> bool:
    return bool(schema_errors(SCHEMAS[name], data))


@pytest.mark.parametrize("path,cls,name", FILES, ids=[str(p.relative_to(PROJECT)) for p, _, _ in FILES])
def test_schema_and_validator_agree_on_every_fixture_file(path, cls, name):
    tree, problems = _tree(path, name)
    if tree is None:
        assert problems or path.suffix == ".md"  # a YAML syntax error, or Markdown without front matter
        pytest.skip("no YAML document to compare")
    assert validator_rejects(cls, tree) == schema_rejects(name, tree.plain()), schema_errors(SCHEMAS[name], tree.plain())


def test_fixtures_hold_files_both_accept_and_both_reject():
    verdicts = set()
    for path, cls, name in FILES:
        tree, _ = _tree(path, name)
        if tree is not None:
            verdicts.add(validator_rejects(cls, tree))
    assert verdicts == {True, False}


# --- mutations of valid documents ---------------------------------------------------------------

MODELS = {"course.schema.json": model.CourseConfig, "module.schema.json": model.ModuleMeta,
          "quiz.schema.json": model.QuizFile, "terms.schema.json": model.TermsFile,
          "claims.schema.json": model.ClaimsFile}
if _cohort_class() is not None:
    MODELS["cohort.schema.json"] = _cohort_class()
VALID = {name: [tree.plain() for p, c, n in FILES if n == name and (tree := _tree(p, n)[0]) is not None
                and not validator_rejects(c, tree)]
         for name in MODELS}
# A cohort.yml to mutate even before a sample cohort is committed.
SAMPLE_COHORT = {
    "course": "minimal", "code": "BKK1", "title": "รุ่นที่ 1 กรุงเทพมหานคร", "start_date": "2022-03-11",
    "venue": "โรงแรมปรินซ์พาเลซ มหานาค กรุงเทพฯ", "organisers": [{"name": "พม.", "short_name": "พม."}],
    "signatories": [{"name": "นายสมมุติ ตัวอย่าง", "position": "ผู้อำนวยการ"}],
    "eligibility": {"min_hours": 12, "min_score": 60}, "end_date": "2022-03-12", "thai_numerals": True,
}
if "cohort.schema.json" in MODELS:
    VALID["cohort.schema.json"].append(SAMPLE_COHORT)


def test_sample_documents_used_for_mutation_are_valid():
    for name, documents in VALID.items():
        assert documents, f"no valid {name} document to mutate"
        for data in documents:
            tree = load_yaml(yaml.safe_dump(data, allow_unicode=True), "f.yml")[0]
            assert not validator_rejects(MODELS[name], tree) and not schema_rejects(name, tree.plain())

# Values an editor might type. Not here, on purpose (known, harmless gaps, each caught by CI's check):
# floats such as 60.0 (JSON Schema calls them integers, the validator wants a whole number), and
# .inf/.nan as an id (the validator reads them as the text "inf"/"nan").
VALUES = st.sampled_from([
    None, "", "   ", "x", "fake-news", "Fake News", "2565", "https://example.org/", "https://example.org/a/",
    "ftp://x", "ข่าว", "BKK1", "bkk1", "2022-03-11", "2022-3-11", "single", "multiple", "true_false", "choose", 0, 1, 50, 100, 101, -1, 1440, 1441, 2565, 1.5,
    True, False, [], ["x"], ["a", "b"], [1], [None], [{}], {}, {"text": "ใช่", "correct": True},
    {"title": "t", "url": "https://a.org"}, {"name": "กระทรวง"}, {"src": "a.svg", "alt": "รูป"},
    dt.date(2022, 3, 11), "phone", "unverified", {"min_hours": 18}, {"term": "แอป", "misspellings": ["แอพ"]},
    {"fact_sheet": "Law"}, {"course": "x", "url": "ftp://x"},
])
KEYS = st.sampled_from(["id", "title", "module", "questions", "choices", "text", "correct", "type", "prompt",
                        "explanation", "image", "pass_mark", "duration", "objectives", "url", "colour", "Title",
                        "code", "end_date", "min_hours", "signature", "requirements", "term", "misspellings",
                        "words", "match", "where", "kind", "source", "total_minutes", "parts_minutes"])


def _slots(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) inside the document."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append((data, key))
            out += _slots(value)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.append((data, index))
            out += _slots(value)
    return out


@st.composite
def mutated_document(draw):
    name = draw(st.sampled_from(sorted(n for n in VALID if VALID[n])))
    data = copy.deepcopy(draw(st.sampled_from(VALID[name])))
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(data)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if action == "set":
            container[key] = copy.deepcopy(draw(VALUES))
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(KEYS)] = copy.deepcopy(draw(VALUES))
        else:
            container.append(copy.deepcopy(draw(VALUES)))
    return name, data


@settings(max_examples=400, deadline=None)
@given(mutated_document())
def test_schema_and_validator_agree_on_mutated_documents(case):
    name, data = case
    # Through real YAML text, as an editor's file would be.
    tree, problems = load_yaml(yaml.safe_dump(data, allow_unicode=True), "file.yml")
    assert tree is not None and not problems
    event(f"{name}: {'rejected' if schema_rejects(name, tree.plain()) else 'accepted'}")
    assert validator_rejects(MODELS[name], tree) == schema_rejects(name, tree.plain()), (
        schema_errors(SCHEMAS[name], tree.plain()), model.convert(MODELS[name], tree, "file.yml")[1])


# --- the schema files themselves ----------------------------------------------------------------

def test_committed_schemas_are_up_to_date():
    assert check_schemas(PROJECT) == [], "run: python build.py schema"


def test_every_field_title_is_thai():
    def walk(schema: dict, where: str):
        for name, prop in schema.get("properties", {}).items():
            assert THAI.search(prop.get("title", "")), f"{where}.{name} has no Thai title"
            walk(prop, f"{where}.{name}")
            walk(prop.get("items", {}), f"{where}.{name}[]")

    for file, schema in SCHEMAS.items():
        assert THAI.search(schema["title"]) and THAI.search(schema["description"])
        walk(schema, file)


def test_schema_follows_model_field_order_and_leaves_out_internal_fields():
    schema = dataclass_schema(model.Question)
    assert list(schema["properties"]) == ["id", "type", "prompt", "choices", "explanation", "image"]
    assert "line" not in schema["properties"] and schema["additionalProperties"] is False
    assert schema["required"] == ["id", "type", "prompt", "choices", "explanation"]


def test_cohort_schema_exists_when_the_roster_model_does():
    assert ("cohort.schema.json" in SCHEMAS) == (_cohort_class() is not None)


MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


def test_editors_yaml_files_name_an_existing_schema():
    files = [PROJECT / "course" / "course.yml", PROJECT / "course" / "terms.yml", PROJECT / "course" / "claims.yml",
             *sorted((PROJECT / "quizzes").glob("*.yml"))]
    files += sorted(PROJECT.glob("roster/*/cohort.yml"))
    assert len(files) > 1
    for path in files:
        match = MODELINE.search(path.read_text(encoding="utf-8"))
        assert match, f"{path.relative_to(PROJECT)} has no '# yaml-language-server: $schema=' line"
        target = (path.parent / match.group(1)).resolve()
        assert target.parent == PROJECT / SCHEMA_DIR and target.is_file(), f"{path}: {match.group(1)}"
        expected = {"course.yml": "course.schema.json", "cohort.yml": "cohort.schema.json",
                    "terms.yml": "terms.schema.json", "claims.yml": "claims.schema.json"}.get(path.name,
                                                                                            "quiz.schema.json")
        assert target.name == expected
        json.loads(target.read_text(encoding="utf-8"))
