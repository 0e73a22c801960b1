"""`python -m imgplan`."""

from .cli import run

run()
