"""`imgplan recommend`: the ranked list as a plain-text grid (cards on a narrow terminal),
JSON, CSV and Markdown; with the application plan (--signals) and, for a resident, the CI
fellowship list. One module per format, and the plan's and a resident's list's shared parts."""

from __future__ import annotations

from ..formats import Format
from .data import json_view
from .table import table_view
from .text import csv_view, markdown_view

VIEWS = {
    ("recommend", Format.table): table_view,
    ("recommend", Format.json): json_view,
    ("recommend", Format.csv): csv_view,
    ("recommend", Format.markdown): markdown_view,
}
