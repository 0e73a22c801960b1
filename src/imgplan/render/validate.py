"""`imgplan validate`: one line per problem (``file:line:column: path: message``), or JSON."""

from __future__ import annotations

from typing import Any

from ..errors import clip
from .common import dumps
from .formats import Format, View


def table_view(report: Any, view: View) -> str:
    """One line per problem (``file:line:column: path: message``), or "PATH: valid KIND"."""
    lines = []
    for r in report.files:
        lines += [str(p) for p in r.problems] or [f"{clip(r.path)}: valid {r.kind}"]
        lines += [str(w) for w in r.warnings]
    return "\n".join(lines) + "\n"


def json_view(report: Any, view: View) -> str:
    files = [
        {
            "path": r.path,
            "kind": r.kind,
            "valid": not r.problems,
            "problems": [p.as_json() for p in r.problems],
            "warnings": [w.as_json() for w in r.warnings],
        }
        for r in report.files
    ]
    return dumps({"format": 1, "command": "validate", "files": files})


VIEWS = {
    ("validate", Format.table): table_view,
    ("validate", Format.json): json_view,
}
