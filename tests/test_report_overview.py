"""The report's corpus overview: aggregation, filters, focus keys, layout and escaping.

Its behaviour in a real browser is tested in tests/test_report_overview_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from corpus_samples import corpus
from report_samples import quantum, romania
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.models import Digest, Evidence, Instrument, Party
from summarizer.report.html import render_report
from summarizer.report.overview import HEIGHT, WIDTH, focus_matches, layout
from summarizer.report.payload import report_payload
from summarizer.store import Store

HOSTILE_NAMES = ["<script>window.__pwned=5</script>", 'Acme "Quoted" & Sons',
                 "</svg><img src=x onerror=window.__pwned=6>", "Zeta</script><!--"]


def payload(digests: list[Digest]) -> dict[str, Any]:
    return report_payload(digests, title="t", page_size=10, generated_at=None)


def embedded(page: str) -> dict[str, Any]:
    """The data the page carries, as the browser's JSON.parse would read it, with the full
    articles (one JSON document per line of #report-articles) in place of index entries."""
    blocks = dict(re.findall(r'<script type="application/json" id="(report-\w+)">(.*?)</script>',
                             page, re.S))
    assert set(blocks) == {"report-data", "report-articles"}, "no data block"
    data: dict[str, Any] = json.loads(blocks["report-data"])
    lines = blocks["report-articles"].split("\n") if blocks["report-articles"] else []
    assert len(lines) == len(data["articles"])
    data["index"] = data["articles"]
    data["articles"] = [{**entry, **json.loads(line)}
                        for entry, line in zip(data["index"], lines, strict=True)]
    return data


def test_network_nodes_count_articles_and_filter_to_them() -> None:
    digests = corpus()
    data = payload(digests)
    o = data["overview"]
    nodes = {n["id"]: n for n in o["network"]["nodes"]}
    assert nodes["country:USA"]["n"] == 11
    pak = o["filters"][nodes["country:PAK"]["f"]]
    assert [digests[i].article.id for i in pak["arts"]] == ["seed-quantum-mou",
                                                            "seed-romania-maritime"]
    assert pak["focus"] == "e:country:PAK"
    # edges: strongest status of the instruments two nodes share
    by_pair = {(o["network"]["nodes"][e["a"]]["id"], o["network"]["nodes"][e["b"]]["id"]): e
               for e in o["network"]["edges"]}
    edge = by_pair.get(("country:PAK", "country:CHN")) or by_pair[("country:CHN",
                                                                   "country:PAK")]
    # the MoU; CPEC and the BRI (implemented) are background mentions and do not count
    assert edge["status"] == "signed" and edge["n"] == 1


def test_every_filter_points_at_articles_with_a_row_to_focus() -> None:
    data = payload(corpus())
    filters = data["overview"]["filters"]
    assert len(filters) > 50
    for f in filters:
        assert f["arts"], f
        for i in f["arts"]:
            tables = data["articles"][i]["tables"]
            rows = [r.get("fk", []) for rows in tables.values() for r in rows]
            assert any(focus_matches(f["focus"], keys) for keys in rows), (f, i)


def test_timeline_matrix_and_top_entities() -> None:
    data = payload(corpus())
    o = data["overview"]
    t = o["timeline"]
    assert t["unit"] == "month" and t["buckets"] == sorted(t["buckets"])
    assert t["undated"] > 0  # the seed articles carry no published date
    assert {m["status"] for m in t["marks"]} <= {"implemented", "signed", "proposed",
                                                 "under_discussion", "other"}
    m = o["matrix"]
    assert m["countries"][0] == "United States"
    cell = next(c for c in m["cells"] if m["sectors"][c["s"]] == "quantum and advanced computing"
                and m["countries"][c["c"]] == "Pakistan")
    assert cell["n"] == 1
    assert [x["id"] for x in o["top"][:1]] == ["country:USA"]
    assert o["top"][0]["names"] == 3  # United States, U.S., United States of America


def test_single_article_has_no_overview() -> None:
    assert payload([quantum()])["overview"] is None


def test_layout_is_deterministic_and_inside_the_canvas() -> None:
    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    first = layout(edges, 12)
    assert first == layout(edges, 12)
    assert all(0 < x < WIDTH and 0 < y < HEIGHT for x, y in first)
    assert layout([], 0) == []


def hostile_corpus() -> list[Digest]:
    base = [quantum(), romania()]
    out = []
    for k, d in enumerate(base):
        text = d.article.text
        parties = list(d.parties)
        names = []
        for name in HOSTILE_NAMES:
            ev = Evidence(quote=text[:10], start=0, end=10, match="exact")
            parties.append(Party(name=name, kind="company", evidence=[ev]))
            names.append(name)
        instruments = [Instrument(kind="mou", status="signed", parties=names,
                                  evidence=[Evidence(quote=text[:10], start=0, end=10,
                                                     match="exact")])]
        out.append(d.model_copy(update={
            "parties": parties, "instruments": instruments,
            "article": d.article.model_copy(update={"id": f"hostile-{k}"})}))
    return out


def test_hostile_entity_names_cannot_close_the_data_block() -> None:
    page = render_report(hostile_corpus())
    body = page[page.index('id="report-data">'):]
    data_block = body[: body.index("</script>")]
    for raw in ("<script", "</svg", "<img", "<!--"):
        assert raw not in data_block
    data = embedded(page)
    labels = {n["label"] for n in data["overview"]["network"]["nodes"]}
    assert set(HOSTILE_NAMES) <= labels  # kept as text, shown as text by the page


def test_report_command_reads_v1_digests_and_applies_aliases(tmp_path: Path) -> None:
    lines = []
    for d in corpus():
        data = json.loads(d.model_dump_json())
        data["schema_version"] = "1"
        for party in data["parties"]:
            del party["entity_id"], party["surface"]
        lines.append(json.dumps(data))
    old = tmp_path / "v1.jsonl"
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[names]\n"country:USA" = "USA (aliases file)"\n', encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(old), "-o", str(out), "--aliases",
                                      str(aliases), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.stderr
    data = embedded(out.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["overview"]["network"]["nodes"]}
    assert nodes["country:USA"]["label"] == "USA (aliases file)"
    assert nodes["country:USA"]["n"] == 11
    with Store.open(tmp_path / "s.db") as store:  # the registry was kept
        row = store.db.execute("SELECT name FROM entities WHERE entity_id = 'country:USA'")
        assert row.fetchone() == ("USA (aliases file)",)
    bad = tmp_path / "bad.toml"
    bad.write_text("[merge]\nx = 1\n", encoding="utf-8")
    failed = CliRunner().invoke(app, ["report", str(old), "-o", str(out), "--aliases",
                                      str(bad)])
    assert failed.exit_code == 1 and "bad.toml" in failed.stderr
