"""Sectors found by the rules: keyword taxonomy onto the controlled labels."""

from __future__ import annotations

from summarizer.models import SECTOR_LABELS
from summarizer.rules import RulesConfig
from summarizer.rules.sectors import find_sectors
from summarizer.rules.sentences import split_sentences


def _labels(text: str, config: RulesConfig | None = None) -> list[str]:
    return [s.label for s in find_sectors(split_sentences(text), config or RulesConfig())]


def test_strong_keywords_in_two_sentences_make_a_sector() -> None:
    text = ("Pakistan and China signed an MoU on quantum technologies. China will help build "
            "a centre for quantum computing. Both sides discussed port and shipping links. "
            "Maritime cooperation will grow.")
    assert _labels(text) == ["quantum and advanced computing", "maritime and ports"]


def test_a_single_passing_mention_is_not_enough() -> None:
    text = "The two sides met in a hotel near the harbour to talk about cooperation."
    assert _labels(text) == []
    assert _labels(text, RulesConfig(sector_min_score=1.0)) == ["maritime and ports"]


def test_evidence_is_the_sentence_with_the_strongest_keyword() -> None:
    text = ("Officials spoke about data. The two countries will cooperate on artificial "
            "intelligence. AI research will expand.")
    [sector] = find_sectors(split_sentences(text), RulesConfig())
    assert sector.label == "ai and digital"
    assert sector.evidence[0].quote == ("The two countries will cooperate on artificial "
                                        "intelligence.")


def test_food_and_energy_security_are_not_defence() -> None:
    text = ("The partners will improve food security for farmers. Energy security and food "
            "security matter for agriculture.")
    labels = _labels(text)
    assert "defence and security" not in labels
    assert "agriculture and food" in labels


def test_every_label_is_a_controlled_one() -> None:
    text = ("The partners cooperate on energy, ports, rail, quantum, AI, 6G, chips, defence, "
            "farming, health, investment, trade, manufacturing, critical minerals, "
            "infrastructure, education, research, satellites, climate, water, tourism, "
            "humanitarian aid and migration. They will cooperate on energy, ports, rail, "
            "quantum, AI, 6G, chips, defence, farming, health, investment, trade, "
            "manufacturing, critical minerals, infrastructure, education, research, "
            "satellites, climate, water, tourism, humanitarian aid and migration.")
    labels = _labels(text, RulesConfig(max_sectors=30))
    assert set(labels) == set(SECTOR_LABELS) - {"other"}


def test_a_field_named_once_in_a_scope_sentence_counts() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("USAID and the Ministry of Foreign Affairs of the Republic of Korea signed a "
            "memorandum of understanding on development cooperation. The MOU furthers "
            "cooperation in economic development, the digital economy, health, and "
            "education.\n")
    labels = {s.label for s in extract(Article(text=text)).sectors}
    assert {"health", "education and skills", "humanitarian and development"} <= labels


def test_a_field_named_once_outside_a_scope_sentence_does_not() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("Japan and India signed a defense agreement on Saturday. Protesters gathered "
            "outside a hospital nearby.\n")
    labels = {s.label for s in extract(Article(text=text)).sectors}
    assert "health" not in labels
