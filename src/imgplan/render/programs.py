"""`imgplan programs list | show | diff`: views of a dataset."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..commands.programs import Comparison, ProgramList, ProgramView
from ..datasets import DatasetDiff, program_dict
from ..models import vocab
from ..models.programs import Dataset, Program, short_ids
from ..models.record import as_dict
from ..models.values import plural
from .common import Writer, csv_cell, dataset_header, dataset_info, dumps, example_notice, grid, md
from .formats import Format, View

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

    w = Writer(width, False)
    dataset_header(w, dataset)
    w.para(f"Source: {dataset.source}", "dim")
    w.raw("")
    w.para(f"{plural(len(programs), 'program')}; ? = unknown: verify on the program's site")
    shorts = short_ids(dataset)  # the id style a person reads everywhere (any id is accepted)
    shown = [[shorts.get(p.id, p.id), *_short(p)[1:]] for p in programs]
    if width < CARDS_BELOW:
        for pid, name, *rest in shown:
            w.para(f"{pid}  {name}", "bold", indent="    ")
            labels = (
                "spec.",
                "state",
                "Step 2 CK min",
                "preferred",
                "visas",
                "IMG share",
                "CI fellowship",
                "verified",
            )
            w.para(
                "  " + " · ".join(f"{k} {v}" for k, v in zip(labels, rest, strict=True)),
                indent="    ",
            )
        return w.text()
    w.raw(grid(LIST_HEADERS, shown, right={4, 5, 7}, flex=(1,), width=width, wrap=frozenset({1})))
    w.para("Id: the short id (any form of a program's id works in every command).", "dim")
    return w.text()


CARDS_BELOW = 100  # columns: a narrower terminal gets one card per program
LIST_HEADERS = (
    "Id",
    "Program",
    "Spec.",
    "St",
    "2CK min",
    "2CK pref.",
    "Visas",
    "IMG",
    "CI fellowship",
    "Verified",
)


def _short(p: Program) -> list[str]:
    return [
        p.id,
        p.name,
        vocab.SPECIALTY_SHORT[p.specialty],
        _cell(p, "state"),
        _cell(p, "step2ck_min"),
        _cell(p, "step2ck_preferred"),
        _cell(p, "visas"),
        _cell(p, "img_share"),
        _cell(p, "ci_fellowship"),
        _cell(p, "verified"),
    ]


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
    w = Writer(width, False)
    dataset_header(w, dataset)
    w.raw("")
    w.para(f"{p.name} ({p.id})", "bold")
    data = as_dict(p)
    data.pop("provenance", None)
    info = data.pop("informatics")
    for key, value in [*data.items(), *((f"informatics.{k}", v) for k, v in info.items())]:
        label = LABELS.get(key, key.replace("informatics.", "").replace("_", " ").capitalize())
        origin = sources.get(key)
        where = (
            ""
            if origin is None
            else f"  (from {origin.source}"
            + (f", {origin.as_of.isoformat()})" if origin.as_of else ")")
        )
        w.para(f"  {label}: {_human(key, value)}{where}", indent="      ")
    figures = p.verified or dataset.as_of
    w.raw("")
    w.para(f"Figures from: {dataset.source} (checked {figures.isoformat()})", "dim")
    return w.text()


#: What a person reads for each field of a program.
LABELS = {
    "id": "Id",
    "name": "Name",
    "specialty": "Specialty",
    "state": "State",
    "city": "City",
    "institution": "Sponsoring institution",
    "flags": "ERAS flags",
    "setting": "Setting",
    "positions": "First-year positions",
    "img_share": "IMG share",
    "visas": "Visas sponsored",
    "step2ck_min": "Step 2 CK minimum",
    "step2ck_preferred": "Step 2 CK preferred",
    "max_attempts": "Attempts accepted, at most",
    "yog_max_years": "Years since graduation, at most",
    "usce": "US clinical experience",
    "usce_min_months": "USCE, months at least",
    "ecfmg_by": "ECFMG certificate needed by",
    "url": "Website",
    "verified": "Figures checked on",
    "notes": "Notes",
    "my_notes": "My notes",
    "nrmp_code": "NRMP code",
    "informatics.ci_fellowship": "CI fellowship",
    "informatics.informatics_faculty": "Informatics faculty",
    "informatics.informatics_track": "Informatics track or elective",
    "informatics.ehr_projects": "EHR projects for residents",
    "informatics.analytics_team": "Analytics team",
    "informatics.ehr_vendor": "EHR vendor",
}
VISA_WORDS = {"j1": "J-1", "h1b": "H-1B"}


def _human(key: str, value: Any) -> str:
    if value is None:
        # Notes, links and the user's own words are not figures: absent is just absent.
        return (
            "none"
            if key in NOT_FIGURES or key == "my_notes"
            else "unknown: verify on the program's site"
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "img_share":
        return f"{value:.0%}"
    if key == "visas":
        return ", ".join(VISA_WORDS.get(str(v), str(v)) for v in value) or "none"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    text = str(value)
    return (
        text.replace("_", " ")
        if key in ("usce", "ecfmg_by", "setting", "informatics.ci_fellowship", "specialty")
        else text
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
