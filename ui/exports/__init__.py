"""Exporting records to PDF: rendering with Qt's own PDF writer, and the actions behind the
"Export PDF…" buttons."""
