"""The side-by-side bench's model: ``tests/standin.py`` in a process of its own.

    python bench/standin_server.py [--latency 1.0] [--max-seconds 3600]

It prints one JSON line, ``{"base_url": ...}``, then answers every chat completion after
``--latency`` seconds with a digest draft of the article in the request: quotes are cut
from that article, so they are verbatim and no grounding re-ask follows. The article is the
text fenced between ``<<<ARTICLE`` and ``ARTICLE>>>`` (summarizer's prompt) or else the last
user message (a plain script). A request with ``tools`` gets a call to its first tool; any
other gets the JSON as message content (``response_format`` json_schema / json_object).

It reads commands on stdin, one a line. ``stats`` prints the requests and request-body bytes
received since the last ``stats`` (and when the first and last of them arrived, as
``time.time()``), then starts counting afresh. End of stdin (the bench closed the pipe or
died) stops the server; so does ``--max-seconds``, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import standin

FENCE, FENCE_END = "<<<ARTICLE\n", "\nARTICLE>>>"

# (phrase to quote, fields) per item; a phrase missing from an article falls back to the
# article's opening words, which are always verbatim.
PARTIES = [
    ("Pakistan and China this month signed a Memorandum of Understanding (MoU)",
     {"name": "Pakistan", "kind": "country", "role": "signatory"}),
    ("Pakistan and China this month signed a Memorandum of Understanding (MoU)",
     {"name": "China", "kind": "country", "role": "signatory"}),
    ("the China Electronics Technology Group Corporation (CETC)",
     {"name": "China Electronics Technology Group Corporation", "kind": "company"}),
    ("the Emerging Technologies Lab, a PSDP-funded project under the Pakistani Ministry of "
     "Planning", {"name": "Emerging Technologies Lab", "kind": "government_body"}),
    ("Federal Minister for Planning, Development and Special Initiatives Ahsan Iqbal",
     {"name": "Ahsan Iqbal", "kind": "person", "role": "Federal Minister for Planning"}),
]
INSTRUMENTS = [
    ("signed a Memorandum of Understanding (MoU) to enhance cooperation in quantum "
     "technologies", {"kind": "mou", "status": "signed", "parties": ["Pakistan", "China"],
                      "title": "MoU on quantum technologies", "date": "October 2025"}),
    ("The initiative is part of the China-Pakistan Economic Corridor (CPEC)",
     {"kind": "corridor", "status": "implemented", "title": "China-Pakistan Economic Corridor",
      "parties": ["China", "Pakistan"]}),
]
SECTORS = [
    ("cooperation in quantum technologies", {"label": "quantum and advanced computing"}),
    ("research partnerships, joint initiatives, expert exchange and skills training",
     {"label": "science and research"}),
    ("industrial modernization, digital transformation", {"label": "ai and digital"}),
]
TARGETS = [
    ("China will assist Pakistan in establishing the National Center for Quantum Computing",
     {"description": "Establish the National Center for Quantum Computing"}),
    ("We are initiating the Quantum Valley Project",
     {"description": "Initiate the Quantum Valley Project"}),
]
SUMMARY = {
    "headline": "Pakistan and China sign an MoU on quantum technologies",
    "one_line": "Pakistan and China signed an MoU under CPEC to cooperate on quantum "
                "technologies, including a National Center for Quantum Computing.",
    "bullets": ["CETC and Pakistan's Emerging Technologies Lab signed the MoU.",
                "China will help set up a National Center for Quantum Computing.",
                "The deal is part of CPEC Phase-II's high-tech focus.",
                "Pakistan plans a Quantum Valley Project."],
}


def article_of(request: dict[str, Any]) -> str:
    """The article a request is about: the fenced text, else the last user message."""
    users = [str(m.get("content") or "") for m in request.get("messages", [])
             if m.get("role") == "user"]
    for content in users:
        start = content.find(FENCE)
        end = content.find(FENCE_END, start + len(FENCE))
        if start >= 0 and end >= 0:
            return content[start + len(FENCE):end]
    return users[-1] if users else ""


def draft_for(text: str) -> dict[str, Any]:
    """A DigestDraft-shaped answer whose every quote is a substring of ``text``."""
    fallback = " ".join(text.split()[:8]) if text.split() else "none"
    fallback = fallback if fallback in text else text[:40]

    def items(table: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [{**fields, "evidence": [phrase if phrase in text else fallback]}
                for phrase, fields in table]

    return {"summary": SUMMARY, "parties": items(PARTIES), "instruments": items(INSTRUMENTS),
            "sectors": items(SECTORS), "targets": items(TARGETS)}


class Counter:
    """Arrival times of the requests answered since the last snapshot."""

    def __init__(self) -> None:
        self.received = standin.StandIn(base_url="")  # replaced by the running server's
        self.arrivals: list[float] = []

    def answer(self, request: dict[str, Any]) -> standin.Step:
        self.arrivals.append(time.time())
        return standin.ok(json.dumps(draft_for(article_of(request))),
                          tool_call=bool(request.get("tools")))

    def snapshot(self) -> dict[str, Any]:
        """Totals since the last snapshot; called between runs, when nothing is in flight."""
        requests = self.received.requests
        count = len(requests)
        size = sum(int(r.headers.get("content-length") or 0) for r in requests[:count])
        arrivals = sorted(self.arrivals)
        del requests[:count]
        self.arrivals = []
        return {"requests": count, "request_bytes": size,
                "first": arrivals[0] if arrivals else None,
                "last": arrivals[-1] if arrivals else None}


def serve(latency: float, max_seconds: float) -> None:
    watchdog = threading.Timer(max_seconds, lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()
    standin._Server.request_queue_size = 512  # bench only: 64+ simultaneous connects
    counter = Counter()
    with standin.run_standin([], default=standin.dynamic(counter.answer),
                             latency=latency) as server:
        counter.received = server
        print(json.dumps({"base_url": server.base_url}), flush=True)
        for line in sys.stdin:
            if line.strip() == "stats":
                print(json.dumps(counter.snapshot()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    args = parser.parse_args()
    serve(args.latency, args.max_seconds)


if __name__ == "__main__":
    main()
