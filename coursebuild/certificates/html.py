"""HTML for the certificate's two layers (fixed design, names) and the sign-in sheet, from theme/certificate/.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from coursebuild import thai
from coursebuild.certificates.fit import fit_size, name_font_size
from coursebuild.certificates.layout import (
    LAYOUT,
    PT_PER_MM,
    SECTIONS_PER_PAGE,
    SHEET,
    THEME_DIR,
)
from coursebuild.certificates.plan import Outcome
from coursebuild.certificates.roster import Cohort
from coursebuild.certificates.verify import (
    verify_url,
)
from coursebuild.certificates.wording import date_range, fixed_texts
from coursebuild.markup import engine_root
from coursebuild.source.prefixes import DEFAULT_WORDING
from coursebuild.templates import template_env as shared_template_env


def theme_dir(root: Path) -> Path:
    return engine_root(root).joinpath(*THEME_DIR)


def template_env(root: Path) -> jinja2.Environment:
    """theme/certificate/. Cohort values (names, venue, titles) are escaped like any text."""
    return shared_template_env(root, THEME_DIR[-1])


def readable_files(root: Path, cohort: Cohort) -> tuple[str, ...]:
    """What WeasyPrint may read for a cohort: theme/certificate/ and the logo and signature files
    cohort.yml names (not the rest of the cohort folder: it holds the roster and the secret)."""
    images = [cohort.image(o.logo) for o in cohort.config.organisers if o.logo]
    images += [cohort.image(s.signature) for s in cohort.config.signatories if s.signature]
    return (str(theme_dir(root)), *(str(p) for p in images))


def background_html(course, cohort: Cohort, wording: str = DEFAULT_WORDING) -> str:
    """The fixed design behind the names, in one of the wordings (prefixes.yml: to a monk, ถวาย)."""
    texts = fixed_texts(course, cohort)
    logos = [{"url": cohort.image(o.logo).as_uri(), "alt": o.short_name or o.name}
             for o in cohort.config.organisers if o.logo]
    signatories = [{"name": s.name, "position": s.position,
                    "image": cohort.image(s.signature).as_uri() if s.signature else ""}
                   for s in cohort.config.signatories]
    return template_env(course.root).get_template("certificate.html").render(
        course_title=texts["course"], organisers=texts["organisers"], cohort_line=texts["cohort"],
        issued=thai.thai_date(cohort.issued, numerals=cohort.numerals, era=True),
        logos=logos, signatories=signatories, layout=LAYOUT, wording=cohort.wording(wording),
        verify_page=verify_url(course.config.site_url, "").rstrip("#"))


def certificate_css(root: Path) -> str:
    return template_env(root).get_template("certificate.css").render(layout=LAYOUT)


def names_html(root: Path, outcomes: list[Outcome]) -> str:
    items = [{"name": o.trainee.full_name, "number": o.number, "font_size": name_font_size(o.trainee.full_name)}
             for o in outcomes]
    return template_env(root).get_template("names.html").render(items=items, per_page=SECTIONS_PER_PAGE, layout=LAYOUT)


def sign_in_pages(cohort: Cohort) -> list[dict]:
    """Every trainee (eligible or not) on numbered pages of fixed row counts."""
    rows = []
    for index, t in enumerate(cohort.trainees, 1):
        place = " · ".join(part for part in (t.village, t.subdistrict, t.province) if part)
        columns = SHEET["columns"]
        name_size = fit_size(t.full_name, "Regular", columns[2] - columns[1] - 4.5, 13.0, smallest=7.0)
        place_size = fit_size(place, "Regular", columns[3] - columns[2] - 3, 11.0, smallest=7.0)
        rows.append({"index": thai.number(index, cohort.numerals), "name": t.full_name, "place": place,
                     "name_size": name_size if name_size < 13 else None,
                     "place_size": place_size if place_size < 11 else None})
    first, per_page = SHEET["first_rows"], SHEET["rows"]
    pages = [rows[:first]] + [rows[i:i + per_page] for i in range(first, len(rows), per_page)]
    return [{"first": n == 1, "number": thai.number(n, cohort.numerals), "rows": page}
            for n, page in enumerate(pages, 1)]


def sign_in_grid(first: bool, rows: int) -> bytes:
    """The sign-in sheet's ruling as PDF vector lines: cheaper than a border on every cell."""
    top = SHEET["margin_top"] + SHEET["top_first" if first else "top_other"]
    ys = [top, top + SHEET["head"]] + [top + SHEET["head"] + SHEET["row"] * k for k in range(1, rows + 1)]
    xs = [SHEET["margin_side"] + x for x in SHEET["columns"]]

    def point(x_mm: float, y_mm: float) -> bytes:
        return b"%.2f %.2f" % (x_mm * PT_PER_MM, (297 - y_mm) * PT_PER_MM)

    lines = [point(xs[0], y) + b" m " + point(xs[-1], y) + b" l" for y in ys]
    lines += [point(x, ys[0]) + b" m " + point(x, ys[-1]) + b" l" for x in xs]
    return b"q 0.333 0.333 0.333 RG 0.6 w\n" + b"\n".join(lines) + b"\nS\nQ"


def sign_in_html(course, cohort: Cohort, pages: list[dict], total: int) -> str:
    return template_env(course.root).get_template("signin.html").render(
        pages=pages, total=thai.number(total, cohort.numerals), course_title=course.config.title,
        cohort_title=cohort.config.title, dates=date_range(cohort.start, cohort.end, cohort.numerals),
        venue=cohort.config.venue)
