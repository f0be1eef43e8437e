"""Files, directories and stdin: every input kind, and every bad input as an IngestFailure."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from summarizer.article import Article, content_id
from summarizer.ingest import IngestConfig, IngestFailure, iter_articles, read_articles

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-articles.txt"
FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
QUANTUM = "Pakistan, China sign MoU to expand cooperation in quantum technologies"
ROMANIA = "Pakistan eyes European trade corridor via Romania to boost blue economy"
BODY = "NAIROBI: Kenya and Japan signed an agreement on Friday to expand geothermal power."


def _one_failure(inputs: list[str], config: IngestConfig | None = None) -> IngestFailure:
    articles, failures = read_articles(inputs, config or IngestConfig())
    assert articles == []
    (failure,) = failures
    assert "\n" not in failure.message
    return failure


def test_seed_file_gives_two_articles(tmp_path: Path) -> None:
    articles, failures = read_articles([str(SEED)])
    assert failures == []
    assert [a.title for a in articles] == [QUANTUM, ROMANIA]
    assert [a.origin for a in articles] == [f"{SEED}#1", f"{SEED}#2"]
    assert [a.published for a in articles] == ["2025-10-27", None]
    assert all(a.id is None and a.offsets is not None for a in articles)


def test_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(f"# Kenya and Japan agree geothermal deal\n\n{BODY}\n", encoding="utf-8")
    (article,) = list(iter_articles([str(path)]))
    assert not isinstance(article, IngestFailure)
    assert (article.title, article.text, article.origin) == (
        "Kenya and Japan agree geothermal deal", BODY, str(path))


def test_html_file_uses_trafilatura_metadata() -> None:
    path = FIX / "article.html"
    (article,) = list(iter_articles([str(path)]))
    assert not isinstance(article, IngestFailure)
    assert article.title == "Kenya and Japan agree geothermal partnership"
    assert article.source == "Coastline Daily"
    assert article.published == "2025-03-14"
    assert article.url == "https://news.example.org/2025/03/kenya-japan-geothermal"
    assert article.origin == str(path)
    assert article.text.startswith("NAIROBI: Kenya and Japan signed an agreement on Friday")
    assert "Energy Cabinet Secretary Opiyo Wandayi" in article.text
    for furniture in ("Home", "Privacy", "All rights reserved", article.title):
        assert furniture not in article.text.splitlines()
    assert "All rights reserved" not in article.text


def test_html_date_comes_from_metadata_never_from_the_body(tmp_path: Path) -> None:
    html = (FIX / "article.html").read_text(encoding="utf-8")
    meta = '<meta property="article:published_time" content="2025-03-14T09:30:00+03:00">'
    assert meta in html
    body_date = "<p>The talks on the geothermal deal began in Tokyo on 2 February 2025.</p>"
    page = tmp_path / "undated.html"
    page.write_text(html.replace(meta, "").replace("</article>", body_date + "</article>"),
                    encoding="utf-8")
    (article,) = list(iter_articles([str(page)]))
    assert not isinstance(article, IngestFailure)
    assert "began in Tokyo on 2 February 2025" in article.text
    assert article.published is None


def test_html_without_article_body_fails() -> None:
    path = FIX / "no-article.html"
    failure = _one_failure([str(path)])
    assert failure.source == str(path)
    assert failure.message.startswith(
        "no article text found in the HTML (is it an article page?)")


def test_html_sniffed_from_stdin() -> None:
    html = (FIX / "article.html").read_text(encoding="utf-8")
    (article,) = list(iter_articles(["-"], stdin=io.StringIO(html)))
    assert not isinstance(article, IngestFailure)
    assert (article.origin, article.source) == ("<stdin>", "Coastline Daily")


def test_directory_is_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second file body.\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("First file body.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Third file body.\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y\n", encoding="utf-8")
    (tmp_path / ".hidden" / "skip.txt").write_text("Hidden.\n", encoding="utf-8")
    shutil.copy(FIX / "article.html", tmp_path / "b" / "page.html")
    articles, failures = read_articles([str(tmp_path)])
    assert failures == []
    assert [Path(a.origin).relative_to(tmp_path).as_posix() for a in articles] == [
        "a.md", "b/page.html", "b/two.txt", "c.txt"]
    only_txt, _ = read_articles([str(tmp_path)], IngestConfig(glob="*.txt"))
    assert [a.text for a in only_txt] == ["Second file body.", "Third file body."]


def test_directory_with_a_bad_file_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Good body.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    items = list(iter_articles([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article", "IngestFailure"]
    assert items[1] == IngestFailure(
        str(tmp_path / "b.txt"), "input is empty; give it some article text")


def test_directory_without_usable_files_fails(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    failure = _one_failure([str(tmp_path)])
    assert failure.source == str(tmp_path)
    assert failure.message == (
        "directory has no usable files (.htm, .html, .jsonl, .md, .txt); check the path")
    failure = _one_failure([str(tmp_path)], IngestConfig(glob="*.xml"))
    assert "matching '*.xml'" in failure.message


def test_missing_file_fails_and_the_next_input_still_runs(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    missing = str(tmp_path / "nope.txt")
    items = list(iter_articles([missing, str(good)]))
    assert items[0] == IngestFailure(missing, "no such file or directory; check the path")
    assert not isinstance(items[1], IngestFailure)
    assert items[1].text == BODY


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_empty_file_fails(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert _one_failure([str(path)]) == IngestFailure(
        str(path), "input is empty; give it some article text")


def test_binary_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    failure = _one_failure([str(path)])
    assert failure.message.startswith("looks like a binary file (it contains NUL bytes)")


def test_latin1_file_is_decoded_with_a_warning() -> None:
    (article,) = list(iter_articles([str(FIX / "latin1.txt")]))
    assert not isinstance(article, IngestFailure)
    assert "coopération énergétique" in article.text
    assert "« C'est une étape très importante" in article.text
    (warning,) = article.warnings
    assert warning.startswith("input is not valid UTF-8; decoded as cp1252 (detected")


def test_utf8_bom_is_not_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8"))
    (article,) = list(iter_articles([str(path)]))
    assert not isinstance(article, IngestFailure)
    assert (article.text, article.warnings) == (BODY, ())


def test_file_over_max_bytes_fails(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    failure = _one_failure([str(path)], IngestConfig(max_bytes=200))
    assert failure.message == (
        "is 500 bytes, over the 200-byte limit (max_bytes); "
        "split it into smaller inputs, or raise the limit with --max-bytes "
        "(IngestConfig.max_bytes in the library)")


def test_stdin_text_and_bytes() -> None:
    (article,) = list(iter_articles(["-"], stdin=io.StringIO(f"Short Url\n{BODY}\n")))
    assert not isinstance(article, IngestFailure)
    assert (article.text, article.origin) == (BODY, "<stdin>")
    raw = io.TextIOWrapper(io.BytesIO("Café body in latin-1 text.".encode("latin-1")))
    (decoded,) = list(iter_articles(["-"], stdin=raw))
    assert not isinstance(decoded, IngestFailure)
    assert decoded.warnings and "decoded as" in decoded.warnings[0]


def test_stdin_limits_and_empty() -> None:
    assert list(iter_articles(["-"], stdin=io.StringIO(""))) == [
        IngestFailure("<stdin>", "input is empty; give it some article text")]
    (failure,) = list(iter_articles(["-"], IngestConfig(max_bytes=10),
                                    stdin=io.StringIO("x" * 11)))
    assert isinstance(failure, IngestFailure)
    assert failure.message.startswith("is larger than the 10-byte limit")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt",
                                 "gopher://x/"])
def test_unsupported_url_scheme_fails(url: str) -> None:
    failure = _one_failure([url])
    scheme = url.split(":", 1)[0]
    assert failure == IngestFailure(url, (
        f"unsupported URL scheme '{scheme}://'; only http:// and https:// URLs are fetched "
        "(give a local file as a plain path)"))


def test_same_article_from_two_inputs_has_one_key(tmp_path: Path) -> None:
    text_file = tmp_path / "copy.txt"
    text_file.write_text(f"Short Url\nFollow\n\n{BODY}\n", encoding="utf-8")
    jsonl = tmp_path / "copy.jsonl"
    rewrapped = BODY.replace(" ", "\n", 1) + "  "
    jsonl.write_text(json.dumps({"text": rewrapped}) + "\n", encoding="utf-8")
    (a, b), failures = read_articles([str(text_file), str(jsonl)])
    assert failures == []
    assert a.text != b.text  # differently wrapped copies of the same article
    assert a.id is None and b.id is None
    assert a.key == b.key == content_id(BODY)


def test_iter_articles_is_lazy(tmp_path: Path) -> None:
    items = iter_articles([str(tmp_path / "missing.txt")])
    first = next(items)
    assert isinstance(first, IngestFailure) and first.source == str(tmp_path / "missing.txt")
    assert next(items, None) is None


def test_directory_articles_are_named_by_their_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(BODY + "\n", encoding="utf-8")
    shutil.copy(SEED, tmp_path / "seed.txt")
    articles, failures = read_articles([str(tmp_path)])
    assert failures == []
    assert [a.key for a in articles] == [
        str(tmp_path / "seed.txt#1"), str(tmp_path / "seed.txt#2"), str(tmp_path / "sub" / "a.txt")]
    (alone,) = read_articles([str(tmp_path / "sub" / "a.txt")])[0]
    assert alone.id is None  # a file given on its own keeps its content id


def test_directory_refuses_fifos_and_links_out_of_it(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "good.txt").write_text(BODY + "\n", encoding="utf-8")
    os.mkfifo(root / "pipe.txt")  # would block the run forever if opened
    outside = tmp_path / "secret.txt"
    outside.write_text("Not part of the corpus.\n", encoding="utf-8")
    (root / "link.txt").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "good.txt")
    items = list(iter_articles([str(root)]))
    failures = {Path(i.source).name: i.message for i in items if isinstance(i, IngestFailure)}
    assert sorted(failures) == ["link.txt", "pipe.txt"]
    assert failures["link.txt"].startswith(f"is a symbolic link to {outside}, outside the")
    assert failures["pipe.txt"].startswith("is not a regular file (a FIFO, device or socket)")
    assert [a.text for a in items if isinstance(a, Article)] == [BODY, BODY]


def test_short_latin1_text_is_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("Müller und Schön unterzeichnen ein Abkommen.".encode("latin-1"))
    (article,) = list(iter_articles([str(path)]))
    assert isinstance(article, Article)
    assert article.text == "Müller und Schön unterzeichnen ein Abkommen."
    assert "decoded as cp1252" in article.warnings[0]
