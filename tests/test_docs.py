"""The README documents every command and make target the tool has (as sqlite-utils' test_docs)."""
from __future__ import annotations

import re
from pathlib import Path

from coursebuild.cli import make_parser

ROOT = Path(__file__).resolve().parent.parent


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    parser = make_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    missing = [name for name in commands if f"`python build.py {name}" not in readme()]
    assert missing == [], "add these commands to README.md's command table"


def test_every_option_of_every_command_is_in_the_readme():
    parser = make_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    text = readme()
    missing = []
    for name, sub in commands.items():
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help",) and option not in text:
                    missing.append(f"{name} {option}")
    assert missing == [], "document these options in README.md"


def test_every_make_target_is_in_the_readme():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()
    text = readme()
    missing = [t for t in phony if t != "all" and f"make {t}" not in text]
    assert missing == [], "add these make targets to README.md"
