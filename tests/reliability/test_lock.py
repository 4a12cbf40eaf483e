"""requirements.lock, which every make target installs, still covers pyproject.toml.

A dependency added to or tightened in pyproject.toml without `make lock` would not be installed
on a fresh machine (or an old version would be); this fails first, saying what to run.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]


def test_every_pyproject_dependency_is_pinned_in_the_lock() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    pinned: dict[str, str] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split("==")
            pinned[canonicalize_name(name)] = version
    problems = []
    for req in wanted:
        version = pinned.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} does not satisfy {req}")
        for extra in req.extras:  # e.g. psycopg[binary]: its extra's packages must be there too
            if extra == "binary" and f"{canonicalize_name(req.name)}-binary" not in pinned:
                problems.append(f"{req.name}[{extra}] is not in requirements.lock")
    assert problems == [], "run `make lock` after changing pyproject.toml: " + "; ".join(problems)
