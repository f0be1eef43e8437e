"""The canned model answers of the peer benchmark, and the stand-in 'model' that serves them.

Every system gets the *same* items for an article, each in its own output format. Items come
from the dev set's gold (party names, instrument titles, sector labels, targets), each with
one quote cut from the article around its anchor (the name, title, sector word or target
figure). By position in the list a quote is kept exact, re-spaced (line breaks and runs of
spaces → one space, curly → straight quotes: what models write), one word short, or
invented: slots 0, 1, 3 exact, slot 2 altered, slot 4 invented, repeating every five items.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from standin import Step, ok

Json = dict[str, Any]
Variant = Literal["exact", "respaced", "word_dropped", "invented"]
VARIANTS: tuple[Variant, ...] = ("exact", "respaced", "word_dropped", "invented")
FIELDS = ("parties", "instruments", "sectors", "targets")
LIMITS = {"parties": 12, "instruments": 8, "sectors": 8, "targets": 8}  # DigestDraft's caps
LABEL_KEY = {"parties": "name", "instruments": "title", "sectors": "label",
             "targets": "description"}
LX_CLASS = {"parties": "party", "instruments": "instrument", "sectors": "sector",
            "targets": "target"}
FIELD_OF_CLASS = {cls: name for name, cls in LX_CLASS.items()}
SUMMARIZER_MODEL, PLAIN_MODEL, LX_MODEL = "bench-summarizer", "bench-plain", "bench-langextract"
Span = tuple[int, int]


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str


def read_jsonl(path: Path) -> list[Json]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class Item:
    """One item the stand-in 'model' reports; ``text[start:end]`` is where its quote is from."""

    field: str
    label: str
    attrs: dict[str, str]
    anchor: int
    start: int
    end: int
    variant: Variant

    @property
    def key(self) -> tuple[str, str]:
        return self.field, self.label

    def span(self, lo: int = 0, hi: int | None = None) -> Span:
        """The source span, cut to ``[lo, hi)`` (a LangExtract chunk)."""
        return max(self.start, lo), self.end if hi is None else min(self.end, hi)

    def quote(self, text: str, lo: int = 0, hi: int | None = None) -> str:
        """The quote as the model writes it."""
        start, end = self.span(lo, hi)
        return alter(text[start:end], self.variant, self)


_INVENTED = {
    "parties": "{label} also agreed to open a joint naval academy in Reykjavik",
    "instruments": "a twelve-year lending facility worth 40 billion euros was signed in Oslo",
    "sectors": "joint work on fusion reactors and lunar mining",
    "targets": "to triple bilateral trade to 90 billion dollars by 2031",
}
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_SMALL_WORDS = {"the", "and", "of", "to", "a", "in", "for", "on", "with", "will"}


def respaced(span: str) -> str:
    return " ".join(span.translate(_STRAIGHT).split())


def drop_word(span: str) -> str:
    """The span less one inner word (a small word near the middle when there is one)."""
    words = span.split(" ")
    small = [i for i in range(1, len(words) - 1) if words[i].lower() in _SMALL_WORDS]
    victim = small[len(small) // 2] if small else len(words) // 2
    return " ".join(words[:victim] + words[victim + 1:])


def alter(span: str, variant: Variant, item: Item) -> str:
    if variant == "respaced":
        return respaced(span)
    if variant == "word_dropped":
        return drop_word(span)
    if variant == "invented":
        return _INVENTED[item.field].format(label=item.label)
    return span


_GAP = re.compile(r"(?<=[a-z0-9)”\"][.!?])\s+(?=[A-Z“\"])|\n[ \t]*\n")
_LEAD = " \t\n*#->•"


def window(text: str, pos: int, length: int, before: int = 60, after: int = 90) -> Span:
    """A quote's span around ``text[pos:pos+length]``: inside its sentence, at word edges."""
    lo, hi = max(0, pos - before), min(len(text), pos + length + after)
    for gap in _GAP.finditer(text, lo, pos):
        lo = gap.end()
    nxt = _GAP.search(text, pos + length, hi)
    hi = nxt.start() if nxt else hi
    while 0 < lo < pos and not text[lo - 1].isspace():
        lo += 1
    while pos + length < hi < len(text) and not text[hi].isspace():
        hi -= 1
    while lo < pos and text[lo] in _LEAD:
        lo += 1
    return lo, len(text[:hi].rstrip())


def _find(text: str, terms: Iterable[str | None]) -> Span | None:
    """(position, length) of the first term found, ignoring case."""
    for term in terms:
        if term and (hit := re.search(re.escape(term), text, re.IGNORECASE)):
            return hit.start(), len(term)
    return None


_KIND_WORDS = {"mou": ["Memorandum of Understanding", "MOU"], "treaty": ["Treaty"],
               "joint_statement": ["Joint Statement"], "agreement": ["Agreement"],
               "partnership": ["Partnership"], "framework": ["Framework"],
               "initiative": ["Initiative"], "grant": ["grant"], "loan": ["loan"],
               "corridor": ["Corridor"]}
_CAPS = {"name": 120, "title": 200, "description": 300, "value": 80, "deadline": 40}
Anchor = tuple[str, dict[str, str], Span | None]


def _anchors(gold: Json, text: str) -> Iterable[Anchor]:
    for party in gold.get("parties", []):
        attrs = {"name": party["name"], "kind": party["kind"]}
        yield "parties", attrs, _find(text, [party["name"]])
    for inst in gold.get("instruments", []):
        attrs = {"title": inst.get("title") or inst["kind"], "kind": inst["kind"],
                 "status": inst["status"]}
        yield "instruments", attrs, _find(text, [inst.get("title"),
                                                 *_KIND_WORDS.get(inst["kind"], [])])
    for label in gold.get("sectors", []):
        words = [w for w in label.split() if len(w) >= 4]
        yield "sectors", {"label": label}, _find(text, [label, *words])
    wills = [m.start() + 1 for m in re.finditer(" will ", text)]
    for n, target in enumerate(gold.get("targets", [])):
        hit = _find(text, [target.get("value"), target.get("deadline")])
        if hit is None and n < len(wills):
            hit = (wills[n], 4)
        attrs = {k: target[k] for k in ("description", "value", "deadline") if target.get(k)}
        yield "targets", attrs, hit


def canned_items(doc: Doc, gold: Json | None) -> list[Item]:
    """The items the stand-in reports for ``doc`` (gold items it cannot anchor are skipped)."""
    items: list[Item] = []
    counts: Counter[str] = Counter()
    for name, raw, hit in _anchors(gold or {}, doc.text):
        attrs = {key: value[:_CAPS.get(key, 80)] for key, value in raw.items()}
        label = attrs[LABEL_KEY[name]]
        seen = any(i.key == (name, label) for i in items)
        if hit is None or seen or counts[name] >= LIMITS[name]:
            continue
        counts[name] += 1
        start, end = window(doc.text, *hit)
        items.append(Item(name, label, attrs, hit[0], start, end,
                          _variant(len(items), doc.text[start:end])))
    return items


def _variant(index: int, span: str) -> Variant:
    slot = index % 5
    if slot == 4:
        return "invented"
    if slot != 2:
        return "exact"
    wants_respace = (index // 5) % 2 == 0
    return "respaced" if wants_respace and respaced(span) != span else "word_dropped"


# --------------------------------------------------------------------------- answers


def digest_answer(doc: Doc, items: Sequence[Item]) -> str:
    """A DigestDraft-shaped answer (summarizer and the plain script)."""
    head = " ".join(doc.title.split())[:180] or doc.id
    body: Json = {"summary": {"headline": head, "one_line": f"The release reports: {head}.",
                              "bullets": [head, "Several parties cooperate.",
                                          "Details follow in the article."]}}
    for name in FIELDS:
        body[name] = [{**item.attrs, "evidence": [item.quote(doc.text)]}
                      for item in items if item.field == name]
    return json.dumps(body, ensure_ascii=False)


def chunk_items(items: Sequence[Item], lo: int, hi: int) -> list[Item]:
    """The items a model sees in chunk ``[lo, hi)``, in order of appearance (as LangExtract's
    examples teach; its exact aligner keeps that order)."""
    return sorted((item for item in items if lo <= item.anchor < hi), key=lambda i: i.start)


def langextract_answer(doc: Doc, items: Sequence[Item], lo: int, hi: int) -> str:
    """LangExtract's ``{"extractions": [...]}`` for the chunk ``doc.text[lo:hi]``."""
    rows = [{LX_CLASS[item.field]: item.quote(doc.text, lo, hi),
             f"{LX_CLASS[item.field]}_attributes": item.attrs}
            for item in chunk_items(items, lo, hi)]
    return json.dumps({"extractions": rows}, ensure_ascii=False)


@dataclass(frozen=True)
class Served:
    """One request the stand-in answered, and the source span of every quote it sent."""

    model: str
    doc_id: str
    request: Json
    answer: str
    spans: dict[tuple[str, str], Span]


class StandinModel:
    """Plays the model: finds the article (or chunk) a request is about and answers it."""

    def __init__(self, docs: Sequence[Doc], items: dict[str, list[Item]]) -> None:
        self.docs, self.items = docs, items
        self.log: list[Served] = []
        self._lock = threading.Lock()

    def step(self, request: Json) -> Step:
        model = str(request.get("model"))
        prompt = "\n".join(str(m.get("content") or "") for m in request.get("messages", []))
        if model == LX_MODEL:
            served = self._chunk(model, request, prompt)
        else:
            doc = next(d for d in self.docs if d.text in prompt)
            items = self.items[doc.id]
            served = Served(model, doc.id, request, digest_answer(doc, items),
                            {i.key: i.span() for i in items})
        with self._lock:
            self.log.append(served)
        return ok(served.answer, tool_call=model == PLAIN_MODEL)

    def _chunk(self, model: str, request: Json, prompt: str) -> Served:
        """LangExtract's prompt ends with ``Q: <chunk>\\nA: ``."""
        chunk = prompt[prompt.rindex("\nQ: ") + 4:prompt.rindex("\nA: ")]
        doc = next(d for d in self.docs if chunk in d.text)
        lo = doc.text.index(chunk)
        hi = lo + len(chunk)
        items = self.items[doc.id]
        spans = {i.key: i.span(lo, hi) for i in chunk_items(items, lo, hi)}
        return Served(model, doc.id, request, langextract_answer(doc, items, lo, hi), spans)
