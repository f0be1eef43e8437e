"""URL inputs against a real local server: pages, redirects, limits, and SSRF refusals.

Nothing races the clock: a fetch that should succeed has a generous timeout, the slow page
never answers while a test waits on it, and the huge page never ends.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest

from summarizer.article import Article
from summarizer.errors import InputError
from summarizer.ingest import IngestConfig, IngestFailure, iter_articles, netguard, read_articles
from summarizer.ingest.fetch import fetch_url

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
ARTICLE_HTML = (FIX / "article.html").read_bytes()
SEED = (Path(__file__).resolve().parent.parent / "examples" / "seed-articles.txt").read_bytes()
LOCAL = IngestConfig(allow_private_urls=True, url_timeout=60.0)
PUBLIC_IP = "93.184.216.34"


@dataclass
class Site:
    port: int
    seen: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    """Set when the module's tests are done: ``/slow`` answers only then."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.site.seen.append(self.path)
        route = ROUTES.get(self.path)
        if route is None:
            self._send(404, "text/plain", b"not found")
        else:
            route(self)

    def _send(self, status: int, ctype: str | None, body: bytes, **headers: str) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        named.setdefault("Content-Length", str(len(body)))
        for name, value in named.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self._send(302, None, b"", Location=location)


def _huge(h: Handler) -> None:
    """A page that does not end (1 GiB, until the client hangs up or the tests are done)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(16_384):
            if h.site.release.is_set():
                return
            h.wfile.write(b"<p>" + b"x" * 65_536 + b"</p>")
    except OSError:
        pass  # the client hung up once it had enough, as it should


def _slow(h: Handler) -> None:
    """No answer until the tests are done: any timeout fires first, however slow the machine."""
    h.site.release.wait(300)
    h._send(200, "text/html", ARTICLE_HTML)


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/article.html": lambda h: h._send(200, "text/html; charset=utf-8", ARTICLE_HTML),
    "/xhtml": lambda h: h._send(200, "application/xhtml+xml", ARTICLE_HTML),
    "/seed.txt": lambda h: h._send(200, "text/plain; charset=utf-8", SEED),
    "/latin1.txt": lambda h: h._send(200, "text/plain", (FIX / "latin1.txt").read_bytes()),
    "/empty.html": lambda h: h._send(200, "text/html", (FIX / "no-article.html").read_bytes()),
    "/redirect": lambda h: h.redirect("/article.html"),
    "/redirect-2": lambda h: h.redirect("/redirect"),
    "/loop": lambda h: h.redirect("/loop"),
    "/to-ftp": lambda h: h.redirect("ftp://example.org/file"),
    "/to-metadata": lambda h: h.redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-loopback": lambda h: h.redirect(f"http://127.0.0.1:{h.site.port}/article.html"),
    "/huge": _huge,
    "/huge-declared": lambda h: h._send(200, "text/html", b"<p>x</p>",
                                        Content_Length="50000000"),
    "/binary": lambda h: h._send(200, "application/octet-stream", b"\x00\x01\x02"),
    "/no-type": lambda h: h._send(200, None, b"hello"),
    "/slow": _slow,
}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    site = Site(server.server_address[1])
    Handler.site = site
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.release.set()
    server.shutdown()
    server.server_close()


def _fail(inputs: list[str], config: IngestConfig = LOCAL) -> IngestFailure:
    articles, failures = read_articles(inputs, config)
    assert articles == []
    (failure,) = failures
    assert "\n" not in failure.message
    return failure


def test_html_article_page(site: Site) -> None:
    url = site.url("/article.html")
    (article,) = list(iter_articles([url], LOCAL))
    assert isinstance(article, Article)
    assert (article.origin, article.url) == (url, url)
    assert article.title == "Kenya and Japan agree geothermal partnership"
    assert (article.source, article.published) == ("Coastline Daily", "2025-03-14")
    assert article.text.startswith("NAIROBI: Kenya and Japan signed an agreement")


def test_xhtml_content_type_is_html(site: Site) -> None:
    (article,) = list(iter_articles([site.url("/xhtml")], LOCAL))
    assert isinstance(article, Article) and article.source == "Coastline Daily"


def test_plain_text_page_is_cleaned_and_split(site: Site) -> None:
    url = site.url("/seed.txt")
    first, second = list(iter_articles([url], LOCAL))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.origin, second.origin) == (f"{url}#1", f"{url}#2")
    assert first.url == url and first.published == "2025-10-27"
    assert second.title == "Pakistan eyes European trade corridor via Romania to boost blue economy"


def test_text_without_charset_is_detected_with_a_warning(site: Site) -> None:
    (article,) = list(iter_articles([site.url("/latin1.txt")], LOCAL))
    assert isinstance(article, Article)
    assert "coopération énergétique" in article.text
    assert "decoded as cp1252" in article.warnings[0]


def test_redirects_are_followed_and_bounded(site: Site) -> None:
    url = site.url("/redirect-2")
    (article,) = list(iter_articles([url], LOCAL))
    assert isinstance(article, Article)
    assert (article.origin, article.url) == (url, site.url("/article.html"))
    failure = _fail([site.url("/redirect-2")], IngestConfig(allow_private_urls=True,
                                                            max_redirects=1))
    assert failure.message.startswith("more than 1 redirects (max_redirects)")
    assert _fail([site.url("/loop")]).message.startswith("more than 5 redirects")


def test_huge_body_stops_at_max_bytes(site: Site) -> None:
    config = IngestConfig(allow_private_urls=True, max_bytes=100_000, url_timeout=60.0)
    failure = _fail([site.url("/huge")], config)  # it ends only because the client stops
    assert failure.message.startswith("is larger than the 100,000-byte limit (max_bytes)")
    failure = _fail([site.url("/huge-declared")], config)
    assert failure.message.startswith("is 50,000,000 bytes, over the 100,000-byte limit")


def test_content_type_and_status_checks(site: Site) -> None:
    assert _fail([site.url("/binary")]).message == (
        "content type is 'application/octet-stream', not an article page (text/html, "
        "application/xhtml+xml or text/plain); give the URL of the article")
    assert _fail([site.url("/no-type")]).message.startswith("content type is 'missing'")
    assert _fail([site.url("/gone")]).message == "HTTP 404 Not Found; check the URL"
    assert _fail([site.url("/empty.html")]).message.startswith(
        "no article text found in the HTML (is it an article page?)")
    assert _fail([site.url("/to-ftp")]).message.startswith(
        "redirected to unsupported URL scheme 'ftp://'")


def test_timeout(site: Site) -> None:
    config = IngestConfig(allow_private_urls=True, url_timeout=0.3)
    assert _fail([site.url("/slow")], config).message == (
        "timed out after 0.3 s (url_timeout); try again or raise it")


def test_connection_refused_is_a_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = _fail([f"http://127.0.0.1:{port}/"]).message
    assert message.startswith("could not connect (")


# ---------------------------------------------------------------- SSRF protection


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"])
def test_default_refuses_loopback_without_connecting(site: Site, host: str) -> None:
    before = len(site.seen)
    url = f"http://{host}:{site.port}/article.html"
    failure = _fail([url], IngestConfig())
    assert failure.source == url
    assert "loopback address" in failure.message
    assert failure.message.endswith(
        "pass allow_private_urls=True (--allow-private-urls) to fetch it anyway")
    assert len(site.seen) == before


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names the test controls; each lookup pops the next answer (the last one repeats)."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        queue = answers[host]
        ip = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _forwarding(site: Site, seen_hosts: list[str]) -> httpx2.MockTransport:
    """A transport that sends what it is given to the local server, as if it were public."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen_hosts.append(request.url.host)
        local = request.url.copy_with(scheme="http", host="127.0.0.1", port=site.port)
        with httpx2.Client(trust_env=False) as client:
            reply = client.get(local)
        return httpx2.Response(reply.status_code, headers=reply.headers, content=reply.content)

    return httpx2.MockTransport(handler)


@pytest.mark.parametrize(("path", "kind"), [
    ("/to-metadata", "link-local"), ("/to-loopback", "loopback")])
def test_redirect_to_a_private_address_is_refused(
    site: Site, fake_dns: dict[str, list[str]], path: str, kind: str
) -> None:
    fake_dns["news.example"] = [PUBLIC_IP]
    hosts: list[str] = []
    url = f"http://news.example{path}"
    with pytest.raises(InputError) as info:
        fetch_url(url, IngestConfig(), transport=_forwarding(site, hosts))
    assert hosts == ["news.example"]  # the private target was never contacted
    assert info.value.source == url
    assert f"{_an(kind)} {kind} address" in str(info.value)
    assert site.seen[-1] == path


def test_public_redirect_chain_is_followed_with_checks(
    site: Site, fake_dns: dict[str, list[str]]
) -> None:
    fake_dns["news.example"] = [PUBLIC_IP]
    hosts: list[str] = []
    fetched = fetch_url("http://news.example/redirect", IngestConfig(),
                        transport=_forwarding(site, hosts))
    assert hosts == ["news.example", "news.example"]
    assert fetched.url == "http://news.example/article.html"
    assert (fetched.kind, fetched.charset) == ("html", "utf-8")
    assert fetched.body == ARTICLE_HTML


@pytest.mark.parametrize(("ip", "kind"), [
    ("10.1.2.3", "private"), ("192.168.0.9", "private"), ("169.254.169.254", "link-local"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-public")])
def test_a_name_resolving_to_a_private_address_is_refused(
    fake_dns: dict[str, list[str]], ip: str, kind: str
) -> None:
    fake_dns["intranet.example"] = [ip]
    failure = _fail(["https://intranet.example/page"], IngestConfig())
    assert failure.message.startswith(
        f"refused to fetch intranet.example ({ip}): {_an(kind)} {kind}")


def test_dns_rebinding_is_refused_at_connect_time(
    site: Site, fake_dns: dict[str, list[str]]
) -> None:
    """The pre-check sees a public address; the connection-time lookup gets loopback."""
    fake_dns["rebind.example"] = [PUBLIC_IP, "127.0.0.1"]
    before = len(site.seen)
    failure = _fail([f"http://rebind.example:{site.port}/article.html"], IngestConfig())
    assert failure.message.startswith("refused to fetch rebind.example (127.0.0.1): a loopback")
    assert len(site.seen) == before


def test_address_kinds() -> None:
    import ipaddress

    kinds = {ip: netguard.address_kind(ipaddress.ip_address(ip)) for ip in (
        "8.8.8.8", "127.0.0.2", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "240.0.0.1")}
    assert kinds == {"8.8.8.8": None, "127.0.0.2": "loopback", "::1": "loopback",
                     "fe80::1": "link-local", "fc00::1": "private",
                     "::ffff:10.0.0.1": "private", "240.0.0.1": "private"}


def _an(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
