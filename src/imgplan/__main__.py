"""`python -m imgplan` and the `imgplan` console script.

``imgplan --version`` is answered here, before the command-line framework is imported, so
that it costs no more than starting Python.
"""

from __future__ import annotations

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"imgplan {__version__}\n")
        sys.exit(0)
    from .cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
