"""The ranked table's grid is formatted for speed (one format string, column widths in C);
it must print exactly what the plain cell-by-cell version prints."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imgplan.render.common import ANSI, RESET, grid


def reference_grid(headers, rows, *, right, flex, width, styles=None):
    """The straightforward version (as first written): cell by cell."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    for column in flex:
        over = sum(widths) + 2 * (len(widths) - 1) - width
        if over > 0:
            widths[column] = max(12, widths[column] - over)

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            if i in flex and len(cell) > widths[i]:
                cell = cell[: widths[i] - 1] + "…"
            text = cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            if styles and i in styles and cell in styles[i]:
                text = f"{ANSI[styles[i][cell]]}{text}{RESET}"
            out.append(text)
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), "  ".join("─" * w for w in widths)] + [line(r) for r in rows])


CELLS = st.sampled_from(
    ["safety", "target", "reach", "x", "", "+12", "?", "Riverside University Hospital", "…é"]
)


@st.composite
def tables(draw):
    columns = draw(st.integers(min_value=1, max_value=8))
    rows = draw(
        st.lists(
            st.lists(CELLS.map(lambda c: c * 2), min_size=columns, max_size=columns), max_size=6
        )
    )
    index = st.integers(min_value=0, max_value=columns - 1)
    right = draw(st.sets(index))
    flex = tuple(draw(st.lists(index, max_size=2, unique=True)))
    styles = draw(
        st.none()
        | index.map(lambda i: {i: {"safety": "green", "target": "yellow", "reach": "red"}})
    )
    width = draw(st.integers(min_value=10, max_value=160))
    headers = tuple(f"h{i}" for i in range(columns))
    return headers, rows, {"right": right, "flex": flex, "width": width, "styles": styles}


@settings(max_examples=300, deadline=None)
@given(tables())
def test_fast_grid_prints_what_the_plain_grid_prints(table):
    headers, rows, options = table
    assert grid(headers, rows, **options) == reference_grid(headers, rows, **options)


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_wrapped_columns_keep_every_character(table):
    """A ``wrap`` column is never cut with '…': every character of its cells is printed,
    in order, over as many lines as it needs."""
    headers, rows, options = table
    wrap = frozenset(options["flex"])
    text = grid(headers, rows, wrap=wrap, **options)
    assert "…" not in text or any("…" in c for r in rows for c in r)
    flat = "".join(text.split())
    for row in rows:
        for i in wrap:
            assert _subsequence("".join(row[i].split()), flat)


# Text made of what textwrap treats specially: its whitespace, Unicode spaces it does not
# split on but str.strip drops, hyphens, and plain letters.
WRAP_TEXT = st.text(alphabet=" \t\n\r\x0b\x0c\xa0\u2003-—ab", max_size=40)


@settings(max_examples=3000, deadline=None)
@given(
    text=WRAP_TEXT,
    width=st.integers(min_value=1, max_value=45),
    initial=st.sampled_from(["", " ", "     "]),
    subsequent=st.sampled_from(["", "  ", "    "]),
    hyphens=st.booleans(),
)
def test_wrap_fast_path_prints_what_textwrap_prints(text, width, initial, subsequent, hyphens):
    """`wrap` returns a line that fits as it is; whatever the text, it equals textwrap."""
    import textwrap

    from imgplan.render.common import wrap

    if len(initial) >= width or len(subsequent) >= width:
        return  # textwrap refuses an indent as wide as the line
    options = dict(subsequent_indent=subsequent, break_on_hyphens=hyphens)
    expected = textwrap.wrap(text, width, initial_indent=initial, **options)
    assert wrap(text, width, initial_indent=initial, **options) == expected


def test_wrap_fast_path_edges():
    """The cases the fast path must leave to textwrap: a trailing space or Unicode space,
    a tab or line break, a line one character too long."""
    import textwrap

    from imgplan.render.common import wrap

    for text in ["abc ", "abc\xa0", " abc", "a\tb", "a\nb", "abcdefghijk", "abcdefghij", ""]:
        assert wrap(text, 10, subsequent_indent="  ") == textwrap.wrap(
            text, 10, subsequent_indent="  "
        ), text
