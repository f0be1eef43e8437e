"""Item identity: the ``key()`` of digest and draft items (built on ``summarizer.text``)."""

from __future__ import annotations

from summarizer.models import (
    DraftInstrument,
    DraftParty,
    DraftSector,
    DraftTarget,
    Evidence,
    Instrument,
    Party,
    Sector,
    Target,
)

EV = [Evidence(quote="x", start=0, end=1, match="exact")]


def test_party_keys_resolve_spellings_and_titles() -> None:
    us = Party(name="U.S.", kind="country", evidence=EV)
    assert us.key() == Party(name="the United States", kind="country", evidence=EV).key()
    assert us.key() == DraftParty(name="USA", kind="country", evidence=["x"]).key()
    assert (Party(name="Dr. Ahsan Iqbal", kind="person", evidence=EV).key()
            == Party(name="Ahsan Iqbal", kind="person", evidence=EV).key())
    assert us.key() != Party(name="UK", kind="country", evidence=EV).key()


def test_instrument_keys_are_kind_and_title_not_status() -> None:
    signed = Instrument(kind="mou", title="Quantum MoU", status="signed", evidence=EV)
    proposed = DraftInstrument(kind="mou", title="the quantum  MoU", status="proposed",
                               evidence=["x"])
    assert signed.key() == proposed.key()
    assert signed.key() != signed.model_copy(update={"kind": "agreement"}).key()


def test_untitled_instrument_keys_are_kind_and_parties() -> None:
    a = Instrument(kind="mou", status="signed", parties=["U.S.", "India"], evidence=EV)
    b = DraftInstrument(kind="mou", status="signed", parties=["India", "United States"],
                        evidence=["x"])
    c = Instrument(kind="mou", status="signed", parties=["India", "Japan"], evidence=EV)
    assert a.key() == b.key() != c.key()


def test_sector_and_target_keys() -> None:
    assert Sector(label="energy", evidence=EV).key() == DraftSector(
        label="energy", evidence=["x"]).key()
    assert Target(description="Six ports by 2047.", evidence=EV).key() == DraftTarget(
        description="the six ports by 2047", evidence=["x"]).key()
