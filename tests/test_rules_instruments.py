"""Instruments found by the rules: kinds, names, status from verbs, merging, background."""

from __future__ import annotations

import pytest

from summarizer.models import Instrument
from summarizer.rules import RulesConfig
from summarizer.rules.instruments import find_instruments
from summarizer.rules.parties import find_parties
from summarizer.rules.sentences import split_sentences


def _instruments(text: str, title: str | None = None) -> list[Instrument]:
    doc = split_sentences(text, title)
    config = RulesConfig()
    return find_instruments(doc, find_parties(doc, config), config)


@pytest.mark.parametrize(("text", "kind", "status"), [
    ("Pakistan and China signed a memorandum of understanding on quantum research.",
     "mou", "signed"),
    ("Pakistan and China inked an MoU on quantum research.", "mou", "signed"),
    ("Pakistan and China will sign an agreement on quantum research next month.",
     "agreement", "proposed"),
    ("Pakistan and China intend to sign a treaty on quantum research.", "treaty", "proposed"),
    ("Pakistan and Romania are exploring a trade corridor to Europe.", "corridor",
     "under_discussion"),
    ("Pakistan and Romania discussed a new partnership on ports.", "partnership",
     "under_discussion"),
    ("Brazil and the United States launched a partnership on clean energy.", "partnership",
     "implemented"),
    ("The agreement between Kenya and Japan entered into force in 2022.", "agreement",
     "implemented"),
])
def test_status_comes_from_the_verb_nearest_the_mention(text: str, kind: str, status: str
                                                        ) -> None:
    [instrument] = _instruments(text)
    assert (instrument.kind, instrument.status) == (kind, status)
    assert instrument.evidence[0].quote == text


def test_named_instruments_titles_background_and_parties() -> None:
    text = ("Pakistan and China this month signed a Memorandum of Understanding (MoU) on "
            "quantum technologies. The initiative is part of the China-Pakistan Economic "
            "Corridor (CPEC), a flagship project of China’s Belt and Road Initiative. The "
            "first phase of CPEC, launched in 2015, focused on power plants.")
    mou, cpec, bri = _instruments(text)
    assert (mou.kind, mou.title, mou.status, mou.background) == ("mou", None, "signed", False)
    assert mou.parties == ["Pakistan", "China"]
    assert (cpec.kind, cpec.title, cpec.status, cpec.background) == (
        "corridor", "China-Pakistan Economic Corridor (CPEC)", "implemented", True)
    assert len(cpec.evidence) == 2  # the acronym's later use joins the named corridor
    assert (bri.kind, bri.title, bri.background) == ("initiative", "Belt and Road Initiative",
                                                    True)
    assert bri.parties[0] == "China"


def test_mentions_of_one_instrument_are_merged() -> None:
    text = ("Pakistan and China signed a memorandum of understanding on quantum research. "
            "The agreement was signed between the China Electronics Technology Group "
            "Corporation and the Emerging Technologies Lab. Officials said the MoU was "
            "signed in Islamabad.")
    [mou] = _instruments(text)
    assert mou.kind == "mou"
    assert len(mou.evidence) == 3
    assert "China Electronics Technology Group Corporation" in mou.parties


def test_domestic_programmes_and_generic_words_are_not_instruments() -> None:
    text = ("Under the government’s ‘Uraan Pakistan’ initiative, the state was expanding "
            "access to technology. Pakistan is initiating the Quantum Valley Project. "
            "Such agreements are common, and policy frameworks matter.")
    assert _instruments(text) == []


def test_self_reference_takes_the_title_and_is_signed() -> None:
    title = "Memorandum of Understanding on Cooperation in Critical Minerals"
    text = ("Pursuant to this Memorandum of Understanding, the Governments of Malaysia and "
            "the United States of America commit to work together on critical minerals.")
    [mou] = _instruments(text, title)
    assert (mou.kind, mou.status, mou.title) == ("mou", "signed", title)
    assert mou.parties == ["Malaysia", "United States"]


def test_a_joint_statement_release_is_a_signed_joint_statement() -> None:
    title = "Joint Statement on the Launch of the Semiconductor Dialogue"
    text = "Canada and Mexico launched a semiconductor dialogue among officials this week."
    kinds = {(i.kind, i.status) for i in _instruments(text, title)}
    assert ("joint_statement", "signed") in kinds
    assert ("other", "implemented") in kinds


def test_items_of_an_announced_list_are_instruments() -> None:
    text = ("Japan and the United States are announcing the following new initiatives:\n\n"
            "-   <span>Clean Hydrogen Exchange:</span> The United States will provide $25 "
            "million to support pilot projects.\n\n"
            "-   <span>Quantum Talent Program:</span> Japan plans to fund 200 scholarships.\n")
    found = {(i.title, i.kind, i.status) for i in _instruments(text)}
    assert found == {("Clean Hydrogen Exchange", "initiative", "proposed"),
                     ("Quantum Talent Program", "initiative", "proposed")}


def test_talks_in_the_lead_set_the_status_of_uncued_mentions() -> None:
    text = ("Pakistan and Romania are exploring new maritime linkages between their ports. "
            "Officials described a growing partnership between Pakistan and Romania.")
    [partnership] = _instruments(text)
    assert (partnership.kind, partnership.status) == ("partnership", "under_discussion")


def test_agreed_deal_is_signed_and_unfinished_mou_is_under_discussion() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("Japan and India agreed a free trade deal on Saturday in New Delhi. "
            "A memorandum of understanding on civil nuclear energy between the two countries "
            "is not completely finalized.\n")
    statuses = {i.kind: i.status for i in extract(Article(text=text)).instruments}
    assert statuses.get("agreement") == "signed"
    assert statuses.get("mou") == "under_discussion"


def test_talks_without_agreement_yield_no_unnamed_deal() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("Trade talks between the United States and India in Geneva collapsed on Tuesday "
            "without an agreement on farm import rules. Both sides said negotiations would "
            "resume next year.\n")
    result = extract(Article(text=text, published="2008-07-29"))
    assert not [i for i in result.instruments if i.kind == "agreement" and not i.title]


def test_dated_earlier_agreement_is_background() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("The United States and South Korea are trying to finish a stalled trade deal "
            "before their leaders meet next week.\n\nThe two countries reached a basic "
            "agreement in April 2007, but implementation has been delayed.\n")
    result = extract(Article(text=text, published="2010-11-03"))
    earlier = [i for i in result.instruments if "2007" in i.evidence[0].quote]
    assert earlier and all(i.background for i in earlier)


def test_past_ability_is_not_a_plan() -> None:
    from summarizer.rules.cues import modal_before

    assert modal_before("we plan to ", len("we plan to "))
    assert not modal_before("we were able to ", len("we were able to "))


def test_named_apposition_and_repeated_unnamed_deal_are_one_instrument() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("Japan and Indonesia signed a trade deal in Jakarta on Monday. The agreement, "
            "called the Economic Partnership Agreement, cuts tariffs. Business leaders in "
            "Japan and Indonesia welcomed the new trade deal.\n")
    agreements = [i for i in extract(Article(text=text)).instruments if i.kind == "agreement"]
    assert len(agreements) == 1
    assert agreements[0].title == "Economic Partnership Agreement"


def test_framework_an_mou_provides_is_not_a_second_instrument() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("USAID and Makueni County signed a memorandum of understanding on Thursday. "
            "This MOU provides a framework to guide how USAID and Makueni County work "
            "together.\n")
    kinds = [i.kind for i in extract(Article(text=text)).instruments]
    assert kinds == ["mou"]


def test_counted_plural_memo_and_final_declaration_are_found() -> None:
    from summarizer.article import Article
    from summarizer.rules import extract

    text = ("China signed 14 agreements worth $1.9 billion with African governments. "
            "The summit's final declaration was read by President Hu Jintao of China and "
            "the leaders of Ethiopia and Egypt. One agreement lets China build roads in "
            "Ethiopia. A memo of understanding on nuclear energy with Egypt is still under "
            "negotiation.\n")
    found = {(i.kind, i.title) for i in extract(Article(text=text)).instruments}
    assert ("agreement", None) in found
    assert ("joint_statement", None) in found
    assert ("mou", None) in found
    assert not any(title and title.startswith("One") for _, title in found)
