"""The extractive summary: the headline, the most informative lead sentence, and 3-5
verbatim sentences chosen by a lead-biased score (cooperation words, named parties,
numbers, instruments, paragraph openers), kept in text order. Bullets are the sentences on
one line with markdown emphasis and HTML tags removed; ``Summary.evidence`` holds their
exact spans."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..models import DigestWarning, Summary
from .config import RulesConfig
from .cues import COOPERATION, per_sentence
from .instrument_mentions import has_keyword
from .sentences import Document, Sentence
from .spans import exact

_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred"
                     r"|thousand|million|billion)\b", re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]+>|\]\(|\*|__")
_EMPHASIS = re.compile(r"<[^>]+>|\*\*|__|(?<=\w)\*|\*(?=\w)|\\(?=[#*_.])")
_TERMINAL = re.compile(r"[.!?][\"”’')\]*]*$")
_ATTRIBUTION = re.compile(
    r",\s+(?:[\w’'-]+\s+){1,8}(?:said|says|announced|reported|stated|added|noted)\b[^,]*\.?$")
_LEAD_SHARE = 0.75
"""The one-liner is the earliest lead sentence scoring at least this share of the best."""
_CLAUSE_END = re.compile(r"[,;:–—]\s")
_WORD = re.compile(r"[a-z]{4,}")
_MIN_WORDS = 6


@dataclass(frozen=True)
class _Scored:
    sentence: Sentence
    score: float


def _penalty(sentence: Sentence) -> float:
    """Less fit for a summary: very short or long, markup, fragments, list intros, quotes."""
    text = sentence.text
    penalty = 1.0
    if not _MIN_WORDS + 2 <= sentence.words <= 45:
        penalty *= 0.6
    if _MARKUP.search(text):
        penalty *= 0.5
    if text.endswith(":"):
        penalty *= 0.4
    elif sentence.kind == "para" and not _TERMINAL.search(text):
        penalty *= 0.5
    if text.startswith(("“", '"')):
        penalty *= 0.8
    return penalty


def _score(sentence: Sentence, rank: int, signals: _Signals) -> float:
    text = sentence.text
    gain = 1.0 + 0.3 * min(3, signals.cooperation.get(sentence.index, 0))
    gain += 0.4 * (sentence.index in signals.party_sentences)
    gain += 0.2 * bool(_NUMBER.search(text)) + 0.3 * has_keyword(text)
    gain += 0.2 * (sentence.index in signals.block_starts)
    penalty = _penalty(sentence)
    if sentence.index == signals.lede:
        gain, penalty = gain + 0.5, max(penalty, 1.0)  # the news lede, however long
    return gain * penalty / (1.0 + 0.08 * rank)


@dataclass(frozen=True)
class _Signals:
    party_sentences: Collection[int]
    cooperation: Mapping[int, int]
    block_starts: Collection[int]
    lede: int | None


def _candidates(doc: Document, party_sentences: Collection[int]) -> list[_Scored]:
    sentences = [s for s in doc.content if s.words >= _MIN_WORDS]
    firsts: dict[int, int] = {}
    for s in doc.sentences:
        if s.kind != "heading":
            firsts.setdefault(s.block, s.index)
    lede = next((s.index for s in sentences if s.kind == "para"), None)
    signals = _Signals(party_sentences, per_sentence(doc, COOPERATION), set(firsts.values()),
                       lede)
    return [_Scored(s, _score(s, rank, signals)) for rank, s in enumerate(sentences)]


def _trim(sentence: Sentence, limit: int) -> str:
    """The sentence cut at the last clause boundary within ``limit`` words."""
    words = sentence.flat.split()
    head = " ".join(words[:limit])
    cuts = [m.start() for m in _CLAUSE_END.finditer(head)]
    return (head[:cuts[-1]] if cuts else head).rstrip(" ,;:") + " …"


def _short_form(sentence: Sentence, limit: int) -> str | None:
    """The sentence, or without its closing attribution (", the ministry said on Tuesday."),
    if that fits in ``limit`` words."""
    text = _plain(sentence)
    if len(text.split()) <= limit:
        return text
    m = _ATTRIBUTION.search(text)
    if m and len(text[:m.start()].split()) <= limit:
        return text[:m.start()] + "."
    return None


def _one_line(scored: Sequence[_Scored], config: RulesConfig) -> tuple[_Scored | None, str]:
    lead = scored[:config.lead_window]
    forms = [(s, _short_form(s.sentence, config.one_line_max_words)) for s in lead]
    fitting = [(s, text) for s, text in forms if text]
    if fitting:
        top = max(s.score for s, _ in fitting)
        best, text = next((s, t) for s, t in fitting if s.score >= _LEAD_SHARE * top)
        return best, text or ""
    if lead:
        return None, _trim(lead[0].sentence, config.one_line_max_words)
    return None, ""


def _plain(sentence: Sentence) -> str:
    """The sentence on one line without markdown emphasis or HTML tags."""
    return " ".join(_EMPHASIS.sub("", sentence.text).split())


def _words(sentence: Sentence) -> set[str]:
    return set(_WORD.findall(sentence.text.lower()))


def _bullets(scored: Sequence[_Scored], skip: _Scored | None, config: RulesConfig
             ) -> list[Sentence]:
    chosen: list[Sentence] = []
    if len(scored) <= config.min_bullets:
        skip = None  # a short article: the one-liner may be a bullet too
    for item in sorted(scored, key=lambda s: -s.score):
        if item is skip or len(chosen) == config.max_bullets:
            continue
        words = _words(item.sentence)
        if any(len(words & _words(c)) >= 0.8 * max(1, len(words)) for c in chosen):
            continue
        chosen.append(item.sentence)
    return sorted(chosen, key=lambda s: s.start)


def _headline(doc: Document) -> str:
    if doc.title and doc.title.strip():
        return " ".join(doc.title.split())
    first = next((s for s in doc.sentences if s.kind != "boilerplate"), None)
    return " ".join(first.flat.split()[:25]) if first else ""


def summarize(doc: Document, party_sentences: Collection[int], config: RulesConfig
              ) -> tuple[Summary, list[DigestWarning]]:
    """The summary and any warnings about it (too few sentences, a trimmed one-liner)."""
    scored = _candidates(doc, party_sentences)
    best, one_line = _one_line(scored, config)
    bullets = _bullets(scored, best, config)
    warnings: list[DigestWarning] = []
    if best is None and one_line:
        warnings.append(DigestWarning(
            code="rules_one_line_trimmed", field="summary",
            message="rules backend: no lead sentence fits 40 words; the one-line summary "
                    "is the first sentence cut at a clause boundary (not verbatim)"))
    if len(bullets) < config.min_bullets:
        warnings.append(DigestWarning(
            code="rules_few_bullets", field="summary",
            message=f"rules backend: the article has only {len(bullets)} sentence(s) fit "
                    f"for summary bullets (wanted {config.min_bullets})"))
    summary = Summary(headline=_headline(doc), one_line=one_line or _headline(doc),
                      bullets=[_plain(s) for s in bullets],
                      evidence=[exact(doc.text, s.start, s.end) for s in bullets])
    return summary, warnings
