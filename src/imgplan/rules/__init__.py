"""The guide's rules: each a small pure function returning a sourced Finding."""

from .findings import Finding

__all__ = ["Finding"]
