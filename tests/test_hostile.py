"""Hostile input (tests/data/hostile): each case is refused with its exact located message
and exit 2, writes nothing, and changes no file. Time and memory: benchmarks/hostile.py."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import TODAY, UPDATE
from hostile_cases import EXPECTED, cases, expected, outcome, prepare

CASES = cases()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("hostile"))


def _snapshot(folder: Path) -> dict[str, str]:
    """Every regular file's content hash (named pipes and folders by name only)."""
    snap = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.stat().st_size < (1 << 24):
            snap[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            snap[path.name] = "(not read)"
    return snap


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_hostile_case(case, corpus, capsys, monkeypatch):
    from imgplan.cli import main

    monkeypatch.chdir(corpus)
    monkeypatch.setenv("IMGPLAN_TODAY", TODAY)
    monkeypatch.delenv("IMGPLAN_PROFILE", raising=False)
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    before = _snapshot(corpus)
    code = main(case["args"])
    captured = capsys.readouterr()
    actual = outcome(code, captured.out, captured.err)
    if UPDATE:
        (EXPECTED / f"{case['case']}.txt").write_text(actual, encoding="utf-8")
    assert actual == expected(case)
    assert code == 2
    assert captured.out == "" or case["args"][0] == "validate"
    assert "Traceback" not in captured.err
    assert _snapshot(corpus) == before, "a refused run changed or left a file"


def test_every_corpus_file_has_a_case():
    """No file in the corpus is forgotten, and no expected message is stale."""
    from hostile_cases import CORPUS

    used = {arg for c in CASES for arg in [*c["args"], *c.get("env", {}).values()]}
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "cases.json"}
    assert files <= used, files - used
    names = {c["case"] for c in CASES}
    assert {p.stem for p in EXPECTED.glob("*.txt")} == names
    assert len(names) == len(CASES)


def test_corpus_covers_the_hardening_list():
    """One case per kind of hostile input the hardening issue lists."""
    names = " ".join(c["case"] for c in CASES)
    for kind in (
        "malformed",
        "wrong-types",
        "impossible",
        "unknown-keys",
        "duplicate-keys",
        "duplicate-ids",
        "empty",
        "binary",
        "100mb",
        "deep-nesting",
        "alias-bomb",
        "python-tag",
        "ragged-rows",
        "formula-cells",
        "is-a-folder",
        "missing",
        "fifo",
        "env-",
        "option-",
    ):
        assert kind in names, kind
    assert os.name != "posix" or any("fifo" in c.get("make", {}) for c in CASES)


@pytest.mark.parametrize(
    ("name", "args", "damage", "message"),
    [
        (
            "calendar.yaml",
            ["timeline", "valid-profile.yaml"],
            ("eras_submit: 2025-09-03", "eras_submit: 2025-09-31"),
            "calendar.yaml:10:18: seasons.2026.eras_submit: '2025-09-31' is not a real calendar "
            "date; expected YYYY-MM-DD",
        ),
        (
            "outcomes.yaml",
            ["chances", "valid-profile.yaml"],
            ("format: 1", "format: 1\nformat: 2"),
            "outcomes.yaml:3:1: format: key 'format' appears twice in this mapping; expected it once",
        ),
        (
            "reference.yaml",
            ["assess", "valid-profile.yaml"],
            ("format: 1", "format: 1\nextra_key: 1"),
            "reference.yaml:6:1: extra_key: unknown key 'extra_key'; expected one of: format, as_of, sources, figures",
        ),
    ],
)
def test_damaged_bundled_data_is_a_located_error(
    corpus, tmp_path, capsys, monkeypatch, name, args, damage, message
):
    """Editing the bundled calendar, outcomes or reference figures badly (e.g. when adding a
    season) gives a located message and exit 2, like any other input."""
    import shutil

    from imgplan.cli import main
    from imgplan.load import bundled

    data = tmp_path / "data"
    shutil.copytree(bundled.data_path(""), data)
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert damage[0] in text
    path.write_text(text.replace(damage[0], damage[1], 1), encoding="utf-8")
    monkeypatch.setattr(bundled, "data_path", lambda n: data / n)
    monkeypatch.chdir(corpus)
    monkeypatch.setenv("IMGPLAN_TODAY", TODAY)
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert f"{data}/{message}" in err, err
