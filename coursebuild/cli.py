"""The command line. The only place that prints and decides exit codes.

Exit codes: 0 success, 1 content problems or a disk error (all reported), 2 wrong usage,
130 stopped by Ctrl-C, 143 stopped by SIGTERM.
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from coursebuild.problems import ContentError, as_errors
from coursebuild.report import FORMATS, format_human


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def _load(args: argparse.Namespace):
    """The checked course, or ContentError with every problem. Warnings are shown, not fatal."""
    from coursebuild.checks import load_checked_course

    course, problems = load_checked_course(_root(args))
    if course is None:
        raise ContentError(problems)
    if problems:
        sys.stderr.write(format_human(problems))
    return course


def cmd_check(args: argparse.Namespace) -> int:
    from coursebuild.certificates.command import check_rosters
    from coursebuild.checks import load_checked_course

    course, problems = load_checked_course(_root(args), strict=args.strict)
    if course is not None:  # a roster is read against the course: its id, hours and wording
        rosters = check_rosters(course)
        problems += as_errors(rosters) if args.strict else rosters
    if args.external:
        from coursebuild.editor.external_links import check_external_links

        external = check_external_links(_root(args))
        problems += as_errors(external) if args.strict else external
    sys.stdout.write(FORMATS[args.format](problems))
    return 1 if any(p.is_error for p in problems) else 0


def _site(course, args: argparse.Namespace) -> list[str]:
    from coursebuild.render.site.build import build_site, with_site_url

    course = with_site_url(course, getattr(args, "site_url", None))
    site = build_site(course, getattr(args, "engine", None))
    lines = [f"site: wrote {site}"]
    if getattr(args, "offline", False):
        from coursebuild.render.site.offline import write_offline_zip

        lines.append(f"offline copy: wrote {write_offline_zip(course, course.root)}")
    return lines


def _handouts(course, args: argparse.Namespace) -> list[str]:
    from coursebuild.render.print.handouts import build_handouts

    return build_handouts(course)


def _certificates(course, args: argparse.Namespace) -> list[str]:
    from coursebuild.certificates.command import build_certificates

    return build_certificates(course, [Path(c) for c in getattr(args, "cohorts", [])],
                              skip_invalid=getattr(args, "skip_invalid", False))


def _export(course, args: argparse.Namespace) -> list[str]:
    from coursebuild.export.command import build_export

    return build_export(course, args.format)


def _run(args: argparse.Namespace, *steps) -> int:
    """Load and check once, then run each build step in order; each replaces its output atomically."""
    course = _load(args)
    for step in steps:
        for line in step(course, args):
            print(line, flush=True)
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    return _run(args, _site)


def cmd_handouts(args: argparse.Namespace) -> int:
    return _run(args, _handouts)


def cmd_certificates(args: argparse.Namespace) -> int:
    return _run(args, _certificates)


def cmd_export(args: argparse.Namespace) -> int:
    return _run(args, _export)


def cmd_build(args: argparse.Namespace) -> int:
    """Everything `make` builds, planned before anything is written (coursebuild/build_all.py)."""
    from coursebuild.build_all import build_everything

    for line in build_everything(_load(args), args.engine):
        print(line, flush=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from coursebuild.editor.serve import serve

    return serve(_root(args), host=args.host, port=args.port, engine=args.engine)


def cmd_new_module(args: argparse.Namespace) -> int:
    from coursebuild.editor.scaffold import create_module

    written, problems = create_module(_root(args), args.slug, args.title)
    if problems:
        raise ContentError(problems)
    for path in written:
        print(f"{'updated' if path.name == 'course.yml' else 'created'} {path.relative_to(_root(args)).as_posix()}")
    print("next: edit the two new files, then run: python build.py check")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from coursebuild.editor.init import init_course

    lines, problems = init_course(_root(args), args.id, args.title, args.organiser, args.short_name or "",
                                  force=args.force)
    if problems:
        raise ContentError(problems)
    for line in lines:
        print(line)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from coursebuild.editor.schema import check_schemas, write_schemas

    if args.check:
        problems = check_schemas(_root(args))
        if problems:
            raise ContentError(problems)
        print("schemas: up to date")
        return 0
    for path in write_schemas(_root(args)):
        print(f"wrote {path.relative_to(_root(args)).as_posix()}")
    print("schemas: up to date")
    return 0


def _engine_option(parser: argparse.ArgumentParser) -> None:
    from coursebuild.render.site.engines import ENGINES

    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="site engine: mkdocs or zensical (default: extra: engine: in mkdocs.yml)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Build the course in this folder: check the content, then make the site, handouts and "
                    "certificates. `init` turns a fresh clone into a new course.",
    )
    parser.add_argument("--root", default=".", help="project folder holding course/ and quizzes/ (default: .)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="load and check all content and every roster; report every problem")
    p.add_argument("--format", choices=sorted(FORMATS), default="human",
                   help="human (default), github (pull-request annotations) or json")
    p.add_argument("--external", action="store_true",
                   help="also check external links over the network (never by default)")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (spellings, unregistered claims, quiz wording) as errors, e.g. before publishing")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("site", help="build the trainee site into site/ (replaced only on success)")
    p.add_argument("--offline", action="store_true", help="also write dist/site-offline.zip for use without a server")
    p.add_argument("--site-url", help="build for another address than course.yml's site_url, e.g. a local server")
    _engine_option(p)
    p.set_defaults(func=cmd_site)

    p = sub.add_parser("handouts", help="build the PDF handouts into site/handouts/")
    p.set_defaults(func=cmd_handouts)

    p = sub.add_parser("certificates", help="build certificates from roster/<cohort>/ into dist/certificates/")
    p.add_argument("cohorts", nargs="*", help="cohort folders (default: every folder in roster/)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="issue certificates for valid rows and still report the invalid ones")
    p.set_defaults(func=cmd_certificates)

    p = sub.add_parser("export", help="export the quizzes for Moodle (XML, GIFT) and Open edX (OLX) into dist/export/",
                       description="Write every quiz as Moodle XML (dist/export/moodle/<module>.xml), GIFT "
                                   "(dist/export/gift/<module>.txt) and an Open edX course archive "
                                   "(dist/export/olx/<course-id>.tar.gz). README.md explains how to import them.")
    p.add_argument("--format", action="append", choices=("moodle", "gift", "olx"),
                   help="only this format (repeat for several; default: all three)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("build", help="everything: certificates, handouts and site, all planned and checked "
                                        "(rosters too) before anything is written")
    _engine_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="live preview: rebuild on every change and reload the browser")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    _engine_option(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("new-module", help="create a module file and its quiz stub, and list it in course.yml",
                       description="Create course/modules/SLUG.md and quizzes/SLUG.yml with every field in order, "
                                   "and add SLUG to modules: in course/course.yml (comments are kept).")
    p.add_argument("slug", help="module id: lower-case English letters, digits and '-', e.g. online-shopping")
    p.add_argument("--title", required=True, help='Thai title of the module, e.g. "ซื้อของออนไลน์อย่างปลอดภัย"')
    p.set_defaults(func=cmd_new_module)

    p = sub.add_parser("init", help="turn this clone into a new, empty course (removes the sample course)",
                       description="Replace the sample course with a new one: a skeleton course.yml, home, glossary "
                                   "and trainers' pages, terms.yml, an empty claims.yml and one module with its quiz; "
                                   "remove the sample cohort and old outputs (site/, dist/). The theme and the tool "
                                   "stay. Refuses to replace anything but the shipped sample course unless --force.")
    p.add_argument("--id", required=True, help="course id: lower-case English letters, digits and '-', e.g. health-osm")
    p.add_argument("--title", required=True, help='Thai title, e.g. "การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม."')
    p.add_argument("--organiser", required=True, help='the organising agency, e.g. "สำนักงานสาธารณสุขจังหวัดขอนแก่น"')
    p.add_argument("--short-name", help="up to 12 characters under the app icon and at the start of certificate "
                                        "numbers (default: the title's brackets, else the id)")
    p.add_argument("--force", action="store_true",
                   help="replace content that is not the sample course (real cohorts in roster/ are still kept)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("schema", help="write the JSON Schemas in schemas/ from the content model",
                       description="Regenerate schemas/*.schema.json, which editors' tools use to complete and "
                                   "check course.yml, quizzes and front matter as they type.")
    p.add_argument("--check", action="store_true", help="only report schemas that are out of date (exit 1)")
    p.set_defaults(func=cmd_schema)
    return parser


def _pin_build_date() -> None:
    """One build date for everything this run makes, from the last commit unless given.

    Our PDF metadata reads it through pdf.source_date(), but fontTools, which subsets fonts when
    libharfbuzz-subset is missing, reads SOURCE_DATE_EPOCH itself, else stamps the current time
    into every embedded font: then two builds of the same input would differ.
    """
    import os

    from coursebuild.pdf import source_date

    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(source_date().timestamp())))


class Terminated(BaseException):
    """SIGTERM, raised where the main thread is, so every `finally` runs: workers are stopped,
    staging folders removed and locks released, as for Ctrl-C. (A BaseException, like
    KeyboardInterrupt, so that no `except Exception` swallows it.)"""


def _terminate(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    _pin_build_date()
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_DFL:  # not when a host program (a test runner) chose its own
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except ContentError as exc:
        sys.stdout.write(format_human(exc.problems))
        return 1
    except OSError as exc:  # a full or read-only disk, a missing permission: not a bug, say where
        from coursebuild.write import disk_problem

        sys.stdout.write(format_human([disk_problem(exc, _root(args))]))
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("stopped (Ctrl-C): finished output was left as it was\n")
        return 130
    except Terminated:
        sys.stderr.write("stopped (SIGTERM): finished output was left as it was\n")
        return 143
    finally:
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, previous)
