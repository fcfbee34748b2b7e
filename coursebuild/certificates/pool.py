"""Chunks of pages rendered in worker processes, results in order, memory flat.

Workers never outlive the run: however the main process stops (an error, Ctrl-C, SIGTERM, even
SIGKILL), its workers stop too. See `run_jobs` and `_start_worker`.
"""
from __future__ import annotations

import collections
import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from coursebuild.certificates.assembly import (
    Part,
    forget_cached_renders,
    page_painter,
    paint_part,
    qr_overlay,
    render_background,
    render_html,
    section_painters,
    write_pdf_file,
)
from coursebuild.pdf import strict_weasyprint
from coursebuild.problems import ContentError, Problem

CHUNK = 200  # certificates per WeasyPrint document: bigger chunks lay out slower per page

SIGN_IN_CHUNK = 40  # sign-in pages per WeasyPrint document


@dataclass(frozen=True)
class Job:
    css: str
    base_url: str
    html: str
    background: str = ""  # HTML of the fixed design, painted behind every page
    urls: tuple[str, ...] = ()  # QR code per page (certificates)
    overlays: tuple[bytes, ...] = ()  # PDF operators drawn over each page (the sign-in grid)
    singles: tuple[tuple[str, str], ...] = ()  # (path, title) per page: also write it alone
    source: str = ""
    allowed: tuple[str, ...] = ()  # the only files WeasyPrint may read (besides the font package)


@dataclass(frozen=True)
class Result:
    part: Optional[Part]
    problems: list[Problem]
    certificates: bool = False  # a chunk of certificates, else of the sign-in sheet


def render_job(job: Job) -> Result:
    try:
        with strict_weasyprint(job.source):
            background = (render_background(job.background, job.css, job.base_url, job.allowed)[1]
                          if job.background else None)
            document = render_html(job.html, job.css, job.base_url, job.allowed)
            if job.urls:
                painters = section_painters(document)
                size = (background.width, background.height)
                if len(painters) != len(job.urls):
                    raise ContentError([Problem(job.source, 0, 0, "print-layout",
                                                f"{len(job.urls)} names were laid out as {len(painters)}",
                                                "theme/certificate/certificate.css must keep every section whole")])
            else:
                painters = [page_painter(page) for page in document.pages]
                size = (document.pages[0].width, document.pages[0].height)
            overlays = [qr_overlay(u) for u in job.urls] if job.urls else job.overlays
            part, problems = paint_part(painters, size, page_painter(background) if background else None,
                                        overlays, job.source)
    except ContentError as exc:
        problems = exc.problems
    if problems:
        # WeasyPrint warned while making something we cache: make it again (and warn again) next time.
        forget_cached_renders()
        return Result(None, problems)
    for index, (path, title) in enumerate(job.singles):
        write_pdf_file(Path(path), title, [(part, [index])])
    return Result(part, [], bool(job.urls))


def run_jobs(jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """Results in job order. Jobs are made lazily and only a few run ahead, so memory stays flat
    however big the roster is."""
    if workers <= 1:
        yield from map(render_job, jobs)
        return
    # spawn, not fork: Pango and fontconfig state must not be shared with a forked child
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker)
    pending: collections.deque = collections.deque()
    try:
        for job in jobs:
            with _workers_born_deaf_to_ctrl_c():  # submit() is where the pool starts its workers
                pending.append(pool.submit(render_job, job))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        _stop_workers(pool)
        raise ContentError([Problem("dist/certificates", 0, 0, "print-worker-crashed",
                                    "a process rendering certificates stopped unexpectedly; nothing was written",
                                    "this is usually lack of memory: close other programs and run again")]) from None
    except BaseException:
        # An error, Ctrl-C, SIGTERM, or the caller giving up on us (GeneratorExit): do not let
        # shutdown wait for chunks nobody will read; end the workers now.
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def _workers_born_deaf_to_ctrl_c() -> Iterator[None]:
    """Ctrl-C reaches every process of the terminal's group; a worker still importing Python
    (before `_start_worker` runs) would die printing a KeyboardInterrupt traceback. A child keeps
    its parent's signal mask through exec, so we block SIGINT while the pool may start one. In
    the main process the signal waits, and arrives as soon as the mask is lifted."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker() -> None:
    """In each worker: Ctrl-C is for the main process, which stops us (otherwise every worker
    prints its own KeyboardInterrupt), and the kernel ends us if the main process dies, even by
    SIGKILL, which no Python code can see (Linux's PR_SET_PDEATHSIG)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the main process died before we asked
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and terminate the workers at once (shutdown alone waits for them)."""
    # ProcessPoolExecutor has no public way to end its workers before Python 3.14's
    # terminate_workers(); its `_processes` map is the documented-in-source way to reach them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=10)


def default_workers(work: int) -> int:
    """Small cohorts render in this process: starting workers costs more than it saves."""
    return 1 if work < 2 * CHUNK else (os.cpu_count() or 1)
