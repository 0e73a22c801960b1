"""Command line: parse options, load the inputs, call one core function, render, map the
outcome to an exit code. One module per command group; this one assembles the app and holds
the one error boundary (:func:`main`): bad input exits 2 with located messages, a bug exits
70 with its traceback.

Heavy modules (pydantic, rich, the rules) are imported inside the commands that need them,
so ``imgplan --version`` and a warm run stay fast (benchmarks/README.md).
"""

from __future__ import annotations

import copy
import gc
import signal
import sys
import traceback
from typing import Annotated, Any

import typer

from .. import __version__
from ..errors import InputError, OutputError, UsageError
from . import (
    assess,
    chances,
    data,
    explain,
    fellowships,
    match,
    programs,
    rank,
    recommend,
    report,
    step3,
    timeline,
    track,
    visa,
)
from . import validate as files
from .options import plain_help
from .process import Terminated, on_sigterm, quiet_stdout, say
from .show import EXIT_BUG, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT

APP_SETTINGS: dict[str, Any] = {
    "name": "imgplan",
    "help": "Offline planner for international medical graduates heading for a Clinical "
    "Informatics fellowship: program list, timeline, Step 3 verdict, chances. "
    "Exit codes: 0 success, 1 a negative answer, 2 bad input or usage, 70 a bug.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**APP_SETTINGS)
app.command()(recommend.recommend)
app.command()(explain.explain)
app.command()(timeline.timeline)
app.command("check-step3")(step3.check_step3)
app.command()(chances.chances)
app.command()(assess.assess)
app.command()(report.report)
app.command()(files.validate)
app.command()(files.init)
app.command()(files.schema)
app.command()(data.data)
app.command()(rank.rank)
app.command()(visa.visa)
app.add_typer(programs.app, name="programs")
app.add_typer(fellowships.app, name="fellowships")
app.add_typer(track.app, name="track")
app.add_typer(match.app, name="match")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imgplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """imgplan: plan the road from Step 2 CK to a Clinical Informatics fellowship."""


def only(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` names (and its subcommands): Typer builds a
    click command, options and all, for every command it holds before running one (~12 ms for
    all of imgplan's); the others are not needed. The whole app for --help, a bad name, or
    no command."""
    name = args[0] if args else None
    if name is None or name.startswith("-"):
        return app
    commands = [
        c
        for c in app.registered_commands
        if (c.name or (c.callback.__name__ if c.callback else "")).replace("_", "-") == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    small = typer.Typer(**APP_SETTINGS)
    small.registered_callback = app.registered_callback
    small.registered_commands = commands
    small.registered_groups = [_narrowed(g, args[1:]) for g in groups]
    return small


def _narrowed(group: Any, rest: list[str]) -> Any:
    """A command group (programs, fellowships, track) holding only the subcommand named
    (each subcommand's options cost typer ~2 ms to build); the whole group otherwise."""
    name = rest[0] if rest else None
    sub = group.typer_instance
    if name is None or name.startswith("-") or sub is None:
        return group
    chosen = [c for c in sub.registered_commands if c.name == name]
    if not chosen:
        return group
    small = copy.copy(sub)
    small.registered_commands = chosen
    narrowed = copy.copy(group)
    narrowed.typer_instance = small
    return narrowed


# The error boundary -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects and few reference cycles, then exits: the cyclic
    # garbage collector only costs time here (about 2x on a 13,000-program dataset).
    gc.disable()
    previous = on_sigterm()
    args = sys.argv[1:] if argv is None else argv
    if "--help" in args or "-h" in args or not args:
        plain_help()
    try:
        only(args)(args=argv, prog_name="imgplan")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INPUT)
    except InputError as exc:
        say("".join(f"{problem}\n" for problem in exc.problems))
        return EXIT_INPUT
    except UsageError as exc:
        say(f"imgplan: error: {exc}\n")
        return EXIT_INPUT
    except OutputError as exc:
        say(f"imgplan: error: {exc}\n")
        return EXIT_OUTPUT
    except Terminated:
        say("imgplan: terminated; nothing half-written was left\n")
        return 143
    except KeyboardInterrupt:
        say("imgplan: interrupted; nothing half-written was left\n")
        return 130
    except BrokenPipeError:
        quiet_stdout()
        return 0
    except Exception:
        traceback.print_exc()
        sys.stderr.write(
            f"imgplan {__version__}: internal error (a bug); please report it "
            "with the traceback above.\n"
        )
        return EXIT_BUG
    finally:
        gc.enable()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK
