"""``python -m app`` is the store's command line (see app/cli.py)."""

from __future__ import annotations

import sys

from app.cli import main

sys.exit(main())
