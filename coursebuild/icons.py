"""The app icon and favicon, made for each course.

theme/templates/icon.svg holds the drawing; the course's short name (course.yml `short_name`,
else the abbreviation in the title's brackets, else the course id) is filled in, so a new course
never shows another course's name on a phone's home screen. resvg draws the PNG sizes phones
ask for, with Sarabun from the font package and no system fonts, so every machine draws the same
pixels, and Thai marks are shaped correctly (resvg shapes text with a HarfBuzz port).
"""
from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from xml.etree import ElementTree

from coursebuild.pdf import sarabun_dir
from coursebuild.problems import ContentError, Problem
from coursebuild.source.load import Course
from coursebuild.templates import template_env

ICON_TEMPLATE = "theme/templates/icon.svg"
ICON_DIR = "assets/icons"
# (size, maskable): Android's two launcher sizes, the maskable one, and the iPhone's 180 px
# apple-touch-icon (linked from theme/main.html, so not in the manifest).
VARIANTS = ((192, False), (512, False), (512, True), (180, True))
SAFE_ZONE = 0.8  # maskable icons keep the drawing in the central 80%
_SVG = "{http://www.w3.org/2000/svg}"


def short_name(course: Course) -> str:
    """The home-screen label: course.yml's short_name, else "(…)" in the title, else the id."""
    if course.config.short_name:
        return course.config.short_name
    match = re.search(r"\(([^()]{1,12})\)", course.config.title)
    return match.group(1).strip() if match else course.config.id[:12]


def icon_svg(course: Course) -> str:
    name = short_name(course)
    # Up to 5 characters at full size; longer names shrink to stay inside the 512 px square.
    font_size = 100 if len(name) <= 5 else max(44, round(500 / len(name)))
    return template_env(course.root, "templates").get_template("icon.svg").render(
        short_name=name, font_size=font_size)


def maskable(svg: str) -> str:
    """Full-bleed background; everything else scaled into the safe zone around the centre."""
    ElementTree.register_namespace("", _SVG[1:-1])
    root = ElementTree.fromstring(svg)
    shapes = [e for e in root if e.tag.removeprefix(_SVG) not in ("title", "desc")]
    background = shapes[0] if shapes else None
    if background is None or background.tag.removeprefix(_SVG) != "rect":
        raise ValueError("the icon's first shape must be the background <rect>")
    x, y, width, height = (float(v) for v in root.get("viewBox", "0 0 512 512").split())
    background.attrib.update({"x": str(x), "y": str(y), "width": str(width), "height": str(height), "rx": "0",
                              "shape-rendering": "crispEdges"})  # opaque to the very edge
    cx, cy = x + width / 2, y + height / 2
    group = ElementTree.SubElement(
        root, f"{_SVG}g", transform=f"translate({cx} {cy}) scale({SAFE_ZONE}) translate({-cx} {-cy})")
    for shape in shapes[1:]:
        root.remove(shape)
        group.append(shape)
    return ElementTree.tostring(root, encoding="unicode")


@functools.lru_cache(maxsize=16)
def rasterise(svg: str, size: int) -> bytes:
    """A square PNG of `size` pixels, as a 256-colour palette (smooth edges, a quarter of the bytes)."""
    import resvg_py
    from PIL import Image

    fonts = [str(path) for path in sorted(sarabun_dir().glob("Sarabun-*.ttf"))]
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size, skip_system_fonts=True,
                                      font_files=fonts))
    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_icons(course: Course, site: Path) -> list[dict]:
    """icon.svg and the PNG sizes into site/assets/icons/; returns the manifest's icon list."""
    try:
        svg = icon_svg(course)
        images = {(size, mask): rasterise(maskable(svg) if mask else svg, size) for size, mask in VARIANTS}
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        raise ContentError([Problem(ICON_TEMPLATE, 0, 0, "icon", f"cannot draw the app icon: {exc}",
                                    "keep theme/templates/icon.svg a square SVG whose first shape is the "
                                    "background <rect>")]) from exc
    folder = site / ICON_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "icon.svg").write_text(svg, encoding="utf-8")
    icons = []
    for (size, mask), data in images.items():
        name = f"icon-{'maskable-' if mask else ''}{size}.png"
        (folder / name).write_bytes(data)
        if size != 180:
            icons.append({"src": f"{ICON_DIR}/{name}", "sizes": f"{size}x{size}", "type": "image/png",
                          "purpose": "maskable" if mask else "any"})
    icons.append({"src": f"{ICON_DIR}/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
    return icons
