"""The file formats: applicant profile and program dataset, format 1."""

from .profile import Profile
from .programs import Dataset, Program

__all__ = ["Dataset", "Profile", "Program"]
