"""`imgplan data`: the bundled data files as a list (cards: the texts are long) and as JSON."""

from __future__ import annotations

from ..commands.data import DataReport
from ..models.values import plural
from .common import Writer, dumps
from .formats import Format, View


def table_view(r: DataReport, view: View) -> str:
    w = Writer(view.width, view.color)
    w.para(f"imgplan's bundled data (today {r.today.isoformat()})", "bold")
    for f in r.files:
        w.raw("")
        age = "" if f.age_months is None else f", {plural(f.age_months, 'month')} old"
        dated = f"as of {f.as_of.isoformat()}{age}" if f.as_of else "undated"
        w.para(f"{f.name} — {f.holds}", "bold", indent="    ")
        w.para(f"    {f.edition}; {dated}; serves: {f.serves}", indent="    ")
        w.para(f"    source: {f.source}", "dim", indent="    ")
    w.raw("")
    w.para(
        "Every figure a command prints names its source; a command that uses a figure older "
        "than the season it plans says so under 'About the figures'.",
        "dim",
    )
    return w.text()


def json_view(r: DataReport, view: View) -> str:
    return dumps(
        {
            "format": 1,
            "command": "data",
            "today": r.today.isoformat(),
            "files": [
                {
                    "name": f.name,
                    "holds": f.holds,
                    "source": f.source,
                    "edition": f.edition,
                    "as_of": f.as_of.isoformat() if f.as_of else None,
                    "age_months": f.age_months,
                    "serves": f.serves,
                }
                for f in r.files
            ],
        }
    )


VIEWS = {("data", Format.table): table_view, ("data", Format.json): json_view}
