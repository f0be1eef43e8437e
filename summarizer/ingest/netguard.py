"""SSRF protection: only public addresses are fetched, checked after DNS and at connect time.

Two layers. ``check_host`` resolves a URL's host before each request (every redirect hop)
and refuses loopback, private, link-local, reserved, multicast and unspecified addresses.
``GuardedTransport`` then connects only to an address it has checked itself, so a DNS
answer that changes between the check and the connection (DNS rebinding) is refused too.
Environment proxies are never used: a proxy would connect on our behalf, unchecked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore2
import httpx2

from ..errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOW_HINT = "pass allow_private_urls=True (--allow-private-urls) to fetch it anyway"


class BlockedAddressError(httpcore2.ConnectError):
    """Raised at connect time for an address that is not public."""


def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched ("loopback", "private", …), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    return found


def refusal(host: str, addresses: Iterable[IPAddress]) -> str | None:
    """The refusal message if any address of ``host`` is not public, else None."""
    for ip in addresses:
        kind = address_kind(ip)
        if kind is not None:
            shown = host if host == str(ip) else f"{host} ({ip})"
            article = "an" if kind[0] in "aeiou" else "a"
            return f"refused to fetch {shown}: {article} {kind} address; {ALLOW_HINT}"
    return None


def check_host(host: str, port: int, *, source: str) -> None:
    """Raise InputError unless every address ``host`` resolves to is public."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise InputError(f"cannot resolve host {host!r} ({exc}); check the URL",
                         source=source) from None
    message = refusal(host, addresses)
    if message is not None:
        raise InputError(message, source=source)


class GuardedBackend(httpcore2.SyncBackend):
    """Resolves, checks, and connects to the checked address itself (no second lookup)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        try:
            addresses = resolve(host, port)
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from exc
        message = refusal(host, addresses)
        if message is not None:
            raise BlockedAddressError(message)
        error: httpcore2.ConnectError | None = None
        for ip in addresses:
            try:
                return super().connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except httpcore2.ConnectError as exc:
                error = exc
        raise error or httpcore2.ConnectError(f"{host} has no address")


class GuardedTransport(httpx2.HTTPTransport):
    """An HTTP transport whose connections go only to public addresses.

    TLS still verifies the certificate against the URL's host name: httpcore takes the
    server name from the request, not from the address connected to.
    """

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        # httpx2 has no public hook for the network backend; replace the pool it built.
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False),
            network_backend=GuardedBackend(),
        )


def make_transport(allow_private: bool) -> httpx2.BaseTransport:
    return httpx2.HTTPTransport(trust_env=False) if allow_private else GuardedTransport()
