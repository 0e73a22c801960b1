"""Renderers: pure functions from a result to text. rich is imported only in ``table``."""

from __future__ import annotations


def example_notice(name: str, as_of: str) -> str:
    return (
        f"EXAMPLE DATA: the programs in '{name}' (as of {as_of}) are fictional and "
        "illustrative, not real cutoffs. Use your own list: `imgplan programs import "
        "my-programs.csv --output my-programs.yaml`, then `--programs my-programs.yaml`."
    )
