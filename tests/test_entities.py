"""Entity resolution: ids per kind, within-article merges, corpus merges under guards,
aliases files and the store's registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.entities import identify, resolve_parties, with_entities
from summarizer.entities.aliases import load_aliases
from summarizer.entities.corpus import EntityIndex
from summarizer.entities.registry import known_merges, save_resolution
from summarizer.entities.resolve import acronyms
from summarizer.errors import ConfigError
from summarizer.models import ArticleInfo, Digest, Evidence, Party, Provenance, Summary
from summarizer.store import Store


def ev(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact")


def party(text: str, name: str, kind: str = "country", quote: str | None = None,
          country: str | None = None) -> Party:
    return Party(name=name, kind=kind, country=country,  # type: ignore[arg-type]
                 evidence=[ev(text, quote or name)])


def digest(article_id: str, text: str, parties: list[Party], resolve: bool = True) -> Digest:
    d = Digest(article=ArticleInfo(id=article_id, sha256="0" * 64, text=text),
               summary=Summary(headline=article_id, one_line="x", bullets=[]),
               parties=parties,
               provenance=Provenance(backend="rules", created_at="2026-01-01T00:00:00Z"))
    return with_entities(d) if resolve else d


def pdigest(article_id: str, text: str, parties: list[Party]) -> list[Party]:
    return digest(article_id, text, parties).parties


@pytest.mark.parametrize(("name", "expected"), [
    ("US", "country:USA"), ("U.S.", "country:USA"), ("United States", "country:USA"),
    ("the United States of America", "country:USA"), ("America", "country:USA"),
    ("PRC", "country:CHN"), ("UAE", "country:ARE"), ("Türkiye", "country:TUR"),
    ("Turkey", "country:TUR"), ("Viet Nam", "country:VNM"), ("Republic of Korea", "country:KOR"),
    ("South Korea", "country:KOR"), ("DPRK", "country:PRK"), ("Kingdom of Saudi Arabia",
    "country:SAU"), ("French Republic", "country:FRA"), ("Britain", "country:GBR"),
])
def test_country_aliases_resolve_to_iso_alpha3(name: str, expected: str) -> None:
    assert identify(name, "country").entity_id == expected


def test_ids_per_kind() -> None:
    assert identify("Europe", "country").entity_id == "place:europe"
    assert identify("Chinese", "country").entity_id == "country:CHN"
    assert identify("Government of Pakistan", "government_body").entity_id == "country:PAK"
    assert identify("China Electronics Technology Group Corporation", "company",
                    "China").entity_id == "org:china-electronics-technology-group-corporation"
    assert identify("EU", "organisation").entity_id == "org:european-union"
    assert identify("Federal Minister Ahsan Iqbal", "person").entity_id == "person:ahsan-iqbal"
    assert identify("Société Générale", "company").entity_id == "org:societe-generale"


def test_ministries_of_different_countries_are_distinct_entities() -> None:
    pak = identify("Ministry of Planning", "government_body", "Pakistan").entity_id
    ind = identify("Ministry of Planning", "government_body", "India").entity_id
    assert pak == "gov:pak:ministry-of-planning" and ind == "gov:ind:ministry-of-planning"
    assert identify("Pakistani Ministry of Planning", "government_body").entity_id == pak
    assert identify("Ministry of Planning", "government_body").entity_id == (
        "gov:ministry-of-planning")
    assert identify("U.S. Coast Guard", "government_body", "United States").entity_id == (
        identify("Coast Guard", "government_body", "US").entity_id) == "gov:usa:coast-guard"
    assert identify("Civil Aviation Authority of Mongolia", "government_body",
                    "Mongolia").entity_id == "gov:mng:civil-aviation-authority"


SEED = ("The agreement was signed between the China Electronics Technology Group "
        "Corporation (CETC), a state-owned conglomerate, and the Emerging Technologies Lab. "
        "CETC will build the centre, Federal Minister Ahsan Iqbal said. Iqbal added that "
        "the U.S. was not involved.")


def test_acronym_defined_next_to_its_full_name_and_surname_merge_within_an_article() -> None:
    assert acronyms(SEED) == {"CETC": "China Electronics Technology Group Corporation"}
    parties = [party(SEED, "CETC", "company", country="China"),
               party(SEED, "China Electronics Technology Group Corporation", "company"),
               party(SEED, "Ahsan Iqbal", "person"), party(SEED, "Iqbal", "person"),
               party(SEED, "US", "country", quote="U.S.")]
    out = resolve_parties(parties, SEED)
    assert [p.entity_id for p in out] == [
        "org:china-electronics-technology-group-corporation"] * 2 + [
        "person:ahsan-iqbal"] * 2 + ["country:USA"]
    assert [p.surface for p in out] == [
        "CETC", "China Electronics Technology Group Corporation", "Ahsan Iqbal", "Iqbal", "U.S."]
    assert [p.name for p in out][:3] == ["China Electronics Technology Group Corporation"] * 2 + [
        "Ahsan Iqbal"]  # an expanded acronym takes the full name; others stay as found


def test_a_surname_shared_by_two_people_in_an_article_is_left_alone() -> None:
    text = "Joseph Biden met Hunter Biden. Biden said so."
    out = resolve_parties([party(text, "Joseph Biden", "person"),
                           party(text, "Hunter Biden", "person"),
                           party(text, "Biden", "person")], text)
    assert [p.entity_id for p in out] == ["person:joseph-biden", "person:hunter-biden",
                                          "person:biden"]


def test_canonical_country_name_gets_the_alias_written_in_the_evidence() -> None:
    text = "The Government of the United States of America and Malaysia signed."
    out = resolve_parties([party(text, "United States", quote="United States of America")],
                          text)
    assert out[0].entity_id == "country:USA" and out[0].surface == "United States of America"


def test_us_spellings_resolve_to_one_entity_across_articles() -> None:
    texts = {"a1": "The US and Japan agreed.", "a2": "The U.S. and Japan agreed.",
             "a3": "The United States and Japan agreed."}
    index = EntityIndex()
    for aid, (text, name) in zip(texts, [(texts["a1"], "US"), (texts["a2"], "U.S."),
                                         (texts["a3"], "United States")], strict=True):
        index.add(pdigest(aid, text, [party(text, name), party(text, "Japan")]))
    resolution = index.resolve()
    usa = resolution.entities["country:USA"]
    assert usa.articles == 3 and set(usa.surfaces) == {"US", "U.S.", "United States"}
    assert resolution.entities["country:JPN"].articles == 3
    assert resolution.merges == []  # exact ids, no fuzzy merge needed


def _corpus() -> EntityIndex:
    index = EntityIndex()
    t1 = "China Electronics Technology Group Corporation (CETC) and Joseph R. Biden, Jr. met."
    index.add(pdigest("a1", t1, [party(t1, "CETC", "company"),
                                party(t1, "Joseph R. Biden, Jr.", "person")]))
    t2 = "CETC signed with Biden and the Ministry of Planning of Pakistan."
    index.add(pdigest("a2", t2, [party(t2, "CETC", "company"), party(t2, "Biden", "person"),
                                party(t2, "Ministry of Planning", "government_body",
                                      country="Pakistan")]))
    t3 = "The Ministry of Planning of India and US Department of State and Joseph Biden."
    index.add(pdigest("a3", t3, [
        party(t3, "Ministry of Planning", "government_body", country="India"),
        party(t3, "US Department of State", "government_body", country="United States"),
        party(t3, "Joseph Biden", "person")]))
    t4 = "The U.S. Department of the State said. Hunter Biden did not."
    index.add(pdigest("a4", t4, [
        party(t4, "U.S. Department of the State", "government_body", country="US"),
        party(t4, "Hunter Biden", "person")]))
    return index


def test_corpus_merges_under_guards() -> None:
    resolution = _corpus().resolve()
    canon = resolution.canonical
    cetc = "org:china-electronics-technology-group-corporation"
    assert canon["org:cetc"] == cetc  # acronym defined in a1, bare in a2
    assert canon["person:joseph-biden"] == canon["person:joseph-r-biden-jr"]
    assert canon["person:hunter-biden"] == "person:hunter-biden"  # other first name
    # "Biden" alone has two full-name candidates (Joseph, Hunter): left alone
    assert canon["person:biden"] == "person:biden"
    assert canon["gov:usa:department-of-the-state"] == canon["gov:usa:department-of-state"]
    # never merge ministries of different countries
    assert canon["gov:pak:ministry-of-planning"] != canon["gov:ind:ministry-of-planning"]
    assert resolution.entities[cetc].articles == 2
    reasons = {m.entity_id: m.reason for m in resolution.merges}
    assert reasons["org:cetc"] == "acronym CETC"


def test_aliases_file_forces_and_forbids_merges(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text("""
forbid = [["gov:usa:department-of-state", "gov:usa:department-of-the-state"]]
[merge]
"person:joseph-r-biden-jr" = ["person:biden"]
"country:KOR" = ["Korea Republic"]
[names]
"person:joseph-r-biden-jr" = "Joe Biden"
""", encoding="utf-8")
    aliases = load_aliases(path)
    resolution = _corpus().resolve(aliases)
    canon = resolution.canonical
    assert canon["person:biden"] == "person:joseph-r-biden-jr"
    assert canon["gov:usa:department-of-the-state"] != canon["gov:usa:department-of-state"]
    assert resolution.name("person:joseph-r-biden-jr") == "Joe Biden"
    assert aliases.target_of_surface("korea  republic") == "country:KOR"


@pytest.mark.parametrize("body", ["[merge]\nx = ['org:a']", "forbid = [['org:a']]",
                                  "[merge]\nforbid = [['org:a', 'org:b']]",
                                  "[oops]\na = 1", "not toml ["])
def test_bad_aliases_file_names_the_file(tmp_path: Path, body: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"aliases\.toml"):
        load_aliases(path)


def test_registry_in_the_store_keeps_merges_across_runs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        resolution = _corpus().resolve()
        assert save_resolution(store.db, resolution) == len(resolution.canonical)
        known = known_merges(store.db)
        assert known["org:cetc"] == "org:china-electronics-technology-group-corporation"
        # a later corpus where CETC is never defined still resolves through the registry
        later = EntityIndex()
        t = "CETC signed."
        later.add(pdigest("b1", t, [party(t, "CETC", "company")]))
        assert later.resolve().canonical["org:cetc"] == "org:cetc"
        again = later.resolve(known=known)
        assert again("org:cetc") == "org:china-electronics-technology-group-corporation"
        row = store.db.execute("SELECT mentions FROM entity_surfaces WHERE entity_id = ? AND "
                               "surface = 'CETC'", (again("org:cetc"),)).fetchone()
        assert row == (2,)


def test_v1_digest_gets_ids_on_load() -> None:
    text = "The U.S. and China signed."
    old = digest("v1", text, [party(text, "U.S."), party(text, "China")], resolve=False)
    data = json.loads(old.model_dump_json(exclude={"parties": {"__all__": {"entity_id",
                                                                             "surface"}}}))
    data["schema_version"] = "1"
    loaded = with_entities(Digest.model_validate(data))
    assert [(p.entity_id, p.surface) for p in loaded.parties] == [
        ("country:USA", "U.S."), ("country:CHN", "China")]
