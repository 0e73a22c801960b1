"""`imgplan validate` and the loader: every problem at once, located, exact messages."""

from __future__ import annotations

import json

import pytest

from conftest import DATA, PROFILES, ROOT, golden

INVALID = sorted((DATA / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_corpus_exact_problems(cli, path):
    """Each broken file lists exactly the problems in its .expected file, and exits 1."""
    rel = path.relative_to(ROOT)
    result = cli("validate", str(rel))
    assert result.code == 1
    golden(f"invalid/{path.stem}.expected", result.out)


def test_every_problem_line_is_located(cli):
    """Every line has file:line:column: key.path: what; expected."""
    for path in INVALID:
        result = cli("validate", str(path.relative_to(ROOT)))
        for line in result.out.splitlines():
            where, _, message = line.partition(": ")
            file, line_no, column = where.rsplit(":", 2)
            assert file.endswith(path.name) and int(line_no) >= 1 and int(column) >= 1
            assert "; expected" in message or "expected" in message, line


def test_bundled_files_are_valid(cli):
    """The example profiles and the bundled dataset validate, exit 0."""
    files = [str(p.relative_to(ROOT)) for p in sorted(PROFILES.glob("*.yaml"))]
    result = cli("validate", *files, "data/programs.yaml")
    assert result.code == 0, result.out
    assert result.out.count(": valid profile") == len(files) >= 7
    assert "data/programs.yaml: valid programs" in result.out


def test_validate_json_contract(cli):
    """--format json gives the SPEC's validate object on stdout and nothing else."""
    result = cli(
        "validate",
        "--format",
        "json",
        "profiles/strong-scores.yaml",
        "tests/data/invalid/unknown-keys.yaml",
    )
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["format"] == 1 and doc["command"] == "validate"
    good, bad = doc["files"]
    assert good == {
        "path": "profiles/strong-scores.yaml",
        "kind": "profile",
        "valid": True,
        "problems": [],
        "warnings": [],
    }
    assert bad["kind"] == "profile" and len(bad["problems"]) == 3
    assert bad["problems"][0] == {
        "line": 6,
        "column": 3,
        "path": "usmle.stpe2ck",
        "message": "unknown key 'stpe2ck'; did you mean 'step2ck'?; expected one of: step1, "
        "step2ck, step3",
    }


def test_validate_missing_file_is_listed_and_exits_2(cli):
    """A file that cannot be read at all is an input error (2), not a "found problems" (1);
    the other files are still checked and listed."""
    result = cli("validate", "no/such.yaml", "profiles/needs-h1b.yaml")
    assert result.code == 2
    assert result.out == (
        "no/such.yaml: no such file; expected a path to an existing file\n"
        "profiles/needs-h1b.yaml: valid profile\n"
    )


def test_other_commands_exit_2_with_the_same_messages(cli):
    """A broken profile given to recommend: exit 2, located messages on stderr, no traceback."""
    result = cli("recommend", "tests/data/invalid/impossible-values.yaml")
    assert result.code == 2
    assert result.out == ""
    assert "impossible-values.yaml:6:20: usmle.step2ck.score: 400 is outside 1–300" in result.err
    assert "Traceback" not in result.err
    assert len(result.err.splitlines()) == 10


def test_profile_over_size_limit(cli, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("format: 1\nname: " + "x" * (1 << 20) + "\n")
    result = cli("recommend", str(big))
    assert result.code == 2
    assert "over the 1 MiB limit" in result.err


def test_deep_nesting_is_refused_not_a_crash(cli, tmp_path):
    """libyaml's composer would overflow the C stack: the event builder (or libyaml's own
    scanner limit) refuses it with a located message."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    result = cli("validate", str(deep))
    assert result.code == 1
    assert "nesting" in result.out and "; expected" in result.out


def test_unquoted_date_where_text_is_expected_keeps_its_text(tmp_path):
    """A date-looking name stays the text the user typed (no silent conversion)."""
    import datetime as dt

    from imgplan.load.loading import load_profile

    text = (
        (PROFILES / "strong-scores.yaml")
        .read_text()
        .replace("name: Amina Strong (example)", "name: 2025-01-01")
    )
    path = tmp_path / "p.yaml"
    path.write_text(text)
    profile = load_profile(path, dt.date(2026, 11, 25))
    assert profile.name == "2025-01-01"


def test_mutated_files_never_crash(cli, tmp_path):
    """Hypothesis mutates a valid profile and dataset byte by byte: every result is a clean
    verdict (exit 0 or 1 with located lines), never a traceback (exit 70)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    sources = [
        (PROFILES / "needs-h1b.yaml").read_bytes(),
        (DATA / "programs-golden.yaml").read_bytes()[:3000],
    ]

    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        st.sampled_from(sources),
        st.lists(
            st.tuples(
                st.integers(0, 2999),
                st.sampled_from(
                    [
                        b"",
                        b":",
                        b"- ",
                        b"\n",
                        b"&a ",
                        b"*a",
                        b"{",
                        b"]",
                        b"'",
                        b"\xff",
                        b"\t",
                        b"yes",
                        b"1e999",
                        b"!!int ",
                    ]
                ),
            ),
            min_size=1,
            max_size=4,
        ),
    )
    def check(source, edits):
        data = bytearray(source)
        for position, insert in edits:
            position = min(position, len(data))
            data[position : position + 1] = insert
        path = tmp_path / "mutant.yaml"
        path.write_bytes(bytes(data))
        result = cli("validate", str(path))
        assert result.code in (0, 1), result.err
        assert "Traceback" not in result.err

    check()


def test_problems_are_capped_with_a_count_of_the_rest(cli, tmp_path):
    """1,500 bad programs: the first 1,000 problems are listed, then how many more there are
    (600,000 problems took 2 GB and half a minute before)."""
    lines = ["format: 1", "name: Many", "as_of: 2026-10-01", "source: t", "programs:"]
    lines += [f"  - {{id: p{i}, name: P, specialty: IM, img_share: 7}}" for i in range(1500)]
    path = tmp_path / "many-programs.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = cli("validate", str(path))
    assert result.code == 1
    out = result.out.splitlines()
    assert len(out) == 1001
    assert out[-1] == (
        f"{path}: 500 more problems not listed (the first 1,000 are); expected a file with "
        "fewer problems: fix these and run again"
    )


def test_large_invalid_dataset_is_validated_in_chunks_with_located_capped_problems(cli, tmp_path):
    """Programs are validated 2,000 at a time (bounded memory): an error past the first chunk
    is still located on its line, at most 1,000 are listed, and the rest are counted."""
    from imgplan.load.located import CHUNK, MAX_PROBLEMS

    rows = [f"  - {{id: p{n}, name: P {n}, specialty: im}}\n" for n in range(CHUNK + 600)]
    rows[CHUNK + 100] = f"  - {{id: p{CHUNK + 100}, name: P, specialty: im, step2ck_min: 999}}\n"
    path = tmp_path / "one-bad.yaml"
    path.write_text("format: 1\nname: n\nas_of: 2026-10-01\nsource: s\nprograms:\n" + "".join(rows))
    result = cli("validate", str(path))
    assert result.code == 1
    line = 6 + CHUNK + 100
    assert f"{path}:{line}:" in result.out and f"programs[{CHUNK + 100}].step2ck_min" in result.out
    many = tmp_path / "all-bad.yaml"
    many.write_text(
        "format: 1\nname: n\nas_of: 2026-10-01\nsource: s\nprograms:\n"
        + "".join(
            f"  - {{id: p{n}, name: P, specialty: im, step2ck_min: 999}}\n" for n in range(2500)
        )
    )
    out = cli("validate", str(many)).out
    assert out.count("step2ck_min") == MAX_PROBLEMS
    assert "1,500 more problems not listed" in out
    good = tmp_path / "good.yaml"
    good.write_text(
        "format: 1\nname: n\nas_of: 2026-10-01\nsource: s\nprograms:\n"
        + "".join(f"  - {{id: p{n}, name: P, specialty: im}}\n" for n in range(CHUNK * 2 + 1))
    )
    import datetime as dt

    from imgplan.load.loading import load_dataset

    assert len(load_dataset(good, dt.date(2026, 11, 25)).programs) == CHUNK * 2 + 1
