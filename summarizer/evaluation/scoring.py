"""Score predicted digests against gold annotations: per-field P/R/F1, grounding, fact coverage.

A prediction is a :class:`~summarizer.models.Digest` or the dict
``Digest.model_dump(mode="json")`` gives. A gold annotation is one line of ``gold.jsonl``:
``id``, ``parties`` [{name, kind, role}], ``instruments`` [{kind, title, status, parties,
background}], ``sectors`` [labels], ``targets`` [{description, value, unit, deadline}] and
``summary_facts`` [str]. The scorer is deterministic and uses no model.

How items are matched is :mod:`summarizer.evaluation.match` (names, numbers and words are
normalised by :mod:`summarizer.evaluation.normalise`); reports are
:mod:`summarizer.evaluation.format`.

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

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..models import Digest
from .match import (
    FIELDS,
    ITEM_FIELDS,
    FieldMatches,
    FieldScore,
    Item,
    MatchConfig,
    kind_accuracy,
    match_fields,
)
from .normalise import content_words

log = logging.getLogger("summarizer.evaluation.scoring")

Prediction = Digest | Mapping[str, Any]
_DEFAULT_MATCH = MatchConfig()


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


def score_article(pred: Prediction | None, gold: Mapping[str, Any],
                  config: MatchConfig = _DEFAULT_MATCH) -> ArticleScore:
    """Score one prediction (a Digest, its JSON dict, or None for "no prediction")."""
    article_id = _gold_id(gold, "the gold annotation")
    data = _as_dict(pred, article_id)
    matches = match_fields(data, gold, config)
    covered = _facts_covered(gold.get("summary_facts") or [], _summary_text(data),
                            config.fact_threshold)
    score = ArticleScore(
        article_id=article_id,
        fields={name: m.score for name, m in matches.items()},
        grounding_rate=_grounding_rate(data),
        fact_coverage=sum(covered) / len(covered) if covered else None,
        matches=matches,
        party_kind_accuracy=kind_accuracy(matches["parties"].matched),
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
        party_kind_accuracy=kind_accuracy(
            [pair for a in articles for pair in a.matches["parties"].matched]),
        missing=tuple(a.article_id for a in articles if not a.has_prediction),
        unknown=tuple(unknown),
    )


def score_all(preds: Mapping[str, Prediction], golds: Iterable[Mapping[str, Any]],
              config: MatchConfig = _DEFAULT_MATCH) -> EvalReport:
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
