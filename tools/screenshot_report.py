"""Write docs/report.png: the top of `imgplan report` for the bundled example, as the README
shows it. Needs Debian's chromium (`apt-get install chromium`).

    python tools/screenshot_report.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "plan.html"
        env = {**os.environ, "IMGPLAN_TODAY": "2026-11-25"}
        subprocess.run(
            ["imgplan", "report", str(ROOT / "profiles" / "strong-scores.yaml"), "--output", str(page)],
            check=True,
            env=env,
        )
        subprocess.run(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={tmp}/profile",
                "--window-size=1100,1500",
                "--hide-scrollbars",
                f"--screenshot={ROOT / 'docs' / 'report.png'}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(f"wrote {ROOT / 'docs' / 'report.png'}")


if __name__ == "__main__":
    main()
