"""The commands in the README and in docs/ run, so the docs cannot drift."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT, script

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}


def commands_in(text: str) -> list[str]:
    return re.findall(r"^\$ (imgplan .+)$", text, flags=re.MULTILINE)


ALL = commands_in(README) + [c for text in DOCS.values() for c in commands_in(text)]
#: Each document's tracker walk-through runs in order against its own database (each line
#: builds on the last); the other commands run one by one.
WALKS = {
    name: [c for c in commands_in(text) if c.startswith(("imgplan track ", "imgplan rank "))]
    for name, text in [("README.md", README), *DOCS.items()]
}
WALKS = {name: walk for name, walk in WALKS.items() if walk}
SEASON = WALKS.get("season.md", [])
COMMANDS = [c for c in ALL if not c.startswith(("imgplan track ", "imgplan rank "))]


def _parse(line: str) -> tuple[list[str], int]:
    expected = 0
    match = re.search(r"#\s*exit (\d+)\s*$", line)
    if match:
        expected = int(match.group(1))
        line = line[: match.start()]
    return shlex.split(line, comments=True)[1:], expected


def test_readme_has_examples_for_every_available_command():
    for command in ("recommend", "explain", "validate", "schema"):
        assert any(c.split()[1] == command for c in COMMANDS), command


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command(line):
    args, expected = _parse(line)
    result = script(*args)
    assert result.code == expected, f"{line}\n{result.out}\n{result.err}"
    assert "Traceback" not in result.err


@pytest.mark.parametrize("name", sorted(WALKS))
def test_season_walk_throughs_run_in_order(tmp_path, name):
    assert len(SEASON) >= 8
    env = {"IMGPLAN_DB": str(tmp_path / "tracker.sqlite3")}
    for line in WALKS[name]:
        args, expected = _parse(line)
        result = script(*args, env=env)
        assert result.code == expected, f"{line}\n{result.out}\n{result.err}"
        assert "Traceback" not in result.err
        if args[1] == "import":
            assert "Nothing changed" in result.out


def test_quickstart_commands_present():
    for n in (1, 2):
        marker = f"<!-- quickstart-{n} -->"
        assert marker in README
        block = README.split(marker, 1)[1].split("```", 2)[1]
        assert "pip install" in block
    assert "imgplan recommend profiles/" in README.split("<!-- quickstart-1 -->")[1][:300]


def test_readme_is_short_and_links_every_doc():
    assert len(README.splitlines()) < 200
    for name in DOCS:
        assert f"docs/{name}" in README, name
