"""The HTML review report: one self-contained file to check digests against their articles.

``render_report`` writes a single HTML page with inline CSS and JavaScript and no external
resource. The data travels as JSON in two ``<script type="application/json">`` blocks
(``<``, ``>`` and ``&`` escaped, so no string can close them): ``report-data`` holds the
settings, the overview and one small index entry per article; ``report-articles`` holds
one full article per line, parsed only when that article is opened, so a report of
10,000 digests opens without parsing them all. The page script renders one index page
or one article at a time, inserting every string as text, never as HTML.
A Content-Security-Policy allows only the page's own script and style (by hash), so even
markup that slipped through could neither run nor fetch anything.

``load_digests`` reads what ``summarizer digest`` writes: JSON Lines, or one or several
(pretty) JSON documents, or a JSON array.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from ..entities.aliases import Aliases
from ..errors import ConfigError, InputError
from ..models import Digest
from .payload import article_rest, build_report

DEFAULT_TITLE = "Digest review"
DEFAULT_PAGE_SIZE = 50

_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_CSP = ("default-src 'none'; script-src '{script}'; style-src '{style}'; img-src data:; "
        "base-uri 'none'; form-action 'none'")


def render_report(
    digests: Iterable[Digest],
    *,
    title: str = DEFAULT_TITLE,
    page_size: int = DEFAULT_PAGE_SIZE,
    generated_at: str | None = None,
    aliases: Aliases | None = None,
    store: Path | None = None,
) -> str:
    """One self-contained HTML page reviewing ``digests``; the same input gives the same bytes.

    ``page_size`` is the number of articles per index page; ``generated_at`` is shown
    in the header when given (nothing time-dependent is added otherwise). ``aliases``
    overrides entity merges in the overview; ``store`` keeps the entity registry.
    """
    if page_size < 1:
        raise ConfigError(f"page size must be at least 1, not {page_size}")
    lines: list[str] = []
    payload = build_report(digests, lambda a: lines.append(json_for_script(article_rest(a))),
                           title=title,
                           page_size=page_size, generated_at=generated_at, aliases=aliases,
                           store=store)
    style, script = _asset("report.css"), _asset("report.js")
    values = {
        "title": html.escape(title),
        "csp": html.escape(_CSP.format(script=_csp_hash(script), style=_csp_hash(style))),
        "style": style,
        "script": script,
        "data": json_for_script(payload),
        "articles": "\n".join(lines),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("report.html"))


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, no ``<!--``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE_IN_SCRIPT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _asset(name: str) -> str:
    text = (files("summarizer.report") / "assets" / name).read_text(encoding="utf-8")
    if name != "report.html" and "</" in text:
        raise AssertionError(f"report asset {name} must not contain '</'")
    return text


# --------------------------------------------------------------------------- loading


def load_digests(path: str | Path) -> Iterator[Digest]:
    """Digests from a JSONL file (or JSON documents, or a JSON array); ``-`` reads stdin.

    Raises InputError naming ``file:line`` for a line or document that is not a digest.
    """
    source = str(path)
    count = 0
    with _open(source) as handle:
        for digest in _parse(handle, source):
            count += 1
            yield digest
    if not count:
        raise InputError("no digests found; give the JSONL that `summarizer digest` writes",
                         source=source)


class _Stdin:
    def __enter__(self) -> TextIO:
        return sys.stdin

    def __exit__(self, *exc: object) -> None:
        return None


def _open(source: str) -> TextIO | _Stdin:
    if source == "-":
        return _Stdin()
    try:
        return open(source, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read digests: {exc.strerror or exc}; check the path",
                         source=source) from None


def _parse(handle: TextIO, source: str) -> Iterator[Digest]:
    lineno, first = _first_line(handle, source)
    if not first:
        return
    try:
        value = json.loads(first)
    except json.JSONDecodeError:
        rest = _read(handle, source)
        yield from _parse_documents(first + rest, source, lineno)
        return
    yield from _validate(value, f"{source}:{lineno}")
    yield from _parse_lines(handle, source, lineno)


def _first_line(handle: TextIO, source: str) -> tuple[int, str]:
    """The first non-blank line (with its number), or ``(0, "")``."""
    lineno = 0
    while True:
        lineno += 1
        line = _readline(handle, source, lineno)
        if not line:
            return 0, ""
        if line.strip():
            return lineno, line


def _parse_lines(handle: TextIO, source: str, lineno: int) -> Iterator[Digest]:
    while line := _readline(handle, source, lineno + 1):
        lineno += 1
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:  # the fast path: pydantic parses and validates in one go
            yield Digest.model_validate_json(line)
            continue
        except ValidationError:
            pass  # not JSON, a list, or not a digest: the slow path says which
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}); expected one "
                             "digest per line", source=where) from None
        yield from _validate(value, where)


def _parse_documents(text: str, source: str, first_line: int) -> Iterator[Digest]:
    """One or more JSON documents one after the other (pretty JSON, or an array)."""
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    while pos < len(text):
        where = f"{source}:{first_line + text.count(chr(10), 0, pos)}"
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            line = first_line + exc.lineno - 1
            raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}); expected "
                             "JSON Lines or JSON digests", source=f"{source}:{line}") from None
        yield from _validate(value, where)
        pos = end + len(text[end:]) - len(text[end:].lstrip())


def _validate(value: Any, where: str) -> Iterator[Digest]:
    items = value if isinstance(value, list) else [value]
    for k, item in enumerate(items):
        label = f"{where} (item {k + 1})" if isinstance(value, list) else where
        try:
            yield Digest.model_validate(item)
        except ValidationError as exc:
            raise InputError(_invalid(exc), source=label) from None


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(x) for x in first["loc"]) or "digest"
    more = f" and {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
    return (f"not a digest ({loc}: {first['msg']}{more}); expected digests as "
            "`summarizer digest` writes them")


def _readline(handle: TextIO, source: str, lineno: int) -> str:
    try:
        return handle.readline()
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; give the JSONL that `summarizer digest` writes",
                         source=f"{source}:{lineno}") from None


def _read(handle: TextIO, source: str) -> str:
    try:
        return handle.read()
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=source) from None
