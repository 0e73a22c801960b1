"""`imgplan recommend`: the ranked, tiered, explained program list (a batch of profiles too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from ..load.files import batch_targets, check_first, deliver
from ..load.session import Run
from ..render.formats import EXTENSIONS, Format
from .options import choose_format, today_from, vocabulary, what_if_of
from .parallel import forked_map
from .params import (
    AllOpt,
    FailIfEmptyOpt,
    FellowshipsOpt,
    IncludeExcludedOpt,
    NoCacheOpt,
    OutputDirOpt,
    OutputOpt,
    ProgramsOpt,
    RecommendFormat,
    SeasonOpt,
    SignalsOpt,
    SpecialtyOpt,
    StateOpt,
    TodayOpt,
    TopOpt,
    UnlockOpt,
    WhatIfEcfmg,
    WhatIfStep2,
    WhatIfStep3,
    WhatIfUsce,
)
from .show import EXIT_NO, render_for, show

TABLE_TOP = 25  # programs a table shows by default (--all for every one)


def _write_recommendations(
    profiles: list[Path],
    recs: list[Any],
    chosen: Format,
    output: Path | None,
    sources: tuple[Path | None, ...],
    include_excluded: bool,
) -> None:
    """One output: a single list, or a batch under one document."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.recommend import Batch

    result = (
        recs[0]
        if len(recs) == 1
        else Batch([(str(p), x) for p, x in zip(profiles, recs, strict=True)])
    )
    show("recommend", chosen, result, output, sources, include_excluded=include_excluded)


def _runner(
    r: Run,
    people: list[Any],
    profiles: list[Path],
    dataset: Any,
    options: Any,
    overrides: dict[str, Any],
) -> Callable[[int], Any]:
    """The result of the k-th profile, its what-if ``overrides`` applied."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import recommend as command
    from ..recommend import with_overrides

    def result_of(k: int) -> Any:
        person, path = people[k], profiles[k]
        tracker = r.tracker(person, path)
        result = command.run(
            with_overrides(person, **overrides),
            dataset,
            r.bundled,
            r.today,
            options,
            directory=r.directory,
            tracker=tracker,
        )
        note = r.directory_note()
        if note:
            result.notes.append(note)
        return result

    return result_of


def _to_folder(
    result_of: Callable[[int], Any],
    profiles: list[Path],
    chosen: Format,
    output_dir: Path,
    sources: tuple[Path | None, ...],
    include_excluded: bool,
) -> bool:
    """One file per profile, all rendered (over two processes: cli/parallel.py) before any
    is written; whether any list came out empty."""
    targets = batch_targets(profiles, output_dir, EXTENSIONS[chosen], sources)

    def rendered(k: int) -> tuple[str | bytes, bool]:
        result = result_of(k)
        text = render_for(
            "recommend", chosen, result, targets[k], include_excluded=include_excluded
        )
        return text, not result.rec.ranked

    done = forked_map(rendered, range(len(profiles)))
    for (text, _), target in zip(done, targets, strict=True):
        deliver(text, target, sources)
    return any(nothing for _, nothing in done)


def recommend(
    profiles: Annotated[
        list[Path],
        typer.Argument(help="Your profile YAML; several for a batch (an advisor's list)."),
    ],
    programs: ProgramsOpt = None,
    fmt: RecommendFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    step2: WhatIfStep2 = None,
    usce_months: WhatIfUsce = None,
    step3: WhatIfStep3 = None,
    ecfmg: WhatIfEcfmg = None,
    unlock: UnlockOpt = False,
    specialty: SpecialtyOpt = None,
    state: StateOpt = None,
    top: TopOpt = None,
    show_all: AllOpt = False,
    include_excluded: IncludeExcludedOpt = False,
    fail_if_empty: FailIfEmptyOpt = False,
    output_dir: OutputDirOpt = None,
    signals: SignalsOpt = False,
    fellowships: FellowshipsOpt = None,
    season: SeasonOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Ranked, tiered, explained program list, with profile findings on top.

    With several profiles, the dataset is read once and each profile gets its own output:
    concatenated on stdout (JSON: one object with a `results` list), or one file per
    profile with --output-dir.
    """
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import recommend as command
    from .inputs import programs as load_programs

    chosen = choose_format("recommend", fmt)
    if step3 is not None and step3.strip().lower() != "pass":
        raise UsageError(f"--step3 '{step3}' is not understood; expected --step3 pass")
    specialties, states = vocabulary(specialty, state)
    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    if output_dir is not None and not output_dir.is_dir():
        raise UsageError(f"--output-dir {output_dir} is not a folder; expected an existing folder")
    if output_dir is not None and output is not None:
        raise UsageError("--output and --output-dir cannot be used together; expected one of them")
    check_first(output, (*profiles, programs, fellowships))
    # Every profile is read and validated before anything is written.
    people = [r.profile(path) for path in profiles]
    what_if = what_if_of(step2=step2, usce_months=usce_months, step3=step3, ecfmg=ecfmg)
    dataset = load_programs(r, programs)
    options = command.Options(
        specialties=specialties or None,
        states=states or None,
        top=top or (TABLE_TOP if chosen is Format.table and not show_all else None),
        unlock=unlock,
        what_if=what_if,
        signals=signals,
        season=season,
    )

    overrides = {
        "step2": step2,
        "usce_months": usce_months,
        "step3_pass": step3 is not None,
        "ecfmg": ecfmg,
    }
    result_of = _runner(r, people, profiles, dataset, options, overrides)
    sources = (*profiles, programs, fellowships)
    if output_dir is not None:
        empty = _to_folder(result_of, profiles, chosen, output_dir, sources, include_excluded)
    else:
        results = [result_of(k) for k in range(len(profiles))]
        _write_recommendations(profiles, results, chosen, output, sources, include_excluded)
        empty = any(not x.rec.ranked for x in results)
    if fail_if_empty and empty:
        raise typer.Exit(EXIT_NO)
