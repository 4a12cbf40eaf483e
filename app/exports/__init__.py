"""Printable copies of signed-off records: what a record looks like on paper, without Qt."""
