"""``resources/icons/casebook.ico`` from ``casebook.svg``: the Windows build's icon (the
executable's, via ``installer/casebook.spec``, and the installer's, via ``casebook.iss``).

Qt draws the SVG (offscreen, at 256 pixels) and Pillow writes the .ico with the sizes Windows
asks for; both are already in the lock, so the Windows build needs no other tool. Build output,
so not committed: the workflow makes it before PyInstaller runs.

    python installer/windows/make_icon.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "resources" / "icons" / "casebook.svg"
TARGET = ROOT / "resources" / "icons" / "casebook.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        sys.stderr.write(f"cannot read {SOURCE}\n")
        return 1
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = ROOT / "resources" / "icons" / ".casebook-256.png"
    png.write_bytes(bytes(buffer.data().data()))
    try:
        with Image.open(png) as drawn:
            drawn.save(TARGET, sizes=[(size, size) for size in SIZES])
    finally:
        png.unlink(missing_ok=True)
    del app
    sys.stdout.write(f"Wrote {TARGET}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
