"""A batch's work over two processes (cli/parallel.py): the same results, in order, as doing
it here; a failure in the child is raised here; a child that dies has its half redone."""

from __future__ import annotations

import os

import pytest

from imgplan.cli.parallel import MIN_ITEMS, forked_map

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")

HERE = os.getpid()


def square_where(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_back_in_order_and_half_of_them_from_a_child():
    items = list(range(20))
    done = forked_map(square_where, items, processes=2)
    assert [value for value, _ in done] == [x * x for x in items]
    pids = [pid for _, pid in done]
    assert set(pids[:10]) == {HERE} and HERE not in set(pids[10:])


def test_few_items_or_one_process_stay_here():
    assert {pid for _, pid in forked_map(square_where, range(MIN_ITEMS - 1))} == {HERE}
    assert {pid for _, pid in forked_map(square_where, range(20), processes=1)} == {HERE}


def fails_at_15(x: int) -> int:
    if x == 15:
        raise ValueError(f"bad item {x}")
    return x


def test_an_exception_in_the_child_is_raised_here():
    with pytest.raises(ValueError, match="bad item 15"):
        forked_map(fails_at_15, list(range(20)), processes=2)


def dies_in_the_child(x: int) -> tuple[int, int]:
    if os.getpid() != HERE:
        os._exit(3)
    return x, os.getpid()


def test_a_child_that_dies_has_its_half_redone_here():
    done = forked_map(dies_in_the_child, list(range(20)), processes=2)
    assert done == [(x, HERE) for x in range(20)]


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.hook = lambda: None  # a lambda cannot be pickled


def unpicklable_in_the_child(x: int) -> int:
    if os.getpid() != HERE:
        raise Unpicklable()
    return x


def test_an_exception_that_cannot_travel_has_the_half_redone_here():
    assert forked_map(unpicklable_in_the_child, list(range(20)), processes=2) == list(range(20))


def test_a_failure_here_stops_the_child_and_is_raised():
    def fails_here(x: int) -> int:
        if os.getpid() == HERE and x == 3:
            raise KeyError("here")
        return x

    with pytest.raises(KeyError, match="here"):
        forked_map(fails_here, list(range(20)), processes=2)


def test_a_batch_written_over_two_processes_equals_each_profile_alone(cli, tmp_path):
    """Ten profiles to --output-dir (forked): each file is what the profile alone prints."""
    from conftest import PROFILES

    names = sorted(PROFILES.glob("*.yaml"))[:5]
    profiles = []
    for n in range(10):  # the bundled examples twice, under other names
        path = tmp_path / f"p{n:02d}.yaml"
        path.write_text(names[n % len(names)].read_text(encoding="utf-8"), encoding="utf-8")
        profiles.append(path)
    out = tmp_path / "out"
    out.mkdir()
    result = cli("recommend", *map(str, profiles), "--output-dir", str(out))
    assert result.code == 0, result.err
    for path in profiles:
        alone = cli("recommend", str(path))
        assert alone.code == 0
        assert (out / f"{path.stem}.txt").read_text(encoding="utf-8") == alone.out, path.name
