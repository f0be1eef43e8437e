"""The corpus overview of the report: aggregated in Python, drawn by the page as SVG.

Four views, each mark pointing at a *filter* (a label, the indices of the articles behind
the mark, and a focus key naming the rows to highlight in each article):

* a cooperation network: the ``MAX_NODES`` entities in most articles as nodes (radius by
  article count, positions laid out here), edges for instruments two of them share,
  coloured by the strongest status;
* an instrument timeline: non-background instruments by the article's published month
  (quarter or year when the corpus spans long) and status;
* a sector × country matrix: articles with a sector and a country party;
* the top entities, with article and instrument counts.

Focus keys match the ``fk`` lists of table rows in ``payload.article_payload``:
``e:<entity>`` (party rows and instruments naming the entity), ``st:<status>``
(instruments), ``s:<label>`` (sector rows); an edge's ``p:<a>|<b>`` matches the rows
holding both ``e:<a>`` and ``e:<b>`` (see ``focus_matches``).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..entities.corpus import Resolution
from ..entities.links import STATUS_RANK, instrument_entity, party_lookup
from ..models import Digest

JSONDict = dict[str, Any]
MAX_NODES = 40
MAX_EDGES = 120
MAX_COUNTRIES = 10
MAX_TOP = 15
MAX_BUCKETS = 40
WIDTH, HEIGHT = 760.0, 440.0
GAP, GRAVITY = 0.7, 1.5


@dataclass
class _Facts:
    """What the overview needs from one article, kept until the corpus is read."""

    entities: list[str]
    countries: list[str]
    sectors: list[str]
    instruments: list[tuple[str, list[str]]]  # (status, entity ids)
    month: str | None


def article_focus(digest: Digest, resolve: Resolution) -> dict[str, list[list[str]]]:
    """The focus keys of each table row of one article (see the module docstring)."""
    lookup = party_lookup(digest, resolve)
    parties = [[f"e:{resolve(p.entity_id)}"] if p.entity_id else [] for p in digest.parties]
    instruments = []
    for i in digest.instruments:
        ids = sorted({e for e in (instrument_entity(n, lookup) for n in i.parties) if e})
        instruments.append([f"st:{i.status}", *(f"e:{e}" for e in ids)])
    sectors = [[f"s:{s.label}"] for s in digest.sectors]
    return {"parties": parties, "instruments": instruments, "sectors": sectors,
            "targets": [[] for _ in digest.targets]}


def focus_matches(focus: str, keys: list[str]) -> bool:
    """Whether a row with focus ``keys`` is behind a filter with ``focus`` (the page does
    the same in JavaScript)."""
    if focus.startswith("p:"):
        a, _, b = focus[2:].partition("|")
        return f"e:{a}" in keys and f"e:{b}" in keys
    return focus in keys


def _facts(digest: Digest, resolve: Resolution) -> _Facts:
    lookup = party_lookup(digest, resolve)
    entities = sorted({e for e in (resolve(p.entity_id) for p in digest.parties) if e})
    instruments: list[tuple[str, list[str]]] = []
    for i in digest.instruments:
        if i.background:
            continue
        ids = sorted({e for e in (instrument_entity(n, lookup) for n in i.parties) if e})
        instruments.append((i.status, ids))
    published = digest.article.published
    month = published[:7] if published and len(published) >= 7 else None
    return _Facts(entities, [e for e in entities if e.startswith("country:")],
                  sorted({s.label for s in digest.sectors}), instruments, month)


@dataclass
class _Filters:
    """Filters shared by marks: (label, focus) -> index into ``items``."""

    items: list[JSONDict] = field(default_factory=list)
    index: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, label: str, focus: str, articles: set[int] | list[int]) -> int:
        key = (label, focus)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append({"label": label, "focus": focus, "arts": sorted(articles)})
        return self.index[key]


class OverviewBuilder:
    """Collects per-article facts (``add``), then builds the overview JSON (``build``)."""

    def __init__(self, resolve: Resolution) -> None:
        self.resolve = resolve
        self.facts: list[_Facts] = []

    def add(self, digest: Digest) -> None:
        self.facts.append(_facts(digest, self.resolve))

    def build(self) -> JSONDict:
        filters = _Filters()
        by_entity: dict[str, set[int]] = defaultdict(set)
        for i, f in enumerate(self.facts):
            for e in f.entities:
                by_entity[e].add(i)
        ranked = sorted(by_entity, key=lambda e: (-len(by_entity[e]), e))
        network = self._network(ranked[:MAX_NODES], by_entity, filters)
        return {
            "articles": len(self.facts),
            "entities": len(by_entity),
            "network": network,
            "timeline": self._timeline(filters),
            "matrix": self._matrix(filters),
            "top": self._top(ranked[:MAX_TOP], by_entity, filters),
            "filters": filters.items,
        }

    def _label(self, entity: str) -> str:
        return self.resolve.name(entity)

    def _kind(self, entity: str) -> str:
        return entity.split(":", 1)[0]

    def _network(self, nodes: list[str], by_entity: dict[str, set[int]],
                 filters: _Filters) -> JSONDict:
        index = {e: k for k, e in enumerate(nodes)}
        pairs: dict[tuple[int, int], JSONDict] = {}
        for i, f in enumerate(self.facts):
            for status, ids in f.instruments:
                inside = sorted(index[e] for e in ids if e in index)
                for k, a in enumerate(inside):
                    for b in inside[k + 1:]:
                        edge = pairs.setdefault((a, b), {"n": 0, "rank": -1, "arts": set()})
                        edge["n"] += 1
                        edge["arts"].add(i)
                        if STATUS_RANK[status] > edge["rank"]:
                            edge["rank"], edge["status"] = STATUS_RANK[status], status
        strongest = sorted(pairs.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:MAX_EDGES]
        sizes = [len(by_entity[e]) for e in nodes]
        positions = layout([(a, b) for (a, b), _ in strongest], len(nodes))
        top = max(sizes, default=1)
        out_nodes = [{"id": e, "label": self._label(e), "kind": self._kind(e), "n": sizes[k],
                      "x": round(x, 1), "y": round(y, 1),
                      "r": round(5 + 15 * math.sqrt(sizes[k] / top), 1),
                      "f": filters.add(self._label(e), f"e:{e}", by_entity[e])}
                     for k, (e, (x, y)) in enumerate(zip(nodes, positions, strict=True))]
        edges = [{"a": a, "b": b, "n": d["n"], "status": d["status"],
                  "f": filters.add(f"{self._label(nodes[a])} – {self._label(nodes[b])}",
                                   f"p:{min(nodes[a], nodes[b])}|{max(nodes[a], nodes[b])}",
                                   d["arts"])}
                 for (a, b), d in strongest]
        return {"width": WIDTH, "height": HEIGHT, "nodes": out_nodes, "edges": edges}

    def _timeline(self, filters: _Filters) -> JSONDict:
        months = sorted({f.month for f in self.facts if f.month and f.instruments})
        unit = "month"
        if len(months) > MAX_BUCKETS:
            unit = "quarter" if len({m[:4] for m in months}) * 4 <= MAX_BUCKETS else "year"
        cells: dict[tuple[str, str], set[int]] = defaultdict(set)
        counts: Counter[tuple[str, str]] = Counter()
        undated = 0
        for i, f in enumerate(self.facts):
            for status, _ in f.instruments:
                if f.month is None:
                    undated += 1
                    continue
                key = (_bucket(f.month, unit), status)
                cells[key].add(i)
                counts[key] += 1
        buckets = sorted({b for b, _ in cells})
        marks = [{"b": buckets.index(b), "status": s, "n": counts[(b, s)],
                  "f": filters.add(f"{b} · {s.replace('_', ' ')}", f"st:{s}", arts)}
                 for (b, s), arts in sorted(cells.items())]
        return {"unit": unit, "buckets": buckets, "marks": marks, "undated": undated,
                "statuses": sorted(STATUS_RANK, key=lambda s: -STATUS_RANK[s])}

    def _matrix(self, filters: _Filters) -> JSONDict:
        per_country: Counter[str] = Counter(c for f in self.facts for c in f.countries)
        countries = [c for c, _ in sorted(per_country.items(), key=lambda kv: (-kv[1], kv[0]))
                     ][:MAX_COUNTRIES]
        chosen = set(countries)
        cells: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i, f in enumerate(self.facts):
            for s in f.sectors:
                for c in f.countries:
                    if c in chosen:
                        cells[(s, c)].add(i)
        per_sector: Counter[str] = Counter()
        for (s, _), arts in cells.items():
            per_sector[s] += len(arts)
        sectors = [s for s, _ in sorted(per_sector.items(), key=lambda kv: (-kv[1], kv[0]))]
        out = [{"s": sectors.index(s), "c": countries.index(c), "n": len(arts),
                "f": filters.add(f"{s} · {self._label(c)}", f"s:{s}", arts)}
               for (s, c), arts in sorted(cells.items())]
        return {"sectors": sectors, "countries": [self._label(c) for c in countries],
                "cells": out, "max": max((c["n"] for c in out), default=0)}

    def _top(self, ranked: Sequence[str], by_entity: dict[str, set[int]],
             filters: _Filters) -> list[JSONDict]:
        instruments: Counter[str] = Counter()
        signed: Counter[str] = Counter()
        for f in self.facts:
            for status, ids in f.instruments:
                for e in ids:
                    instruments[e] += 1
                    signed[e] += status in ("signed", "implemented")
        out = []
        for e in ranked:
            record = self.resolve.entities.get(e)
            out.append({"id": e, "label": self._label(e), "kind": self._kind(e),
                        "n": len(by_entity[e]), "instruments": instruments[e],
                        "signed": signed[e], "names": len(record.surfaces) if record else 0,
                        "f": filters.add(self._label(e), f"e:{e}", by_entity[e])})
        return out


def _bucket(month: str, unit: str) -> str:
    if unit == "month":
        return month
    if unit == "year":
        return month[:4]
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def layout(edges: Sequence[tuple[int, int]], count: int, iterations: int = 300,
           seed: int = 13) -> list[tuple[float, float]]:
    """Force-directed positions (Fruchterman–Reingold with a pull to the centre, so
    unconnected nodes stay near the middle instead of on the border), deterministic."""
    if count == 0:
        return []
    rng = random.Random(seed)
    cx, cy = WIDTH / 2, HEIGHT / 2
    pos = [[cx + math.cos(2 * math.pi * k / count) * WIDTH / 4 + rng.random(),
            cy + math.sin(2 * math.pi * k / count) * HEIGHT / 4 + rng.random()]
           for k in range(count)]
    ideal = math.sqrt(WIDTH * HEIGHT / count) * GAP
    temperature = WIDTH / 8
    for _ in range(iterations):
        moves = [[(cx - x) * GRAVITY, (cy - y) * GRAVITY * WIDTH / HEIGHT] for x, y in pos]
        for a in range(count):
            for b in range(a + 1, count):
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(math.hypot(dx, dy), 0.01)
                push = ideal * ideal / dist
                moves[a][0] += dx / dist * push
                moves[a][1] += dy / dist * push
                moves[b][0] -= dx / dist * push
                moves[b][1] -= dy / dist * push
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(math.hypot(dx, dy), 0.01)
            pull = dist * dist / ideal
            moves[a][0] -= dx / dist * pull
            moves[a][1] -= dy / dist * pull
            moves[b][0] += dx / dist * pull
            moves[b][1] += dy / dist * pull
        for k in range(count):
            length = max(math.hypot(*moves[k]), 0.01)
            step = min(length, temperature)
            pos[k][0] = min(WIDTH - 40, max(40, pos[k][0] + moves[k][0] / length * step))
            pos[k][1] = min(HEIGHT - 30, max(24, pos[k][1] + moves[k][1] / length * step))
        temperature = max(temperature * 0.97, 1.0)
    return [(x, y) for x, y in pos]
