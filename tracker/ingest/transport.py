"""Per-feed transport settings for the one fetch: the User-Agent and extra headers a request
sends, and the proxy it goes through (http, https, socks4, socks5), for outlets that need a key
or block data-centre addresses.

The address policy still holds through a proxy: the proxy's own address is checked like any
other (allow a private proxy with COUNTERCLAIM_FETCH_ALLOW_NETWORKS), and every literal target
address is checked before the request. Target names are resolved by the proxy (socks5 behaves
as socks5h), so this machine's resolver never answers for them."""

import socket
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import urllib3
from urllib3.contrib.socks import SOCKSProxyManager

from tracker.ingest.netpolicy import BlockedAddressError, check_address

# socks4 and socks5 leave target names to the proxy (see the module's docstring).
_SOCKS_SCHEMES = {
    "socks4": "socks4a",
    "socks4a": "socks4a",
    "socks5": "socks5h",
    "socks5h": "socks5h",
}


@dataclass(frozen=True, slots=True)
class FetchOptions:
    user_agent: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    proxy: str = ""

    def apply(self, headers: dict[str, str]) -> dict[str, str]:
        """HEADERS with this feed's User-Agent and extra headers laid over them."""
        merged = dict(headers)
        if self.user_agent:
            merged["User-Agent"] = self.user_agent
        merged.update(self.headers)
        return merged


def feed_fetch_options(feed: Any) -> FetchOptions:
    """The options of a Feed row (or None: the defaults)."""
    if feed is None:
        return FetchOptions()
    return FetchOptions(
        user_agent=feed.user_agent,
        headers=tuple(sorted((feed.extra_headers or {}).items())),
        proxy=feed.proxy_url,
    )


def redact(url: str) -> str:
    """URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _allowed_address(host: str, port: int) -> str:
    """The first address of HOST the policy allows (resolved once, here: the proxy is then
    reached at that address, so a second lookup cannot answer differently)."""
    blocked = ""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, socket.AF_UNSPEC, socket.SOCK_STREAM)
    except OSError as exc:
        raise BlockedAddressError(f"proxy {host} cannot be resolved: {exc}") from exc
    for *_, sockaddr in infos:
        try:
            check_address(str(sockaddr[0]))
        except BlockedAddressError as exc:
            blocked = str(exc)
            continue
        return str(sockaddr[0])
    raise BlockedAddressError(f"proxy {host} is not an allowed address: {blocked}")


def proxy_manager(
    proxy: str, http_pool: type, https_pool: type, ssl_context: Any = None
) -> urllib3.PoolManager:
    """The pool manager that sends requests through PROXY. HTTP(S) proxies are reached through
    the guarded pools (HTTP_POOL, HTTPS_POOL: the proxy's address is checked at connect time);
    a SOCKS proxy's address is resolved and checked here. SSL_CONTEXT: the one TLS to targets
    uses (the fetch's, whose sockets keep its total deadline)."""
    parts = urlsplit(proxy)
    port = parts.port or (1080 if parts.scheme.startswith("socks") else 8080)
    host = parts.hostname or ""
    auth = (unquote(parts.username or ""), unquote(parts.password or ""))
    if parts.scheme in _SOCKS_SCHEMES:
        address = _allowed_address(host, port)
        pinned = f"[{address}]" if ":" in address else address
        return _socks_manager(
            f"{_SOCKS_SCHEMES[parts.scheme]}://{pinned}:{port}", *auth, ssl_context
        )
    return _http_proxy_manager(
        f"{parts.scheme}://{host}:{port}", *auth, http_pool, https_pool, ssl_context
    )


@lru_cache(maxsize=32)
def _socks_manager(url: str, username: str, password: str, ssl_context: Any) -> urllib3.PoolManager:
    return SOCKSProxyManager(
        url,
        username=username or None,
        password=password or None,
        num_pools=10,
        retries=False,
        ssl_context=ssl_context,
    )


@lru_cache(maxsize=32)
def _http_proxy_manager(
    url: str, username: str, password: str, http_pool: type, https_pool: type, ssl_context: Any
) -> urllib3.PoolManager:
    headers = urllib3.make_headers(proxy_basic_auth=f"{username}:{password}") if username else {}
    manager = urllib3.ProxyManager(
        url, num_pools=10, proxy_headers=headers, retries=False, ssl_context=ssl_context
    )
    manager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return manager
