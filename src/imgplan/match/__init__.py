"""The match engine (docs/season.md: The match engine): the applicant-proposing deferred-acceptance
algorithm the NRMP describes (Roth–Peranson without couples), with program quotas and
supplemental lists, over a `Market` of plain integer lists.

- `market`: the market as the engine sees it (names mapped to numbers, each list checked).
- `engine`: the algorithm, and the stability check the tests use.

Couples are not supported.
"""
