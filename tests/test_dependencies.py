"""Every package the build runs on is pinned exactly, transitive ones included.

An unpinned dependency (watchdog, pulled in by MkDocs, was one) can change under us on the next
`make`. This reads the installed packages' own metadata, so it needs no network.
"""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip()))
            continue
        assert "==" in line, f"{path.name}: '{line}' is not pinned exactly (name==version)"
        name, version = line.split("==", 1)
        found[canonical(name)] = version.strip()
    return found


def requirements_of(name: str) -> list[Requirement]:
    env = default_environment()
    out = []
    for text in metadata.requires(name) or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
            out.append(req)
    return out


def test_every_dependency_of_a_pinned_package_is_pinned_too():
    for file in ("requirements.txt", "requirements-dev.txt", "requirements-validator.txt"):
        pinned = pins(ROOT / file)
        missing = {}
        for name in pinned:
            for req in requirements_of(name):
                if canonical(req.name) not in pinned:
                    missing.setdefault(canonical(req.name), []).append(name)
        assert missing == {}, f"pin these in {file} (needed by the packages listed): {missing}"


def test_installed_versions_match_the_pins():
    pinned = pins(ROOT / "requirements-validator.txt")  # includes requirements-dev.txt and requirements.txt
    wrong = {}
    for name, version in pinned.items():
        installed = metadata.version(name)
        # PyPI normalises versions ("1.0" is "1.000" for fontpkg-sarabun); compare them as versions.
        from packaging.version import Version

        if Version(installed) != Version(version):
            wrong[name] = (version, installed)
    assert wrong == {}, f"run `make` to install the pinned versions: {wrong}"
