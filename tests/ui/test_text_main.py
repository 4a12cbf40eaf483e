"""The text front end (`casebook --demo --text`): the demo caseload printed by the casebook
entry point, whatever state the demo profile is in. (`make run` opens the desktop app signed in
to a local demo service; see test_demo_service.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Child
from app.store import Profile
from ui.text_demo import DEMO_CHILDREN, DEMO_PASSPHRASE, DEMO_PROFILE

ROOT = Path(__file__).resolve().parents[2]


def _run(data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEBOOK_DATA_DIR": str(data), "COLUMNS": "160"}
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--demo", "--text"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def _profile_dir(data: Path) -> Path:
    return data / "profiles" / DEMO_PROFILE


def _names_in_store(data: Path) -> list[str]:
    store = Profile.open(DEMO_PROFILE, root=data).unlock(DEMO_PASSPHRASE)
    with store, store.read() as session:
        return [
            f"{c.preferred_name or c.given_name} {c.family_name}"
            for c in session.scalars(select(Child))
        ]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real first run, shared: the demo's data folder and what it printed."""
    data = tmp_path_factory.mktemp("first-run")
    result = _run(data)
    assert result.returncode == 0, result.stdout + result.stderr
    return data, result.stdout


@pytest.fixture
def demo(first_run: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the first run's data folder, for tests that change it."""
    copy = tmp_path / "data"
    shutil.copytree(first_run[0], copy)
    return copy


def test_the_first_run_creates_the_demo_and_prints_every_child(
    first_run: tuple[Path, str],
) -> None:
    """The first run says it is creating the demo, then prints a row for each of its children
    with statuses in words."""
    data, out = first_run
    assert out.startswith("Creating the demo profile")
    assert "Caseload on " in out and f": {DEMO_CHILDREN} children" in out
    names = _names_in_store(data)
    assert len(names) == DEMO_CHILDREN
    rows = [
        line
        for line in out.splitlines()
        if line[:8].strip() in ("Overdue", "Due soon", "Upcoming", "-")
    ]
    assert len(rows) == DEMO_CHILDREN
    assert all(any(f" {name} (" in row for row in rows) for name in names)
    assert "Overdue" in out and "Due soon" in out and "Upcoming" in out
    assert DEMO_PASSPHRASE in out


def test_a_second_run_reuses_the_demo(first_run: tuple[Path, str], demo: Path) -> None:
    """Running again opens the same profile (same id, same children) without recreating it,
    and prints the same table."""
    before = json.loads((_profile_dir(demo) / "profile.json").read_text())["profile_id"]
    again = _run(demo)
    assert again.returncode == 0, again.stderr
    assert "Creating" not in again.stdout
    assert again.stdout == first_run[1].split("\n", 1)[1]
    assert json.loads((_profile_dir(demo) / "profile.json").read_text())["profile_id"] == before
    assert not list((demo / "profiles").glob(".demo-build-*"))


def test_a_locked_out_demo_is_reset_and_opens(demo: Path) -> None:
    """Ten wrong passphrases lock a real profile; the demo's passphrase is public, so its
    counter is reset and the caseload still shows."""
    attempts = Profile.open(DEMO_PROFILE, root=demo).attempts
    for _ in range(10):
        attempts.record_failure()
    result = _run(demo)
    assert result.returncode == 0, result.stderr
    assert f": {DEMO_CHILDREN} children" in result.stdout


def test_a_damaged_demo_is_explained_then_refilled_after_set_aside(demo: Path) -> None:
    """A damaged demo database is reported in plain words with the command to run, exiting
    cleanly; once set aside, the next run fills a fresh demo."""
    db = _profile_dir(demo) / "casebook.db"
    data = bytearray(db.read_bytes())
    data[100:116] = bytes(16)  # inside the first page: its HMAC check fails on open
    db.write_bytes(bytes(data))
    broken = _run(demo)
    assert broken.returncode == 0
    assert "damaged" in broken.stdout and f"set-aside {DEMO_PROFILE}" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    Profile.open(DEMO_PROFILE, root=demo).set_aside_damaged_store()
    rebuilt = _run(demo)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "filling it again" in rebuilt.stdout and f": {DEMO_CHILDREN} children" in rebuilt.stdout


def test_a_data_folder_that_cannot_be_used_is_explained(tmp_path: Path) -> None:
    """If the data folder cannot be created, the user is told which folder and what to do,
    and the exit is clean."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    result = _run(blocker / "data")
    assert result.returncode == 0
    assert "could not use its data folder" in result.stdout
    assert "CASEBOOK_DATA_DIR" in result.stdout and "Traceback" not in result.stderr
