"""Evaluation reports: several systems' scores side by side, as Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from ..errors import ConfigError
from .match import FIELDS, ITEM_FIELDS, FieldScore, Item
from .scoring import ArticleScore, EvalReport

__all__ = ["format_report", "item_label"]


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
