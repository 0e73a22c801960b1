"""`imgplan rank PROFILE`: the rank order list from your tracker — a draft from your ratings
(or your own order), the NRMP's rules checked, and the odds under imgplan's model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..load.files import check_first
from .options import choose_format
from .params import (
    ApplicantOpt,
    DbOpt,
    NoCacheOpt,
    OutputOpt,
    ProfileArg,
    ProgramsOpt,
    RankFormat,
    TodayOpt,
)
from .show import show


def rank(
    profile: ProfileArg,
    order: Annotated[
        Path | None,
        typer.Option(
            "--order",
            help="Your own order: program ids one per line (or a CSV with a program id column, "
            "and a rank column). It wins over the draft.",
        ),
    ] = None,
    programs: ProgramsOpt = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: RankFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Your rank order list: the programs you interviewed with, in the order of your own
    weighted ratings (profile `ranking`), or your order (--order FILE, or ranks stored with
    track update --rank); hard stops, the NRMP's rules and the odds of matching at each rank
    (imgplan's model, calibrated on Charting Outcomes). Rank in your true order of preference."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import rank as command
    from .inputs import programs as load_programs
    from .track import Session

    chosen = choose_format("rank", fmt)
    s = Session(profile, db, applicant, today, no_cache)
    tracker, _ = s.read(notes=False)
    ids = _order(order) if order is not None else None
    if ids is not None:
        pool = {t.program_id for t in tracker.programs if t.interviewing}
        missing = [pid for pid in ids if pid not in pool]
        if missing:
            raise UsageError(
                f"--order {order}: {', '.join(missing[:5])} not among your interviews in the tracker; "
                "expected ids of programs tracked as scheduled, interviewed or ranked (imgplan track list)"
            )
    check_first(output, (profile, order, programs))
    dataset = load_programs(s.run, programs)
    result = command.run(
        s.person,
        tracker,
        dataset,
        s.run.bundled,
        s.run.today,
        order=ids,
        order_name=str(order) if order else None,
    )
    show("rank", chosen, result, output, (profile, order, programs))


def _order(path: Path) -> list[str]:
    """Program ids from a text file (one per line, # comments) or a CSV (a program id column,
    sorted by a rank column when there is one)."""
    import csv
    import io

    from ..load.yaml_reader import read_text

    text = read_text(path, 1 << 20)
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    if lines and "," in lines[0]:
        reader = csv.DictReader(io.StringIO(text))
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        column = next(
            (
                fields[k]
                for k in ("program_id", "program id", "id", "acgme id", "program")
                if k in fields
            ),
            None,
        )
        if column is None:
            raise UsageError(
                f"--order {path}: no program id column; expected a column named program_id or id"
            )
        rows = list(reader)
        rank_col = fields.get("rank")
        if rank_col is not None:
            try:
                rows.sort(key=lambda r: int(r[rank_col]))
            except (TypeError, ValueError):
                raise UsageError(
                    f"--order {path}: a rank that is not a whole number; expected 1, 2, 3 ..."
                ) from None
        ids = [r[column].strip() for r in rows if r.get(column, "").strip()]
    else:
        ids = lines
    seen: set[str] = set()
    for pid in ids:
        if pid in seen:
            raise UsageError(f"--order {path}: '{pid}' is listed twice; expected each program once")
        seen.add(pid)
    if not ids:
        raise UsageError(f"--order {path}: no program ids; expected one per line")
    if len(ids) > 300:
        raise UsageError(
            f"--order {path}: {len(ids)} programs; a rank order list holds at most 300"
        )
    return ids
