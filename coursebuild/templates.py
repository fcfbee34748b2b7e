"""The one Jinja environment factory: site blocks, print, certificates, the verify page, offline
and the preview's error page all render their markup through it.

Autoescape is always on, so every text field (titles, objectives, quiz texts, course and cohort
values) is escaped wherever a template uses it; HTML we made and cleaned ourselves arrives as
`markupsafe.Markup`. StrictUndefined turns a misspelt variable into an error, not an empty string.
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from coursebuild.markup import engine_root


@functools.lru_cache(maxsize=16)
def template_env(root: Path, folder: str, *, trim_blocks: bool = False) -> jinja2.Environment:
    """Templates from `theme/<folder>/` of the course's engine root (see markup.engine_root).

    `trim_blocks` (with lstrip_blocks) suits documents whose layout is all block tags (print);
    the site's templates control their whitespace with `{%-` instead.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(engine_root(root) / "theme" / folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
    )
    return env
