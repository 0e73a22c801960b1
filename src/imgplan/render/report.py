"""`imgplan report` as one self-contained HTML page.

Jinja2 with autoescaping renders `templates/report.html`: every profile, program and data
string is escaped by the engine, never by hand, and only ``http(s)`` URLs become links
(`safe_url`). The charts are small SVG built here as numbers (positions, sizes) and drawn by
the template: no plotting library (a Gantt band is a rectangle, a likelihood curve a polyline),
so the file stays small and needs nothing at run time. A Content-Security-Policy forbids every
network load and any script but the page's own (by its SHA-256), so the file opens offline
from a USB stick and an injected script could not run even if escaping failed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from msgspec import Struct

from ..commands.report import Curve, Report
from ..models import vocab
from .common import link_cell
from .formats import Format, View

WIDTH = 920  # the charts' drawing width (CSS scales them down)
LEFT = 190  # room for the Gantt's phase labels
#: Okabe-Ito: distinguishable with the common colour-vision deficiencies; each band also
#: carries its label, so nothing depends on colour alone.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

TIER_ORDER = {"safety": 0, "target": 1, "reach": 2, "unknown": 3}  # the Tier column sorts so

SCRIPT = """
(function () {
  var table = document.getElementById('ranked');
  if (!table) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(row, i, numeric) {
    var v = row.cells[i].getAttribute('data-v');
    if (numeric) { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return (v || '').toLowerCase();
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.tabIndex = 0;
    th.setAttribute('role', 'button');
    function sort() {
      var numeric = th.getAttribute('data-type') === 'num';
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, i, numeric), y = key(b, i, numeric);
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
  });
  var filter = document.getElementById('filter');
  filter.hidden = false;
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (r) {
      r.hidden = q && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
})();
""".strip()


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None: a data: or javascript: URL never
    becomes a link (it is shown as text)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


class Band(Struct):
    y: float
    x: float
    w: float
    label: str
    colour: str
    start: str
    end: str


class Mark(Struct):
    x: float
    y: float
    title: str
    date: str
    certainty: str
    shape: str  # circle (published) | ring (estimated) | diamond (personal)
    label: str = ""  # shown beside the mark: the next few milestones
    anchor: str = "start"  # where the label sits (end: left of a mark near the right edge)


LABELLED = 1  # the next milestone is labelled on the chart (every mark has its hover title)


def _gantt(report: Report) -> dict[str, Any]:
    t = report.timeline
    events = list(t.events)
    if not events:
        return {"bands": [], "marks": [], "height": 0, "next": []}
    first = min(min(e.date for e in events), report.today)
    last = max(max((e.end or e.date) for e in events), report.today)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return LEFT + (WIDTH - LEFT - 10) * (day - first).days / span

    phases: dict[str, list[Any]] = {}
    for e in events:
        phases.setdefault(e.phase, []).append(e)
    bands, marks, rows = [], [], []
    for row, (phase, items) in enumerate(phases.items()):
        y = 30 + row * 34
        start = min(e.date for e in items)
        end = max((e.end or e.date) for e in items)
        colour = PALETTE[row % len(PALETTE)]
        bands.append(
            Band(
                y,
                x(start),
                max(4.0, x(end) - x(start)),
                phase,
                colour,
                start.isoformat(),
                end.isoformat(),
            )
        )
        rows.append(phase)
        for e in items:
            shape = {"published": "circle", "estimated": "ring"}.get(e.certainty, "diamond")
            marks.append(Mark(x(e.date), y + 11, e.title, e.date.isoformat(), e.certainty, shape))
    ahead = sorted((m for m in marks if m.date > report.today.isoformat()), key=lambda m: m.date)
    for m in ahead[:LABELLED]:
        words = m.title.split(":")[0][:38]
        m.label = f"next: {m.date} {words}"
        m.anchor = "end" if m.x > WIDTH - 260 else "start"
    years = []
    for year in range(first.year, last.year + 2):
        day = dt.date(year, 1, 1)
        if first <= day <= last:
            years.append((x(day), str(year)))
    return {
        "bands": bands,
        "marks": marks,
        "years": years,
        "today": x(report.today),
        "next": [f"{m.date} {m.title}" for m in ahead[:3]],
        "height": 40 + len(rows) * 34,
        "width": WIDTH,
    }


def _curve(c: Curve) -> dict[str, Any]:
    lo, hi = c.points[0][0], c.points[-1][0]
    w, h, left, top = 420, 170, 74, 12

    def x(score: float) -> float:
        return left + (w - left - 10) * (min(max(score, lo), hi) - lo) / (hi - lo)

    def y(p: float) -> float:
        return top + (h - top - 30) * (1 - p)

    path = " ".join(f"{x(s):.1f},{y(p):.1f}" for s, p in c.points)
    mine = None
    if c.score is not None:
        p = next((q for s, q in c.points if s >= c.score), c.points[-1][1])
        mine = {"x": x(c.score), "y": y(p), "score": c.score, "p": p}
    base = h - 22
    return {
        "label": vocab.specialty_label(c.specialty),
        "path": path,
        "mine": mine,
        "w": w,
        "h": h + 52,
        "ticks": [(min(x(s), w - 14), s) for s in range(lo, hi + 1, 20)],
        "grid": [(y(p), f"{p:.0%}") for p in (0.0, 0.25, 0.5, 0.75, 1.0)],
        "matched": [x(v) for v in c.matched],
        "unmatched": [x(v) for v in c.unmatched],
        "q_matched_y": base + 12,
        "q_unmatched_y": base + 26,
        "left": left,
        "base_rate": c.base_rate,
        "separates": c.separates,
        "quartiles": (c.matched, c.unmatched),
    }


def _sources(report: Report) -> list[str]:
    found: list[str] = []

    def add(text: str | None) -> None:
        if text and text not in found:
            found.append(text)

    rec, result = report.result.rec, report.result
    for f in rec.findings:
        add(f.source)
    for a in rec.programs[: report.top]:
        for f in a.findings:
            add(f.source)
    for e in report.timeline.events:
        add(e.source)
    c = report.chances
    for text in (
        getattr(c, "source", None),
        getattr(c, "eras_source", None),
        getattr(c, "nrmp_source", None),
    ):
        add(text)
    add(report.assessment.source)
    for f in report.step3.verdict.reasons:
        add(f.source)
    for line in [*result.now.now, *result.now.warnings]:
        add(line.source)
    for u in result.now.next:
        add(u.source)
    if result.plan is not None:
        add(result.plan.signals_source)
        for s in result.plan.specialties:
            add(s.allowance.source)
            add(s.fee_source)
        add(result.plan.nrmp_source)
    if result.fellowships is not None:
        add(f"{result.fellowships.directory.name}, as of {result.fellowships.directory.as_of}")
        add(result.fellowships.source)
        add(result.fellowships.fee_source)
    d = rec.dataset
    add(f"Programs: {d.name}, as of {d.as_of.isoformat()} — {d.source}")
    return found


def _tracked(report: Report) -> dict[str, Any] | None:
    """The tracker section: each tracked program's status, dates and rating."""
    from .track import _day, _interview, _rating, summary_of

    tr = report.tracker
    if tr is None:
        return None
    rows = [
        {
            "id": t.program_id,
            "name": t.name,
            "status": t.status,
            "applied": _day(t.applied),
            "interview": _interview(t),
            "thank_you": _day(t.thank_you),
            "rating": _rating(t),
        }
        for t in tr.programs
    ]
    return {"rows": rows, "summary": summary_of(tr.programs), "path": tr.path}


def _ranked(report: Report) -> dict[str, Any] | None:
    """The rank list's odds: a row per rank and a bar chart of P(matched at this rank or
    higher), labelled as imgplan's model."""
    r = report.rank
    if r is None:
        return None
    lo = r.list_odds  # type: ignore[attr-defined]
    entries = r.draft.entries  # type: ignore[attr-defined]
    rows = [
        {
            "k": k,
            "name": e.tracked.name,
            "p": o.p,
            "here": lo.at_rank[k - 1],
            "by": lo.by_rank[k - 1],
        }
        for k, (e, o) in enumerate(zip(entries, r.odds, strict=True), 1)  # type: ignore[attr-defined]
    ]
    width, bar = 560, 18
    bars = [
        {
            "y": 20 + i * (bar + 4),
            "w": round(row["by"] * (width - 160), 1),
            "label": f"#{row['k']}",
            "by": row["by"],
        }
        for i, row in enumerate(rows[:40])
    ]
    return {
        "rows": rows,
        "bars": bars,
        "height": 30 + len(bars) * (bar + 4),
        "width": width,
        "match": lo.match,
        "model": r.model,  # type: ignore[attr-defined]
        "source": r.draft.source,  # type: ignore[attr-defined]
    }


def context(report: Report) -> dict[str, Any]:

    rec = report.result.rec
    rows = []
    for n, a in enumerate(rec.programs[: report.top], 1):
        p = a.program
        rows.append(
            {
                "n": n,
                "id": p.id,
                "name": p.name,
                "url": safe_url(p.url),
                "raw_url": p.url,
                "specialty": vocab.specialty_label(p.specialty),
                "state": p.state or "?",
                "tier": a.tier or "",
                "tier_order": TIER_ORDER.get(a.tier or "unknown", 9),
                "status": a.status,
                "score": a.score,
                "fit": a.fit.score,
                "margin": a.margin,
                "visas": "verify"
                if p.visas is None
                else (" ".join(str(v).upper() for v in p.visas) or "none"),
                "link": link_cell(p.link),
                "flags": ", ".join(a.flags),
            }
        )
    strength = report.assessment.strength
    return {
        "r": report,
        "profile": report.profile,
        "stage": rec.stage,
        "rec": rec,
        "rows": rows,
        "total": len(rec.ranked),
        "summary": rec.summary(),
        "gantt": _gantt(report),
        "curves": [_curve(c) for c in report.curves],
        "elements": [
            {"name": name, "score": e.score, "evidence": e.evidence}
            for name, e in strength.elements.items()
        ],
        "strength": strength.score,
        "actions": strength.actions()[:6],
        "plan": report.result.plan,
        "plan_closed": report.result.plan_closed,
        "fellowships": report.result.fellowships,
        "now": report.result.now,
        "tracked": _tracked(report),
        "ranked": _ranked(report),
        "visa": report.visa,
        "sources": _sources(report),
        "script": SCRIPT,
        "script_hash": base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode(),
        "label": vocab.specialty_label,
        "safe_url": safe_url,
    }


CODE = re.compile(r"`([^`]+)`")


def _code(value: Any) -> Any:
    """Text that names a command in backticks (`imgplan assess`) shows it as code, not as a
    literal backtick: escaped first, so the text stays text."""
    if isinstance(value, str) and "`" in value:
        from markupsafe import Markup, escape  # jinja2's own escaping library

        return Markup(CODE.sub(r"<code>\1</code>", str(escape(value))))
    return value


def report_view(report: Report, view: View) -> str:
    import jinja2  # lazy: only the report needs the template engine (~0.1 s)

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("imgplan.render", "templates"),
        autoescape=True,
        finalize=_code,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html").render(**context(report))


VIEWS = {("report", Format.html): report_view}
