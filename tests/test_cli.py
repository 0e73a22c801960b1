"""The command line as a whole: entry points, help, exit codes, atomic output, init, schema."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PROFILES, ROOT, script

SPEC_COMMANDS = (
    "recommend",
    "explain",
    "timeline",
    "check-step3",
    "chances",
    "assess",
    "validate",
    "programs",
    "init",
    "schema",
)


def test_version_through_the_console_script():
    result = script("--version")
    assert result.code == 0
    assert result.out.startswith("imgplan ")


def registered() -> dict[str, object]:
    """Every command the cli registers, by its full name ("programs list" for a subcommand)."""
    import typer.main

    from imgplan.cli import app

    group = typer.main.get_command(app)
    out = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        if subs:
            out.update({f"{name} {sub}": c for sub, c in subs.items()})
        else:
            out[name] = command
    return out


def command_names(help_text: str) -> set[str]:
    """The command names in the "Commands" section of a --help page (the first word of each
    entry, not words from descriptions)."""
    names, inside = set(), False
    for line in help_text.splitlines():
        if line.strip().lower().startswith("commands"):
            inside = True
            continue
        if inside:
            if line and not line.startswith(" "):
                inside = False
                continue
            parts = line.split()
            if parts and line.startswith("  ") and not line.startswith("    " * 3):
                names.add(parts[0])
    return names


def test_every_spec_command_is_registered():
    """The commands SPEC.md promises exist in the cli's registry (not just as words in --help)."""
    names = registered()
    for command in SPEC_COMMANDS:
        assert command in names or any(n.startswith(command + " ") for n in names), command


def test_help_lists_exactly_the_registered_commands():
    result = script("--help")
    assert result.code == 0
    top = {name.split()[0] for name in registered()}
    assert command_names(result.out) == top


def test_python_dash_m():
    proc = subprocess.run(
        [sys.executable, "-m", "imgplan", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0 and "recommend" in proc.stdout


def test_programs_subcommands_listed(cli):
    result = cli("programs", "--help")
    assert result.code == 0
    subs = {name.split()[1] for name in registered() if name.startswith("programs ")}
    assert subs == {"list", "show", "import", "diff", "merge"}
    assert command_names(result.out) == subs


def test_format_help_and_refusal_follow_the_renderer_table(cli):
    """For every command with --format: --help shows exactly the formats the (command ×
    format) table supports, each command's view module renders exactly those formats, and any
    other is exit 2 naming them."""
    from imgplan.render import views_of
    from imgplan.render.formats import FORMATS, Format, supported

    assert set(FORMATS) <= set(registered())
    for command, formats in FORMATS.items():
        views = {fmt for cmd, fmt in views_of(command) if cmd == command}
        assert views == set(formats), command
        if list(formats) == [Format.html]:  # report: one format, no --format option
            assert "--format" not in cli(*command.split(), "--help").out
            continue
        page = cli(*command.split(), "--help")
        assert set(supported(command)) == set(formats), command
        listed = ", ".join(f.value for f in formats)
        default = formats[0].value
        assert f"Output format: {listed} (default {default})" in " ".join(page.out.split()), command
    for command in FORMATS:  # no view module renders a command the table does not list
        assert {cmd for cmd, _ in views_of(command)} <= set(FORMATS)


def test_bad_option_is_exit_2(cli):
    result = cli("recommend", "profiles/strong-scores.yaml", "--format", "pdf")
    assert result.code == 2
    assert (
        "--format 'pdf' is not available for recommend; expected one of: table, json, csv, markdown"
        in result.err
    )


def test_bad_today_is_exit_2(cli):
    result = cli("recommend", "profiles/strong-scores.yaml", "--today", "25/11/2026")
    assert result.code == 2
    assert "expected YYYY-MM-DD" in result.err


def test_missing_profile_is_exit_2(cli):
    result = cli("recommend", "nope.yaml")
    assert result.code == 2
    assert result.err == "nope.yaml: no such file; expected a path to an existing file\n"


def test_init_writes_a_valid_profile_and_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "me.yaml"
    first = cli("init", str(target))
    assert first.code == 0 and target.exists()
    assert cli("validate", str(target)).code == 0
    before = target.read_text()
    second = cli("init", str(target))
    assert second.code == 2
    assert "already exists" in second.err
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["me.yaml"]  # no temporary left behind


def test_schema_profile_is_json_schema(cli):
    result = cli("schema", "profile")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["$schema"].startswith("https://json-schema.org/")
    assert {"format", "graduation_year", "visa", "usmle", "targets"} <= set(doc["required"])
    assert doc["additionalProperties"] is False


def test_schema_programs_and_unknown(cli):
    doc = json.loads(cli("schema", "programs").out)
    assert "programs" in doc["properties"]
    bad = cli("schema", "residents")
    assert bad.code == 2 and "expected profile, programs or fellowships" in bad.err
    assert "fellowships" in json.loads(cli("schema", "fellowships").out)["properties"]


def test_schema_validates_the_bundled_profiles(cli):
    """An editor using the schema accepts the example profiles (dates/aliases aside)."""
    jsonschema = __import__("pytest").importorskip("jsonschema")
    import yaml

    schema = json.loads(cli("schema", "profile").out)
    for path in sorted(PROFILES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)


def test_output_is_atomic_and_never_an_input(cli, tmp_path):
    out = tmp_path / "list.json"
    ok = cli("recommend", "profiles/strong-scores.yaml", "--format", "json", "--output", str(out))
    assert ok.code == 0 and ok.out == ""
    assert json.loads(out.read_text())["command"] == "recommend"
    profile = tmp_path / "p.yaml"
    profile.write_text((PROFILES / "strong-scores.yaml").read_text())
    before = profile.read_text()
    clash = cli("recommend", str(profile), "--output", str(profile))
    assert clash.code == 2 and "is one of the input files" in clash.err
    assert profile.read_text() == before


def test_failed_input_writes_no_output(cli, tmp_path):
    out = tmp_path / "out.json"
    result = cli("recommend", "tests/data/invalid/unknown-keys.yaml", "--output", str(out))
    assert result.code == 2
    assert not out.exists()


def test_internal_error_is_exit_70_with_traceback(cli, monkeypatch):
    import imgplan.commands.recommend

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(imgplan.commands.recommend, "recommend", boom)
    result = cli("recommend", "profiles/strong-scores.yaml")
    assert result.code == 70
    assert "Traceback" in result.err and "kaboom" in result.err


def test_help_shows_required_without_markup_escapes():
    result = script("explain", "--help")
    assert "[required]" in result.out and "\\[" not in result.out


def test_programs_show_says_yes_no_and_none(cli):
    out = cli("programs", "show", "im-fairhaven-university-medical-center-ky").out
    assert "True" not in out and "False" not in out
    assert "notes: unknown" not in " ".join(out.split())


def test_specialty_outside_the_targets_is_said(cli):
    result = cli(
        "recommend", "profiles/strong-scores.yaml", "--specialty", "pathology", "--fail-if-empty"
    )
    assert result.code == 1
    assert "--specialty Pathology: not among your target specialties" in " ".join(
        result.out.split()
    )


def test_assess_accepts_programs_and_says_it_is_not_needed(cli):
    result = cli("assess", "profiles/resident-pgy2.yaml", "--programs", "data/programs.yaml")
    assert result.code == 0
    assert "--programs is not needed and was not read" in result.err


MARKUP = "[link=https://evil.example]click[/link] [/x] [bold red]loud[/bold red]"


def test_markup_in_data_is_printed_as_text_in_every_table_view(cli, tmp_path):
    """Names, certificates, notes, URLs and sources are data: rich never reads them as markup
    (no hidden hyperlink, no MarkupError), in every command's table view."""
    import yaml

    profile = yaml.safe_load((PROFILES / "resident-pgy2.yaml").read_text())
    profile["name"] = MARKUP
    profile["informatics"]["certificates"] = [{"name": MARKUP}]
    profile["informatics"]["projects"][0]["title"] = MARKUP
    del profile["residency"]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    data = yaml.safe_load((ROOT / "tests" / "data" / "programs-golden.yaml").read_text())
    data["source"] = MARKUP
    data["programs"][0].update(name=MARKUP, notes=MARKUP, url="https://x.example/" + MARKUP)
    programs = tmp_path / "programs.yaml"
    programs.write_text(yaml.safe_dump(data, sort_keys=False))
    pid = data["programs"][0]["id"]
    runs = [
        ("recommend", str(path), "--programs", str(programs), "--all"),
        ("explain", str(path), pid, "--programs", str(programs)),
        ("timeline", str(path)),
        ("check-step3", str(path)),
        ("chances", str(path), "--programs", str(programs)),
        ("assess", str(path)),
        ("programs", "list", "--programs", str(programs)),
        ("programs", "show", pid, "--programs", str(programs)),
    ]
    for args in runs:
        result = cli(*args)
        assert result.code in (0, 1), (args, result.err)
        assert "Traceback" not in result.err
        assert "\x1b]8;" not in result.out  # no terminal hyperlink
        if args[0] in ("assess", "programs", "explain", "recommend"):
            assert (
                "[link=https://evil.example]" in "".join(result.out.split())
                or "[link=" in result.out
            ), args


def test_batch_refuses_two_profiles_writing_one_file_before_writing_any(cli, tmp_path):
    """sa/s.yaml and sb/s.yaml would both write s.json: the run refuses, and nothing is
    written; --output beside --output-dir is refused too."""
    text = (PROFILES / "strong-scores.yaml").read_text()
    for sub in ("sa", "sb"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "s.yaml").write_text(text)
    out = tmp_path / "out"
    out.mkdir()
    result = cli(
        "recommend",
        str(tmp_path / "sa" / "s.yaml"),
        str(tmp_path / "sb" / "s.yaml"),
        "-f",
        "json",
        "--output-dir",
        str(out),
    )
    assert result.code == 2 and "would both write" in result.err
    assert list(out.iterdir()) == []
    both = cli(
        "recommend",
        str(tmp_path / "sa" / "s.yaml"),
        "--output-dir",
        str(out),
        "--output",
        str(tmp_path / "x.txt"),
    )
    assert both.code == 2 and "--output and --output-dir cannot be used together" in both.err


def test_batch_refuses_a_bad_target_before_writing_any(cli, tmp_path):
    text = (PROFILES / "strong-scores.yaml").read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text)
    b.write_text(text)
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.txt").mkdir()  # the second profile's target is a folder
    result = cli("recommend", str(a), str(b), "--output-dir", str(out))
    assert result.code == 2 and "b.txt" in result.err
    assert not (out / "a.txt").exists()


def test_no_color_and_dumb_terminals_get_no_colour(monkeypatch):
    from imgplan.cli.show import terminal_view

    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert terminal_view(None).color
    monkeypatch.setenv("NO_COLOR", "1")
    assert not terminal_view(None).color
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not terminal_view(None).color


def test_only_the_named_command_is_built():
    """main() hands Typer an app holding only the command named (building every command's
    click object cost ~12 ms per run); --help, no command or an unknown name get the whole app."""
    from imgplan.cli import app, only

    small = only(["recommend", "profiles/strong-scores.yaml"])
    assert small is not app
    assert [c.callback.__name__ for c in small.registered_commands] == ["recommend"]
    assert small.registered_groups == [] and small.registered_callback is app.registered_callback
    assert [g.name for g in only(["programs", "list"]).registered_groups] == ["programs"]
    assert [c.callback.__name__ for c in only(["check-step3"]).registered_commands] == [
        "check_step3"
    ]
    for args in ([], ["--help"], ["nonsense"], ["--version"]):
        assert only(args) is app
