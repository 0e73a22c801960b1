"""The season tracker's core (docs/season.md): pure functions over the plain
records of `imgplan.models.tracker`.

- `values`: what the user typed (a status, a date, an interview time with its zone, a fee)
  read and checked.
- `decide`: the `Change` a command makes (add, update, rate, remove, undo, import), decided
  from the current state; `imgplan.store` writes it, with its history, in one transaction.
- `alerts`: what the tracker adds to the advice (an unanswered invitation, interviews on one
  day, travel, thank-you notes, the NRMP deadlines, interviews against the contiguous-ranks
  figures), shown in every command's Now / Next block.
- `sheet`: the columns of an applicant's own tracking spreadsheet, and imgplan's export.
"""
