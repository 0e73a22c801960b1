"""`imgplan programs list | show | diff`: a dataset's programs, one program, two datasets
compared."""

from __future__ import annotations

from msgspec import Struct

from ..datasets import DatasetDiff, diff
from ..models.programs import Dataset, Program


class ProgramList(Struct):
    dataset: Dataset
    programs: list[Program]


def list_programs(dataset: Dataset, specialties: set[str], states: set[str]) -> ProgramList:
    chosen = [
        p
        for p in dataset.programs
        if (not specialties or p.specialty in specialties) and (not states or p.state in states)
    ]
    return ProgramList(dataset, chosen)


class ProgramView(Struct):
    dataset: Dataset
    program: Program


class Comparison(Struct):
    """``programs diff``: what changed between two datasets, with their names as given."""

    old: str
    new: str
    changes: DatasetDiff


def compare(old: Dataset, new: Dataset, old_name: str, new_name: str) -> Comparison:
    return Comparison(old_name, new_name, diff(old, new))
