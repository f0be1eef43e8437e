"""JSON Lines: fields, per-line failures naming file:line, and streaming."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from summarizer.article import Article
from summarizer.ingest import IngestConfig, IngestFailure, iter_articles, read_articles

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def test_sample_jsonl_fields() -> None:
    path = str(FIX / "sample.jsonl")
    (first, second, third), failures = read_articles([path])
    assert failures == []
    assert first.id == "kenya-japan-0001"
    assert first.key == "kenya-japan-0001"
    assert (first.title, first.url, first.source, first.published) == (
        "Kenya and Japan agree geothermal partnership", "https://news.example.org/kenya-japan",
        "Coastline Daily", "2025-03-14")
    assert first.origin == f"{path}:1"
    assert first.offsets is None and first.warnings == ()
    assert (second.id, second.published, second.origin) == (None, "2025-03-03", f"{path}:2")
    assert second.key.startswith("sha256:")
    assert (third.id, third.published) == ("42", None)
    assert third.warnings == (
        "published date is relative ('2 hours ago'); left empty rather than guessed",)


def test_text_is_taken_verbatim(tmp_path: Path) -> None:
    text = "Short Url\nFollow\n  Body kept as given.  "
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    (article,) = list(iter_articles([str(path)]))
    assert isinstance(article, Article) and article.text == text


BAD_LINES = [
    ("{not json", 'line is not valid JSON (Expecting property name enclosed in double quotes '
                  'at column 2); fix or remove it'),
    ('{"title": "no text"}', 'object has no "text" string, or it is empty; add the article text'),
    ('{"text": "   "}', 'object has no "text" string, or it is empty; add the article text'),
    ('{"text": 5}', 'object has no "text" string, or it is empty; add the article text'),
    ('["text"]', 'line is a JSON list, not an object with a "text" field'),
    ('"just a string"', 'line is a JSON str, not an object with a "text" field'),
    ('{"text": "ok", "id": [1]}', '"id" must be a string or an integer, not list'),
    ('{"text": "ok", "title": 3}', '"title" must be a string, not int'),
    ('{"text": "ok", "published": 2025}', '"published" must be a date string, not int'),
    ('{"text": "unterminated', 'line is not valid JSON (Invalid control character at '
                              'column 23); fix or remove it'),
    ('{"text": "a \\ud800 b"}', 'the article text holds a lone surrogate U+D800 at offset 2, '
                               "which is not a Unicode character; fix the input's encoding"),
    ('{"text": "ok", "title": "\\udfff"}', 'the "title" holds a lone surrogate U+DFFF at '
                                         "offset 0, which is not a Unicode character; fix the "
                                         "input's encoding"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_bad_line_fails_alone_naming_file_and_line(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "g", "text": "Good article text."})
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    items = list(iter_articles([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "IngestFailure", "Article"]
    assert items[1] == IngestFailure(f"{path}:3", message)
    assert [i.origin for i in items if isinstance(i, Article)] == [f"{path}:1", f"{path}:4"]


def test_non_utf8_and_over_long_lines(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    long_line = json.dumps({"text": "x" * 500})
    path.write_bytes(b'{"text": "caf\xe9"}\n' + long_line.encode() + b'\n{"text": "short"}\n')
    items = list(iter_articles([str(path)], IngestConfig(max_bytes=100)))
    assert items[:2] == [
        IngestFailure(f"{path}:1", "line is not UTF-8; JSONL files must be UTF-8"),
        IngestFailure(f"{path}:2", "line is larger than the 100-byte limit (max_bytes); "
                                   "split it into smaller inputs, or raise the limit with "
                                   "--max-bytes (IngestConfig.max_bytes in the library)"),
    ]
    assert isinstance(items[2], Article) and items[2].origin == f"{path}:3"


def test_empty_and_missing_jsonl(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    items = list(iter_articles([str(empty), str(missing)]))
    assert items == [
        IngestFailure(str(empty), "input is empty; give it one JSON object a line"),
        IngestFailure(str(missing), "no such file or directory; check the path"),
    ]


def test_large_jsonl_is_streamed_not_read_whole(tmp_path: Path) -> None:
    """100,000 lines, over max_bytes as a whole: the cap is per line, and lines are read
    as they are consumed — truncating the file mid-iteration shortens the output."""
    path = tmp_path / "big.jsonl"
    line = '{"text": "Article %06d about cooperation between two countries."}\n'
    path.write_text("".join(line % i for i in range(100_000)), encoding="utf-8")
    config = IngestConfig(max_bytes=1_000)
    items = iter_articles([str(path)], config)
    first = [a for a in islice(items, 3) if isinstance(a, Article)]
    assert [a.origin for a in first] == [f"{path}:{n}" for n in (1, 2, 3)]
    with path.open("r+b") as handle:
        handle.truncate(len(line % 0) * 1_000)
    rest = list(items)
    assert 0 < len(rest) < 1_000
    assert all(isinstance(item, Article) for item in rest)


def test_a_failed_line_keeps_its_own_id(tmp_path: Path) -> None:
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": "s1", "text": "a \\ud800 b"}\n{"id": 7, "text": ""}\n'
                    '{"id": [1], "text": ""}\n', encoding="utf-8")
    assert [(f.id if isinstance(f, IngestFailure) else f) for f in iter_articles([str(path)])] \
        == ["s1", "7", None]
