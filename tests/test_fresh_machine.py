"""A fresh machine builds (issue 11).

- System packages come from one list, system-packages.txt, through tools/system-packages, which
  `make`, .ci/run and the CI workflows call; without root or sudo it stops with the apt-get line.
- WeasyPrint warnings that change nothing in the PDF (coursebuild.pdf.HARMLESS_WEASYPRINT_WARNINGS)
  are not build errors; every other warning still is.
- `make` succeeds on a machine without libharfbuzz-subset (the README used to leave it out, and
  WeasyPrint then subsets fonts with fontTools and warns): the library is hidden in a private mount
  namespace and a whole `make` runs there.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_course
from PIL import Image, ImageChops

from coursebuild.pdf import HARMLESS_WEASYPRINT_WARNINGS, strict_weasyprint
from coursebuild.problems import ContentError
from coursebuild.render.print.handouts import build_handouts
from coursebuild.source.load import load_course

SCRIPT = ROOT / "tools" / "system-packages"
WEASYPRINT = logging.getLogger("weasyprint")
# WeasyPrint 70's words (weasyprint/pdf/fonts.py), logged once per font when HarfBuzz-Subset is missing.
FONTTOOLS_FALLBACK = ('Using fontTools instead of HarfBuzz-Subset for font "%s". This will be unsupported in '
                      'future versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package '
                      'manager.')
# Printed by `import weasyprint` in every process that could not load the library.
MISSING_AT_IMPORT = "HarfBuzz-Subset will be required by future versions of WeasyPrint"


class _Record(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# --- the allow-list -------------------------------------------------------------------------------

def test_an_unlisted_weasyprint_warning_still_fails_the_build():
    with pytest.raises(ContentError) as error:
        with strict_weasyprint("course/modules/fake-news.md"):
            WEASYPRINT.warning('Unable to subset "%s" with fontTools', "Sarabun")
    assert [(p.path, p.code, p.message) for p in error.value.problems] == [
        ("course/modules/fake-news.md", "print-warning", 'Unable to subset "Sarabun" with fontTools')]


def test_the_fonttools_fallback_warning_does_not_fail_the_build():
    with strict_weasyprint("course/modules/fake-news.md"):
        WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun")
        WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun Bold")


def test_a_harmless_pattern_must_match_the_whole_message():
    with pytest.raises(ContentError) as error:
        with strict_weasyprint("x.md"):
            WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun")
            WEASYPRINT.warning(FONTTOOLS_FALLBACK + " Some glyphs were dropped.", "Sarabun")
    assert [p.message for p in error.value.problems] == [FONTTOOLS_FALLBACK % "Sarabun" + " Some glyphs were dropped."]


def _pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [row.split()[:-2] for row in out.splitlines()[2:]]  # without the object number


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path: Path, folder: Path) -> list[Image.Image]:
    # pdftocairo, not pdftoppm: poppler's own rasteriser sizes its glyph cache from the font's
    # header bounding box, which fontTools recomputes for the subset and HarfBuzz keeps; that moves
    # glyph edges by a fraction of a pixel at some resolutions although the outlines are the same.
    folder.mkdir(exist_ok=True)
    prefix = folder / path.stem
    subprocess.run(["pdftocairo", "-png", "-gray", "-r", "100", str(path), str(prefix)], check=True)
    return [Image.open(png).convert("L") for png in sorted(folder.glob(f"{path.stem}-*.png"))]


def test_handouts_subset_by_fonttools_have_the_same_fonts_text_and_pages(tmp_path, monkeypatch):
    """What makes the fallback harmless: the reader gets the same PDF. WeasyPrint's own fallback
    runs here, as on a machine without libharfbuzz-subset, and its real warning is logged."""
    import weasyprint.pdf.fonts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1647000000")
    with_lib = copy_course("minimal", tmp_path / "with")
    build_handouts(load_course(with_lib)[0], workers=1)

    without = copy_course("minimal", tmp_path / "without")
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    record = _Record()
    WEASYPRINT.addHandler(record)
    try:
        build_handouts(load_course(without)[0], workers=1)
    finally:
        WEASYPRINT.removeHandler(record)
    assert record.messages and all(HARMLESS_WEASYPRINT_WARNINGS[0].fullmatch(m) for m in record.messages)

    pdfs = sorted(p.name for p in (with_lib / "site" / "handouts").glob("*.pdf"))
    assert pdfs == sorted(p.name for p in (without / "site" / "handouts").glob("*.pdf")) and pdfs
    for name in pdfs:
        a, b = with_lib / "site" / "handouts" / name, without / "site" / "handouts" / name
        assert a.read_bytes() != b.read_bytes(), "the fallback did not run"
        assert _pdffonts(a) == _pdffonts(b), name
        assert _pdftotext(a) == _pdftotext(b), name
        pages_a, pages_b = _pages(a, tmp_path / "a"), _pages(b, tmp_path / "b")
        assert len(pages_a) == len(pages_b) > 0
        for number, (page_a, page_b) in enumerate(zip(pages_a, pages_b), 1):
            assert ImageChops.difference(page_a, page_b).getbbox() is None, f"{name} page {number}"


# --- a machine without libharfbuzz-subset ---------------------------------------------------------

def _harfbuzz_subset_files() -> list[str]:
    """Every file the dynamic loader could hand WeasyPrint for harfbuzz-subset, symlinks resolved."""
    found = set()
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    cache = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    found.update(line.split("=>")[-1].strip() for line in cache.splitlines() if "libharfbuzz-subset" in line)
    for folder in ("/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64"):
        found.update(str(p) for p in Path(folder).glob("**/libharfbuzz-subset.so*") if "python" not in str(p))
    return sorted({os.path.realpath(p) for p in found if os.path.isfile(p)})


def _private_mount_namespace() -> list[str] | None:
    """An unshare command that gives a private mount namespace here, or None if none is allowed."""
    for command in (["unshare", "--mount", "--propagation", "private"],
                    ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]):
        if shutil.which("unshare") and subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    return None


# Runs inside the namespace: bind an empty file over each copy of the library, then run the command.
_HIDE = 'for lib in $HIDE_LIBS; do mount --bind "$EMPTY_FILE" "$lib"; done; exec "$@"'

# Runs inside the namespace too: plain WeasyPrint must really have lost the library, and say so.
_PROBE = """
import json, logging
from weasyprint import CSS, HTML
from weasyprint.text import ffi
from weasyprint.text.fonts import FontConfiguration
from coursebuild.pdf import font_face_css
seen = []
class Seen(logging.Handler):
    def emit(self, record): seen.append(record.getMessage())
logging.getLogger("weasyprint").addHandler(Seen(logging.WARNING))
fonts = FontConfiguration()
css = CSS(string=font_face_css() + "p { font-family: Sarabun }", font_config=fonts)
HTML(string="<p>อาสาสมัครดิจิทัล <b>ประจำหมู่บ้าน</b></p>").write_pdf(stylesheets=[css], font_config=fonts)
print(json.dumps({"loaded": ffi.harfbuzz_subset is not None, "warnings": seen}))
"""


def _project_copy(dest: Path) -> Path:
    """What a clone holds, minus git, plus this test run's virtualenv (make must not rebuild it)."""
    dest.mkdir()
    for name in ("Makefile", "build.py", "mkdocs.yml", "system-packages.txt", "requirements.txt",
                 "requirements-dev.txt"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("tools", "coursebuild", "theme", "schemas"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    copy_course("sample", dest)  # course/, quizzes/ and the sample cohort, without its secret
    (dest / ".venv").symlink_to(sys.prefix)
    return dest


@pytest.mark.slow
@pytest.mark.timeout(900)  # a whole `make` (sample certificates, handouts and site) inside the namespace
def test_make_succeeds_on_a_machine_without_harfbuzz_subset(tmp_path):
    namespace = _private_mount_namespace()
    if namespace is None:
        pytest.skip("unshare cannot make a private mount namespace here (needs root, or user namespaces)")
    libraries = _harfbuzz_subset_files()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    project = _project_copy(tmp_path / "project")
    env = {**os.environ, "HIDE_LIBS": " ".join(libraries), "EMPTY_FILE": str(empty),
           "SOURCE_DATE_EPOCH": "1647000000", "PYTHONPATH": str(project),
           "PYTHONWARNINGS": "always::DeprecationWarning:weasyprint.text.ffi"}
    hidden = [*namespace, "sh", "-ec", _HIDE, "sh"]

    probe = subprocess.run([*hidden, str(project / ".venv" / "bin" / "python"), "-c", _PROBE],
                           capture_output=True, text=True, env=env, cwd=project, timeout=120)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.splitlines()[-1])
    assert not seen["loaded"], f"WeasyPrint still found the library, hidden: {libraries}"
    assert any(m.startswith("Using fontTools instead of HarfBuzz-Subset") for m in seen["warnings"]), seen

    # `make`, as a new user types it; -o: the virtualenv is this test run's, shared, never rebuilt.
    make = subprocess.run([*hidden, "make", "-o", ".venv/.installed-stamp"], capture_output=True, text=True,
                          env=env, cwd=project, timeout=600)
    assert make.returncode == 0, make.stdout[-3000:] + make.stderr[-3000:]
    assert MISSING_AT_IMPORT in make.stderr, "the build's own processes still had the library"
    assert len(list((project / "site" / "handouts").glob("*.pdf"))) > 1
    assert (project / "dist" / "certificates" / "sample-2565-bkk" / "print-all.pdf").is_file()
    assert (project / "site" / "index.html").is_file()
    assert all(Path(lib).stat().st_size > 0 for lib in libraries), "the host's library must stay untouched"


# --- the package list and its script --------------------------------------------------------------

def test_system_packages_are_all_installed_here():
    """make and .ci/run install them; this machine ran one of the two before the tests."""
    if not shutil.which("dpkg-query"):
        pytest.skip("not Debian or Ubuntu: tools/system-packages cannot check")
    result = subprocess.run([str(SCRIPT), "--check", "build", "test"], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _as_unprivileged(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        pytest.skip("password-less sudo works here, so the script would really run apt-get")
    return command


def _readable_copy(text: str) -> tuple[Path, Path]:
    """The script and a package list in a folder anyone can read: the unprivileged user may not be
    able to read this checkout (or pytest's temporary folder)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    script = folder / "system-packages"
    shutil.copy(SCRIPT, script)
    script.chmod(0o755)
    packages = folder / "system-packages.txt"
    packages.write_text(text, encoding="utf-8")
    packages.chmod(0o644)
    return script, packages


def test_without_root_or_sudo_make_stops_with_the_apt_get_line():
    if not shutil.which("dpkg-query"):
        pytest.skip("not Debian or Ubuntu")
    script, packages = _readable_copy("libpango-1.0-0 build  # installed\n"
                                      "osd-no-such-package build  # missing\n"
                                      "osd-test-only test  # not asked for\n")
    try:
        result = subprocess.run(_as_unprivileged([str(script), "build"]), capture_output=True, text=True,
                                env={**os.environ, "SYSTEM_PACKAGES_FILE": str(packages)})
    finally:
        shutil.rmtree(script.parent)
    assert result.returncode == 1
    assert result.stderr == ("system packages missing: osd-no-such-package; install them, then run make again: "
                             "sudo apt-get install --no-install-recommends osd-no-such-package\n")


def test_conditions_leave_out_packages_whose_command_or_module_exists(tmp_path):
    packages = tmp_path / "system-packages.txt"
    packages.write_text("osd-if-no-sh build unless-command=sh\n"
                        "osd-if-no-json build unless-python-module=json\n"
                        "osd-if-no-module build unless-python-module=osd_no_such_module\n", encoding="utf-8")
    env = {**os.environ, "SYSTEM_PACKAGES_FILE": str(packages), "PYTHON": sys.executable}
    result = subprocess.run([str(SCRIPT), "--check", "build"], capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "missing: osd-if-no-module;" in result.stderr
    listed = subprocess.run([str(SCRIPT), "--list", "build"], capture_output=True, text=True, env=env, check=True)
    assert listed.stdout.split() == ["osd-if-no-sh", "osd-if-no-json", "osd-if-no-module"]


def test_a_bad_line_in_the_list_is_reported_with_its_line(tmp_path):
    packages = tmp_path / "system-packages.txt"
    packages.write_text("# comment\nlibpango-1.0-0 build\nchromium tests\n", encoding="utf-8")
    result = subprocess.run([str(SCRIPT), "--check", "build"], capture_output=True, text=True,
                            env={**os.environ, "SYSTEM_PACKAGES_FILE": str(packages)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"{packages}:3: expected 'package build|test")


def test_the_package_list_is_the_only_one():
    """Makefile, .ci/run, the workflows and the README use system-packages.txt, never a copy
    (a copy in the README is how libharfbuzz-subset0 went missing)."""
    listed = subprocess.run([str(SCRIPT), "--list", "build", "test"], capture_output=True, text=True,
                            check=True).stdout.split()
    assert "libharfbuzz-subset0" in listed
    users = [ROOT / "Makefile", ROOT / ".ci" / "run", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
    for path in users:
        text = path.read_text(encoding="utf-8")
        assert "tools/system-packages" in text, path.relative_to(ROOT)
        copied = [name for name in listed if "-" in name and name in text]  # names that are not plain words
        assert not copied, f"{path.relative_to(ROOT)} lists {copied}: call tools/system-packages instead"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "system-packages.txt" in readme and "tools/system-packages" in readme
    typed = [line for line in readme.splitlines() if line.lstrip().startswith(("sudo apt-get install", "apt-get install"))]
    assert typed == [], "README shows an apt-get line to copy: show tools/system-packages instead"
