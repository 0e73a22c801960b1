"""`imgplan fellowships list | show | diff`: the Clinical Informatics fellowship directory, every
entry with its confidence grade and "verify" where a fact is unknown."""

from __future__ import annotations

import csv
import io

from ..commands.fellowships import FellowshipDiff, FellowshipList, FellowshipView
from ..models import vocab
from ..models.fellowships import Fellowship, FellowshipDirectory
from ..models.record import as_dict
from ..models.values import plural
from .common import Writer, csv_cell, directory_info, dumps, md
from .formats import Format, View

VERIFY = "verify"
COLUMNS = ("id", "name", "city", "state", "department", "visas", "eligibility", "confidence")


def _visas(f: Fellowship) -> str:
    if f.visas is None:
        return VERIFY
    named = " ".join(str(v).upper() for v in f.visas) or "none"
    return f"{named} (institution rule)" if f.visa_scope == "institution" else named


def _eligibility(f: Fellowship) -> str:
    if f.restricted_tracks:
        return "a restricted track: read it"
    return "any specialty" if f.open_to_any_specialty else VERIFY


def _row(f: Fellowship) -> list[str]:
    department = vocab.specialty_label(f.department) if f.department else VERIFY
    return [
        f.id,
        f.name,
        f.city or VERIFY,
        f.state or VERIFY,
        department,
        _visas(f),
        _eligibility(f),
        f.confidence,
    ]


def _header(d: FellowshipDirectory, which: str) -> list[str]:
    used = "the bundled directory" if which == "bundled" else f"your directory {which}"
    return [
        f"{d.name} ({used}): {len(d.fellowships)} programs, as of {d.as_of.isoformat()}.",
        f"Source: {d.source}.",
        d.note,
    ]


def list_json(r: FellowshipList, view: View) -> str:

    items = []
    for f in r.fellowships:
        item = as_dict(f)
        if r.miles is not None:
            item["miles"] = r.miles.get(f.id)
        items.append(item)
    return dumps(
        {
            "format": 1,
            "command": "fellowships list",
            "directory": directory_info(r.directory, r.which),
            "filters": r.filters,
            "fellowships": items,
        }
    )


def _rows(r: FellowshipList) -> tuple[list[str], list[list[str]]]:
    columns = list(COLUMNS)
    rows = [_row(f) for f in r.fellowships]
    if r.miles is not None:
        columns.append("miles")
        for row, f in zip(rows, r.fellowships, strict=True):
            d = r.miles.get(f.id)
            row.append(VERIFY if d is None else f"{d:.0f}")
    return columns, rows


def list_csv(r: FellowshipList, view: View) -> str:
    columns, rows = _rows(r)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()


def list_markdown(r: FellowshipList, view: View) -> str:
    columns, rows = _rows(r)
    lines = [f"# {md(r.directory.name)}", ""]
    lines += [md(x) + "  " for x in _header(r.directory, r.which)]
    if r.filters:
        lines += ["", f"Filters: {md('; '.join(r.filters))}."]
    lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    lines += ["", f"{plural(len(rows), 'program')}; verify = unknown, check the program's site."]
    return "\n".join(lines) + "\n"


def list_table(r: FellowshipList, view: View) -> str:
    """One short card per program (ids and names are long: a grid would not fit)."""

    w = Writer(view.width, view.color)
    for line in _header(r.directory, r.which):
        w.para(line, "dim")
    if r.filters:
        w.para(f"Filters: {'; '.join(r.filters)}.")
    for f in r.fellowships:
        _, name, city, state, department, visas, eligibility, confidence = _row(f)
        distance = ""
        if r.miles is not None:
            d = r.miles.get(f.id)
            distance = " — distance verify" if d is None else f" — {d:.0f} miles"
        w.raw("")
        w.para(f"{f.id}  {name} — {city}, {state}{distance}", "bold", indent="    ")
        w.para(
            f"    department {department} · visas {visas} · eligibility {eligibility} · "
            f"confidence: {confidence}",
            indent="    ",
        )
    w.raw("")
    w.para(
        f"{plural(len(r.fellowships), 'program')}; verify = unknown, check the program's site. "
        "`imgplan fellowships show ID` for the sources.",
        "dim",
    )
    return w.text()


def _show_lines(f: Fellowship) -> list[str]:
    label = vocab.specialty_label(f.department) if f.department else None
    department = VERIFY if label is None else label
    if f.department_from == "acgme_id":
        department += f" (from the ACGME ID's specialty code {f.acgme_id and f.acgme_id[:3]})"
    lines = [
        f"{f.name} ({f.id})",
        f"Institution: {f.institution or VERIFY}",
        f"Where: {f.city or VERIFY}, {f.state or VERIFY}",
        f"Department: {department}" + (f" — {f.department_note}" if f.department_note else ""),
        f"ACGME ID: {f.acgme_id or VERIFY}",
        f"Fellows per year: {f.fellows_per_year or VERIFY}",
        f"Eligibility: {f.eligibility or VERIFY}",
    ]
    if f.restricted_tracks:
        lines.append(f"  restricted track: {f.restricted_tracks}")
    visas = _visas(f)
    reading = "" if f.visas is None else " (imgplan's reading of the policy text)"
    lines.append(f"Visas: {visas}{reading}")
    if f.visa_policy:
        lines.append(f"  policy text: {f.visa_policy}")
    lines.append(f"Confidence: {f.confidence}")
    for n, source in enumerate(f.sources):
        date = f.source_dates[n] if n < len(f.source_dates) else "undated"
        lines.append(f"Source: {source} ({date})")
    if f.notes:
        lines.append(f"Notes: {f.notes}")
    return lines


def show_table(r: FellowshipView, view: View) -> str:

    w = Writer(view.width, view.color)
    for line in _header(r.directory, r.which):
        w.para(line, "dim")
    w.raw("")
    head, *rest = _show_lines(r.fellowship)
    w.para(head, "bold")
    for line in rest:
        w.para(line, indent="    ")
    return w.text()


def show_json(r: FellowshipView, view: View) -> str:

    return dumps(
        {
            "format": 1,
            "command": "fellowships show",
            "fellowship": as_dict(r.fellowship),
            "directory": directory_info(r.directory, r.which),
        }
    )


def diff_table(r: FellowshipDiff, view: View) -> str:

    w = Writer(view.width, view.color)
    w.para(f"fellowships diff {r.old} -> {r.new}", "bold")
    if r.empty:
        w.para("No differences.")
    for f in r.added:
        w.para(f"+ {f.id}: {f.name} ({f.city}, {f.state})", "green")
    for f in r.removed:
        w.para(f"- {f.id}: {f.name} ({f.city}, {f.state})", "red")
    for fid, fields in r.changed:
        w.para(f"~ {fid}", "yellow")
        for name, old, new in fields:
            w.para(f"    {name}: {old!r} -> {new!r}", indent="      ")
    return w.text()


def diff_json(r: FellowshipDiff, view: View) -> str:

    return dumps(
        {
            "format": 1,
            "command": "fellowships diff",
            "old": r.old,
            "new": r.new,
            "added": [f.id for f in r.added],
            "removed": [f.id for f in r.removed],
            "changed": [
                {"id": fid, "fields": [{"field": n, "old": a, "new": b} for n, a, b in fields]}
                for fid, fields in r.changed
            ],
        }
    )


VIEWS = {
    ("fellowships list", Format.table): list_table,
    ("fellowships list", Format.json): list_json,
    ("fellowships list", Format.csv): list_csv,
    ("fellowships list", Format.markdown): list_markdown,
    ("fellowships show", Format.table): show_table,
    ("fellowships show", Format.json): show_json,
    ("fellowships diff", Format.table): diff_table,
    ("fellowships diff", Format.json): diff_json,
}
