"""Certificate state survives concurrency, kills and spreadsheets (issue 11).

Real processes: two `certificates` runs at once, and a run stopped by SIGTERM, Ctrl-C or SIGKILL
while its worker processes render. Then the files a spreadsheet opens (numbers.csv, summary.csv),
workbooks with formulas, hours above the course's, and the secret's environment variable names.
"""
from __future__ import annotations

import csv
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLE, build, copy_course
from hypothesis import given, settings
from hypothesis import strategies as st
from test_certificates import course_at, new_cohort, row, summary, write_roster

from coursebuild.certificates import command
from coursebuild.certificates.cells import read_cell, spreadsheet_cell
from coursebuild.certificates.pool import CHUNK, default_workers
from coursebuild.certificates.registry import (
    load_registry,
    load_secret,
    secret_env_name,
)
from coursebuild.certificates.roster import load_cohort
from coursebuild.write import clear_stale_staging

SAMPLE_COHORT = SAMPLE / "roster" / "sample-2565-bkk"


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE_COHORT / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def big_cohort(root: Path, name: str = "big", n: int = 0) -> Path:
    """A cohort like the sample, big enough that `certificates` starts worker processes."""
    n = n or 2 * CHUNK
    assert default_workers(n + n // 3) > 1 or (os.cpu_count() or 1) == 1
    folder = new_cohort(root, name, [])
    generator = _generator()
    generator.write_csv(folder / "trainees.csv", generator.make_trainees(n))
    return folder


def start(root: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "coursebuild", "--root", str(root), "certificates", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc; zombies count as gone)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            out.add(pid)
    return out


def wait_until(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def workers_of(process: subprocess.Popen) -> set[int]:
    """The pool's worker processes (spawned: 'multiprocessing.spawn' in their command line)."""
    out = set()
    for pid in descendants(process.pid):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.add(pid)
        except OSError:
            pass
    return out


def staging(root: Path, name: str) -> list[Path]:
    return sorted((root / "dist" / "certificates").glob(f".{name}.*"))


@pytest.fixture
def project(tmp_path):
    return copy_course("sample", tmp_path)


# --- two runs at once -------------------------------------------------------------------------------

def test_a_second_run_on_the_same_cohort_is_refused_and_serials_stay_unique(project):
    # Regression: two runs at once wrote the same serial twice into numbers.csv, and every later
    # run failed until someone edited the file by hand.
    folder = big_cohort(project, n=300)
    first = start(project, str(folder))
    try:
        wait_until(lambda: (folder / ".lock").is_file() and (folder / ".lock").read_text().strip() == str(first.pid),
                   "the first run to hold the lock")
        second = subprocess.run([sys.executable, "-m", "coursebuild", "--root", str(project), "certificates",
                                 str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert first.poll() is None, "the first run ended before the second one started; use a bigger cohort"
        assert second.returncode == 1
        assert re.search(rf"roster/big:0:0: error\[cohort-busy\]: another `certificates` run \(process {first.pid}\)",
                         second.stdout), second.stdout
        assert "Traceback" not in second.stdout + second.stderr
    finally:
        out, err = first.communicate(timeout=900)
    assert first.returncode == 0, out + err
    again = subprocess.run([sys.executable, "-m", "coursebuild", "--root", str(project), "certificates", str(folder)],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stdout + again.stderr
    entries, problems = load_registry(folder / "numbers.csv", project)
    issued = [r for r in summary(project, "big") if r["eligible"] == "yes"]
    assert problems == [] and len(entries) == len(issued) > 250
    assert len({e.serial for e in entries}) == len(entries) == len({e.key for e in entries})


def test_the_lock_is_released_when_the_run_ends(project):
    folder = new_cohort(project, "small", [row(1, "นาย", "ก้องภพ", "ศรีสุข")])
    assert build(project, "certificates", str(folder)) == 0
    assert build(project, "certificates", str(folder)) == 0
    assert (folder / ".lock").stat().st_mode & 0o777 == 0o600


# --- kills ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_sigterm_or_ctrl_c_ends_every_worker_and_leaves_nothing_behind(project, how):
    # Regression: SIGTERM during `certificates` left three worker processes and a .building folder.
    folder = big_cohort(project)
    run = start(project, str(folder), start_new_session=True)  # its own process group, like a terminal job
    try:
        workers = wait_until(lambda: workers_of(run) if len(workers_of(run)) >= 2 else None, "the workers", 300)
        wait_until(lambda: staging(project, "big"), "the staging folder")
        everyone = descendants(run.pid)
        if how == "SIGTERM":
            run.send_signal(signal.SIGTERM)
        else:
            os.killpg(run.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == (143 if how == "SIGTERM" else 130), out + err
    assert f"stopped ({'SIGTERM' if how == 'SIGTERM' else 'Ctrl-C'})" in err
    assert "Traceback" not in out + err
    assert workers <= everyone
    wait_until(lambda: not alive(everyone), "every child process to end", 30)
    assert staging(project, "big") == []
    assert not (project / "dist" / "certificates" / "big").exists()
    assert not (folder / "numbers.csv").exists() and not (folder / ".secret").exists()
    assert build(project, "certificates", str(folder)) == 0


def test_sigkill_takes_the_workers_along_and_the_next_run_clears_its_staging_folder(project):
    folder = big_cohort(project)
    run = start(project, str(folder))
    try:
        wait_until(lambda: len(workers_of(run)) >= 2, "the workers", 300)
        wait_until(lambda: staging(project, "big"), "the staging folder")
        everyone = descendants(run.pid)
        run.kill()  # no Python code runs: the kernel ends the workers (PR_SET_PDEATHSIG)
        run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    wait_until(lambda: not alive(everyone), "every child process to end", 30)
    left = staging(project, "big")
    assert left and all(f".building-{run.pid}-" in p.name for p in left)
    assert build(project, "certificates", str(folder)) == 0
    assert staging(project, "big") == []
    assert len(summary(project, "big")) == 2 * CHUNK


def test_a_worker_that_dies_ends_the_run_with_a_message_and_takes_the_others_along(project):
    folder = big_cohort(project)
    run = start(project, str(folder))
    try:
        workers = wait_until(lambda: workers_of(run) if len(workers_of(run)) >= 2 else None, "the workers", 300)
        everyone = descendants(run.pid)
        os.kill(min(workers), signal.SIGKILL)  # as the kernel's out-of-memory killer would
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 1 and "Traceback" not in out + err, out + err
    assert "dist/certificates:0:0: error[print-worker-crashed]" in out
    wait_until(lambda: not alive(everyone), "every child process to end", 30)
    assert staging(project, "big") == [] and not (folder / "numbers.csv").exists()


def test_stale_staging_of_dead_runs_is_cleared_and_live_ones_are_kept(tmp_path):
    dest = tmp_path / "cohort"
    dead = 2 ** 22 + 12345  # above Linux's default pid_max: never a live process
    (tmp_path / f".cohort.building-{dead}-abc").mkdir()
    live = tmp_path / f".cohort.building-{os.getpid()}-def"
    live.mkdir()
    (tmp_path / f".cohort.old-{dead}").mkdir()
    (tmp_path / f".cohort.old-{dead}" / "print-all.pdf").write_text("the last good output")
    (tmp_path / f".other.building-{dead}-abc").mkdir()
    clear_stale_staging(dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cohort", live.name, f".other.building-{dead}-abc"])
    # dest was missing (killed between the two renames): the old output came back
    assert (dest / "print-all.pdf").read_text() == "the last good output"


# --- spreadsheets ---------------------------------------------------------------------------------

INJECTED = '=HYPERLINK("http://x","y")'


def test_formula_like_names_are_written_as_text_and_keep_their_serial(project):
    # Regression: roster names like =HYPERLINK(…) reached numbers.csv as live spreadsheet formulas.
    folder = new_cohort(project, "csv", [row(1, "นาย", INJECTED, "+1", village="@SUM(1+1)"),
                                         row(2, "นาง", "ขวัญใจ", "-บุญมา", village="\tบ้านแท็บ")])
    course = course_at(project)
    command.build_certificates(course, [folder])
    first = {r["name"]: r["number"] for r in summary(project, "csv")}
    text = (folder / "numbers.csv").read_text(encoding="utf-8-sig")
    assert f"'{INJECTED.replace(chr(34), chr(34) * 2)} +1" in text  # csv doubles the quotes inside
    for path in (folder / "numbers.csv", project / "dist" / "certificates" / "csv" / "summary.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells = [cell for values in csv.reader(fh) for cell in values]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], path
    # A new trainee makes the build rewrite numbers.csv; the others keep their numbers.
    write_roster(folder, [row(1, "นาย", INJECTED, "+1", village="@SUM(1+1)"),
                          row(2, "นาง", "ขวัญใจ", "-บุญมา", village="\tบ้านแท็บ"),
                          row(3, "นาย", "ก้องภพ", "ศรีสุข")])
    command.build_certificates(course, [folder])
    second = {r["name"]: r["number"] for r in summary(project, "csv")}
    assert all(second[name] == number for name, number in first.items())
    entries, problems = load_registry(folder / "numbers.csv", project)
    assert problems == [] and [e.serial for e in entries] == [1, 2, 3]
    assert entries[0].name == f"{INJECTED} +1" and entries[0].place.startswith("@SUM(1+1)")


def test_a_number_pattern_a_spreadsheet_would_run_is_refused(project):
    folder = new_cohort(project, "pattern", [row(1, "นาย", "ก้องภพ", "ศรีสุข")],
                        number_pattern="+{cohort}-{serial:04d}-{check}")
    loaded = load_cohort(folder, project, "osd-village", False)
    assert [p.code for p in loaded.problems] == ["bad-number-pattern"]
    assert "formula" in loaded.problems[0].message


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_every_cell_round_trips_and_none_starts_a_formula(value):
    written = spreadsheet_cell(value)
    assert read_cell(written) == value
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")


def _xlsx_roster(folder: Path, score) -> None:
    (folder / "trainees.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["no", "prefix", "first_name", "last_name", "village", "hours", "score"])
    sheet.append([1, "นาย", "ก้องภพ", "ศรีสุข", "บ้านหนองบัว", 6, 90])
    sheet.append([2, "นาง", "ขวัญใจ", "บุญมา", "บ้านหนองบัว", 6, score])
    book.save(folder / "trainees.xlsx")


def _cache_formula_results(path: Path, values: dict[str, str]) -> None:
    """Store a result for formula cells, as Excel or LibreOffice do on saving (openpyxl doesn't)."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for cell, value in values.items():
        sheet, count = re.subn(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?', rf"\1<f>\2</f><v>{value}</v>",
                               sheet)
        assert count == 1, sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)


def test_a_formula_without_a_saved_result_is_an_error_naming_the_cell(project):
    # Regression: a score typed as a formula, never calculated, silently made the trainee
    # "no score" (not eligible), with exit 0.
    folder = new_cohort(project, "xlsx", [])
    _xlsx_roster(folder, "=40*2")
    loaded = load_cohort(folder, project, "osd-village", False)
    (problem,) = loaded.row_problems
    assert (problem.path, problem.line, problem.column, problem.code) == ("roster/xlsx/trainees.xlsx", 3, 7,
                                                                          "roster-formula")
    assert "G3" in problem.message and "=40*2" in problem.message
    assert build(project, "certificates", str(folder)) == 1


def test_a_formula_with_its_saved_result_counts(project):
    folder = new_cohort(project, "xlsx2", [])
    _xlsx_roster(folder, "=40*2")
    _cache_formula_results(folder / "trainees.xlsx", {"G3": "80"})
    loaded = load_cohort(folder, project, "osd-village", False)
    assert loaded.row_problems == [] and [t.score for t in loaded.cohort.trainees] == [90.0, 80.0]


# --- hours against the course ----------------------------------------------------------------------

def test_hours_above_the_cohorts_course_hours_are_an_error(project):
    folder = new_cohort(project, "hours", [row(1, "นาย", "ก้องภพ", "ศรีสุข", hours="18"),
                                           row(2, "นาง", "ขวัญใจ", "บุญมา", hours="19")])
    loaded = load_cohort(folder, project, "osd-village", False)  # the sample's course_hours: 18
    (problem,) = loaded.row_problems
    assert (problem.line, problem.column, problem.code) == (3, 9, "out-of-range")
    assert "outside 0–18 (course_hours in cohort.yml)" in problem.message


def test_without_course_hours_the_modules_added_up_are_the_limit(project):
    folder = new_cohort(project, "hours2", [row(1, "นาย", "ก้องภพ", "ศรีสุข", hours="18"),
                                            row(2, "นาง", "ขวัญใจ", "บุญมา", hours="18.5")],
                        eligibility={"min_hours": 12})
    course = course_at(project)
    minutes = sum(m.meta.duration for m in course.modules)
    assert minutes == 18 * 60
    loaded = load_cohort(folder, project, "osd-village", False, minutes)
    (problem,) = loaded.row_problems
    assert problem.line == 3 and "outside 0–18 (the course's modules added up)" in problem.message
    assert "course_hours" in problem.hint
    assert build(project, "certificates", str(folder)) == 1


# --- secrets' environment variables -----------------------------------------------------------------

def test_two_thai_cohort_ids_get_different_secret_variables(project, monkeypatch):
    # Regression: every Thai letter became '_', so two Thai ids of the same length shared a name.
    names = {secret_env_name(i) for i in ("ขอนแก่น", "กรุงเทพ", "ขอนแก่น-1", "ขอนแก่น_1", "Sample-2565", "sample-2565")}
    assert len(names) == 6
    assert secret_env_name("sample-2565-bkk") == "COURSE_CERT_SECRET_SAMPLE_2565_BKK"  # documented
    assert re.fullmatch(r"COURSE_CERT_SECRET__[0-9A-F]+", secret_env_name("ขอนแก่น"))
    for name in ("ขอนแก่น", "กรุงเทพ"):
        (project / "roster" / name).mkdir(parents=True)
    monkeypatch.setenv(secret_env_name("ขอนแก่น"), "ab" * 32)
    assert load_secret(project / "roster" / "ขอนแก่น", project) == ("ab" * 32, [])
    assert load_secret(project / "roster" / "กรุงเทพ", project) == ("", [])


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
@settings(max_examples=500, deadline=None)
def test_secret_variable_names_never_collide(a, b):
    name = secret_env_name(a)
    assert re.fullmatch(r"[A-Z0-9_]+", name)
    assert (name == secret_env_name(b)) == (a == b)
