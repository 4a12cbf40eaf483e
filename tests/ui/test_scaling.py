"""The client at 150% display scaling with a larger text size, as on a 13-inch council laptop
with accessibility settings turned up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui import views_support

ROOT = Path(__file__).resolve().parents[2]


def test_every_label_and_button_fits_at_150_percent_with_larger_text(tmp_path: Path) -> None:
    """Dashboard, case, visit, assessment and case note forms, My drafts and the diary at 150%
    scaling and 12 pt text on a
    1280x720 logical screen: nothing is cut off, and the pictures are kept to look at."""
    views_support.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.ui.scaled_window",
            str(tmp_path),
            str(views_support.SCREENSHOTS),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CASEBOOK_DATA_DIR": str(tmp_path / "data")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ratio"] == 1.5
    # The window fits the screen (a layout that needs more is not squeezed: Qt grows the window
    # past the screen's edge, and the worker has to scroll sideways to reach the buttons).
    assert all(w <= 1280 and h <= 720 for w, h in report["sizes"].values()), report["sizes"]
    assert report["pages"] == {
        "dashboard": [],
        "case": [],
        "case due": [],
        "case actions": [],
        "action dialog": [],
        "visit form": [],
        "assessment form": [],
        "case note": [],
        "my drafts": [],
        "diary": [],
    }
