"""Parties found by the rules: countries, demonyms, capitals, organisations, people."""

from __future__ import annotations

import pytest

from summarizer.rules import RulesConfig
from summarizer.rules.parties import Found, find_parties
from summarizer.rules.people import same_person
from summarizer.rules.sentences import split_sentences


def _parties(text: str) -> dict[str, Found]:
    return {f.name: f for f in find_parties(split_sentences(text), RulesConfig())}


def test_countries_by_name_and_short_forms() -> None:
    found = _parties("The U.S. and South Korea signed an agreement with the UAE and Vietnam "
                     "on shipping, and the Republic of India joined the cooperation talks.")
    assert [n for n, f in found.items() if f.kind == "country"] == [
        "United States", "Republic of Korea", "United Arab Emirates", "Vietnam", "India"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Pakistani and Chinese officials signed the cooperation deal.", ["Pakistan", "China"]),
    ("The Romanian envoy discussed cooperation on ports.", ["Romania"]),
    ("A major Chinese state-owned technology conglomerate will cooperate.", ["China"]),
    ("American investors and Emirati officials discussed cooperation.",
     ["United States", "United Arab Emirates"]),
    ("The partnership opens new routes for Pakistani exports to markets.", []),
    ("North American officials discussed cooperation on chips.", []),
])
def test_demonyms_count_only_when_they_qualify_an_actor(text: str, expected: list[str]
                                                        ) -> None:
    assert [n for n, f in _parties(text).items() if f.kind == "country"] == expected


def test_capitals_stand_for_governments_only_when_they_act() -> None:
    text = ("Beijing said the cooperation talks would continue, and it supports "
            "Islamabad’s push for a joint corridor. The delegates met in Tokyo.")
    found = _parties(text)
    assert {"China", "Pakistan"} <= set(found)
    assert "Japan" not in found
    assert found["China"].mentions[0].end - found["China"].mentions[0].start == len("Beijing")


def test_places_seas_and_cities_are_not_countries() -> None:
    found = _parties("Vessels in the South China Sea and delegates in Mexico City discussed "
                     "cooperation with the Port of Constanța on shipping.")
    assert found == {}


def test_title_parsing_gives_role_name_and_country() -> None:
    text = ("Discussions took place between Federal Minister for Maritime Affairs Muhammad "
            "Junaid Anwar Chaudhry and Romanian Ambassador Dr. Dan Stoenescu, with Rear "
            "Admiral Atiq-ur-Rehman, Acting Chairman of the Karachi Port Trust, in attendance.")
    found = _parties(text)
    chaudhry = found["Muhammad Junaid Anwar Chaudhry"]
    assert (chaudhry.kind, chaudhry.role, chaudhry.country) == (
        "person", "Federal Minister for Maritime Affairs", None)
    stoenescu = found["Dan Stoenescu"]
    assert (stoenescu.role, stoenescu.country) == ("Ambassador", "Romania")
    assert found["Atiq-ur-Rehman"].role == (
        "Rear Admiral; Acting Chairman of the Karachi Port Trust")
    assert found["Karachi Port Trust"].kind == "government_body"


def test_president_with_initials_suffix_and_country() -> None:
    text = ("Today, Prime Minister Scott Morrison of Australia and President Joseph R. Biden, "
            "Jr. of the United States reviewed their cooperation.")
    found = _parties(text)
    assert found["Joseph R. Biden, Jr."].country == "United States"
    assert found["Scott Morrison"].country == "Australia"


def test_mentions_of_one_person_are_merged() -> None:
    text = ("“China will assist Pakistan,” Federal Minister for Planning, Development and "
            "Special Initiatives Ahsan Iqbal said of the cooperation. Minister Iqbal said the "
            "collaboration was deep. Iqbal said AI was shaping the economy.")
    people = [f for f in _parties(text).values() if f.kind == "person"]
    assert len(people) == 1
    [iqbal] = people
    assert iqbal.name == "Ahsan Iqbal"
    assert iqbal.role == "Federal Minister for Planning, Development and Special Initiatives"
    assert [text[m.start:m.end] for m in iqbal.mentions] == [
        "Federal Minister for Planning, Development and Special Initiatives Ahsan Iqbal",
        "Minister Iqbal", "Iqbal"]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Ahsan Iqbal", "Iqbal", True),
    ("Joe Biden", "Joseph R. Biden, Jr.", True),
    ("Sheikh Mohamed bin Zayed Al Nahyan", "Sheikh Tahnoon bin Zayed Al Nahyan", False),
    ("Oyun-Erdene Luvsannamsrai", "Oyun-Erdene", True),
    ("Scott Morrison", "Boris Johnson", False),
])
def test_same_person(a: str, b: str, same: bool) -> None:
    assert same_person(a, b) is same


def test_acronym_in_parentheses_is_one_party_with_the_full_name() -> None:
    text = ("The agreement was signed between the China Electronics Technology Group "
            "Corporation (CETC), a major Chinese state-owned technology conglomerate, and the "
            "Emerging Technologies Lab, a PSDP-funded project under the Pakistani Ministry of "
            "Planning. CETC will cooperate with the lab.")
    found = _parties(text)
    cetc = found["China Electronics Technology Group Corporation"]
    assert (cetc.kind, cetc.country, len(cetc.mentions)) == ("company", "China", 2)
    assert "CETC" not in found
    lab = found["Emerging Technologies Lab"]
    assert (lab.kind, lab.country) == ("government_body", "Pakistan")
    ministry = found["Ministry of Planning"]
    assert (ministry.kind, ministry.country) == ("government_body", "Pakistan")


def test_organisation_kinds_and_prefixes() -> None:
    text = ("The U.S. Department of Commerce and Zambia’s Ministry of Commerce, Trade and "
            "Industry will sign an agreement with the Semiconductor Industry Association and "
            "Arizona State University, and the International Atomic Energy Agency will advise "
            "the Civil Aviation Authority of Mongolia on the partnership.")
    found = _parties(text)
    assert {n: (f.kind, f.country) for n, f in found.items() if f.kind != "country"} == {
        "U.S. Department of Commerce": ("government_body", "United States"),
        "Ministry of Commerce, Trade and Industry": ("government_body", "Zambia"),
        "Civil Aviation Authority of Mongolia": ("government_body", "Mongolia"),
        "Semiconductor Industry Association": ("organisation", None),
        "Arizona State University": ("organisation", None),
        "International Atomic Energy Agency": ("organisation", None),
    }


def test_press_offices_and_future_facilities_are_not_parties() -> None:
    text = ("Pakistan will establish the National Center for Quantum Computing with China, "
            "according to a statement by the Press Information Department on cooperation.")
    assert set(_parties(text)) == {"Pakistan", "China"}


def test_lowercase_ministry_and_its_short_form_are_one_party() -> None:
    text = ("Pakistan and Romania are exploring cooperation, the ministry of maritime affairs "
            "said. According to the maritime ministry statement, talks will continue.")
    ministry = _parties(text)["Ministry of Maritime Affairs"]
    assert ministry.kind == "government_body"
    assert [text[m.start:m.end] for m in ministry.mentions] == [
        "ministry of maritime affairs", "maritime ministry"]


def test_country_named_once_outside_any_cooperation_context_is_scenery() -> None:
    text = ("Australia and the United Kingdom signed a defence agreement. Australia and the "
            "United Kingdom will cooperate on submarines. The commitment matters more after "
            "Russia’s invasion.")
    assert "Russia" not in _parties(text)


def test_common_nouns_and_role_phrases_are_not_parties() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("The United States and Australia signed a critical minerals framework on "
            "Monday.\n\n**General Provisions**\n\nThe Spokeswoman for the Ministry said "
            "Australia and the United States will cooperate on mining.\n")
    names = [p.name for p in extract(Article(text=text)).parties]
    assert "Provisions" not in names
    assert not any(n.startswith("Spokeswoman") for n in names)
    assert {"United States", "Australia"} <= set(names)


def test_acronym_joins_its_full_name() -> None:
    from summarizer.rules.parties import Found, _merge_acronyms
    from summarizer.rules.spans import Mention

    def found(name: str, start: int) -> Found:
        return Found(name=name, kind="government_body",
                     mentions=(Mention(name=name, kind="government_body", start=start,
                                       end=start + len(name), sentence=0),))

    merged = _merge_acronyms([found("International Development Finance Corporation", 0),
                              found("IDFC", 80)])
    assert [f.name for f in merged] == ["International Development Finance Corporation"]
    assert len(merged[0].mentions) == 2
