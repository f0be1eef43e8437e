"""The rules backend's extractive summary."""

from __future__ import annotations

from pathlib import Path

from summarizer.rules import RulesConfig
from summarizer.rules.sentences import split_sentences
from summarizer.rules.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "seed-articles.txt").read_text(encoding="utf-8")
TITLE_1 = "Pakistan, China sign MoU to expand cooperation in quantum technologies"


def _first_page() -> str:
    """The first article of the seed page, with its title block, photo caption and chrome."""
    return SEED[:SEED.index("Pakistan eyes European trade corridor")]


def test_summary_of_a_news_page_skips_chrome_and_keeps_text_order() -> None:
    text = _first_page()
    summary, warnings = summarize(split_sentences(text, TITLE_1), set(), RulesConfig())
    assert warnings == []
    assert summary.headline == TITLE_1
    assert summary.one_line.startswith("Pakistan and China this month signed a Memorandum")
    assert len(summary.one_line.split()) <= 40
    assert 3 <= len(summary.bullets) <= 5
    assert [e.start for e in summary.evidence] == sorted(e.start for e in summary.evidence)
    for bullet, evidence in zip(summary.bullets, summary.evidence, strict=True):
        assert text[evidence.start:evidence.end] == evidence.quote
        assert bullet == " ".join(evidence.quote.split())
    joined = " ".join(summary.bullets)
    for chrome in ("Short Url", "Updated 27 October", "Follow", "This photo", "ISLAMABAD"):
        assert chrome not in joined and chrome not in summary.one_line


def test_headline_falls_back_to_the_first_sentence() -> None:
    text = "Kenya and Japan signed a trade agreement on Monday. It covers tea and cars."
    summary, _ = summarize(split_sentences(text), set(), RulesConfig())
    assert summary.headline == "Kenya and Japan signed a trade agreement on Monday."


def test_a_long_lead_loses_its_attribution_to_fit_one_line() -> None:
    lead = ("Pakistan and Romania are exploring the creation of new maritime linkages between "
            "Karachi Port and the Port of Constanța on the Black Sea as part of a push to "
            "expand the blue economy and open trade routes to European markets, the ministry "
            "of maritime affairs said on Tuesday.")
    summary, _ = summarize(split_sentences(lead), set(), RulesConfig(one_line_max_words=40))
    assert summary.one_line == lead[:lead.index(", the ministry")] + "."


def test_too_short_an_article_says_so() -> None:
    text = "Kenya and Japan signed a trade agreement on Monday in Nairobi."
    summary, warnings = summarize(split_sentences(text), set(), RulesConfig())
    assert summary.bullets == [text]
    assert [w.code for w in warnings] == ["rules_few_bullets"]


def test_markup_is_removed_from_bullets_but_kept_in_evidence() -> None:
    text = ("-   **SEEKING** to cooperate on minerals, the United States and Malaysia signed "
            "an agreement.\n\n"
            "-   The partners will share technical expertise on best practices in mining.\n\n"
            "-   The partners will meet every quarter to review the cooperation on mining.\n")
    summary, _ = summarize(split_sentences(text), set(), RulesConfig())
    first = summary.evidence[0]
    assert first.quote.startswith("SEEKING** to cooperate")
    assert summary.bullets[0].startswith("SEEKING to cooperate")
