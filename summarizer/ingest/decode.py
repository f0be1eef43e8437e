"""Bytes to text: refuse binary data, prefer UTF-8, detect anything else and say so."""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass

from ..errors import InputError

log = logging.getLogger("summarizer.ingest")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text and any warning about how it was decoded."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode_bytes(data: bytes, source: str, *, declared: str | None = None) -> Decoded:
    """Decode ``data``: byte-order mark, then ``declared`` charset, then UTF-8, then detection.

    Raises InputError for empty input, binary data, or bytes no encoding explains.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        return _strict(data, bom, source)
    check_not_empty(data.strip(), source)
    if b"\x00" in data:
        raise InputError(_BINARY, source=source)
    for encoding in (declared, "utf-8"):
        text = _try_decode(data, encoding)
        if text is not None:
            return Decoded(text, encoding or "utf-8")
    return _detect(data, source)


def check_text(text: str, source: str) -> str:
    """The same checks for input that arrives already decoded (stdin as text)."""
    check_not_empty(text.strip(), source)
    if "\x00" in text:
        raise InputError(_BINARY, source=source)
    return text


def check_not_empty(stripped: bytes | str, source: str) -> None:
    if not stripped:
        raise InputError("input is empty; give it some article text", source=source)


_BINARY = (
    "looks like a binary file (it contains NUL bytes), not text; "
    "give a .txt, .md, .html or .jsonl file"
)


def _bom_encoding(data: bytes) -> str | None:
    return next((name for bom, name in _BOMS if data.startswith(bom)), None)


def _strict(data: bytes, encoding: str, source: str) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        message = f"starts with a {encoding} byte-order mark but is not valid {encoding}"
        raise InputError(message + "; convert it to UTF-8", source=source) from None
    return Decoded(check_text(text, source), encoding)


def _try_decode(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes, source: str) -> Decoded:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        raise InputError(
            "is not text in any encoding that could be detected; convert it to UTF-8",
            source=source,
        )
    encoding, text = str(match.encoding), str(match)
    western = _western(data, match.chaos)
    if western is not None:
        encoding, text = western
    log.info("%s: not UTF-8, decoded as %s", source, encoding)
    warning = (
        f"input is not valid UTF-8; decoded as {encoding} (detected, not declared) — "
        "check accented characters, or convert the file to UTF-8"
    )
    return Decoded(text, encoding, (warning,))


WESTERN = ("cp1252", "latin_1")
"""Preferred when detection finds them as likely as its pick: short Western text gives
the detector too little to tell code pages apart (``Müller`` came out as cp775 ``M³ller``)."""


def _western(data: bytes, best_chaos: float) -> tuple[str, str] | None:
    """(encoding, text) in cp1252 or latin-1 when that reads as cleanly as the detector's
    pick; None when it does not (Cyrillic, Greek, CJK, ... keep their detected encoding)."""
    from charset_normalizer import from_bytes

    for encoding in WESTERN:
        match = from_bytes(data, cp_isolation=[encoding]).best()
        if match is not None and match.chaos <= best_chaos:
            return encoding, str(match)
    return None
