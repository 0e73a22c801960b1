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
import os
import signal
import sys
import traceback
import warnings
from typing import Annotated, Any

import typer

from .. import __version__
from ..errors import InputError, OutputError, UsageError, tell
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
    "Informatics fellowship. Start with `imgplan init` (writes profile.yaml to fill in), then:"
    "\n\n    imgplan recommend profile.yaml        your ranked program list"
    "\n\n    imgplan timeline profile.yaml         your dated plan"
    "\n\n    imgplan track add profile.yaml ID     keep your season in the tracker"
    "\n\nEach command's --help has examples. Exit codes: 0 success, 1 a negative answer, "
    "2 bad input or usage, 74 output cannot be written, 70 a bug.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**APP_SETTINGS)
# (command, function, its line in the top --help: whole, never cut)
COMMANDS = (
    ("recommend", recommend.recommend, "Your ranked, explained program list."),
    ("explain", explain.explain, "Every rule's finding for one program."),
    ("timeline", timeline.timeline, "Your dated plan, Step 2 CK to the CI fellowship."),
    ("check-step3", step3.check_step3, "Step 3 now or later: the verdict and why."),
    ("chances", chances.chances, "Your odds by specialty, from public figures."),
    ("assess", assess.assess, "Your informatics portfolio, and what to add."),
    ("visa", visa.visa, "The visa and travel rules for you, dated."),
    ("rank", rank.rank, "Your rank order list, its checks and odds."),
    ("report", report.report, "The whole plan as one HTML page."),
    ("init", files.init, "Write a starter profile to fill in."),
    ("validate", files.validate, "Check your files; every problem at once."),
    ("schema", files.schema, "The JSON Schema of a file (for editors)."),
    ("data", data.data, "The bundled data: sources and ages."),
)
#: Two or three examples per command, shown at the end of its --help.
EXAMPLES = {
    "recommend": (
        "imgplan recommend profile.yaml",
        "imgplan recommend profile.yaml --signals          # + signals, how many to apply to, fees",
        "imgplan recommend profile.yaml --format csv -o list.csv",
    ),
    "explain": (
        "imgplan explain profile.yaml 1                    # the first program of your list",
        "imgplan explain profile.yaml im-fumc-ky           # a short id, an ACGME ID or any id",
    ),
    "timeline": (
        "imgplan timeline profile.yaml",
        "imgplan timeline profile.yaml --format ics -o plan.ics   # into your calendar",
    ),
    "check-step3": (
        "imgplan check-step3 profile.yaml",
        "imgplan check-step3 --step1 pass --step2 240 --visa h1b --ecfmg yes",
    ),
    "chances": ("imgplan chances profile.yaml", "imgplan chances profile.yaml --format json"),
    "assess": ("imgplan assess profile.yaml",),
    "visa": ("imgplan visa profile.yaml", "imgplan visa profile.yaml --format json"),
    "rank": (
        "imgplan rank profile.yaml",
        "imgplan rank profile.yaml --order my-order.txt    # your own order wins",
    ),
    "report": ("imgplan report profile.yaml --output plan.html   # then open plan.html",),
    "init": ("imgplan init                                      # writes profile.yaml",),
    "validate": ("imgplan validate profile.yaml my-programs.yaml",),
    "schema": (
        "imgplan schema profile --output profile.schema.json   # KIND: profile or programs",
    ),
    "data": ("imgplan data",),
}


def _epilog(name: str) -> str:
    """'Examples:' then the lines as they are (\b keeps click from re-wrapping them)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])


for name, function, short in COMMANDS:
    app.command(name, short_help=short, epilog=_epilog(name))(function)
app.add_typer(programs.app, name="programs", short_help="Browse, import, merge program lists.")
app.add_typer(fellowships.app, name="fellowships", short_help="The CI fellowship directory.")
app.add_typer(track.app, name="track", short_help="Your season: applications to interviews.")
app.add_typer(match.app, name="match", short_help="The NRMP's match algorithm on a market.")


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


def argument_help(typer_app: typer.Typer, command: Any) -> None:
    """Put each argument's help (typer.Argument(help=...)) back on the click command: typer
    0.19 drops it when rich markup is off, so --help said only 'PROFILE [required]'."""
    import typing

    from typer.models import ArgumentInfo

    def helps(function: Any) -> dict[str, str]:
        found = {}
        hints = typing.get_type_hints(function, include_extras=True)
        for name, hint in hints.items():
            for extra in getattr(hint, "__metadata__", ()):
                if isinstance(extra, ArgumentInfo) and extra.help:
                    found[name] = extra.help
        return found

    subcommands = getattr(command, "commands", {})
    for info in typer_app.registered_commands:
        if info.callback is None:
            continue
        name = (info.name or info.callback.__name__).replace("_", "-")
        target = subcommands.get(name)
        if target is None:
            continue
        known = helps(info.callback)
        for param in target.params:
            if param.name in known and not getattr(param, "help", None):
                param.help = known[param.name]
        # typer lists the arguments itself ("Arguments:"); newer click would list them again
        target.format_arguments = lambda ctx, formatter: None
    for group in typer_app.registered_groups:
        if group.typer_instance is not None and group.name in subcommands:
            argument_help(group.typer_instance, subcommands[group.name])


# The error boundary -----------------------------------------------------------------------


def _library_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """A library's warning (openpyxl on a workbook's styles, ...) said as one line of
    imgplan's, without the library's file path and source line."""
    tell(f"note: {message}")


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects and few reference cycles, then exits: the cyclic
    # garbage collector only costs time here (about 2x on a 13,000-program dataset).
    gc.disable()
    if sys.stderr is None:  # started with stderr closed (2>&-): messages go nowhere, quietly
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
    previous = on_sigterm()
    warnings.showwarning = _library_warning
    args = sys.argv[1:] if argv is None else argv
    wants_help = "--help" in args or "-h" in args or not args
    if wants_help:
        plain_help()
    try:
        small = only(args)
        if wants_help:
            command = typer.main.get_command(small)
            argument_help(small, command)
            command(args=argv, prog_name="imgplan")
        else:
            small(args=argv, prog_name="imgplan")
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
    except Terminated as exc:
        say("imgplan: terminated; nothing half-written was left\n")
        return 128 + (exc.args[0] if exc.args else signal.SIGTERM)
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
