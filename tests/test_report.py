"""`imgplan report` (issue #19): one self-contained page, escaped, small, and what a person
sees in a real browser (headless Chromium over the DevTools protocol)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROFILES, ROOT

HOSTILE = "<script>alert(1)</script>"


def write_report(cli, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "plan.html"
    result = cli("report", *args, "--output", str(out))
    assert result.code == 0, result.err
    return out.read_text(encoding="utf-8")


@pytest.fixture
def example(cli, tmp_path) -> str:
    return write_report(cli, tmp_path, str(PROFILES / "strong-scores.yaml"))


def test_report_is_self_contained_and_small(example, tmp_path, cli):
    assert len(example.encode()) < 1_000_000
    # no network: nothing loaded from elsewhere, and the policy forbids it anyway
    assert not re.search(r"""<(link|img|iframe|object|embed)\b""", example)
    assert not re.search(r"""\bsrc\s*=""", example)
    assert "@import" not in example and "url(" not in example
    assert "default-src 'none'" in example
    scripts = re.findall(r"<script\b[^>]*>", example)
    assert scripts == ["<script>"]
    for section in ("findings", "timeline", "list", "chances", "portfolio", "step3", "sources"):
        assert f'<section id="{section}">' in example
    assert 'id="gantt"' in example and 'class="curve"' in example and 'id="bars"' in example
    assert "EXAMPLE DATA" in example and "Signals and the application plan" in example
    assert "@media print" in example


def test_the_script_hash_in_the_policy_matches_the_script(example):
    import hashlib

    policy = re.search(r"script-src 'sha256-([^']+)'", example).group(1)
    body = re.search(r"<script>(.*?)</script>", example, re.S).group(1)
    assert base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() == policy


def _hostile_inputs(tmp_path: Path) -> tuple[Path, Path]:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        (PROFILES / "strong-scores.yaml")
        .read_text()
        .replace("name: Amina Strong (example)", f"name: '{HOSTILE}'")
        .replace("name: AMIA 10x10", "name: '<b onmouseover=alert(2)>x</b>'")
    )
    programs = tmp_path / "programs.yaml"
    rows = []
    for n, (name, url) in enumerate(
        [
            (HOSTILE, "javascript:alert(1)"),
            ("<img src=x onerror=alert(3)>", "https://example.org/ok"),
            ("Normal & Sons \" ' Internal Medicine", "data:text/html,<script>alert(4)</script>"),
            ("{{ 7*7 }} {% raw %} Internal Medicine", "http://example.org/also-ok"),
        ]
    ):
        rows.append(
            f"  - id: p{n}\n    name: {json.dumps(name)}\n    specialty: internal_medicine\n"
            f"    state: NY\n    city: {json.dumps(name)}\n    visas: [j1, h1b]\n    url: {json.dumps(url)}\n"
            f"    notes: {json.dumps(name)}\n"
        )
    programs.write_text(
        "format: 1\nname: "
        + json.dumps(HOSTILE)
        + "\nas_of: 2026-10-01\nsource: "
        + json.dumps(HOSTILE)
        + "\nprograms:\n"
        + "".join(rows)
    )
    return profile, programs


def test_hostile_strings_are_text_in_every_section(cli, tmp_path):
    profile, programs = _hostile_inputs(tmp_path)
    page = write_report(cli, tmp_path, str(profile), "--programs", str(programs))
    assert "<script>alert" not in page and "<img src=x" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # header, list, sources
    hrefs = re.findall(r"""href="([^"]*)\"""", page)
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    for a in re.findall(r"<a\b[^>]*>", page):
        assert 'rel="noopener noreferrer"' in a
    assert "javascript:" not in "".join(hrefs) and "data:text" not in "".join(hrefs)
    assert "javascript:alert(1)" in page  # the bad URL is shown, as text


def test_template_expressions_in_data_are_not_evaluated(cli, tmp_path):
    _, programs = _hostile_inputs(tmp_path)
    page = write_report(
        cli, tmp_path, str(PROFILES / "strong-scores.yaml"), "--programs", str(programs)
    )
    assert "{{ 7*7 }} {% raw %} Internal Medicine" in page


def test_report_output_follows_the_atomic_write_rules(cli, tmp_path):
    profile = PROFILES / "strong-scores.yaml"
    assert cli("report", str(profile), "--output", str(profile)).code == 2  # never an input
    bad = cli("report", str(tmp_path / "missing.yaml"), "--output", str(tmp_path / "x.html"))
    assert bad.code == 2 and not (tmp_path / "x.html").exists()


def test_report_for_a_resident_lists_fellowships(cli, tmp_path):
    page = write_report(cli, tmp_path, str(PROFILES / "resident-pgy2.yaml"))
    assert "Clinical Informatics fellowships" in page and "Apply to about 10" in page


# In a real browser --------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """Headless Chromium driven over the DevTools protocol (websocket-client)."""

    def __init__(self, exe: str) -> None:
        import websocket

        self.profile = tempfile.mkdtemp(prefix="imgplan-chromium-")
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--window-size=1100,1400",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        url = None
        deadline = time.time() + 30
        while time.time() < deadline and url is None:
            line = self.proc.stderr.readline()
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                url = match.group(1)
        assert url, "Chromium did not start"
        port = url.split(":")[2].split("/")[0]
        pages = json.loads(
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read()
        )
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(e.get("method") == method for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise AssertionError(f"no {method}")

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser():
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and no Chromium: .ci/run installs it (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (install the distribution's chromium package)")
    b = Browser(exe)
    yield b
    b.close()


def test_report_in_a_real_browser(browser, cli, tmp_path):
    write_report(cli, tmp_path, str(PROFILES / "strong-scores.yaml"))
    page = (tmp_path / "plan.html").resolve()
    for domain in ("Page", "Runtime", "Log"):
        browser.call(f"{domain}.enable")
    browser.call("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    # no console errors, no exceptions (a CSP violation would be one)
    errors = [
        e
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []
    # the charts have a size
    sizes = browser.js(
        "Array.from(document.querySelectorAll('svg')).map(s => {"
        "const r = s.getBoundingClientRect(); return [s.id || s.getAttribute('class'), r.width, r.height]; })"
    )
    assert {name for name, _, _ in sizes} >= {"gantt", "curve", "bars"}
    assert all(w > 50 and h > 30 for _, w, h in sizes), sizes
    # the ranked table has the rows the command ranks
    expected = json.loads(cli("recommend", str(PROFILES / "strong-scores.yaml"), "-f", "json").out)
    ids = browser.js(
        "Array.from(document.querySelectorAll('#ranked tbody tr')).map(r => r.cells[1].querySelector('.muted').textContent)"
    )
    assert ids == [p["id"] for p in expected["programs"]][: len(ids)] and len(ids) > 20
    # sorting: a click on Score sorts ascending, a second click descending
    column = browser.js(
        "Array.from(document.querySelectorAll('#ranked th')).findIndex(th => th.textContent === 'Score')"
    )
    browser.js(f"document.querySelectorAll('#ranked th')[{column}].click()")
    scores = browser.js(
        f"Array.from(document.querySelectorAll('#ranked tbody tr')).map(r => Number(r.cells[{column}].dataset.v))"
    )
    assert scores == sorted(scores) and scores != sorted(scores, reverse=True)
    browser.js(f"document.querySelectorAll('#ranked th')[{column}].click()")
    scores = browser.js(
        f"Array.from(document.querySelectorAll('#ranked tbody tr')).map(r => Number(r.cells[{column}].dataset.v))"
    )
    assert scores == sorted(scores, reverse=True)
    # the filter hides rows that do not match
    shown = browser.js(
        "const f = document.getElementById('filter'); f.value = 'NY'; f.dispatchEvent(new Event('input'));"
        "Array.from(document.querySelectorAll('#ranked tbody tr')).filter(r => !r.hidden).length"
    )
    assert 0 < shown < len(ids)
    # a screenshot is not blank
    from PIL import Image

    shot = browser.call("Page.captureScreenshot", format="png")
    image = Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("L")
    low, high = image.getextrema()
    assert image.size[0] > 500 and high - low > 100
    assert sum(1 for count in image.resize((64, 64)).histogram() if count) > 10


def _load(browser, page: Path) -> None:
    for domain in ("Page", "Runtime"):
        browser.call(f"{domain}.enable")
    browser.events.clear()
    browser.call("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")


def test_report_on_a_phone_on_paper_and_finished(browser, cli, tmp_path):
    """390 px wide: no horizontal scrolling and the list as cards; printed on Letter: at most
    12 pages; every chart label inside its chart; tiers sort in tier order; the next step of
    the timeline stands out; no literal backticks, no empty section."""
    write_report(cli, tmp_path, str(PROFILES / "strong-scores.yaml"))
    page = (tmp_path / "plan.html").resolve()
    html = page.read_text()
    assert "`" not in html
    browser.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    _load(browser, page)
    assert browser.js("document.documentElement.scrollWidth") <= 390
    assert browser.js("getComputedStyle(document.querySelector('#ranked tbody tr')).display") == "block"
    assert browser.js("getComputedStyle(document.querySelector('#ranked thead')).display") == "none"
    browser.call("Emulation.clearDeviceMetricsOverride")
    _load(browser, page)
    outside = browser.js(
        "Array.from(document.querySelectorAll('svg')).flatMap(svg => { const box = svg.getBoundingClientRect();"
        " return Array.from(svg.querySelectorAll('text')).filter(t => { const r = t.getBoundingClientRect();"
        " return Math.min(r.left - box.left, box.right - r.right, r.top - box.top, box.bottom - r.bottom) < -1; })"
        ".map(t => t.textContent); })"
    )
    assert outside == []
    assert browser.js("Array.from(document.querySelectorAll('svg.curve text')).some(t => t.textContent === 'Step 2 CK score')")
    empty = browser.js("Array.from(document.querySelectorAll('section')).filter(s => s.children.length < 2).map(s => s.id)")
    assert empty == []
    assert browser.js("getComputedStyle(document.querySelector('#events tr.next td')).backgroundColor") != "rgba(0, 0, 0, 0)"
    column = browser.js("Array.from(document.querySelectorAll('#ranked th')).findIndex(th => th.textContent === 'Tier')")
    browser.js(f"document.querySelectorAll('#ranked th')[{column}].click()")
    tiers = browser.js(f"Array.from(document.querySelectorAll('#ranked tbody tr')).map(r => r.cells[{column}].textContent.trim().split(' ')[0])")
    order = ["safety", "target", "reach", "unknown"]
    assert [order.index(t) for t in tiers] == sorted(order.index(t) for t in tiers)
    pdf = browser.call("Page.printToPDF", paperWidth=8.5, paperHeight=11)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(pdf["data"])))
    assert 1 <= pages <= 12, pages


def test_readme_screenshot_is_committed():
    shot = ROOT / "docs" / "report.png"
    assert shot.exists() and shot.stat().st_size > 10_000
    assert "docs/report.png" in (ROOT / "README.md").read_text()
