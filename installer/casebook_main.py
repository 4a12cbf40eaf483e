"""Entry script for the frozen app (PyInstaller needs a file, not a ``module:function``)."""

from __future__ import annotations

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
