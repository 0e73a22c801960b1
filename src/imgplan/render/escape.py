"""Escaping for text written into files other programs interpret (spreadsheets, Markdown)."""

from __future__ import annotations

import re

from ..models.values import looks_like_formula

# What could make a link or an image ([ ]), an HTML tag or autolink (< >), emphasis (*),
# break a table cell (|) or undo an escape (\). Backticks and '_' are left alone: they can
# only format, and ids like internal_medicine stay readable in the Markdown source.
_MD_SPECIAL = re.compile(r"([\\*\[\]<>|])")


def csv_cell(text: str) -> str:
    """A CSV cell that opens as text: a formula-like value gets a leading apostrophe, the
    spreadsheet convention for "this is text" (the rest is quoted by the csv module)."""
    return f"'{text}" if looks_like_formula(text) else text


def md(text: str) -> str:
    """Text for a Markdown paragraph or table cell: one line, with the characters that could
    make a link, an HTML tag or a table break backslash-escaped (a program's name cannot)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))
