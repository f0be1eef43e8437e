"""The HTML review report: payload, span layout, escaping, scale, loading and the command.

The page's behaviour in a real browser is tested in tests/test_report_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import typer
from report_samples import (
    HOSTILE_IMG,
    HOSTILE_NAME,
    HOSTILE_SCRIPT,
    HOSTILE_TITLE,
    hostile,
    injection,
    many,
    quantum,
    romania,
    span_count,
)
from typer.testing import CliRunner

from summarizer.cli.report import register
from summarizer.errors import ConfigError, InputError
from summarizer.models import Digest, Evidence, Party
from summarizer.render import render, to_json
from summarizer.report.html import json_for_script, load_digests, render_report
from summarizer.report.payload import article_payload, layout_spans, utf16_offsets


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


def coverage(frags: list[tuple[int, int, int]], index: int) -> list[tuple[int, int]]:
    return sorted((s, e) for s, e, i in frags if i == index)


def assert_laminar(frags: list[tuple[int, int, int]]) -> None:
    """Fragments nest or are disjoint, and each one comes after its enclosing ones."""
    for k, (s1, e1, _) in enumerate(frags):
        for s2, e2, _ in frags[k + 1:]:
            disjoint = e1 <= s2 or e2 <= s1
            assert disjoint or (s1 <= s2 and e2 <= e1), (frags, (s1, e1), (s2, e2))


# --------------------------------------------------------------------------- layout


def test_layout_keeps_disjoint_and_nested_spans_whole() -> None:
    assert layout_spans([(5, 8), (0, 3)]) == [(0, 3, 1), (5, 8, 0)]
    assert layout_spans([(2, 5), (0, 10)]) == [(0, 10, 1), (2, 5, 0)]
    assert layout_spans([(2, 6), (2, 6)]) == [(2, 6, 0), (2, 6, 1)]


def test_layout_splits_a_crossing_span_at_the_end_of_the_open_one() -> None:
    assert layout_spans([(0, 10), (5, 15)]) == [(0, 10, 0), (5, 10, 1), (10, 15, 1)]
    frags = layout_spans([(0, 4), (2, 8), (6, 10)])
    assert frags == [(0, 4, 0), (2, 4, 1), (4, 8, 1), (6, 8, 2), (8, 10, 2)]


def test_layout_of_random_spans_is_laminar_and_covers_each_span_exactly() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ranges = []
        for _ in range(rng.randint(1, 8)):
            start = rng.randint(0, 30)
            ranges.append((start, start + rng.randint(0, 12)))
        frags = layout_spans(ranges)
        assert_laminar(frags)
        for i, (start, end) in enumerate(ranges):
            pieces = coverage(frags, i)
            assert pieces[0][0] == start and pieces[-1][1] == end
            assert all(a[1] == b[0] for a, b in pairwise(pieces))


def test_utf16_offsets_count_astral_characters_twice() -> None:
    assert utf16_offsets("plain ascii") is None
    assert utf16_offsets("Constanța") is None
    assert utf16_offsets("a🚀b") == [0, 1, 3, 4]


# --------------------------------------------------------------------------- payload


def test_every_evidence_span_is_embedded_with_its_offsets() -> None:
    d = quantum()
    a = article_payload(d)
    text = d.article.text
    assert len(a["spans"]) == span_count(d) == 11
    party_china = a["tables"]["parties"][1]
    assert party_china["n"] == "China"
    assert [(a["spans"][i]["s"], a["spans"][i]["e"]) for i in party_china["ev"]] == [
        (e.start, e.end) for e in d.parties[1].evidence]
    for span in a["spans"]:
        assert text[span["s"]:span["e"]] == span["q"]
        assert "p" not in span
    assert {i for _, _, i in a["frags"]} == set(range(11))
    assert_laminar(a["frags"])


def test_overlapping_spans_nest_and_a_crossing_one_is_split() -> None:
    d = quantum()
    a = article_payload(d)
    mou = d.instruments[0].evidence[0]
    sector = d.sectors[0].evidence[0]
    assert mou.start < sector.start < mou.end < sector.end
    sector_id = a["tables"]["sectors"][0]["ev"][0]
    assert coverage(a["frags"], sector_id) == [(sector.start, mou.end), (mou.end, sector.end)]
    pakistan = d.parties[0].evidence[0]
    assert mou.start == pakistan.start and pakistan.end < mou.end  # nested, not split
    assert coverage(a["frags"], a["tables"]["parties"][0]["ev"][0]) == [
        (pakistan.start, pakistan.end)]


def test_fragment_offsets_are_utf16_when_the_text_has_astral_characters() -> None:
    d = hostile()
    a = article_payload(d)
    portugal = d.parties[0].evidence[0]
    assert d.article.text[portugal.start:portugal.end] == "Portugal"
    assert a["spans"][0]["s"] == portugal.start  # shown offsets stay the digest's
    assert coverage(a["frags"], 0) == [(portugal.start + 1, portugal.end + 1)]


def test_warnings_are_embedded_and_bad_offsets_become_report_warnings() -> None:
    d = injection()
    text = d.article.text
    broken = d.model_copy(update={"parties": [
        *d.parties,
        Party(name="Ghost", kind="company", evidence=[
            Evidence(quote="Ghost Ltd", start=0, end=9, match="fuzzy", score=91),
            Evidence(quote="far away", start=len(text), end=len(text) + 8, match="exact")]),
    ]})
    a = article_payload(broken)
    assert [(w["code"], w["item"], w["origin"]) for w in a["warnings"]] == [
        ("ungrounded_item", "Evil Corp", "digest"),
        ("doubtful_status", "agreement", "digest"),
        ("evidence_offsets", "Ghost", "report"),
        ("evidence_offsets", "Ghost", "report"),
    ]
    assert a["warnings"][0]["message"] == 'Dropped party "Evil Corp": only named in an instruction.'
    assert "quote differs from the text at [0:9]" in a["warnings"][2]["message"]
    assert "outside the text" in a["warnings"][3]["message"]
    ghost = a["tables"]["parties"][3]["ev"]
    assert [i for _, _, i in a["frags"] if i in ghost] == [ghost[0]]  # out of range: not laid out


def test_provenance_rows_and_unsafe_urls() -> None:
    a = article_payload(quantum())
    prov = dict(a["prov"])
    assert prov["Prompt"] == "digest@v1 · ab12ab12ab12"
    assert prov["Tokens"] == "1830 prompt · 412 completion · 2242 total"
    assert prov["Duration"] == "5.32 s" and prov["Model"] == "qwen2.5-1.5b-instruct"
    assert a["link"] is True and a["url"] == "https://www.arabnews.com/node/2620000"
    rules = dict(article_payload(romania())["prov"])
    assert "Model" not in rules and rules["Backend"] == "rules"
    assert article_payload(hostile())["link"] is False  # javascript: is never a link


# --------------------------------------------------------------------------- page


def test_hostile_strings_are_never_markup_in_the_page() -> None:
    page = render_report([hostile(), quantum()], title='<script>alert(1)</script>"')
    assert page.count("<script") == 3 and page.count("</script") == 3  # the page's own three
    rest = page
    for block in ("report-data", "report-articles"):
        start = rest.index(f'id="{block}">') + len(f'id="{block}">')
        end = rest.index("</script>", start)
        data, rest = rest[start:end], rest[:start] + rest[end:]
        assert "<" not in data and ">" not in data and "&" not in data
    for needle in ("<img", "<svg", "<b>", "<i>", "<!--", "javascript:", "onerror", "__pwned"):
        assert needle not in rest, needle
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;</title>" in page
    a = embedded(page)["articles"][0]
    assert a["text"].count(HOSTILE_SCRIPT) == 1 and HOSTILE_IMG in a["text"]
    assert a["title"] == HOSTILE_TITLE
    assert a["tables"]["parties"][1]["n"] == HOSTILE_NAME


def test_json_for_script_escapes_what_could_end_a_script_element() -> None:
    out = json_for_script({"t": "</script><!-- & \u2028 \ud800"})
    assert out == '{"t":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028 \\ud800"}'


def test_page_is_self_contained_and_its_csp_allows_only_its_own_script() -> None:
    page = render_report([quantum()])
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(script) == 1
    digest = base64.b64encode(hashlib.sha256(script[0].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and f"script-src &#x27;sha256-{digest}&#x27;" in csp.group(1)
    assert "default-src &#x27;none&#x27;" in csp.group(1)


def test_output_is_deterministic_and_shows_a_time_only_when_given() -> None:
    digests = [quantum(), romania()]
    assert render_report(digests) == render_report(digests)
    assert embedded(render_report(digests))["generated_at"] is None
    stamped = render_report(digests, generated_at="2026-02-01")
    assert embedded(stamped)["generated_at"] == "2026-02-01"


def test_single_digest() -> None:
    data = embedded(render_report([romania()], title="One"))
    assert data["title"] == "One" and len(data["articles"]) == 1
    assert data["articles"][0]["warnings"] == []
    assert data["articles"][0]["text"].startswith("  • Maritime minister")


def test_thousand_digests_are_data_not_markup_and_of_reasonable_size() -> None:
    digests = many(1000)
    page = render_report(digests, page_size=40)
    text_bytes = sum(len(d.article.text.encode()) for d in digests)
    size = len(page.encode())
    # per article: ~3,000 bytes of items and spans, plus ~200 of overview focus keys
    assert size < text_bytes + 3_200 * len(digests) + 100_000, (size, text_bytes)
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    assert len(markup) < 2_000  # no article is rendered up front: the script renders a page
    assert "<mark" not in markup and "<tr" not in markup and "Pakistan" not in markup
    data = embedded(page)
    assert data["page_size"] == 40 and len(data["articles"]) == 1000
    assert [a["id"] for a in data["articles"][:2]] == ["seed-quantum-0001", "seed-romania-0002"]


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="page size"):
        render_report([quantum()], page_size=0)


# --------------------------------------------------------------------------- loading


def test_load_digests_reads_jsonl_pretty_json_and_arrays(tmp_path: Path) -> None:
    digests = [quantum(), hostile(), romania()]
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(render(digests, "jsonl").replace("\n", "\n\n", 1), encoding="utf-8")
    pretty = tmp_path / "d.json"
    pretty.write_text(render(digests, "json"), encoding="utf-8")
    array = tmp_path / "a.json"
    array.write_text(json.dumps([d.model_dump(mode="json") for d in digests], indent=1))
    for path in (jsonl, pretty, array):
        assert list(load_digests(path)) == digests, path
    one = tmp_path / "one.json"
    one.write_text(to_json(quantum()), encoding="utf-8")
    assert list(load_digests(str(one))) == [quantum()]


def test_load_digests_names_file_and_line_of_a_bad_line(tmp_path: Path) -> None:
    good = render([quantum()], "jsonl")
    path = tmp_path / "d.jsonl"
    path.write_text(good + "\n" + '{"article": {"id": 1\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:3: not valid JSON"):
        list(load_digests(path))
    path.write_text(good + '{"schema_version": "1"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.jsonl:2: not a digest \(article: Field required"):
        list(load_digests(path))


def test_load_digests_names_the_line_in_pretty_json(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    pretty = to_json(quantum()).replace('"backend": "llm"', '"backend": llm', 1)
    path.write_text(pretty, encoding="utf-8")
    line = pretty[:pretty.index('"backend": llm')].count("\n") + 1
    with pytest.raises(InputError, match=rf"d\.json:{line}: not valid JSON"):
        list(load_digests(path))


@pytest.mark.parametrize(("content", "message"), [
    (b"", "no digests found"),
    (b"\n  \n", "no digests found"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_load_digests_rejects_empty_and_undecodable_files(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(load_digests(path))


def test_load_digests_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.jsonl: cannot read digests"):
        list(load_digests(tmp_path / "missing.jsonl"))


# --------------------------------------------------------------------------- command


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    src.write_text(render([quantum(), romania()], "jsonl"), encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(_app(), ["report", str(src), "-o", str(out), "--title", "Week 3",
                                         "--page-size", "10"])
    assert result.exit_code == 0, result.output
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["title"] == "Week 3" and data["page_size"] == 10
    lines = src.read_text(encoding="utf-8").splitlines()
    ids = [Digest.model_validate_json(line).article.id for line in lines]
    assert ids == [a["id"] for a in data["articles"]] == ["seed-quantum", "seed-romania"]
    assert "wrote 2 article(s)" in result.stderr


def test_report_command_fails_with_one_line_on_bad_input(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    src.write_text(render([quantum()], "jsonl") + "not json\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(_app(), ["report", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {src}:2: not valid JSON")
    assert result.stderr.count("\n") == 1
    assert not out.exists()
