"""The last stage: put finished output in place atomically, privately when it holds personal data.

Everything is built in a temporary folder next to the destination; only a complete build replaces
the old output, so a failed build (a content error, a full disk, a kill) leaves the last good site
or certificates where they were. Staging folders carry the builder's process id, so the next
build can tell a folder left by a killed run from one a live run is still writing.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from coursebuild.problems import Problem, relpath


@contextlib.contextmanager
def staging_dir(dest: Path, private: bool = False) -> Iterator[Path]:
    """A fresh empty folder beside `dest` (same file system, so the final rename is atomic).

    `private` keeps it readable by its owner only (0700), for certificates and rosters; otherwise
    it becomes 0755, since it becomes the published folder a web server reads. Stale staging
    folders of `dest` left by killed runs are cleared first. An OSError without a file name (a
    full disk reports none) gets `dest` as its file name, so the message can say where."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        clear_stale_staging(dest)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(dest)) from exc
    if not private:
        tmp.chmod(0o755)  # mkdtemp makes it private, but it becomes the published folder
    try:
        yield tmp
    except OSError as exc:
        # Name the output the editor knows (site/…), not our staging folder.
        names = [str(dest) if name is None else str(name).replace(str(tmp), str(dest), 1)
                 for name in (exc.filename, exc.filename2)]
        if exc.filename2 is None:
            raise OSError(exc.errno, exc.strerror, names[0]) from exc
        raise OSError(exc.errno, exc.strerror, names[0], None, names[1]) from exc  # None: Windows' error
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def replace_dir(new: Path, dest: Path) -> None:
    """Swap `new` into `dest`. The old tree is moved aside first, then removed.

    Signals wait until both renames are done: a kill between them would leave no `dest`."""
    old = None
    with uninterrupted():
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            os.replace(dest, old)
        os.replace(new, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<kind>building|old)-(?P<pid>\d+)(?:-[^/]*)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clear_stale_staging(dest: Path) -> list[Path]:
    """Remove `.<name>.building-<pid>-*` and `.<name>.old-<pid>` beside `dest` whose process is gone.

    If a run was killed between moving the old output aside and moving the new one in (only a
    SIGKILL or a power cut can do that), `dest` is missing and its `.old-` folder is the last good
    output: it is put back, not removed."""
    removed = []
    if not dest.parent.is_dir():
        return removed
    stale = []
    for path in dest.parent.iterdir():
        match = _STAGING.match(path.name)
        if match and match["name"] == dest.name and path.is_dir() and not _alive(int(match["pid"])):
            stale.append((match["kind"], path))
    olds = sorted((p for kind, p in stale if kind == "old"), key=lambda p: p.stat().st_mtime)
    if olds and not dest.exists():
        os.replace(olds.pop(), dest)
    for _, path in stale:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def carry_over(previous: Path, new: Path, names: list[str]) -> None:
    """Copy sub-folders made by other commands (e.g. site/handouts) into a new build."""
    for name in names:
        src = previous / name
        if src.is_dir() and not (new / name).exists():
            shutil.copytree(src, new / name)


def sync_tree(new: Path, old: Path) -> tuple[list[Path], bool]:
    """Make the folder `old` hold what `new` holds, writing only the files whose bytes differ, so
    an unchanged file keeps its modification time (the preview's dirty builds go by it). Returns
    the files written (relative paths) and whether any file had to be removed."""
    removed = False
    old.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(new) for p in new.rglob("*") if p.is_file()} if new.is_dir() else set()
    for path in sorted(p for p in old.rglob("*") if p.is_file()):
        if path.relative_to(old) not in wanted:
            path.unlink()
            removed = True
    written = []
    for rel in sorted(wanted):
        target = old / rel
        data = (new / rel).read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(rel)
    return written, removed


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, readable by its owner only (0600).

    Written to a temporary file beside it first: a full disk or a kill leaves the old file whole."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """New files and folders readable by their owner only (umask 077), in this process and in
    the worker processes it starts meanwhile."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done; they take effect right after it.

    Python runs signal handlers in the main thread, whichever thread the kernel picked, so
    swapping the handlers there defers them reliably (a signal mask would not: another thread
    could take the signal)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if handler is not None:  # None: set outside Python, so we could not put it back
            previous[number] = signal.signal(number, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])


class Busy(Exception):
    """Another live process holds the lock."""

    def __init__(self, path: Path, holder: str):
        super().__init__(f"{path} is locked by {holder or 'another process'}")
        self.path = path
        self.holder = holder


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """An advisory lock (flock) on `path`, created 0600, holding our process id; Busy if taken.

    The kernel drops the lock when its holder exits, however it exits, so a killed run never
    leaves a cohort locked."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = os.pread(fd, 64, 0).decode("ascii", errors="replace").strip()
            raise Busy(path, f"process {holder}" if holder.isdigit() else "") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


_DISK_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, then run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the command again",
    errno.EROFS: "the disk is mounted read-only: build on a writable disk, or remount it",
    errno.EACCES: "you have no permission here: check the folder's owner and permissions (ls -ld)",
    errno.EPERM: "you have no permission here: check the folder's owner and permissions (ls -ld)",
}


def disk_problem(exc: OSError, root: Path) -> Problem:
    """A full disk, a read-only disk or a missing permission, as one line naming the path.

    A failed copy names its source first and its destination second: name what we were writing,
    inside the project, when there is such a name."""
    names = [str(n) for n in (exc.filename2, exc.filename) if n]
    ours = [n for n in names if not relpath(Path(n), root).startswith("/")]
    where = relpath(Path((ours or names)[0]), root) if names else "(output)"
    reason = exc.strerror or str(exc)
    return Problem(where, 0, 0, "disk-error", f"cannot write: {reason}",
                   _DISK_HINTS.get(exc.errno, "check the disk and the folder's permissions, then run again")
                   + "; the previous output is unchanged")
