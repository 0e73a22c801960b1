"""What the core works on: every kind of data as plain records (`record.py`): the profile,
the program dataset, the reference figures, the calendar, the outcome figures, the signal
counts; the vocabularies (`vocab.py`) and value rules (`values.py`). The file formats that
validate them are in `imgplan.formats`. Import the module you need (`imgplan.models.profile`):
this package re-exports nothing, so no module imports back through it."""
