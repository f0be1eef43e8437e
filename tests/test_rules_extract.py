"""The rules backend end to end: the seed acceptance checks, exact evidence everywhere,
the negative (domestic) case, determinism and configuration errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from summarizer.article import Article
from summarizer.errors import ConfigError
from summarizer.models import Digest, Evidence, Provenance
from summarizer.rules import RULES_VERSION, RulesConfig, RulesResult, extract

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"
SEED_1_TITLE = "Pakistan, China sign MoU to expand cooperation in quantum technologies"
SEED_2_TITLE = "Pakistan eyes European trade corridor via Romania to boost blue economy"


def _article(name: str, title: str | None = None) -> Article:
    return Article(text=(FIXTURES / name).read_text(encoding="utf-8"), id=name, title=title)


@pytest.fixture(scope="module")
def seed_1() -> RulesResult:
    return extract(_article("seed-1.txt", SEED_1_TITLE))


@pytest.fixture(scope="module")
def seed_2() -> RulesResult:
    return extract(_article("seed-2.txt", SEED_2_TITLE))


def test_seed_1_parties_and_signed_mou(seed_1: RulesResult) -> None:
    names = {p.name: p for p in seed_1.parties}
    for name in ("Pakistan", "China", "China Electronics Technology Group Corporation",
                 "Emerging Technologies Lab", "Ahsan Iqbal", "Ministry of Planning"):
        assert name in names
    assert names["China Electronics Technology Group Corporation"].kind == "company"
    assert names["Emerging Technologies Lab"].kind == "government_body"
    assert names["Ahsan Iqbal"].role == (
        "Federal Minister for Planning, Development and Special Initiatives")
    assert "Press Information Department" not in names
    assert "National Center for Quantum Computing" not in names
    mous = [i for i in seed_1.instruments if i.kind == "mou"]
    assert [(i.status, i.background) for i in mous] == [("signed", False)]
    assert {"Pakistan", "China"} <= set(mous[0].parties)
    named = {i.title: (i.kind, i.status, i.background) for i in seed_1.instruments if i.title}
    assert named == {
        "China-Pakistan Economic Corridor (CPEC)": ("corridor", "implemented", True),
        "Belt and Road Initiative": ("initiative", "implemented", True),
    }
    assert "quantum and advanced computing" in [s.label for s in seed_1.sectors]


def test_seed_2_parties_no_signed_instrument_and_the_ports_target(seed_2: RulesResult
                                                                  ) -> None:
    names = {p.name: p for p in seed_2.parties}
    for name in ("Pakistan", "Romania", "Karachi Port Trust", "Muhammad Junaid Anwar Chaudhry",
                 "Dan Stoenescu", "Atiq-ur-Rehman"):
        assert name in names
    assert names["Dan Stoenescu"].country == "Romania"
    assert not {"Karachi Port", "Port of Constanța", "Port Qasim"} & set(names)
    assert all(i.status != "signed" for i in seed_2.instruments)
    assert [(i.kind, i.status) for i in seed_2.instruments] == [
        ("partnership", "under_discussion")]
    [ports] = [t for t in seed_2.targets if t.value in ("3 -> 6", "3 -> 6 ports")]
    assert (ports.deadline, ports.unit) == ("2047", "operational ports")
    assert "from three to six by 2047" in ports.evidence[0].quote
    labels = [s.label for s in seed_2.sectors]
    assert labels[0] == "maritime and ports"


def test_past_statistic_is_not_a_target(seed_2: RulesResult) -> None:
    for target in seed_2.targets:
        assert "less than one percent" not in target.evidence[0].quote
        assert "expected to reach full capacity" not in target.evidence[0].quote


def _item_evidence(result: RulesResult) -> list[list[Evidence]]:
    """The evidence list of every party, instrument, sector and target."""
    return [*(p.evidence for p in result.parties), *(i.evidence for i in result.instruments),
            *(s.evidence for s in result.sectors), *(t.evidence for t in result.targets)]


def _all_evidence(result: RulesResult) -> list[Evidence]:
    return [e for spans in _item_evidence(result) for e in spans] + result.summary.evidence


@pytest.mark.parametrize(("name", "title"), [
    ("seed-1.txt", SEED_1_TITLE), ("seed-2.txt", SEED_2_TITLE),
    ("factsheet.md", "FACT SHEET: United States and Japan Sign Critical Minerals MoU"),
    ("domestic-health.md", None),
])
def test_every_evidence_slice_equals_its_quote(name: str, title: str | None) -> None:
    article = _article(name, title)
    result = extract(article)
    assert all(_item_evidence(result))
    for evidence in _all_evidence(result):
        assert article.text[evidence.start:evidence.end] == evidence.quote
        assert evidence.match == "exact" and evidence.quote == evidence.quote.strip()


def test_whole_seed_page_as_one_article_is_grounded() -> None:
    text = (ROOT / "examples" / "seed-articles.txt").read_text(encoding="utf-8")
    result = extract(Article(text=text))
    assert {"Pakistan", "China", "Romania"} <= {p.name for p in result.parties}
    for evidence in _all_evidence(result):
        assert text[evidence.start:evidence.end] == evidence.quote


def test_factsheet_fixture_covers_every_field() -> None:
    result = extract(_article("factsheet.md",
                              "FACT SHEET: United States and Japan Sign Critical Minerals MoU"))
    assert [(i.kind, i.status) for i in result.instruments][:4] == [
        ("mou", "signed"), ("partnership", "proposed"), ("agreement", "proposed"),
        ("corridor", "under_discussion")]
    assert result.instruments[0].title == "Memorandum of Understanding on Critical Minerals " \
                                          "Cooperation"
    assert ("Quad Critical Minerals Partnership", True) in [
        (i.title, i.background) for i in result.instruments]
    money = [t for t in result.targets if t.value == "$25 million"]
    assert [(t.unit, t.deadline) for t in money] == [("USD", "2028")]
    assert all("12 percent" not in t.description for t in result.targets)
    people = {p.name: (p.role, p.country) for p in result.parties if p.kind == "person"}
    assert people == {"Maria Lopez": ("President", "United States"),
                      "Kenji Sato": ("Prime Minister", "Japan")}
    assert result.warnings == []


def test_domestic_statement_has_no_cooperation_items() -> None:
    result = extract(_article("domestic-health.md"))
    assert (result.parties, result.instruments, result.sectors, result.targets) == (
        [], [], [], [])
    assert [w.code for w in result.warnings] == ["rules_not_cooperation"]
    assert result.summary.one_line.startswith("Today, a new survey shows")
    assert 3 <= len(result.summary.bullets) <= 5


def test_warnings_name_what_is_missing() -> None:
    text = ("Kenya and Japan discussed closer ties and cooperation at a meeting in Nairobi on "
            "Monday. Both sides praised the relations.")
    codes = [w.code for w in extract(Article(text=text)).warnings]
    assert "rules_no_instrument" in codes and "rules_no_targets" in codes


def test_extraction_is_deterministic(seed_1: RulesResult) -> None:
    again = extract(_article("seed-1.txt", SEED_1_TITLE))
    assert again == seed_1


def test_result_fits_the_digest_contract(seed_2: RulesResult) -> None:
    article = _article("seed-2.txt", SEED_2_TITLE)
    digest = Digest(article=article.info(), summary=seed_2.summary, parties=seed_2.parties,
                    instruments=seed_2.instruments, sectors=seed_2.sectors,
                    targets=seed_2.targets, warnings=seed_2.warnings,
                    provenance=Provenance(backend="rules", model=f"rules-{RULES_VERSION}",
                                          created_at=datetime.now(UTC).isoformat()))
    assert Digest.model_validate_json(digest.model_dump_json()) == digest


@pytest.mark.parametrize("kwargs", [
    {"min_bullets": 4, "max_bullets": 3}, {"max_bullets": 7}, {"one_line_max_words": 2},
    {"max_targets": 0}, {"max_quote_chars": 10},
])
def test_bad_config_is_a_config_error(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigError, match="rules"):
        RulesConfig(**kwargs)
