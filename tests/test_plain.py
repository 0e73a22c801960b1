"""Plain words and narrow terminals (issue #30): lists as cards under 100 columns, goldens at
80 and 120 columns, advice in YAML errors, did-you-mean for files and ids, "Wrote FILE", the
report refusing a terminal, labels a person reads, and imgplan's own CSV read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import textwrap

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from imgplan.render.common import wrap

from conftest import PROFILES, ROOT, TODAY, golden

GOLDEN_DATA = str(Path(__file__).parent / "data" / "programs-golden.yaml")


@pytest.fixture
def at_width(cli, monkeypatch):
    def run(width: int, *args: str):
        monkeypatch.setenv("COLUMNS", str(width))
        return cli(*args)

    return run


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("programs-list", ("programs", "list", "--programs", GOLDEN_DATA)),
        ("chances", ("chances", str(PROFILES / "strong-scores.yaml"), "--programs", GOLDEN_DATA)),
        ("check-step3", ("check-step3", str(PROFILES / "needs-h1b.yaml"))),
    ],
)
def test_goldens_at_80_and_120_columns(at_width, width, name, args):
    result = at_width(width, *args)
    assert result.code in (0, 1), result.err
    golden(f"width-{name}-{width}.txt", result.out)
    for line in result.out.splitlines():
        assert len(line) <= width, (width, line)


def test_programs_list_under_100_columns_is_cards_with_names(at_width):
    out = at_width(80, "programs", "list", "--programs", GOLDEN_DATA).out
    assert "┃" not in out and "…" not in out.split("programs; ?")[1]
    assert "Bellmont University Medical Center" in out or "Medical Center" in out
    wide = at_width(120, "programs", "list", "--programs", GOLDEN_DATA).out
    assert "Program" in wide.splitlines()[wide.splitlines().index(next(x for x in wide.splitlines() if x.startswith("Id ")))]


def test_chances_under_100_columns_says_the_likelihood_whole(at_width):
    out = at_width(80, "chances", str(PROFILES / "strong-scores.yaml"), "--programs", GOLDEN_DATA).out
    assert "Internal Medicine: likelihood " in out and "likeliho…" not in out


def test_yaml_errors_say_what_to_do(cli, tmp_path):
    text = (PROFILES / "strong-scores.yaml").read_text().splitlines()
    tabbed = tmp_path / "tab.yaml"
    lines = list(text)
    i = next(k for k, line in enumerate(lines) if line.startswith("  step1"))
    lines[i] = "\t" + lines[i].lstrip()
    tabbed.write_text("\n".join(lines) + "\n")
    err = cli("validate", str(tabbed)).out
    assert f"expected spaces, not a tab, at the start of line {i + 1}" in err
    brace = tmp_path / "brace.yaml"
    lines = list(text)
    lines[i] = lines[i].rstrip("}")
    brace.write_text("\n".join(lines) + "\n")
    assert "expected the braces { } or brackets [ ] closed" in cli("validate", str(brace)).out
    assert "YAML 1.1" not in err


def test_a_missing_file_next_to_an_existing_one_gets_a_did_you_mean(cli):
    result = cli("recommend", "profiles/strong-score.yaml")
    assert result.code == 2 and "did you mean profiles/strong-scores.yaml?" in result.err
    far = cli("recommend", "profiles/zzzz.yaml")
    assert far.code == 2 and "did you mean" not in far.err


def test_a_near_miss_of_an_id_gets_a_did_you_mean(cli):
    result = cli("explain", str(PROFILES / "strong-scores.yaml"), "im-belmont")
    assert result.code == 2 and "did you mean 'im-bellmont-" in result.err


def test_every_output_file_is_said(cli, tmp_path):
    page = tmp_path / "plan.html"
    result = cli("report", str(PROFILES / "strong-scores.yaml"), "--output", str(page))
    assert result.code == 0 and f"Wrote {page} — open it in your browser" in result.err
    ics = tmp_path / "plan.ics"
    said = cli("timeline", str(PROFILES / "strong-scores.yaml"), "--format", "ics", "--output", str(ics)).err
    assert f"Wrote {ics} — import it into your calendar" in said
    listed = tmp_path / "list.json"
    assert f"Wrote {listed}" in cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "json", "-o", str(listed)).err


def test_report_on_a_terminal_writes_nothing_and_says_how():
    """A real terminal (a pseudo-terminal) on stdout: the HTML is not printed."""
    pty = pytest.importorskip("pty")
    exe = Path(sys.executable).with_name("imgplan")
    env = {**os.environ, "IMGPLAN_TODAY": TODAY}
    out = b""
    pid, fd = pty.fork()
    if pid == 0:  # the child: run imgplan with the terminal as stdout
        os.execve(str(exe), [str(exe), "report", str(PROFILES / "strong-scores.yaml")], env)
    try:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        _, status = os.waitpid(pid, 0)
    text = out.decode("utf-8", "replace")
    assert os.WEXITSTATUS(status) == 2
    assert "<html" not in text and "expected --output FILE.html" in text


def test_programs_show_uses_labels_a_person_reads(cli):
    out = cli("programs", "show", "im-full-fit", "--programs", GOLDEN_DATA).out
    assert "IMG share: " in out and "%" in out.split("IMG share: ")[1].splitlines()[0]
    assert "My notes: none" in out
    assert "img_share" not in out and "step2ck_min" not in out


def test_imgplans_own_csv_reads_back_with_programs_import(cli, tmp_path):
    listed = tmp_path / "list.csv"
    assert cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "csv", "--all", "-o", str(listed)).code == 0
    dataset = tmp_path / "mine.yaml"
    result = cli("programs", "import", str(listed), "--output", str(dataset))
    assert result.code == 0, result.err
    assert "computed by imgplan" in result.err
    ours = json.loads(cli("programs", "list", "--programs", str(dataset), "-f", "json").out)["programs"]
    theirs = {p["id"]: p for p in json.loads(cli("programs", "list", "-f", "json").out)["programs"]}
    rows = listed.read_text().splitlines()
    assert len(ours) == len(rows) - 1
    for p in ours[:25]:
        original = theirs[p["id"]]
        assert (p["name"], p["specialty"], p["state"], p["visas"]) == (
            original["name"],
            original["specialty"],
            original["state"],
            original["visas"],
        )


def test_top_help_says_how_to_start():
    proc = subprocess.run([sys.executable, "-m", "imgplan", "--help"], capture_output=True, text=True, cwd=ROOT)
    text = " ".join(proc.stdout.split())
    assert "start with `imgplan init`" in text.lower() or "start with imgplan init" in text.lower()


def test_every_command_help_has_examples_and_explains_its_arguments(cli):
    from imgplan.cli import COMMANDS, EXAMPLES

    for name, _, _ in COMMANDS:
        page = cli(name, "--help").out
        assert "Examples:" in page and EXAMPLES[name][0].split("#")[0].strip() in page, name
        if "Arguments:" in page:
            block = page.split("Arguments:", 1)[1].split("Options:", 1)[0]
            for line in block.strip().splitlines():
                if line.startswith("  ") and not line.startswith("   "):
                    assert line.split(maxsplit=1)[1].strip() != "[required]", (name, line)
    assert "KIND  'profile', 'programs'" in cli("schema", "--help").out
    assert "PROGRAM_ID  A program: its id, its short id" in cli("explain", "--help").out


def test_counts_read_as_english(cli):
    """'ask for 2 more', never 'ask for 2 mores' (plural() is for nouns)."""
    result = cli("assess", str(PROFILES / "step2-planned.yaml"))
    words = " ".join(result.out.split())  # the terminal view wraps lines
    assert "ask for 3 more where" in words and "mores" not in words


_WORDS = st.lists(st.text(alphabet="ab1é_-", min_size=1, max_size=14), min_size=1, max_size=20)


@settings(max_examples=1500, deadline=None)
# textwrap breaks a too-long word into what a line has left even after other words: here
# nothing, and the empty piece keeps the first line's trailing space
@example(text="1 111", width=4, initial="  ", subsequent="", hyphens=False, long_words=True)
@given(
    text=st.tuples(st.sampled_from(["", " ", "   "]), _WORDS.map(" ".join)).map("".join)
    | st.text(alphabet="ab -é\u00a0\t", max_size=60),
    width=st.integers(1, 30),
    initial=st.sampled_from(["", "  ", "- "]),
    subsequent=st.sampled_from(["", "    ", " " * 31]),
    hyphens=st.booleans(),
    long_words=st.booleans(),
)
def test_wrap_gives_textwraps_lines(text, width, initial, subsequent, hyphens, long_words):
    """render.common.wrap cuts simple lines itself (single spaces, no hyphen textwrap would
    break at): its lines must be textwrap's, whatever the text, width and options. (textwrap
    itself never returns when it must break words on a line its indent fills: not asked.)"""
    assume(not long_words or width > max(len(initial), len(subsequent)))
    options = {
        "initial_indent": initial,
        "subsequent_indent": subsequent,
        "break_on_hyphens": hyphens,
        "break_long_words": long_words,
    }
    assert wrap(text, width, **options) == textwrap.wrap(text, width, **options)
