"""What the core works on: the applicant's profile and the program dataset as plain records
(`record.py`), and the vocabularies (`vocab.py`). The file formats that validate them are in
`imgplan.formats`."""

from .profile import Profile
from .programs import Dataset, Program

__all__ = ["Dataset", "Profile", "Program"]
