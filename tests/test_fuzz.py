"""Fuzzing: valid-looking and mutated profiles and datasets through every command's core and
every renderer. The only outcomes allowed are the documented ones: a result, or a located
input error (exit 2). Anything else (an exception, a message without a place or without
"expected") fails.

The normal run tries a few hundred examples; the dedicated run tries 10,000 or more:

    IMGPLAN_FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz.py

Profiles and datasets are built from the example files: each field's value is drawn from the
values that field takes anywhere in them (valid-looking combinations), then optionally mutated:
a key deleted, an unknown key added, a value replaced by one of another type or out of range,
or the YAML text itself damaged (a character inserted, a slice deleted, a line repeated).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from imgplan.errors import InputError, UsageError

from conftest import DATA, PROFILES

EXAMPLES = int(os.environ.get("IMGPLAN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 300,  # the normal run is reproducible; the dedicated run explores
)

Path_ = tuple[Any, ...]


def _leaves(value: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))] + [(path, value)]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))] + [
            (path, value)
        ]
    return [(path, value)]


def _plain(value: Any) -> Any:
    """YAML-loaded values back to text-friendly ones (dates as ISO text, as a user types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


PROFILE_DOCS = [_plain(yaml.safe_load(p.read_text())) for p in sorted(PROFILES.glob("*.yaml"))]
DATASET_DOC = _plain(yaml.safe_load((DATA / "programs-golden.yaml").read_text()))
PROGRAM_DOCS = DATASET_DOC["programs"]

WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["yes", "NO", "~", "2026-02-30", "1e999", ".nan", "=cmd|' /C calc'!A0", ""]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _pool(docs: list[dict[str, Any]]) -> dict[Path_, list[Any]]:
    pool: dict[Path_, list[Any]] = {}
    for doc in docs:
        for path, value in _leaves(doc):
            pool.setdefault(path, []).append(value)
    return pool


PROFILE_POOL = _pool(PROFILE_DOCS)
PROGRAM_POOL = _pool(PROGRAM_DOCS)


@st.composite
def recombined(draw: st.DrawFn, docs: list[dict[str, Any]], pool: dict[Path_, list[Any]]):
    """A document whose top-level fields come from different examples (valid-looking)."""
    base = copy.deepcopy(draw(st.sampled_from(docs)))
    for key in list(base):
        if draw(st.booleans()):
            choices = pool.get((key,))
            if choices:
                base[key] = copy.deepcopy(draw(st.sampled_from(choices)))
    return base


def _set(doc: Any, path: Path_, value: Any) -> None:
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _delete(doc: Any, path: Path_) -> None:
    target = doc
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


@st.composite
def mutated(draw: st.DrawFn, doc: dict[str, Any], pool: dict[Path_, list[Any]]):
    """Up to three mutations of a document: replace, delete, add an unknown key."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paths = [p for p, _ in _leaves(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "pool", "delete", "unknown"]))
        try:
            if action == "replace":
                _set(doc, path, draw(WEIRD))
            elif action == "pool" and pool.get(path[-1:]) is not None:
                _set(doc, path, copy.deepcopy(draw(st.sampled_from(pool[path[-1:]]))))
            elif action == "delete":
                _delete(doc, path)
            elif action == "unknown":
                parent = doc
                for part in path[:-1]:
                    parent = parent[part]
                if isinstance(parent, dict):
                    parent[draw(st.text(min_size=1, max_size=12))] = draw(WEIRD)
        except (KeyError, IndexError, TypeError):
            pass
    return doc


def _yaml_text(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


NUMBER_SHAPES = [
    "1" * 5000,
    "1e400",
    "-1e400",
    "9.3e18",
    "1" * 120,
    ".nan",
    ".inf",
    "-0",
    "0x1F",
    "1_000",
]


@st.composite
def damaged(draw: st.DrawFn, text: str, one_in: int) -> str:
    """Once in ``one_in`` times, the YAML text with a character inserted, a slice deleted or a
    line repeated."""
    if draw(st.integers(min_value=1, max_value=one_in)) != 1:
        return text
    action = draw(st.sampled_from(["insert", "delete", "repeat", "number"]))
    numbers = list(re.finditer(r"(?<=: )-?\d+(\.\d+)?(?=\s|,|}|$)", text))
    if action == "number" and numbers:
        # A plain number replaced by a shape that broke the contract once: thousands of
        # digits, an overflowing exponent, a huge whole float, not-a-number.
        found = numbers[draw(st.integers(min_value=0, max_value=len(numbers) - 1))]
        shape = draw(st.sampled_from(NUMBER_SHAPES))
        return text[: found.start()] + shape + text[found.end() :]
    if action == "insert":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        char = draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\t\n ") + ["\x00", "\ufeff", "é"]))
        return text[:at] + char + text[at:]
    if action == "delete" and text:
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        return text[:at] + text[at + draw(st.integers(min_value=1, max_value=20)) :]
    if action == "repeat":
        lines = text.splitlines(keepends=True)
        if lines:
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines.insert(i, lines[i])
            return "".join(lines)
    return text


@st.composite
def profile_texts(draw: st.DrawFn) -> str:
    doc = draw(recombined(PROFILE_DOCS, PROFILE_POOL))
    if draw(st.integers(min_value=1, max_value=3)) == 1:
        doc = draw(mutated(doc, PROFILE_POOL))
    return draw(damaged(_yaml_text(doc), 4))


@st.composite
def dataset_texts(draw: st.DrawFn) -> str:
    programs = []
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        program = draw(recombined(PROGRAM_DOCS, PROGRAM_POOL))
        program["id"] = f"p-{i}"
        if draw(st.integers(min_value=1, max_value=12)) == 1:
            program = draw(mutated(program, PROGRAM_POOL))
        programs.append(program)
    doc = {**{k: v for k, v in DATASET_DOC.items() if k != "programs"}, "programs": programs}
    if draw(st.integers(min_value=1, max_value=8)) == 1:
        doc = draw(mutated(doc, {}))
    return draw(damaged(_yaml_text(doc), 8))


DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2034, 12, 31))


def _check_input_error(exc: InputError, file: Path) -> None:
    """A documented failure: every problem names the file, a place when it is about the
    content, and what is expected; messages are bounded."""
    assert exc.problems
    for problem in exc.problems:
        assert problem.file == str(file)
        assert "expected" in problem.message, problem
        assert len(str(problem)) < 2000
        assert problem.line is None or problem.line >= 1


def _loaded(load: Any, path: Path, day: dt.date, what: str) -> Any:
    """The file loaded, or None after checking that its refusal is a documented one."""
    try:
        value = load(path, day)
    except InputError as exc:
        _check_input_error(exc, path)
        event(f"{what} refused")
        return None
    event(f"{what} loaded")
    return value


def _everything(profile_path: Path, dataset_path: Path | None, day: dt.date) -> None:
    """Every command's core call and every (command × format) renderer, as the CLI runs them."""
    from imgplan.commands import assess, chances, explain, fellowships, programs, recommend, step3
    from imgplan.commands import timeline as timeline_command
    from imgplan.load.bundled import Bundled
    from imgplan.load.loading import load_dataset, load_profile
    from imgplan.render import render
    from imgplan.render.formats import View, supported

    def every_format(command: str, result: object) -> None:
        for fmt in supported(command):
            text = render(command, fmt, result, View(include_excluded=True))
            assert text
            if fmt == "json":
                json.loads(text)

    data = Bundled(None)
    person = _loaded(load_profile, profile_path, day, "profile")
    if person is None:
        return
    # timeline, check-step3, assess: the profile alone
    every_format("timeline", timeline_command.run(person, data, day))
    check = step3.run(person, {}, None, data, day)
    assert check.verdict.exit_code in (0, 1)
    every_format("check-step3", check)
    every_format("assess", assess.run(person, data, day))
    if dataset_path is None:
        return
    dataset = _loaded(load_dataset, dataset_path, day, "dataset")
    if dataset is None:
        return
    # recommend, explain, chances, programs list/show
    result = recommend.run(person, dataset, data, day, recommend.Options())
    every_format("recommend", result)
    rows = list(csv.reader(io.StringIO(render("recommend", "csv", result, View()))))
    assert len(rows) == len(result.rec.programs) + 1 or result.fellowships is not None
    for program in dataset.programs[:3]:
        try:
            every_format("explain", explain.run(person, dataset, program.id, data, day))
        except UsageError:  # a resident's explain takes a fellowship, not a program
            assert result.stage.in_training
        every_format("programs show", programs.ProgramView(dataset, program))
    every_format("chances", chances.run(person, dataset, data, day))
    every_format("programs list", programs.list_programs(dataset, set(), set()))
    every_format("programs diff", programs.compare(dataset, dataset, "a", "b"))
    planned = recommend.run(person, dataset, data, day, recommend.Options(signals=True, season=day.year + 2))
    every_format("recommend", planned)
    directory = data.fellowships
    listed = fellowships.list_fellowships(
        directory,
        "bundled",
        states=[],
        departments=[],
        visa=None,
        near=None,
        within=None,
        coords={},
    )
    every_format("fellowships list", listed)
    every_format(
        "fellowships show", fellowships.FellowshipView(directory, directory.fellowships[0], "b")
    )
    every_format("fellowships diff", fellowships.diff_fellowships(directory, directory, "a", "b"))
    _season(person, dataset, data, day, every_format)


def _season(person: Any, dataset: Any, data: Any, day: dt.date, every_format: Any) -> None:
    """The new rooms: visa, the tracker's views, the rank list and the match engine, on the
    fuzzed profile and programs."""
    from imgplan.commands import match as match_command
    from imgplan.commands import rank as rank_command
    from imgplan.commands import track as track_command
    from imgplan.commands import visa as visa_command
    from imgplan.match.market import Lists, build
    from imgplan.models.tracker import HistoryView, Tracked, Tracker

    every_format("visa", visa_command.run(person, data, day))
    statuses = ("invited", "scheduled", "interviewed", "ranked", "withdrawn")
    tracked = [
        Tracked(
            p.id, p.name, str(p.specialty), p.state, p.city, dataset.name, dataset.as_of, {},
            status=statuses[i % len(statuses)], invited=day, interview=day, ratings={"fit": 1 + i % 5},
        )
        for i, p in enumerate(dataset.programs[:6])
    ]
    tracker = Tracker("fuzz", person.name, tracked, "memory")
    view = track_command.view(tracker, person, data, day)
    every_format("track list", view)
    every_format("track export", view)
    if tracked:
        every_format("track show", track_command.show(tracker, tracked[0].program_id, [], person, data, day))
    every_format("track history", HistoryView("fuzz", "memory", []))
    every_format("rank", rank_command.run(person, tracker, dataset, data, day))
    ids = [p.id for p in dataset.programs[:4]]
    if ids:
        lists = Lists()
        lists.quotas = {pid: 1 + i % 2 for i, pid in enumerate(ids)}
        lists.applicant_lists = {f"A{n}": ids[n % len(ids):] + ids[: n % len(ids)] for n in range(5)}
        lists.program_lists = {pid: [f"A{(n + i) % 5}" for n in range(5)] for i, pid in enumerate(ids)}
        market, problems = build(lists)
        assert market is not None, problems
        every_format("match run", match_command.match(market, "fuzz", "A0"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(profile=profile_texts(), dataset=dataset_texts(), no_dataset=st.integers(1, 4), day=DAYS)
def test_fuzz_every_command_gives_a_result_or_a_located_error(
    folder, profile, dataset, no_dataset, day
):
    profile_path = folder / "profile.yaml"
    profile_path.write_text(profile, encoding="utf-8")
    dataset_path = None
    if no_dataset > 1:  # one time in four, the profile alone (timeline, check-step3, assess)
        dataset_path = folder / "programs.yaml"
        dataset_path.write_text(dataset, encoding="utf-8")
    _everything(profile_path, dataset_path, day)


@FUZZ
@given(old=dataset_texts(), new=dataset_texts())
def test_fuzz_dataset_diff_and_validate(folder, old, new):
    from imgplan.datasets import diff
    from imgplan.load.loading import load_dataset
    from imgplan.load.validate import validate_file
    from imgplan.render.programs import render_diff

    day = dt.date(2026, 11, 25)
    paths = []
    for name, text in (("old.yaml", old), ("new.yaml", new)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        result = validate_file(path, day)
        for problem in result.problems:
            assert "expected" in problem.message and problem.file == str(path)
    try:
        a, b = (load_dataset(p, day) for p in paths)
    except InputError as exc:
        assert exc.problems and all("expected" in p.message for p in exc.problems)
        return
    d = diff(a, b)
    for fmt in ("table", "json"):
        assert render_diff(d, "old.yaml", "new.yaml", fmt)


def test_the_strategies_reach_both_outcomes(folder):
    """The fuzzing is not vacuous: the generated inputs include valid and invalid profiles."""
    from hypothesis import find

    from imgplan.load.loading import load_profile

    def loads(text: str) -> bool:
        path = folder / "probe.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_profile(path, dt.date(2026, 11, 25))
        except InputError:
            return False
        return True

    quick = settings(max_examples=200, database=None, deadline=None)
    assert loads(find(profile_texts(), loads, settings=quick))
    assert not loads(find(profile_texts(), lambda t: not loads(t), settings=quick))
