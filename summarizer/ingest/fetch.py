"""Fetching an article URL: http(s) only, bounded in time, size and redirects, SSRF-safe."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import httpx2

from .._version import __version__
from ..errors import InputError
from .config import IngestConfig
from .files import too_big
from .netguard import BlockedAddressError, check_host, make_transport

Kind = Literal["html", "text"]
CONTENT_TYPES: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
SCHEMES = ("http", "https")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = {
    "User-Agent": f"summarizer/{__version__} (article ingest)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
}


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the final URL after redirects, its kind, bytes and declared charset."""

    url: str
    kind: Kind
    body: bytes
    charset: str | None


def fetch_url(
    url: str, config: IngestConfig, *, transport: httpx2.BaseTransport | None = None
) -> Fetched:
    """GET ``url``, following at most ``config.max_redirects`` redirects, each one checked.

    ``config.url_timeout`` bounds every network wait and the whole fetch. Raises InputError.
    """
    current = _parse(url, url)
    deadline = time.monotonic() + config.url_timeout
    client = httpx2.Client(
        transport=transport or make_transport(config.allow_private_urls),
        timeout=httpx2.Timeout(config.url_timeout),
        follow_redirects=False,
        trust_env=False,
        headers=_HEADERS,
    )
    try:
        with client:
            return _follow(client, current, url, config, deadline)
    except httpx2.HTTPError as exc:
        raise InputError(_network_message(exc, config), source=url) from None


def _follow(
    client: httpx2.Client, current: httpx2.URL, url: str, config: IngestConfig, deadline: float
) -> Fetched:
    for _ in range(config.max_redirects + 1):
        if not config.allow_private_urls:
            check_host(current.host, current.port or _default_port(current), source=url)
        with client.stream("GET", current) as response:
            target = _redirect_target(response, url)
            if target is None:
                return _read(response, url, config, deadline)
        current = target
    raise InputError(
        f"more than {config.max_redirects} redirects (max_redirects); open the URL in a "
        "browser and give the final address",
        source=url,
    )


def _parse(value: str, source: str, *, hop: str = "") -> httpx2.URL:
    """``value`` as a URL we may fetch; ``hop`` prefixes messages about a redirect target."""
    try:
        parsed = httpx2.URL(value)
    except httpx2.InvalidURL as exc:
        raise InputError(f"{hop}not a valid URL ({exc})", source=source) from None
    if parsed.scheme not in SCHEMES:
        raise InputError(hop + unsupported_scheme(parsed.scheme), source=source)
    if not parsed.host:
        raise InputError("URL has no host; check the address", source=source)
    return parsed


def unsupported_scheme(scheme: str) -> str:
    return (
        f"unsupported URL scheme {scheme + '://'!r}; only http:// and https:// URLs are "
        "fetched (give a local file as a plain path)"
    )


def _default_port(url: httpx2.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _redirect_target(response: httpx2.Response, source: str) -> httpx2.URL | None:
    if response.status_code not in _REDIRECTS:
        return None
    location = response.headers.get("location")
    if not location:
        raise InputError(f"HTTP {response.status_code} redirect without a Location header",
                         source=source)
    try:
        joined = str(response.url.join(location))
    except httpx2.InvalidURL as exc:
        raise InputError(f"redirected to an invalid URL ({exc})", source=source) from None
    return _parse(joined, source, hop="redirected to ")


def _read(response: httpx2.Response, source: str, config: IngestConfig, deadline: float) -> Fetched:
    if response.status_code >= 400 or response.status_code < 200:
        reason = response.reason_phrase or "error"
        raise InputError(f"HTTP {response.status_code} {reason}; check the URL", source=source)
    kind, charset = _content_type(response, source)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise InputError(too_big(int(length), config.max_bytes), source=source)
    body = _read_capped(response, source, config, deadline)
    return Fetched(str(response.url), kind, body, charset)


def _content_type(response: httpx2.Response, source: str) -> tuple[Kind, str | None]:
    header = response.headers.get("content-type", "")
    media, _, params = header.partition(";")
    kind = CONTENT_TYPES.get(media.strip().lower())
    if kind is None:
        shown = media.strip() or "missing"
        raise InputError(
            f"content type is {shown!r}, not an article page "
            "(text/html, application/xhtml+xml or text/plain); give the URL of the article",
            source=source,
        )
    return kind, _charset(params)


def _charset(params: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if given."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _read_capped(
    response: httpx2.Response, source: str, config: IngestConfig, deadline: float
) -> bytes:
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > config.max_bytes:
            raise InputError(too_big(None, config.max_bytes), source=source)
        if time.monotonic() > deadline:
            raise InputError(_timeout_message(config), source=source)
        chunks.append(chunk)
    return b"".join(chunks)


def _network_message(exc: httpx2.HTTPError, config: IngestConfig) -> str:
    if isinstance(exc.__cause__, BlockedAddressError):
        return str(exc.__cause__)
    if isinstance(exc, httpx2.TimeoutException):
        return _timeout_message(config)
    if isinstance(exc, httpx2.ConnectError):
        return f"could not connect ({exc}); check the URL and your network"
    return f"request failed ({type(exc).__name__}: {exc}); check the URL and try again"


def _timeout_message(config: IngestConfig) -> str:
    return f"timed out after {config.url_timeout:g} s (url_timeout); try again or raise it"
