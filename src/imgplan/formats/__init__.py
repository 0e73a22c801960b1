"""The file formats (pydantic models): validation only.

Each format class has a record class of the same name and the same fields in the core
(`imgplan.models.<the same module name>`); `to_record` turns a
validated format object into its record. pydantic is imported only when a file is actually
validated, never on a run served from the cache.
"""

from __future__ import annotations

from .build import dataset_from, json_schema, profile_from, program_from  # after records
from .records import RECORDS, record_class, to_record

__all__ = [
    "RECORDS",
    "dataset_from",
    "json_schema",
    "profile_from",
    "program_from",
    "record_class",
    "to_record",
]
