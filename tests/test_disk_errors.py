"""Disk errors are messages (issue 11): a full disk, a read-only disk or a missing permission gives
one reported problem naming the path, exit code 1, no traceback, and the previous output stays
exactly as it was.

Real file systems where we can: a private mount namespace (`unshare -m`) holds a small tmpfs
(a real ENOSPC) or a read-only bind mount (a real EROFS); nothing outside the test sees them.
Permissions mean nothing to root, so a missing permission is simulated at the write layer.
"""
from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, build, copy_course
from test_certificates import new_cohort, row

from coursebuild import write


def _can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_namespace = pytest.mark.skipif(not _can_unshare(), reason="needs `unshare -m` (root or user namespaces)")


def in_namespace(script: str, **paths: Path) -> str:
    """Run a bash script in a private mount namespace; $PY is this Python, $SRC this project."""
    env = {"PY": sys.executable, "SRC": str(ROOT), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
           **{name: str(path) for name, path in paths.items()}}
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "bash", "-euc", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


RUN = '''
run() {  # run NAME ARGS...: the command's output in $OUT/NAME.txt and its exit code in $OUT/NAME.rc
  local name=$1; shift
  set +e; "$PY" -m coursebuild --root "$W" "$@" > "$OUT/$name.txt" 2>&1; echo $? > "$OUT/$name.rc"; set -e
  (cd "$W" && find site dist -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum) > "$OUT/$name.sums"
}
'''


def outcome(out: Path, name: str) -> tuple[int, str, str]:
    return (int((out / f"{name}.rc").read_text()), (out / f"{name}.txt").read_text(),
            (out / f"{name}.sums").read_text())


@needs_namespace
def test_a_full_disk_is_one_reported_line_and_the_site_stays(tmp_path):
    # A tmpfs with room for the course and one build, not two: the second build fills it while
    # staging beside the first. A build needs about 1.5 sites at its peak: the engine writes its
    # own search and language files, which the build then removes.
    work, out = tmp_path / "w", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    site_kb = _site_kb(tmp_path)
    in_namespace(RUN + f'''
mount -t tmpfs -o size={site_kb * 2 + 600}k tmpfs "$W"
cp -r "$FIXTURE/." "$W/"
run first site
run second site
''', W=work, OUT=out, FIXTURE=FIXTURES / "minimal")
    code, text, first_sums = outcome(out, "first")
    assert code == 0, text
    code, text, sums = outcome(out, "second")
    assert code == 1 and "Traceback" not in text
    assert "error[disk-error]: cannot write: No space left on device" in text
    problem = next(line for line in text.splitlines() if "disk-error" in line)
    assert problem.startswith("site/")  # the output, not our staging folder or a source file
    assert "the disk is full" in text and text.rstrip().endswith("1 error in 1 file")
    assert sums == first_sums  # the previous site, byte for byte


def _site_kb(tmp_path: Path) -> int:
    root = copy_course("minimal", tmp_path / "measure")
    assert build(root, "site") == 0
    size = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
    shutil.rmtree(root)
    return size // 1024


@needs_namespace
def test_a_read_only_disk_is_one_reported_line_and_everything_stays(tmp_path):
    work, out = tmp_path / "w", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    copy_course("sample", work)
    new_cohort(work, "ro", [row(1, "นาย", "ก้องภพ", "ศรีสุข"), row(2, "นาง", "ขวัญใจ", "บุญมา")])
    shutil.rmtree(work / "roster" / "sample-2565-bkk")
    in_namespace(RUN + '''
run first certificates
run first_site site
mount --bind "$W" "$W"
mount -o remount,bind,ro "$W"
run site site
run certificates certificates
run check check
''', W=work, OUT=out)
    assert outcome(out, "first")[0] == 0 and outcome(out, "first_site")[0] == 0
    before = outcome(out, "first_site")[2]
    code, text, sums = outcome(out, "site")
    assert code == 1 and "Traceback" not in text
    assert text.startswith("site:0:0: error[disk-error]: cannot write: Read-only file system\n"), text
    assert sums == before
    code, text, sums = outcome(out, "certificates")
    assert code == 1 and "Traceback" not in text
    assert text.startswith("roster/ro/.lock:0:0: error[disk-error]: cannot write: Read-only file system\n"), text
    assert sums == before
    assert outcome(out, "check")[0] == 0  # reading still works


@needs_namespace
def test_a_full_disk_while_issuing_certificates_leaves_the_last_ones(tmp_path):
    work, out = tmp_path / "w", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    copy_course("sample", work)
    shutil.rmtree(work / "roster" / "sample-2565-bkk")
    new_cohort(work, "full", [row(n, "นาย", f"ทดสอบ{'ก' * n}", "ศรีสุข") for n in range(1, 6)])
    measure = tempfile.mkdtemp(dir=tmp_path)
    shutil.copytree(work, measure, dirs_exist_ok=True)
    assert build(Path(measure), "certificates") == 0
    size = sum(p.stat().st_size for p in (Path(measure) / "dist").rglob("*") if p.is_file()) // 1024
    in_namespace(RUN + f'''
mkdir -p "$W/dist"
mount -t tmpfs -o size={int(size * 1.5) + 8}k tmpfs "$W/dist"
run first certificates
export COURSEBUILD_CACHE=off  # render again: an unchanged cohort would be kept, nothing written
run second certificates
''', W=work, OUT=out)
    code, text, first_sums = outcome(out, "first")
    assert code == 0, text
    code, text, sums = outcome(out, "second")
    assert code == 1 and "Traceback" not in text, text
    assert "error[disk-error]: cannot write: No space left on device" in text
    assert next(line for line in text.splitlines() if "disk-error" in line).startswith("dist/")
    assert sums == first_sums


def test_a_missing_permission_is_one_reported_line(tmp_path, monkeypatch, capsys):
    """As root, permissions are not enforced: the write layer raises what the kernel would."""
    root = copy_course("minimal", tmp_path / "course")
    assert build(root, "site") == 0
    before = tree(root / "site")
    capsys.readouterr()

    def refuse(*args, dir=None, **kwargs):  # noqa: A002 - mkdtemp's name
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(dir) / "x"))

    monkeypatch.setattr(write.tempfile, "mkdtemp", refuse)
    assert build(root, "site") == 1
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "site:0:0: error[disk-error]: cannot write: Permission denied"
    assert "check the folder's owner and permissions" in text and "Traceback" not in text
    assert tree(root / "site") == before
