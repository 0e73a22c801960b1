"""The machinery behind the speed goals: cache safety, lazy imports, batch runs, progress.

Timings themselves are measured by benchmarks/bench.py, never asserted here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys

import pytest

from imgplan.load import cache
from imgplan.load.loading import load_dataset

from conftest import PROFILES, ROOT, TODAY, script

DAY = dt.date(2026, 11, 25)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("IMGPLAN_CACHE_DIR", str(folder))
    monkeypatch.delenv("IMGPLAN_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def dataset_file(tmp_path):
    path = tmp_path / "programs.yaml"
    path.write_text((ROOT / "tests" / "data" / "programs-golden.yaml").read_text())
    return path


def store():
    """The cache the cli would use (IMGPLAN_CACHE_DIR from the fixture)."""
    return cache.from_settings(False)


def load(path):
    return load_dataset(path, DAY, cache=store())


def entries(folder):
    return sorted(folder.glob("*.pickle"))


def test_second_load_comes_from_the_cache(cache_dir, dataset_file, monkeypatch):
    first = load(dataset_file)
    assert len(entries(cache_dir)) == 1
    import imgplan.load.loading

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(imgplan.load.loading, "build", no_parse)
    again = load(dataset_file)
    assert again == first


def test_changed_file_is_not_served_from_the_cache(cache_dir, dataset_file):
    load(dataset_file)
    dataset_file.write_text(
        dataset_file.read_text().replace("step2ck_min: 225", "step2ck_min: 231", 1)
    )
    assert load(dataset_file).by_id("im-full-fit").step2ck_min == 231


def test_changed_file_with_an_error_is_still_reported(cache_dir, dataset_file):
    from imgplan.errors import InputError

    load(dataset_file)
    dataset_file.write_text(
        dataset_file.read_text().replace("img_share: 0.40", "img_share: 4.0", 1)
    )
    with pytest.raises(InputError):
        load(dataset_file)


def test_corrupted_entry_is_detected_and_rebuilt(cache_dir, dataset_file):
    load(dataset_file)
    (entry,) = entries(cache_dir)
    blob = bytearray(entry.read_bytes())
    blob[-10] ^= 0xFF
    entry.write_bytes(bytes(blob))
    key = entry.stem
    assert store().load(key) is None  # checksum mismatch: not trusted
    assert load(dataset_file).by_id("im-full-fit") is not None
    assert store().load(key) is not None  # rebuilt


def test_a_corrupt_entry_is_a_miss_without_being_read_whole(cache_dir, dataset_file, monkeypatch):
    """A sparse file of zeros claiming 1 GB, or a header whose stated size is not the file's,
    is refused from its first bytes (reading it whole took 2.1 GB)."""
    from imgplan.load import cache as cache_module

    load(dataset_file)
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    key = entry.stem
    read_whole = []
    real = cache_module.read_bytes
    monkeypatch.setattr(cache_module, "read_bytes", lambda *a: read_whole.append(a) or real(*a))
    with open(entry, "wb") as fh:
        fh.truncate(1 << 30)
    assert store().load(key) is None and read_whole == []
    entry.write_bytes(good + b"extra")  # the header's payload size no longer the file's
    assert store().load(key) is None and read_whole == []
    entry.write_bytes(good)
    assert store().load(key) is not None and len(read_whole) == 1


def test_moved_entry_is_not_trusted(cache_dir, dataset_file, tmp_path):
    load(dataset_file)
    (entry,) = entries(cache_dir)
    other = tmp_path / "other.yaml"
    other.write_text(dataset_file.read_text().replace("Golden test programs", "Other"))
    other_key = cache.key_for(other.read_bytes(), "programs")
    entry.rename(store().entry_path(other_key))  # an entry under another file's name
    assert store().load(other_key) is None
    assert load(other).name == "Other"


def test_foreign_pickle_is_refused(cache_dir):
    """Only imgplan's own classes may be unpickled, whatever the checksum says."""
    key = "f" * 40
    payload = pickle.dumps(os.system)
    import hashlib

    header = json.dumps(
        {
            "key": key,
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
            "payload_bytes": len(payload),
        }
    ).encode()
    cache_dir.mkdir(parents=True)
    store().entry_path(key).write_bytes(cache.MAGIC + header + b"\n" + payload)
    assert store().load(key) is None


def test_no_cache_flag_and_environment(cache_dir, cli):
    assert cli("recommend", "profiles/strong-scores.yaml", "--no-cache", "--top", "1").code == 0
    assert not cache_dir.exists() or entries(cache_dir) == []
    assert cli("recommend", "profiles/strong-scores.yaml", "--top", "1").code == 0
    assert len(entries(cache_dir)) >= 2  # profile, dataset (and the bundled reference)


def test_unwritable_cache_is_skipped(tmp_path, monkeypatch, dataset_file):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    unwritable = cache.Cache(blocker / "cache")
    assert load_dataset(dataset_file, DAY, cache=unwritable).name == "Golden test programs"


# Imports --------------------------------------------------------------------------------


def modules_after(args: list[str], env: dict[str, str]) -> set[str]:
    code = (
        f"import sys, io; sys.argv = ['imgplan', *{args!r}]; out = io.StringIO(); sys.stdout = out\n"
        # run() leaves by os._exit (no interpreter teardown); here it must return instead.
        "import os\ndef leave(code):\n    raise SystemExit(code)\nos._exit = leave\n"
        "from imgplan.__main__ import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__; print(' '.join(sorted(sys.modules)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


def test_version_imports_nothing_heavy():
    loaded = modules_after(["--version"], {})
    assert not {"typer", "pydantic", "rich", "yaml", "click"} & {m.split(".")[0] for m in loaded}


def test_recommend_from_cache_imports_neither_rich_nor_yaml_nor_pydantic(tmp_path):
    """A run served from the cache needs none of the parsing and validation machinery: the
    core works on records (models/record.py), pydantic is only for validating files."""
    env = {"IMGPLAN_CACHE_DIR": str(tmp_path / "c"), "IMGPLAN_TODAY": TODAY}
    args = ["recommend", str(PROFILES / "strong-scores.yaml"), "--top", "3"]
    first = {m.split(".")[0] for m in modules_after(args, env)}  # fills the cache
    assert "pydantic" in first and "yaml" in first
    roots = {m.split(".")[0] for m in modules_after(args, env)}
    assert (
        not {"yaml", "rich", "icalendar", "pydantic", "pydantic_core", "jinja2", "markupsafe"}
        & roots
    )


WARM_COMMANDS = [
    ["recommend", "{p}/strong-scores.yaml", "--top", "3"],
    ["explain", "{p}/strong-scores.yaml", "im-fairhaven-university-medical-center-ky"],
    ["timeline", "{p}/step2-planned.yaml", "--format", "json"],
    ["timeline", "{p}/resident-pgy2.yaml"],
    ["check-step3", "{p}/needs-h1b.yaml", "--format", "json"],
    ["chances", "{p}/borderline-informatics.yaml"],
    ["assess", "{p}/resident-pgy2.yaml"],
    ["programs", "list", "--format", "json"],
    ["programs", "show", "im-fairhaven-university-medical-center-ky"],
    ["fellowships", "list", "--state", "NY"],
    ["recommend", "{p}/resident-pgy2.yaml", "--format", "json"],
]


@pytest.mark.parametrize("args", WARM_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_no_command_imports_pydantic_or_yaml_on_a_warm_cache(tmp_path, args):
    """Every command's core works on records: once the cache holds the inputs (bundled data
    included), no command imports pydantic or PyYAML."""
    env = {"IMGPLAN_CACHE_DIR": str(tmp_path / "c"), "IMGPLAN_TODAY": TODAY}
    args = [a.format(p=PROFILES) for a in args]
    modules_after(args, env)  # fills the cache
    roots = {m.split(".")[0] for m in modules_after(args, env)}
    # nor the report's template engine: only `report` imports it
    assert not {"yaml", "pydantic", "pydantic_core", "jinja2", "markupsafe"} & roots


def _shape(annotation) -> object:
    """A type as comparable data: classes by name (a format class and its record share one),
    unions as sets, generics as (origin, arguments)."""
    import types
    import typing

    if annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return frozenset(_shape(a) for a in typing.get_args(annotation))
    if origin is not None:
        return (origin.__name__, tuple(_shape(a) for a in typing.get_args(annotation)))
    return getattr(annotation, "__name__", repr(annotation))


def mirror_problems(model) -> list[str]:
    """How a format class and its record differ: field names and order, types, optionality
    and defaults (a forgotten or mistyped record field fails here, not silently later)."""
    import typing

    import msgspec

    from imgplan.formats import record_class
    from imgplan.models.record import names as file_fields

    record = record_class(model)
    kept = file_fields(record)
    fields = [f for f in msgspec.structs.fields(record) if f.name in kept]
    names = [f.name for f in fields]
    if names != list(model.model_fields):
        return [f"{record.__name__}: fields {names} != {list(model.model_fields)}"]
    hints = typing.get_type_hints(record)
    out = []
    for i, f in enumerate(fields):
        info = model.model_fields[f.name]
        if _shape(hints[f.name]) != _shape(info.annotation):
            out.append(f"{record.__name__}.{f.name}: {hints[f.name]} != {info.annotation}")
        if f.default is not msgspec.NODEFAULT:
            default = f.default
        elif f.default_factory is not msgspec.NODEFAULT:
            default = f.default_factory()
        else:
            default = "<required>"
        if info.is_required():
            expected = "<required>"
        elif info.default_factory is not None:
            expected = record_of(info.default_factory())
        else:
            expected = info.default
        # A record cannot give a default before a required field: there the record may
        # require what the format defaults (to_record always passes every field).
        required_later = any(g.required for g in fields[i + 1 :])
        if default == "<required>" and required_later:
            continue
        if default != expected:
            out.append(f"{record.__name__}.{f.name}: default {default!r} != {expected!r}")
    return out


def record_of(value):
    from imgplan.formats import to_record

    return to_record(value)


def test_mirror_check_catches_a_changed_default_type_or_optionality():
    """The mirror check itself can fail: a record with another default, type or optionality
    than its format is reported."""
    import msgspec

    from imgplan.formats import profile as fmt
    from imgplan.formats import record_class
    from imgplan.models import profile as rec
    from imgplan.models.record import Record

    assert mirror_problems(fmt.Step1) == []
    original = record_class(fmt.Step1)
    for changed in (
        msgspec.defstruct("Step1", [("result", str | int), ("attempts", int, 2)], bases=(Record,)),
        msgspec.defstruct("Step1", [("result", str | int), ("attempts", str, 1)], bases=(Record,)),
        msgspec.defstruct(
            "Step1", [("result", str | int | None), ("attempts", int, 1)], bases=(Record,)
        ),
    ):
        changed.__module__ = rec.__name__
        try:
            rec.Step1 = changed
            from imgplan.formats import records as formats

            formats._PLANS.clear()
            assert mirror_problems(fmt.Step1), changed
        finally:
            rec.Step1 = original
            formats._PLANS.clear()


def test_records_mirror_the_formats():
    """Each format class has a record of the same name with the same fields in the same
    order, and a validated file becomes records all the way down."""
    import datetime as dt
    import importlib

    from imgplan.formats import RECORDS
    from imgplan.load.loading import load_profile
    from imgplan.models.record import Record

    checked, problems = 0, []
    for name in RECORDS:
        for model in vars(importlib.import_module(name)).values():
            if isinstance(model, type) and model.__module__ == name and model.__name__ != "Strict":
                problems += mirror_problems(model)
                checked += 1
    assert problems == []
    assert checked >= 30

    def walk(value):
        if isinstance(value, list):
            return all(walk(v) for v in value)
        if hasattr(value, "model_fields"):
            return False
        if isinstance(value, Record):
            return all(walk(getattr(value, n)) for n in value.__struct_fields__)
        return True

    assert walk(load_profile(PROFILES / "resident-pgy2.yaml", dt.date(2026, 11, 25)))


# Batch ----------------------------------------------------------------------------------


def test_batch_one_output_per_profile(cli, tmp_path):
    doc = json.loads(
        cli(
            "recommend",
            "profiles/strong-scores.yaml",
            "profiles/needs-h1b.yaml",
            "-f",
            "json",
            "--top",
            "2",
        ).out
    )
    assert doc["format"] == 1 and doc["command"] == "recommend"
    assert [r["path"] for r in doc["results"]] == [
        "profiles/strong-scores.yaml",
        "profiles/needs-h1b.yaml",
    ]
    assert doc["results"][1]["profile"] == "Elena Petrova (example)"
    text = cli("recommend", "profiles/strong-scores.yaml", "profiles/needs-h1b.yaml").out
    assert text.count("==> profiles/") == 2
    table = cli(
        "recommend",
        "profiles/strong-scores.yaml",
        "profiles/needs-h1b.yaml",
        "-f",
        "csv",
        "--top",
        "3",
    ).out.splitlines()
    assert table[0].startswith("profile,rank,id,") and len(table) == 7
    assert [line.split(",")[0] for line in table[1:]] == ["profiles/strong-scores.yaml"] * 3 + [
        "profiles/needs-h1b.yaml"
    ] * 3
    out = tmp_path / "out"
    out.mkdir()
    assert (
        cli(
            "recommend",
            *[str(p) for p in sorted(PROFILES.glob("*.yaml"))],
            "--output-dir",
            str(out),
            "-f",
            "markdown",
        ).code
        == 0
    )
    assert len(list(out.glob("*.md"))) == len(list(PROFILES.glob("*.yaml")))


def test_batch_with_one_bad_profile_writes_nothing(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = cli(
        "recommend",
        "profiles/strong-scores.yaml",
        "tests/data/invalid/unknown-keys.yaml",
        "--output-dir",
        str(out),
    )
    assert result.code == 2 and list(out.iterdir()) == []


def test_progress_is_silent_when_stderr_is_not_a_terminal():
    result = script("recommend", "profiles/strong-scores.yaml", "--no-cache", "--top", "1")
    assert result.code == 0 and result.err == ""


def test_cache_is_private_to_the_user(cache_dir, dataset_file):
    """The folder is created 0700 and marked as imgplan's; entries are 0600."""
    import stat as st

    load(dataset_file)
    assert st.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d17")
    (entry,) = entries(cache_dir)
    assert st.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_cache_folder_writable_by_others_is_not_trusted(cache_dir, dataset_file):
    load(dataset_file)
    (entry,) = entries(cache_dir)
    cache_dir.chmod(0o777)
    try:
        assert store().load(entry.stem) is None  # a miss, never read
        assert not store().store("a" * 40, 1)
    finally:
        cache_dir.chmod(0o700)


def test_pruning_touches_only_imgplans_own_entries(tmp_path, monkeypatch):
    """Pointed at a folder of the user's own pickles, imgplan deletes none of them: it prunes
    only in a folder it created (marked), and only files of its name pattern and header."""
    monkeypatch.setattr(cache, "KEEP", 2)
    mine = tmp_path / "users-folder"
    mine.mkdir(mode=0o700)
    theirs = [mine / f"{i:040x}.pickle" for i in range(5)] + [mine / "notes.pickle"]
    for path in theirs:
        path.write_bytes(pickle.dumps(path.name))
    assert cache.Cache(mine).store("b" * 40, 1)
    assert all(p.exists() for p in theirs)  # not a folder imgplan created: no pruning
    own = tmp_path / "imgplan-cache"
    c = cache.Cache(own)
    for n in range(4):
        assert c.store(f"{n:040x}", n)
    foreign = own / f"{9:040x}.pickle"
    foreign.write_bytes(pickle.dumps("not imgplan's"))
    assert c.store("c" * 40, 5)
    assert foreign.exists()  # its name fits, its header does not: kept
    assert len([p for p in own.glob("*.pickle") if p.read_bytes().startswith(cache.MAGIC)]) == 2


def test_a_forged_entry_of_allowed_classes_is_not_trusted(cache_dir, dataset_file):
    """An entry built from imgplan's own classes with a right checksum but not signed with
    this user's key (a forged profile with a Step 2 CK of 999) is a miss, never an answer."""
    import hashlib

    load(dataset_file)
    (entry,) = entries(cache_dir)
    key = entry.stem
    forged = pickle.dumps(dt.date(2026, 1, 1), protocol=pickle.HIGHEST_PROTOCOL)
    header = json.dumps(
        {
            "key": key,
            "payload_bytes": len(forged),
            "payload_sha256": hashlib.sha256(forged).hexdigest(),
            "payload_hmac": hashlib.sha256(forged).hexdigest(),
        }
    ).encode()
    entry.write_bytes(cache.MAGIC + header + b"\n" + forged)
    assert store().load(key) is None
    assert load(dataset_file).name == "Golden test programs"  # rebuilt from the file


def test_cache_dir_setting_expands_home_and_reports_unusable_paths(tmp_path, monkeypatch):
    from imgplan.errors import UsageError

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IMGPLAN_CACHE_DIR", "~/imgplan-cache")
    assert cache.from_settings(False).folder == tmp_path / "imgplan-cache"
    monkeypatch.setenv("IMGPLAN_CACHE_DIR", str(tmp_path / ("x" * 300) / "c"))
    with pytest.raises(UsageError, match="cannot be used"):
        cache.from_settings(False)
