"""Score predicted digests against gold annotations: per-field P/R/F1, grounding, fact coverage.

A prediction is a :class:`~summarizer.models.Digest` or the dict
``Digest.model_dump(mode="json")`` gives. A gold annotation is one line of ``gold.jsonl``:
``id``, ``parties`` [{name, kind, role}], ``instruments`` [{kind, title, status, parties,
background}], ``sectors`` [labels], ``targets`` [{description, value, unit, deadline}] and
``summary_facts`` [str]. The scorer is deterministic and uses no model.

Matching rules
--------------
Every field is matched **one to one, greedily by best score** (ties broken by list order),
so a duplicate in a prediction is a false positive.

Names (parties, and party names inside instruments) are normalized first: NFKD with the
diacritics stripped ("Constanța" = "Constanta"), case-folded, possessive "'s" dropped,
periods and apostrophes dropped ("U.S." = "US"), other punctuation turned into spaces,
"&" read as "and", a leading "the" and leading person titles (President, Vice President,
Prime Minister, Minister, Ambassador, Rear Admiral, Dr., Mr., Ms., ...) dropped, the tokens
"US"/"USA"/"UK" expanded, and finally an alias table applied to the whole name ("PRC",
"People's Republic of China" → "china"; "USA", "United States of America", "America" →
"united states"; "UK", "Britain" → "united kingdom"; "UAE" → "united arab emirates";
"South Korea", "Korea", "ROK" → "republic of korea"; pycountry official names → common
names). Two names then match, strongest rule first:

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

Summary fact coverage: each gold fact and the digest's summary (headline, one-line and
bullets) are reduced to content words: folded to ASCII, lower-cased, "US"/"UK"/"EU"/"UAE"/
"PRC" expanded, stopwords and one-letter words dropped, number words one..twenty turned into
digits, numbers kept (without thousands separators) and words lightly stemmed (plural
"s"/"ies", "ing", "ed", final "e"). A fact is covered when at least ``fact_threshold`` of
its distinct content words occur in the summary. ``fact_coverage`` is the covered share.

Grounding rate: the share of predicted items (parties, instruments, sectors, targets) that
have at least one evidence span and whose every span satisfies ``text[start:end] == quote``
on the prediction's ``article.text``. ``None`` when nothing is predicted.

Scores: ``precision = tp / (tp + fp)`` and ``recall = tp / (tp + fn)``. An empty side
only scores perfectly when the other side is empty too: with nothing predicted and nothing
in gold P = R = F1 = 1.0; with nothing predicted but gold items, P = R = F1 = 0.0; with
predictions but no gold items, P = R = F1 = 0.0. Micro scores sum tp/fp/fn over articles;
macro scores average each article's P/R/F1 (negative articles included). An article without
a prediction counts as all false negatives, with fact coverage 0.0.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

import pycountry
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..errors import ConfigError, InputError
from ..models import Digest

log = logging.getLogger("summarizer.evaluation.scoring")

Item = Mapping[str, Any]
Prediction = Digest | Mapping[str, Any]
ITEM_FIELDS: tuple[str, ...] = ("parties", "instruments", "sectors", "targets")
FIELDS: tuple[str, ...] = ("parties", "instruments", "instruments_kind", "sectors", "targets")
"""The keys of ``ArticleScore.fields`` and of the report's micro and macro tables."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds of the matcher (see the module docstring for the rules)."""

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


@dataclass(frozen=True)
class ArticleScore:
    """The scores of one article, with the matches behind them."""

    article_id: str
    fields: dict[str, FieldScore]
    grounding_rate: float | None
    fact_coverage: float | None
    matches: dict[str, FieldMatches]
    party_kind_accuracy: float | None = None
    facts_covered: tuple[bool, ...] = ()
    """Per gold fact with content words, whether the summary covers it."""
    has_prediction: bool = True


@dataclass(frozen=True)
class EvalReport:
    """Scores over a whole gold set for one system."""

    articles: list[ArticleScore]
    micro: dict[str, FieldScore]
    macro: dict[str, tuple[float, float, float]]
    grounding_rate: float | None
    fact_coverage: float | None
    party_kind_accuracy: float | None = None
    missing: tuple[str, ...] = ()
    """Gold ids without a prediction (scored as all false negatives)."""
    unknown: tuple[str, ...] = field(default=())
    """Predicted ids with no gold annotation (not scored)."""


# --------------------------------------------------------------------------- text folding

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                       "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def _fold(text: str) -> str:
    """NFKD without combining marks, plus a few letters NFKD keeps whole."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


# --------------------------------------------------------------------------- names

_TITLES: tuple[tuple[str, ...], ...] = tuple(sorted((tuple(t.split()) for t in (
    "first lady", "vice president", "prime minister", "rear admiral", "vice admiral",
    "his excellency", "her excellency", "his majesty", "her majesty", "his highness",
    "her highness", "crown prince", "president", "minister", "ambassador", "admiral", "mr",
    "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "senator", "sen",
    "secretary", "governor", "chairman", "chairwoman", "chancellor", "king", "queen",
    "prince", "princess", "sheikh", "sheikha", "emir", "hon", "honorable", "honourable",
    "mayor", "premier")), key=len, reverse=True))
_TOKEN_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("united", "states"), "usa": ("united", "states"), "uk": ("united", "kingdom")}
_ALIASES: dict[str, str] = {
    "prc": "china", "people's republic of china": "china", "peoples republic of china": "china",
    "mainland china": "china", "america": "united states", "united states of america":
    "united states", "britain": "united kingdom", "great britain": "united kingdom",
    "united kingdom of great britain and northern ireland": "united kingdom",
    "uae": "united arab emirates", "emirates": "united arab emirates",
    "south korea": "republic of korea", "korea": "republic of korea", "rok": "republic of korea",
    "korea, republic of": "republic of korea", "north korea": "dprk",
    "democratic people's republic of korea": "dprk", "eu": "european union",
    "russian federation": "russia", "viet nam": "vietnam", "turkiye": "turkey",
    "republic of turkiye": "turkey", "czech republic": "czechia", "ksa": "saudi arabia",
    "kingdom of saudi arabia": "saudi arabia", "drc": "democratic republic of the congo",
    "dr congo": "democratic republic of the congo",
}
_STOP_INITIALS = frozenset({"of", "and", "the", "for", "on", "in", "to", "de", "da", "du",
                            "des", "la", "le", "at", "a", "an"})
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_DROPPED = re.compile(r"[.'’`]")
_NON_WORD = re.compile(r"[^\w\s]|_")
_PAREN = re.compile(r"\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,11}")


def _strip_leading(tokens: list[str]) -> list[str]:
    """Drop a leading "the" and leading person titles, keeping at least one token."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if tokens[0] == "the":
            tokens, changed = tokens[1:], True
            continue
        for title in _TITLES:
            if len(tokens) > len(title) and tuple(tokens[: len(title)]) == title:
                tokens, changed = tokens[len(title):], True
                break
    return tokens


def _tokens(name: str) -> list[str]:
    """The name's words after folding, punctuation and title handling (no whole-name alias)."""
    text = _fold(name).casefold().replace("&", " and ")
    text = _NON_WORD.sub(" ", _DROPPED.sub("", _POSSESSIVE.sub("", text)))
    out: list[str] = []
    for token in text.split():
        out.extend(_TOKEN_ALIASES.get(token, (token,)))
    return _strip_leading(out)


def _clean(name: str) -> str:
    return " ".join(_tokens(name))


@cache
def _alias_table() -> dict[str, str]:
    """Cleaned alias → cleaned canonical name: pycountry names plus the explicit table."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        if "," in country.name and not common:
            continue
        canonical = _clean(common or country.name)
        for raw in (country.name, getattr(country, "official_name", None), common):
            if raw:
                table[_clean(raw)] = canonical
    explicit = {_clean(k): _clean(v) for k, v in _ALIASES.items()}
    table = {k: explicit.get(v, v) for k, v in table.items()}
    table.update(explicit)
    return table


@cache
def _country_names() -> frozenset[tuple[str, ...]]:
    table = _alias_table()
    return frozenset(tuple(n.split()) for n in (*table, *table.values()))


def normalize_name(name: str) -> str:
    """The comparable form of a name: folded, untitled, with country aliases resolved.

    >>> normalize_name("The People's Republic of China"), normalize_name("U.S.")
    ('china', 'united states')
    """
    cleaned = _clean(name)
    return _alias_table().get(cleaned, cleaned)


def _without_country(form: str) -> str | None:
    """The form without a leading or trailing country name, if two or more words remain."""
    tokens = form.split()
    countries = _country_names()
    if tuple(tokens) in countries:
        return None
    for n in range(min(6, len(tokens) - 2), 0, -1):
        head = _strip_leading(tokens[n:])
        if tuple(tokens[:n]) in countries and len(head) > 1:
            return " ".join(head)
        tail = tokens[:-n][:-1] if tokens[-n - 1] == "of" else tokens[:-n]
        if tuple(tokens[-n:]) in countries and len(tail) > 1:
            return " ".join(tail)
    return None


@dataclass(frozen=True)
class _Name:
    """Everything a name is compared by."""

    exact: str
    forms: tuple[tuple[str, bool], ...]
    """(normalized variant, whether it lost a country), the exact form first."""
    acronyms: frozenset[str]
    initials: frozenset[str]


def _acronym(raw: str) -> str | None:
    raw = raw.strip()
    if _ACRONYM.fullmatch(raw) and sum(c.isupper() for c in raw) >= 2:
        return re.sub(r"[^a-z0-9]", "", _fold(raw).casefold())
    return None


def _initials(form: str) -> str:
    return "".join(t[0] for t in form.split() if t not in _STOP_INITIALS)


def _person_form(form: str) -> str:
    """A person's name without initials and Jr./Sr. suffixes."""
    return " ".join(t for t in form.split() if len(t) > 1 and t not in _NAME_SUFFIXES)


@lru_cache(maxsize=4096)
def _name(raw: str, person: bool) -> _Name:
    exact = normalize_name(raw)
    inner = [m.strip() for m in _PAREN.findall(raw)]
    plain = [exact, normalize_name(_PAREN.sub(" ", raw))]
    if person:
        plain += [_person_form(f) for f in plain]
    plain = [f for f in dict.fromkeys(plain) if f]
    forms = [(f, False) for f in plain]
    if not person:
        stripped = (_without_country(f) for f in plain)
        forms += [(s, True) for s in dict.fromkeys(stripped) if s and s not in plain]
    acronyms = frozenset(a for a in (_acronym(raw), *map(_acronym, inner)) if a)
    initials = frozenset(_initials(f) for f, _ in forms if len(f.split()) > 1)
    return _Name(exact, tuple(forms), acronyms, initials)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _acronym_fits(acronym: str, initials: str) -> bool:
    if acronym == initials:
        return True
    return (len(acronym) >= 3 and len(acronym) >= len(initials) - 1
            and acronym[0] == initials[0] and acronym[-1] == initials[-1]
            and _is_subsequence(acronym, initials))


def _variant_equal(a: _Name, b: _Name) -> bool:
    if a.acronyms & b.acronyms or a.acronyms & {f for f, _ in b.forms}:
        return True
    if b.acronyms & {f for f, _ in a.forms}:
        return True
    return any(fa == fb for fa, sa in a.forms for fb, sb in b.forms if not (sa and sb))


def _surname_match(a: _Name, b: _Name) -> bool:
    ta, tb = _person_form(a.exact).split(), _person_form(b.exact).split()
    if len(ta) == 1 and len(tb) > 1:
        return ta[0] == tb[-1]
    return len(tb) == 1 and len(ta) > 1 and tb[0] == ta[-1]


def _fuzzy(a: _Name, b: _Name) -> float:
    return max((fuzz.token_sort_ratio(fa, fb) for fa, sa in a.forms for fb, sb in b.forms
                if not (sa and sb)), default=0.0)


def name_score(pred: str, gold: str, *, person: bool = False, threshold: float = 88.0) -> float:
    """How well two names match: 300 equal, 200 variant, 150 acronym, 120 surname,
    else the fuzzy ratio when it reaches ``threshold``; 0.0 when they do not match."""
    a, b = _name(pred, person), _name(gold, person)
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


# --------------------------------------------------------------------------- numbers, words

_NUMBER_WORD_TEXT = ("zero one two three four five six seven eight nine ten eleven twelve "
                     "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty")
_NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBER_WORD_TEXT.split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
_NUMBER = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
    r"(?:\s*(" + "|".join(_SCALES) + r")\b)?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[a-z]+")
_ABBREVIATIONS = (
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b"), " united states "),
    (re.compile(r"\bU\.K\.|\bUK\b"), " united kingdom "),
    (re.compile(r"\bUAE\b"), " united arab emirates "),
    (re.compile(r"\bEU\b"), " european union "),
    (re.compile(r"\bPRC\b"), " china "),
    (re.compile(r"\bROK\b"), " republic of korea "),
)
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
per via within upon among amid s t
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def numbers(text: str | None) -> frozenset[float]:
    """The numbers a string states: digits, one..twenty, and thousand/million/billion."""
    found: set[float] = set()
    for digits, scale in _NUMBER.findall((text or "").casefold()):
        value = float(_NUMBER_WORDS.get(digits, 0)) if digits.isalpha() else float(
            digits.replace(",", ""))
        found.add(round(value * _SCALES.get(scale, 1.0), 6))
    return frozenset(found)


def _stem(word: str) -> str:
    if word[0].isdigit():
        return word.replace(",", "")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_words(text: str) -> list[str]:
    """The stemmed content words of a text, in order (see the module docstring)."""
    text = _fold(text)
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    words = (str(_NUMBER_WORDS.get(w, w)) for w in _WORD.findall(text.casefold()))
    return [_stem(w) for w in words if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


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
        person = normalize_name(pred) in self.persons or normalize_name(gold) in self.persons
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
    similarity = fuzz.token_set_ratio(normalize_name(pt), normalize_name(gt))
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
    py = set(_YEAR.findall(pred.get("deadline") or ""))
    gy = set(_YEAR.findall(gold.get("deadline") or ""))
    return not (py and gy and not py & gy)


def _target_score(ctx: _Context, p: Item, g: Item) -> float:
    similarity = _description_similarity(p.get("description"), g.get("description"))
    if _values_agree(p, g):
        return 200.0 + similarity
    return similarity if similarity >= ctx.config.target_threshold else 0.0


def _sector_score(p: Item, g: Item) -> float:
    return 1.0 if p.get("label") == g.get("label") else 0.0


# --------------------------------------------------------------------------- one article


def _as_dict(pred: Prediction | None, article_id: str) -> dict[str, Any]:
    if pred is None:
        return {}
    if isinstance(pred, Digest):
        return pred.model_dump(mode="json")
    if isinstance(pred, Mapping):
        return dict(pred)
    raise InputError(f"the prediction is a {type(pred).__name__}; pass a Digest or its JSON "
                     "dict (Digest.model_dump(mode='json'))", source=article_id)


def _gold_id(gold: Mapping[str, Any], where: str) -> str:
    if not isinstance(gold, Mapping) or not isinstance(gold.get("id"), str):
        raise InputError(f"{where} has no string 'id'; every gold annotation needs the id of "
                         "the article it annotates")
    return str(gold["id"])


def _items(side: Mapping[str, Any], key: str, include_background: bool) -> list[Item]:
    items = [x if isinstance(x, Mapping) else {"label": x} for x in side.get(key) or []]
    if key == "instruments" and not include_background:
        items = [x for x in items if not x.get("background")]
    return items


def _span_ok(evidence: object, text: str) -> bool:
    if not isinstance(evidence, Mapping):
        return False
    start, end = evidence.get("start"), evidence.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return False
    return end <= len(text) and text[start:end] == evidence.get("quote")


def _verified(item: Item, text: str | None) -> bool:
    evidence = item.get("evidence") or []
    return bool(evidence) and text is not None and all(_span_ok(e, text) for e in evidence)


def _grounding_rate(pred: Mapping[str, Any]) -> float | None:
    """Share of predicted items with evidence that all checks out; None if nothing predicted."""
    text = (pred.get("article") or {}).get("text")
    items = [x for key in ITEM_FIELDS for x in pred.get(key) or []]
    if not items:
        return None
    return sum(_verified(x, text) for x in items) / len(items)


def _summary_text(pred: Mapping[str, Any]) -> str:
    summary = pred.get("summary") or {}
    parts = [summary.get("headline") or "", summary.get("one_line") or ""]
    return "\n".join([*parts, *(summary.get("bullets") or [])])


def _facts_covered(facts: Iterable[str], summary: str, threshold: float) -> tuple[bool, ...]:
    """Per fact with content words, whether the summary holds ``threshold`` of them."""
    have = set(content_words(summary))
    out: list[bool] = []
    for fact in facts:
        words = set(content_words(fact))
        if words:
            out.append(len(words & have) / len(words) >= threshold)
    return tuple(out)


def _match_fields(pred: Mapping[str, Any], gold: Mapping[str, Any],
                  config: MatchConfig) -> dict[str, FieldMatches]:
    side = {k: (_items(pred, k, config.include_background),
                _items(gold, k, config.include_background)) for k in ITEM_FIELDS}
    persons = frozenset(normalize_name(str(x.get("name") or "")) for x in
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


def _kind_accuracy(pairs: Sequence[tuple[Item, Item]]) -> float | None:
    """Share of matched (pred, gold) party pairs whose kind agrees; None without pairs."""
    if not pairs:
        return None
    return sum(bool(p.get("kind") == g.get("kind")) for p, g in pairs) / len(pairs)


def score_article(pred: Prediction | None, gold: Mapping[str, Any],
                  config: MatchConfig = MatchConfig()) -> ArticleScore:
    """Score one prediction (a Digest, its JSON dict, or None for "no prediction")."""
    article_id = _gold_id(gold, "the gold annotation")
    data = _as_dict(pred, article_id)
    matches = _match_fields(data, gold, config)
    covered = _facts_covered(gold.get("summary_facts") or [], _summary_text(data),
                            config.fact_threshold)
    score = ArticleScore(
        article_id=article_id,
        fields={name: m.score for name, m in matches.items()},
        grounding_rate=_grounding_rate(data),
        fact_coverage=sum(covered) / len(covered) if covered else None,
        matches=matches,
        party_kind_accuracy=_kind_accuracy(matches["parties"].matched),
        facts_covered=covered,
        has_prediction=pred is not None,
    )
    log.debug("scored %s: %s", article_id, {k: round(v.f1, 3) for k, v in score.fields.items()})
    return score


# --------------------------------------------------------------------------- many articles


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _macro(articles: Sequence[ArticleScore], name: str) -> tuple[float, float, float]:
    scores = [a.fields[name] for a in articles]
    n = len(scores)
    return (sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n,
            sum(s.f1 for s in scores) / n)


def aggregate(articles: Sequence[ArticleScore], unknown: Sequence[str] = ()) -> EvalReport:
    """Micro and macro scores over already scored articles."""
    if not articles:
        raise InputError("no gold annotations to score; pass at least one gold article")
    micro = {name: sum((a.fields[name] for a in articles), FieldScore()) for name in FIELDS}
    return EvalReport(
        articles=list(articles),
        micro=micro,
        macro={name: _macro(articles, name) for name in FIELDS},
        grounding_rate=_mean(a.grounding_rate for a in articles),
        fact_coverage=_mean(a.fact_coverage for a in articles),
        party_kind_accuracy=_kind_accuracy(
            [pair for a in articles for pair in a.matches["parties"].matched]),
        missing=tuple(a.article_id for a in articles if not a.has_prediction),
        unknown=tuple(unknown),
    )


def score_all(preds: Mapping[str, Prediction], golds: Iterable[Mapping[str, Any]],
              config: MatchConfig = MatchConfig()) -> EvalReport:
    """Score every gold article, in gold order; a missing prediction scores as all-FN."""
    articles: list[ArticleScore] = []
    seen: set[str] = set()
    for position, gold in enumerate(golds):
        article_id = _gold_id(gold, f"gold annotation #{position + 1}")
        if article_id in seen:
            raise InputError(f"gold id {article_id!r} appears twice; keep one annotation per "
                             "article")
        seen.add(article_id)
        articles.append(score_article(preds.get(article_id), gold, config))
    unknown = sorted(set(preds) - seen)
    if unknown:
        log.warning("predictions without gold were not scored: %s", ", ".join(unknown))
    missing = [a.article_id for a in articles if not a.has_prediction]
    if missing:
        log.warning("gold articles without a prediction (all false negatives): %s",
                    ", ".join(missing))
    return aggregate(articles, unknown)


# --------------------------------------------------------------------------- reports


def item_label(field_name: str, item: Item) -> str:
    """A short human label for an item of a field."""
    if field_name == "parties":
        return str(item.get("name") or "")
    if field_name == "sectors":
        return str(item.get("label") or "")
    if field_name == "targets":
        extra = [f"= {item['value']}" if item.get("value") else "",
                 f"by {item['deadline']}" if item.get("deadline") else ""]
        return " ".join([str(item.get("description") or ""), *filter(None, extra)])
    title = item.get("title") or "(untitled)"
    background = " [background]" if item.get("background") else ""
    return f"{item.get('kind')}: {title} ({item.get('status')}){background}"


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _field_json(score: FieldScore) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in score.as_dict().items()}


def _report_json(report: EvalReport) -> dict[str, Any]:
    return {
        "articles": len(report.articles),
        "micro": {k: _field_json(v) for k, v in report.micro.items()},
        "macro": {k: dict(zip(("precision", "recall", "f1"), map(_r, v), strict=True))
                  for k, v in report.macro.items()},
        "grounding_rate": _r(report.grounding_rate),
        "fact_coverage": _r(report.fact_coverage),
        "party_kind_accuracy": _r(report.party_kind_accuracy),
        "missing_predictions": list(report.missing),
        "unknown_predictions": list(report.unknown),
    }


def _article_ids(reports: Mapping[str, EvalReport]) -> list[str]:
    return list(dict.fromkeys(a.article_id for r in reports.values() for a in r.articles))


def _by_id(report: EvalReport) -> dict[str, ArticleScore]:
    return {a.article_id: a for a in report.articles}


def _differences(scores: Mapping[str, ArticleScore]) -> list[dict[str, Any]]:
    """Gold items some systems matched and others missed, or that every system missed."""
    out: list[dict[str, Any]] = []
    first = next(iter(scores.values()))
    for name in ITEM_FIELDS:
        for j, gold in enumerate(first.matches[name].gold):
            found = [s for s, a in scores.items() if j in a.matches[name].matched_gold]
            if len(found) < len(scores):
                missed = [s for s in scores if s not in found]
                out.append({"field": name, "item": item_label(name, gold), "found_by": found,
                            "missed_by": missed})
    return out


def _extras(score: ArticleScore) -> dict[str, list[str]]:
    return {name: [item_label(name, x) for x in score.matches[name].unmatched_pred]
            for name in ITEM_FIELDS if score.matches[name].unmatched_pred}


def _article_json(article_id: str, scores: Mapping[str, ArticleScore]) -> dict[str, Any]:
    return {
        "id": article_id,
        "systems": {s: {"fields": {k: _field_json(v) for k, v in a.fields.items()},
                        "grounding_rate": _r(a.grounding_rate),
                        "fact_coverage": _r(a.fact_coverage),
                        "party_kind_accuracy": _r(a.party_kind_accuracy),
                        "has_prediction": a.has_prediction, "extra": _extras(a)}
                    for s, a in scores.items()},
        "differences": _differences(scores),
    }


def _articles(reports: Mapping[str, EvalReport]) -> list[tuple[str, dict[str, ArticleScore]]]:
    by_system = {s: _by_id(r) for s, r in reports.items()}
    return [(aid, {s: by_system[s][aid] for s in reports if aid in by_system[s]})
            for aid in _article_ids(reports)]


def _to_json(reports: Mapping[str, EvalReport]) -> str:
    payload = {
        "systems": {s: _report_json(r) for s, r in reports.items()},
        "articles": [_article_json(aid, scores) for aid, scores in _articles(reports)],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _cell(text: str, limit: int = 100) -> str:
    text = " ".join(text.split()).replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(label: str, cells: Iterable[str]) -> str:
    return "| " + " | ".join([label, *cells]) + " |"


def _summary_table(reports: Mapping[str, EvalReport]) -> list[str]:
    rows = [_row("metric", reports), "|" + "---|" * (len(reports) + 1)]
    for name in FIELDS:
        rows.append(_row(f"{name} (micro)", (
            f"{_num(m.precision)} / {_num(m.recall)} / {_num(m.f1)} (tp {m.tp} fp {m.fp} "
            f"fn {m.fn})" for m in (r.micro[name] for r in reports.values()))))
        rows.append(_row(f"{name} (macro)", (" / ".join(map(_num, r.macro[name]))
                                             for r in reports.values())))
    for label, attr in (("party kind accuracy", "party_kind_accuracy"),
                        ("grounding rate", "grounding_rate"), ("fact coverage", "fact_coverage")):
        rows.append(_row(label, (_num(getattr(r, attr)) for r in reports.values())))
    rows.append(_row("articles (missing predictions)", (
        f"{len(r.articles)} ({len(r.missing)})" for r in reports.values())))
    return rows


def _article_md(article_id: str, scores: Mapping[str, ArticleScore],
                systems: Sequence[str]) -> list[str]:
    lines = [f"### {article_id}", "", _row("field", (f"{s} F1" for s in systems)),
             "|" + "---|" * (len(systems) + 1)]
    for name in FIELDS:
        lines.append(_row(name, (_num(scores[s].fields[name].f1) if s in scores else "–"
                                 for s in systems)))
    for label, attr in (("fact coverage", "fact_coverage"), ("grounding rate", "grounding_rate")):
        lines.append(_row(label, (_num(getattr(scores[s], attr)) if s in scores else "–"
                                  for s in systems)))
    lines.append("")
    for d in _differences(scores):
        found = f"found by {', '.join(d['found_by'])}; " if d["found_by"] else ""
        lines.append(f"- {d['field']} `{_cell(d['item'])}`: {found}missed by "
                     f"{', '.join(d['missed_by'])}")
    for system, score in scores.items():
        for name, labels in _extras(score).items():
            lines.append(f"- {name} extra in {system}: "
                         + "; ".join(f"`{_cell(x)}`" for x in labels))
    return [*lines, ""]


def _to_markdown(reports: Mapping[str, EvalReport]) -> str:
    systems = list(reports)
    lines = ["# Evaluation", "", "Systems: " + ", ".join(f"`{s}`" for s in systems)
             + ". Cells are precision / recall / F1.", "", *_summary_table(reports), "",
             "## Per-article differences", ""]
    for article_id, scores in _articles(reports):
        lines += _article_md(article_id, scores, systems)
    return "\n".join(lines)


def format_report(reports: Mapping[str, EvalReport], fmt: Literal["md", "json"] = "md") -> str:
    """Several systems side by side: a score table and per-article differences.

    ``reports`` maps a system name (a prompt version, a backend) to its report. Markdown is
    for people; JSON holds the same numbers (rounded to 4 places) for machines.
    """
    if not reports:
        raise ConfigError("no evaluation reports to format; score at least one system")
    if fmt == "md":
        return _to_markdown(reports)
    if fmt == "json":
        return _to_json(reports)
    raise ConfigError(f"unknown report format {fmt!r}; use 'md' or 'json'")
