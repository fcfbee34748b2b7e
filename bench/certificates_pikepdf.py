"""The pikepdf trial (issue 13): a cohort's certificates and sign-in sheet assembled with pikepdf,
for bench/certificates.py to time against our own assembly (coursebuild/certificates/assembly.py).

Not part of the build: pikepdf is not a dependency. To run it:

    .venv/bin/pip install --target build/pikepdf-trial pikepdf==10.18.0
    .venv/bin/python bench/certificates.py --n 2000 --pikepdf build/pikepdf-trial

What it does differently. Our assembly paints WeasyPrint's boxes itself (its private painters):
twenty names share one tall WeasyPrint page, the fixed design is painted once per chunk as a form
XObject, and a small writer puts the pieces into the single files and the print file. Here,
everything goes through WeasyPrint's public API and pikepdf, the usual way to overlay and merge:

- the fixed design is rendered once (`HTML.write_pdf`) and becomes one form XObject (pikepdf
  `Page.as_form_xobject`) that is put under every page (`add_underlay`);
- names: one A4 page per certificate, 200 to a WeasyPrint document (`write_pdf`), each page given
  the same QR code operators as our pipeline (`contents_add`);
- each page is copied into its own file, and every page into the print file (`Pdf.pages`);
- the sign-in sheet: WeasyPrint's PDF with the same ruling drawn over each page.

The user-agent stylesheet, fonts and Thai text patch are the same as our pipeline's, so the
difference measured is the page making and assembly.
"""
from __future__ import annotations

from pathlib import Path

from coursebuild.certificates import command
from coursebuild.certificates.assembly import qr_overlay, render_background, render_html
from coursebuild.certificates.html import (
    background_html,
    certificate_css,
    readable_files,
    sign_in_grid,
    sign_in_html,
    sign_in_pages,
    template_env,
)
from coursebuild.certificates.layout import LAYOUT, SHEET
from coursebuild.certificates.pool import CHUNK, SIGN_IN_CHUNK
from coursebuild.certificates.verify import verify_url
from coursebuild.pdf import strict_weasyprint


def _names_one_per_page(root: Path, outcomes) -> str:
    from coursebuild.certificates.fit import name_font_size

    items = [{"name": o.trainee.full_name, "number": o.number, "font_size": name_font_size(o.trainee.full_name)}
             for o in outcomes]
    html = template_env(root).get_template("names.html").render(items=items, per_page=1, layout=LAYOUT)
    # names.html sizes its tall pages one millimetre taller than the sections; here a page is one A4.
    return html.replace(f"{LAYOUT['page_height'] + 1}mm", f"{LAYOUT['page_height']}mm", 1)


def render_cohort_pikepdf(course, plan, out: Path, timings: dict | None = None) -> None:
    """Certificates (singles and print file) and sign-in sheet of one planned cohort into `out`.
    `timings["weasyprint"]` gets the seconds spent in WeasyPrint; the rest is pikepdf's work."""
    import time

    import pikepdf

    timings = {} if timings is None else timings
    timings.setdefault("weasyprint", 0.0)

    def weasyprint_pdf(document_or_html, css="", allowed=()) -> "pikepdf.Pdf":
        start = time.perf_counter()
        document = (render_html(document_or_html, css, base_url, allowed) if isinstance(document_or_html, str)
                    else document_or_html)
        data = document.write_pdf()
        timings["weasyprint"] += time.perf_counter() - start
        return pikepdf.Pdf.open(_bytes_io(data))

    from coursebuild import weasyprint_thai

    weasyprint_thai.apply()
    cohort, root = plan.cohort, course.root
    base_url = cohort.folder.as_uri() + "/"
    allowed = readable_files(root, cohort)
    css = certificate_css(root)
    (out / command.SINGLES_DIR).mkdir(parents=True)
    with strict_weasyprint("bench"):
        background, _ = render_background(background_html(course, cohort), css, base_url, allowed)
        design = weasyprint_pdf(background)
        prints = pikepdf.Pdf.new()
        form = prints.copy_foreign(design.pages[0].as_form_xobject())
        issued = plan.issued
        for start in range(0, len(issued), CHUNK):
            chunk = issued[start:start + CHUNK]
            names = weasyprint_pdf(_names_one_per_page(root, chunk), css, allowed)
            for page, outcome in zip(names.pages, chunk):
                prints.pages.append(page)
                added = prints.pages[-1]
                added.add_underlay(form)
                # WeasyPrint's page flips the coordinates and leaves them so: wrap it in q … Q first.
                added.contents_add(pikepdf.Stream(prints, b"q\n"), prepend=True)
                added.contents_add(pikepdf.Stream(prints, b"Q\n" + qr_overlay(verify_url(course.config.site_url,
                                                                                           outcome.number))))
                single = pikepdf.Pdf.new()
                single.pages.append(added)
                single.docinfo["/Title"] = f"วุฒิบัตร {outcome.number}"
                single.save(out / command.SINGLES_DIR / f"{command.safe_file_name(outcome.number)}.pdf",
                            static_id=True)
        prints.docinfo["/Title"] = f"วุฒิบัตร {cohort.config.title} (ชุดพิมพ์)"
        prints.save(out / command.PRINT_FILE, static_id=True)

        pages = sign_in_pages(cohort)
        sheet_css = template_env(root).get_template("signin.css").render(sheet=SHEET)
        sheet = pikepdf.Pdf.new()
        for start in range(0, len(pages), SIGN_IN_CHUNK):
            chunk = pages[start:start + SIGN_IN_CHUNK]
            part = weasyprint_pdf(sign_in_html(course, cohort, chunk, len(pages)), sheet_css, allowed)
            for page, info in zip(part.pages, chunk):
                sheet.pages.append(page)
                sheet.pages[-1].contents_add(pikepdf.Stream(sheet, b"q\n"), prepend=True)
                sheet.pages[-1].contents_add(pikepdf.Stream(sheet, b"Q\n" + sign_in_grid(info["first"],
                                                                                          len(info["rows"]))))
        sheet.docinfo["/Title"] = f"ใบลงชื่อ {cohort.config.title}"
        sheet.save(out / command.SIGN_IN_FILE, static_id=True)
    command.write_summary(plan, out)


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)
