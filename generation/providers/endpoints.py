"""The one check of a provider or chat model base URL, before it is stored and before use.

A studio owner may point a credential at an aggregator; that URL must not become a way to
make the worker call internal services (SSRF) or cloud metadata. The host is resolved and
every address it resolves to must be a public one: loopback, private, link-local, shared,
reserved and multicast targets are refused unless COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS is on
(the local run and the tests, whose fake providers listen on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from generation.providers.base import ProviderError


class EndpointRefused(ValueError):
    """A base URL that may not be called; the message says why, for the owner."""


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise EndpointRefused(f"The host {host} cannot be resolved.") from exc
    return [str(info[4][0]) for info in infos]


def check_base_url(url: str) -> None:
    """Refuse a base URL that is not http(s) or whose host reaches a non-public address."""
    if not url:
        return  # the provider's own API
    try:
        parts = urlsplit(url)
        hostname = parts.hostname  # parsed lazily: a bracket out of place raises here
    except ValueError as exc:
        raise EndpointRefused("The base URL is not a valid http(s) URL.") from exc
    if parts.scheme not in ("http", "https") or not hostname:
        raise EndpointRefused("The base URL must be an http(s) URL with a host name.")
    if settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise EndpointRefused("The base URL's port is not a number from 1 to 65535.") from exc
    for text in _resolve(hostname, port):
        address = _address(text)
        if not address.is_global or address.is_multicast:
            raise EndpointRefused(
                f"The base URL's host {hostname} resolves to {address}, an internal "
                "address (loopback, private, link-local or reserved): enter a public API's URL."
            )


def usable_base_url(url: str) -> str:
    """The base URL for a provider call, checked again at use (DNS may have changed)."""
    try:
        check_base_url(url)
    except EndpointRefused as exc:
        raise ProviderError(str(exc), permanent=True) from None
    return url
