"""Per-field matching of predicted digest items against gold items, and their scores.

Matching rules
--------------
Every field is matched **one to one, greedily by best score** (ties broken by list order),
so a duplicate in a prediction is a false positive.

Names (parties, and party names inside instruments) are compared by their key
(:func:`summarizer.text.name_key`): diacritics stripped ("Constanța" = "Constanta"),
case-folded, possessive "'s" dropped, periods and apostrophes dropped ("U.S." = "US"), other
punctuation turned into spaces, "&" read as "and", a leading "the" and leading person titles
(President, Prime Minister, Rear Admiral, Dr., Mr., ...) dropped, the tokens "US"/"USA"/"UK"
expanded, and finally the one country alias table applied to the whole name ("PRC",
"People's Republic of China" → "china"; "USA", "United States of America", "America" →
"united states"; "UK", "Britain" → "united kingdom"; "South Korea", "Korea", "ROK" →
"republic of korea"; "Turkey", "Türkiye" → "turkiye"; pycountry official names → common
names; "EU" → "european union"). The forms compared are built in
:mod:`summarizer.evaluation.normalise`. Two names then match, strongest rule first:

1. the normalized names are equal;
2. a variant is equal: the name without its parenthetical, an acronym in parentheses
   ("China Electronics Technology Group Corporation (CETC)" matches both "CETC" and the full
   name), or the name without a leading or trailing country ("U.S. National Science
   Foundation" matches "National Science Foundation"; two names that *both* lost a country,
   such as "U.S. AI Safety Institute" and "Korea AI Safety Institute", do not match);
3. an acronym equals the initials of the other name (stopwords skipped; for acronyms of
   three letters or more one skipped word is allowed: "CETC" matches "China Electronics
   Technology Group Corporation");
4. for persons (either side has kind ``person``): a single-token name equal to the other
   name's last token ("Iqbal" matches "Ahsan Iqbal"); middle initials and Jr./Sr. are ignored;
5. rapidfuzz ``token_sort_ratio`` of the normalized names (or variants) ≥ ``name_threshold``.

Fields:

* **parties** match by name only; ``party_kind_accuracy`` is the share of matched pairs
  whose ``kind`` agrees.
* **instruments** match when kind AND status are equal AND (their party lists overlap
  after name matching, or either list is empty, or the titles match as names). Among
  candidates, party overlap and title similarity decide. ``instruments_kind`` is a looser
  score matching on kind alone. With ``include_background=False`` background instruments are
  left out on both sides.
* **sectors** match on the exact label.
* **targets** match when their values agree (the numbers in ``value`` are equal, or one set
  contains the other; digits, thousands separators, the number words one..twenty and
  thousand/million/billion are understood, so "3 -> 6 ports" = "from three to six") and their
  deadlines do not disagree (when both name years, they share one); or else when the
  descriptions' content words have rapidfuzz ``token_set_ratio`` ≥ ``target_threshold``
  and share at least two content words (or all of a one-word description's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..errors import ConfigError
from ..text import name_key
from .normalise import NameForms, content_words, name_forms, numbers, person_form, years

__all__ = ["FIELDS", "ITEM_FIELDS", "FieldMatches", "FieldScore", "Item", "MatchConfig",
           "kind_accuracy", "match_fields", "name_score"]

Item = Mapping[str, Any]
ITEM_FIELDS: tuple[str, ...] = ("parties", "instruments", "sectors", "targets")
FIELDS: tuple[str, ...] = ("parties", "instruments", "instruments_kind", "sectors", "targets")
"""The keys of ``ArticleScore.fields`` and of the report's micro and macro tables."""


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds of the matcher (see the module doc for the rules)."""

    name_threshold: float = 88.0
    """rapidfuzz token_sort_ratio (0-100) two normalized names need."""
    target_threshold: float = 60.0
    """token_set_ratio (0-100) of target descriptions, when values and deadlines don't decide."""
    fact_threshold: float = 0.6
    """Share of a fact's content words the summary must contain for the fact to be covered."""
    include_background: bool = True
    """Score background instruments too."""

    def __post_init__(self) -> None:
        for name in ("name_threshold", "target_threshold"):
            if not 0 < getattr(self, name) <= 100:
                raise ConfigError(f"scoring {name} must be in (0, 100]")
        if not 0 < self.fact_threshold <= 1:
            raise ConfigError("scoring fact_threshold must be in (0, 1]; 0.6 is the default")


@dataclass(frozen=True)
class FieldScore:
    """True positives, false positives and false negatives of one field.

    Zero denominators: P = R = F1 = 1.0 when nothing is predicted and nothing is in gold;
    when only one side is empty, precision and recall are 0.0 (so F1 is 0.0).
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: FieldScore) -> FieldScore:
        return FieldScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class FieldMatches:
    """The items of one field on both sides and the ``(pred index, gold index)`` pairs."""

    pred: tuple[Item, ...]
    gold: tuple[Item, ...]
    pairs: tuple[tuple[int, int], ...]

    @property
    def matched(self) -> list[tuple[Item, Item]]:
        """``(pred, gold)`` item pairs, strongest match first."""
        return [(self.pred[i], self.gold[j]) for i, j in self.pairs]

    @property
    def matched_gold(self) -> frozenset[int]:
        return frozenset(j for _, j in self.pairs)

    @property
    def unmatched_pred(self) -> list[Item]:
        """False positives, in prediction order."""
        used = {i for i, _ in self.pairs}
        return [x for i, x in enumerate(self.pred) if i not in used]

    @property
    def unmatched_gold(self) -> list[Item]:
        """False negatives, in gold order."""
        used = self.matched_gold
        return [x for j, x in enumerate(self.gold) if j not in used]

    @property
    def score(self) -> FieldScore:
        tp = len(self.pairs)
        return FieldScore(tp, len(self.pred) - tp, len(self.gold) - tp)


# --------------------------------------------------------------------------- names


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _acronym_fits(acronym: str, initials: str) -> bool:
    if acronym == initials:
        return True
    return (len(acronym) >= 3 and len(acronym) >= len(initials) - 1
            and acronym[0] == initials[0] and acronym[-1] == initials[-1]
            and _is_subsequence(acronym, initials))


def _variant_equal(a: NameForms, b: NameForms) -> bool:
    if a.acronyms & b.acronyms or a.acronyms & {f for f, _ in b.forms}:
        return True
    if b.acronyms & {f for f, _ in a.forms}:
        return True
    return any(fa == fb for fa, sa in a.forms for fb, sb in b.forms if not (sa and sb))


def _surname_match(a: NameForms, b: NameForms) -> bool:
    ta, tb = person_form(a.exact).split(), person_form(b.exact).split()
    if len(ta) == 1 and len(tb) > 1:
        return ta[0] == tb[-1]
    return len(tb) == 1 and len(ta) > 1 and tb[0] == ta[-1]


def _fuzzy(a: NameForms, b: NameForms) -> float:
    return max((fuzz.token_sort_ratio(fa, fb) for fa, sa in a.forms for fb, sb in b.forms
                if not (sa and sb)), default=0.0)


def name_score(pred: str, gold: str, *, person: bool = False, threshold: float = 88.0) -> float:
    """How well two names match: 300 equal, 200 variant, 150 acronym, 120 surname,
    else the fuzzy ratio when it reaches ``threshold``; 0.0 when they do not match."""
    a, b = name_forms(pred, person), name_forms(gold, person)
    if not a.exact or not b.exact:
        return 0.0
    if a.exact == b.exact:
        return 300.0
    if _variant_equal(a, b):
        return 200.0
    if any(_acronym_fits(x, i) for x in a.acronyms for i in b.initials) or any(
        _acronym_fits(x, i) for x in b.acronyms for i in a.initials
    ):
        return 150.0
    if person and _surname_match(a, b):
        return 120.0
    ratio = _fuzzy(a, b)
    return ratio if ratio >= threshold else 0.0


# --------------------------------------------------------------------------- matching


def _greedy(n_pred: int, n_gold: int, score: Callable[[int, int], float]) -> tuple[
        tuple[int, int], ...]:
    """One-to-one pairs, best score first; ties go to the earlier prediction, then gold."""
    candidates = sorted((-s, i, j) for i in range(n_pred) for j in range(n_gold)
                        if (s := score(i, j)) > 0)
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
            pairs.append((i, j))
    return tuple(pairs)


@dataclass(frozen=True)
class _Context:
    config: MatchConfig
    persons: frozenset[str]
    """Normalized names of the persons among the gold and predicted parties."""

    def names(self, pred: str, gold: str) -> float:
        person = name_key(pred) in self.persons or name_key(gold) in self.persons
        return name_score(pred, gold, person=person, threshold=self.config.name_threshold)


def _match(pred: Sequence[Item], gold: Sequence[Item],
           score: Callable[[Item, Item], float]) -> FieldMatches:
    pairs = _greedy(len(pred), len(gold), lambda i, j: score(pred[i], gold[j]))
    return FieldMatches(tuple(pred), tuple(gold), pairs)


def _party_score(ctx: _Context, p: Item, g: Item) -> float:
    person = "person" in (p.get("kind"), g.get("kind"))
    return name_score(str(p.get("name") or ""), str(g.get("name") or ""), person=person,
                      threshold=ctx.config.name_threshold)


def _party_overlap(ctx: _Context, pred: Sequence[str], gold: Sequence[str]) -> float:
    """Share of the longer party list that the other list matches (0.0 when one is empty)."""
    if not pred or not gold:
        return 0.0
    hits = sum(1 for g in gold if any(ctx.names(p, g) > 0 for p in pred))
    return hits / max(len(pred), len(gold))


def _titles(ctx: _Context, p: Item, g: Item) -> tuple[bool, float]:
    """Whether the titles match as names, and their token_set_ratio (0 when one is absent)."""
    pt, gt = p.get("title"), g.get("title")
    if not pt or not gt:
        return False, 0.0
    similarity = fuzz.token_set_ratio(name_key(pt), name_key(gt))
    return ctx.names(pt, gt) > 0, float(similarity)


def _instrument_score(ctx: _Context, p: Item, g: Item, *, strict: bool) -> float:
    if p.get("kind") != g.get("kind"):
        return 0.0
    same_status = p.get("status") == g.get("status")
    pp, gp = list(p.get("parties") or []), list(g.get("parties") or [])
    overlap = _party_overlap(ctx, pp, gp)
    title_hit, similarity = _titles(ctx, p, g)
    if strict and not (same_status and (overlap > 0 or not pp or not gp or title_hit)):
        return 0.0
    return 1.0 + 100 * overlap + similarity + 100 * title_hit + 50 * same_status


def _description_similarity(a: str | None, b: str | None) -> float:
    """token_set_ratio of the content words; 0.0 unless they share two (or all of the shorter)."""
    wa, wb = content_words(a or ""), content_words(b or "")
    if not wa or not wb or len(set(wa) & set(wb)) < min(2, len(set(wa)), len(set(wb))):
        return 0.0
    return float(fuzz.token_set_ratio(" ".join(wa), " ".join(wb), processor=default_process))


def _values_agree(pred: Item, gold: Item) -> bool:
    """Whether two targets state the same numbers without contradicting deadline years."""
    pn, gn = numbers(pred.get("value")), numbers(gold.get("value"))
    if not pn or not gn or not (pn <= gn or gn <= pn):
        return False
    py, gy = years(pred.get("deadline")), years(gold.get("deadline"))
    return not (py and gy and not py & gy)


def _target_score(ctx: _Context, p: Item, g: Item) -> float:
    similarity = _description_similarity(p.get("description"), g.get("description"))
    if _values_agree(p, g):
        return 200.0 + similarity
    return similarity if similarity >= ctx.config.target_threshold else 0.0


def _sector_score(p: Item, g: Item) -> float:
    return 1.0 if p.get("label") == g.get("label") else 0.0


def _items(side: Mapping[str, Any], key: str, include_background: bool) -> list[Item]:
    items = [x if isinstance(x, Mapping) else {"label": x} for x in side.get(key) or []]
    if key == "instruments" and not include_background:
        items = [x for x in items if not x.get("background")]
    return items


def match_fields(pred: Mapping[str, Any], gold: Mapping[str, Any],
                 config: MatchConfig) -> dict[str, FieldMatches]:
    """Every field of one prediction matched against its gold annotation."""
    side = {k: (_items(pred, k, config.include_background),
                _items(gold, k, config.include_background)) for k in ITEM_FIELDS}
    persons = frozenset(name_key(str(x.get("name") or "")) for x in
                        (*side["parties"][0], *side["parties"][1]) if x.get("kind") == "person")
    ctx = _Context(config, persons)
    return {
        "parties": _match(*side["parties"], lambda p, g: _party_score(ctx, p, g)),
        "instruments": _match(*side["instruments"],
                              lambda p, g: _instrument_score(ctx, p, g, strict=True)),
        "instruments_kind": _match(*side["instruments"],
                                   lambda p, g: _instrument_score(ctx, p, g, strict=False)),
        "sectors": _match(*side["sectors"], _sector_score),
        "targets": _match(*side["targets"], lambda p, g: _target_score(ctx, p, g)),
    }


def kind_accuracy(pairs: Sequence[tuple[Item, Item]]) -> float | None:
    """Share of matched (pred, gold) party pairs whose kind agrees; None without pairs."""
    if not pairs:
        return None
    return sum(bool(p.get("kind") == g.get("kind")) for p, g in pairs) / len(pairs)
