#!/usr/bin/env python3
"""Write the compact extract of one year's MIPS quality measures the portal ships for years npm lacks.

The ``qpp-measures-data`` npm package stops at 2022; CMS's repository holds later years. This keeps
only what ``determinations/services/measures.py`` imports (quality measures; their ID, title,
description, type, high-priority flag, CBE/NQF and eCQM IDs and steward), in CMS's own key names,
as gzipped JSON, and records where it came from in ``SOURCE.json`` beside it. Regenerate with:

    git -C CLONE show TAG:measures/2027/measures-data.json > /tmp/2027.json
    scripts/extract_mips_measures.py /tmp/2027.json --year 2027 \\
        --repository https://github.com/CMSgov/qpp-measures-data --version v11.1.0 --commit SHA

It uses only the standard library, so it runs before ``make run`` has installed anything.
"""

import argparse
import gzip
import json
import sys
from pathlib import Path

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "determinations" / "reference_data" / "mips_measures"
KEPT_KEYS = (
    "measureId",
    "title",
    "description",
    "category",
    "measureType",
    "isHighPriority",
    "nqfId",
    "eMeasureId",
    "primarySteward",
)


def quality_measures(measures: list[dict]) -> list[dict]:
    """The quality measures with only the kept keys (empty values dropped), sorted by measure ID."""
    kept = [
        {key: m[key] for key in KEPT_KEYS if m.get(key) not in (None, "")}
        for m in measures
        if isinstance(m, dict) and m.get("category") == "quality"
    ]
    return sorted(kept, key=lambda m: str(m.get("measureId")))


def write_extract(*, source: Path, year: int, output_dir: Path, origin: dict) -> Path:
    measures = quality_measures(json.loads(source.read_text(encoding="utf-8-sig")))
    if not measures:
        raise SystemExit(f"{source}: holds no quality measures")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"{year}.json.gz"
    body = json.dumps(measures, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0 keeps the file byte-for-byte the same when the data has not changed.
    target.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    manifest_path = output_dir / "SOURCE.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"years": {}}
    manifest.update(
        {
            "what": "MIPS quality measures per performance year, extracted by scripts/extract_mips_measures.py "
            "from CMS's measures/<year>/measures-data.json; only the keys the portal imports are kept.",
            "license": "MIT. Copyright (c) the qpp-measures-data contributors (CMSgov); see the repository.",
        }
    )
    manifest["years"][str(year)] = {**origin, "file": target.name, "quality_measures": len(measures)}
    manifest["years"] = dict(sorted(manifest["years"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a measures-data.json from CMS's qpp-measures-data")
    parser.add_argument("--year", type=int, required=True, help="the performance year the file is for")
    parser.add_argument("--repository", required=True, help="where the file came from")
    parser.add_argument("--version", required=True, help="the repository's release (package.json version)")
    parser.add_argument("--commit", required=True, help="the commit the file was read at")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    origin = {
        "repository": args.repository,
        "version": args.version,
        "commit": args.commit,
        "path": f"measures/{args.year}/measures-data.json",
    }
    target = write_extract(source=args.source, year=args.year, output_dir=args.output_dir, origin=origin)
    print(f"{target}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
