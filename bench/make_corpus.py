"""A large synthetic corpus of digests, from real ones, for the export and report benches.

    python bench/make_corpus.py DIGESTS.jsonl -n 10000 -o /tmp/corpus-10k.jsonl

Copy ``n`` of digest ``n % len(seed)`` gets a distinct article id (``<id>~<n>``) and a
published date spread over 2019-2026 (so the report's timeline has range). To make the
entity registry work, copies rename their organisations and companies with one of
``--variants`` suffixes ("Arizona State University 17"), everywhere they appear (party
name and surface, instrument party lists): about ``variants`` × (organisations in the
seed) distinct entities, none of which may be merged (the numbers differ).
The first copy of each seed digest is validated against the model on the way.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.entities import identify  # noqa: E402
from summarizer.models import Digest  # noqa: E402


def _vary(data: dict[str, Any], n: int, variants: int) -> dict[str, Any]:
    data["article"]["id"] = f"{data['article']['id']}~{n:06d}"
    year, month, day = 2019 + (n % 8), 1 + (n // 8) % 12, 1 + (n // 96) % 28
    data["article"]["published"] = f"{year}-{month:02d}-{day:02d}"
    suffix = f" {n % variants}" if variants else ""
    renames = {}
    for party in data["parties"]:
        if party["kind"] in ("organisation", "company") and suffix:
            new = party["name"] + suffix
            renames[party["name"]] = new
            party["name"] = new
            party["surface"] = (party.get("surface") or party["name"]) + suffix
            party["entity_id"] = identify(new, party["kind"], party.get("country")).entity_id
    for instrument in data["instruments"]:
        instrument["parties"] = [renames.get(p, p) for p in instrument["parties"]]
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=Path)
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--variants", type=int, default=500)
    args = parser.parse_args()
    seed = [json.loads(line) for line in args.seed.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    with open(args.output, "w", encoding="utf-8") as out:
        for n in range(args.n):
            data = _vary(json.loads(json.dumps(seed[n % len(seed)])), n, args.variants)
            if n < len(seed):
                Digest.model_validate(data)
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    print(f"wrote {args.n} digests to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
