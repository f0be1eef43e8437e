"""The text and identity layer: folding, word keys, name keys and the one country table."""

from __future__ import annotations

import pytest

from summarizer.text import (
    FoldedText,
    country_aliases,
    country_name,
    fold,
    instrument_key,
    is_name_suffix,
    name_key,
    text_key,
    unaccent,
    unique_names,
    words,
)

# --------------------------------------------------------------------------- folding


def test_fold_case_accents_quotes_dashes_and_whitespace() -> None:
    assert fold("  “Constanța” —\u00a0Port\n\tof  ÆON ") == '"constanta" - port of aeon'
    assert fold("Côte d’Ivoire") == fold("COTE D'IVOIRE") == "cote d'ivoire"
    assert fold("Łódź–Gdańsk") == "lodz-gdansk"
    assert fold("Straße") == "strasse"
    assert fold("a\u200bb") == "ab"  # zero-width space dropped


def test_unaccent_keeps_case_and_spacing() -> None:
    assert unaccent("Łódź “U.S.” Æ") == 'Lodz "U.S." AE'


def test_folded_text_maps_back_to_original_offsets() -> None:
    text = "From Constantia to Constanța,  ports."
    folded = FoldedText.build(text)
    assert folded.text == "from constantia to constanta, ports."
    start = folded.text.index("constanta")
    a, b = folded.original(start, start + len("constanta"))
    assert text[a:b] == "Constanța"
    assert folded.folded_offset(text.index("ports")) == folded.text.index("ports")
    decomposed = "Consta\u0301nta"  # a combining accent stays with its letter
    assert FoldedText.build(decomposed).original(0, 9) == (0, len(decomposed))


# --------------------------------------------------------------------------- keys


def test_words_and_text_keys() -> None:
    assert words("The U.S.' partners & allies' plans") == [
        "the", "us", "partners", "and", "allies", "plans"]
    assert text_key("The  Six ports, by 2047.") == text_key("six ports by 2047") == (
        "six ports by 2047")
    assert text_key("the") == "the"


@pytest.mark.parametrize("spelling", [
    "U.S.", "US", "USA", "U.S.A.", "United States", "the United States of America", "America",
    "the U.S.",
])
def test_spellings_of_the_united_states_share_one_key(spelling: str) -> None:
    assert name_key(spelling) == "united states"


@pytest.mark.parametrize("spelling", ["Türkiye", "Turkey", "Turkiye", "Republic of Türkiye"])
def test_turkey_and_turkiye_share_one_key(spelling: str) -> None:
    assert name_key(spelling) == "turkiye"


@pytest.mark.parametrize(("raw", "key"), [
    ("PRC", "china"),
    ("People's Republic of China", "china"),
    ("the People’s Republic of China", "china"),
    ("Peoples Republic of China", "china"),
    ("UK", "united kingdom"),
    ("Great Britain", "united kingdom"),
    ("UAE", "united arab emirates"),
    ("South Korea", "republic of korea"),
    ("ROK", "republic of korea"),
    ("Korea, Republic of", "republic of korea"),
    ("North Korea", "north korea"),
    ("EU", "european union"),
    ("Constanța", "constanta"),
    ("Rear Admiral Atiq-ur-Rehman", "atiq ur rehman"),
    ("Dr. Ahsan Iqbal", "ahsan iqbal"),
    ("The U.S. Department of State", "united states department of state"),
    ("The  Ministry of Energy,", "ministry of energy"),
    ("AT&T", "at and t"),
    ("Emirates", "emirates"),  # the airline, not the country
])
def test_name_key(raw: str, key: str) -> None:
    assert name_key(raw) == key


def test_name_key_keeps_legal_forms_and_one_word_names() -> None:
    assert name_key("Acme Ltd") == "acme ltd" != name_key("Acme")
    assert name_key("China Electronics Technology Group Corporation") == (
        "china electronics technology group corporation")
    assert name_key("President") == "president"  # a title alone is kept


def test_unique_names_keep_the_first_spelling_of_each_identity() -> None:
    assert unique_names(["U.S.", " Pakistan "], ["United States", "pakistan", "China", " "]) == [
        "U.S.", "Pakistan", "China"]


def test_instrument_key_is_kind_and_title_else_kind_and_parties() -> None:
    assert instrument_key("mou", "The Quantum MoU", []) == instrument_key(
        "mou", "quantum  mou", ["China"])
    assert instrument_key("mou", None, ["U.S.", "India"]) == instrument_key(
        "mou", "", ["India", "United States"])
    assert instrument_key("mou", None, ["India"]) != instrument_key("mou", None, ["Japan"])
    assert instrument_key("mou", "Quantum MoU", []) != instrument_key("grant", "Quantum MoU", [])


def test_name_suffixes_in_any_case() -> None:
    assert all(map(is_name_suffix, ["Jr.", "jr", "III", "Sr,"]))
    assert not is_name_suffix("Junior") and not is_name_suffix("I")


# --------------------------------------------------------------------------- countries


def test_country_names_prefer_the_short_common_name() -> None:
    assert country_name("US") == "United States"
    assert country_name("KR") == "Republic of Korea"
    assert country_name("IR") == "Iran"
    assert country_name("TR") == "Türkiye"
    assert country_name("ZZ") == "ZZ"


def test_country_aliases_are_other_spellings_of_the_same_country() -> None:
    assert {"China", "PRC"} <= set(country_aliases("People's Republic of China"))
    assert {"US", "U.S.", "United States of America"} <= set(country_aliases("United States"))
    assert "Turkey" in country_aliases("Türkiye")
    assert country_aliases("Atlantis") == ()


def test_country_aliases_leave_out_spellings_that_end_another_countrys_name() -> None:
    # "Korea" ends "North Korea" and "Congo" ends "DR Congo": finding them says nothing.
    assert "Korea" not in country_aliases("South Korea")
    assert "Congo" not in country_aliases("Republic of the Congo")
    assert "Korea, Republic of" not in country_aliases("South Korea")  # not running text
