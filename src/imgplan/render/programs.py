"""`imgplan programs list | show | diff`: views of a dataset."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..commands.programs import Comparison, ProgramList, ProgramView
from ..datasets import DatasetDiff, program_dict
from ..models import vocab
from ..models.programs import Dataset, Program
from ..models.record import as_dict
from ..models.values import plural
from .common import csv_cell, dataset_info, dumps, example_notice, md
from .formats import Format, View
from .richkit import Table, Text, render
from .richkit import dataset_header as rich_dataset_header

COLUMNS = (
    "id",
    "name",
    "specialty",
    "state",
    "setting",
    "step2ck_min",
    "step2ck_preferred",
    "visas",
    "img_share",
    "ci_fellowship",
    "verified",
)
UNKNOWN = "?"
NOT_FIGURES = {"notes", "url", "city", "informatics.ehr_vendor"}


def _cell(p: Program, column: str) -> str:
    if column == "ci_fellowship":
        value: Any = p.informatics.ci_fellowship
    else:
        value = getattr(p, column)
    if value is None:
        return UNKNOWN
    if isinstance(value, list):
        return " ".join(str(v) for v in value) or "none"
    if column == "img_share":
        return f"{value:.0%}"
    return str(value)


def _header(dataset: Dataset) -> str:
    return (
        f"{dataset.name}: {len(dataset.programs)} programs, as of {dataset.as_of.isoformat()}"
        f"; source: {dataset.source}"
    )


def render_list(dataset: Dataset, programs: list[Program], fmt: str, *, width: int = 120) -> str:
    if fmt == "json":
        return dumps(
            {
                "format": 1,
                "command": "programs list",
                "dataset": dataset_info(dataset),
                "programs": [as_dict(p) for p in programs],
            }
        )
    rows = [[_cell(p, c) for c in COLUMNS] for p in programs]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([csv_cell(c) for c in row] for row in rows)
        return buffer.getvalue()
    if fmt == "markdown":
        lines = [f"# {md(dataset.name)}", "", md(_header(dataset))]
        if dataset.example:
            lines += ["", f"> **{md(example_notice(dataset.name, dataset.as_of.isoformat()))}**"]
        lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"

    table = Table(
        title=f"{plural(len(programs), 'program')}; ? = unknown, verify", title_justify="left"
    )
    for column in (
        "id",
        "spec.",
        "st",
        "2CK min",
        "2CK pref.",
        "visas",
        "IMG",
        "CI fellowship",
        "verified",
    ):
        table.add_column(column, no_wrap=column == "id")
    for p in programs:
        table.add_row(
            p.id,
            vocab.SPECIALTY_SHORT[p.specialty],
            _cell(p, "state"),
            _cell(p, "step2ck_min"),
            _cell(p, "step2ck_preferred"),
            _cell(p, "visas"),
            _cell(p, "img_share"),
            _cell(p, "ci_fellowship"),
            _cell(p, "verified"),
        )
    return render(
        [*rich_dataset_header(dataset), Text(f"Source: {dataset.source}", style="dim"), table],
        width=width,
    )


def render_show(dataset: Dataset, p: Program, fmt: str, *, width: int = 120) -> str:
    if fmt == "json":
        return dumps(
            {
                "format": 1,
                "command": "programs show",
                "program": as_dict(p),
                "dataset": dataset_info(dataset),
            }
        )

    sources = p.provenance or {}
    table = Table(title=f"{p.name} ({p.id})", title_justify="left", show_header=bool(sources))
    table.add_column("field")
    table.add_column("value")
    if sources:  # a merged dataset: where each value came from, and how old it is
        table.add_column("from")
    data = as_dict(p)
    data.pop("provenance", None)
    info = data.pop("informatics")
    for key, value in [*data.items(), *((f"informatics.{k}", v) for k, v in info.items())]:
        if value is None:
            # Notes and links are the user's own, not figures: absent is just absent.
            shown = "none" if key in NOT_FIGURES else "unknown — verify on the program's site"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, list):
            shown = ", ".join(map(str, value)) or "none"
        else:
            shown = str(value)
        origin = sources.get(key)
        where = (
            ""
            if origin is None
            else f"{origin.source}" + (f" ({origin.as_of.isoformat()})" if origin.as_of else "")
        )
        table.add_row(key, shown, *([where] if sources else []))
    figures = p.verified or dataset.as_of
    return render(
        [
            *rich_dataset_header(dataset),
            table,
            f"Figures from: {dataset.source} (checked {figures.isoformat()})",
        ],
        width=width,
    )


def render_diff(d: DatasetDiff, old: str, new: str, fmt: str) -> str:
    if fmt == "json":
        doc = {
            "format": 1,
            "command": "programs diff",
            "old": old,
            "new": new,
            "added": [program_dict(p) for p in d.added],
            "removed": [program_dict(p) for p in d.removed],
            "changed": [
                {
                    "id": p.id,
                    "name": p.name,
                    "changes": [
                        {"field": c.field, "old": c.old, "new": c.new, "change": c.kind}
                        for c in changes
                    ],
                }
                for p, changes in d.changed
            ],
            "unchanged": d.unchanged,
            "notes": d.notes,
        }

        return dumps(doc)
    lines = [f"--- {old}", f"+++ {new}"]
    lines += [f"  {note}" for note in d.notes]
    for p in d.added:
        lines.append(f"+ added   {p.id}: {p.name}")
    for p in d.removed:
        lines.append(f"- removed {p.id}: {p.name}")
    for p, changes in d.changed:
        lines.append(f"~ changed {p.id}: {p.name}")
        for c in changes:
            lines.append(f"    {c.field}: {_v(c.old)} → {_v(c.new)}  ({c.kind})")
    lines.append(
        f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed, "
        f"{d.unchanged} unchanged"
    )
    return "\n".join(lines) + "\n"


def _v(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def list_table(r: ProgramList, view: View) -> str:
    return render_list(r.dataset, r.programs, "table", width=view.width)


def list_json(r: ProgramList, view: View) -> str:
    return render_list(r.dataset, r.programs, "json")


def list_csv(r: ProgramList, view: View) -> str:
    return render_list(r.dataset, r.programs, "csv")


def list_markdown(r: ProgramList, view: View) -> str:
    return render_list(r.dataset, r.programs, "markdown")


def show_table(r: ProgramView, view: View) -> str:
    return render_show(r.dataset, r.program, "table", width=view.width)


def show_json(r: ProgramView, view: View) -> str:
    return render_show(r.dataset, r.program, "json")


def diff_table(r: Comparison, view: View) -> str:
    return render_diff(r.changes, r.old, r.new, "table")


def diff_json(r: Comparison, view: View) -> str:
    return render_diff(r.changes, r.old, r.new, "json")


VIEWS = {
    ("programs list", Format.table): list_table,
    ("programs list", Format.json): list_json,
    ("programs list", Format.csv): list_csv,
    ("programs list", Format.markdown): list_markdown,
    ("programs show", Format.table): show_table,
    ("programs show", Format.json): show_json,
    ("programs diff", Format.table): diff_table,
    ("programs diff", Format.json): diff_json,
}
