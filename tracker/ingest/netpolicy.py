"""Which addresses a fetch may reach: public unicast only, unless the operator allows networks.

Checked on the literal host of every URL (before any connection) and on every address the socket
is about to connect to (so a name that resolves, or re-resolves, to a private address is caught:
DNS rebinding gets no second lookup to exploit)."""

import ipaddress
import socket
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddressError(Exception):
    """The URL or the address it resolved to is not one a fetch may reach."""


@lru_cache(maxsize=8)
def _networks(raw: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in raw)


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS))


# RFC 6052's well-known NAT64 prefix: an IPv6-only host with DNS64 reaches IPv4-only servers
# through it, so it is judged as the IPv4 it carries (public: allowed, private: refused).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded(address: IPAddress) -> IPAddress:
    """::ffff:10.0.0.1, 6to4, Teredo and NAT64 addresses are judged as the IPv4 they carry."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_is_public(address: IPAddress) -> bool:
    address = _embedded(address)
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
    )


def _allowed(address: IPAddress) -> bool:
    """In an operator-allowed network. Only an IPv4-mapped address is the IPv4 host itself; a
    6to4, Teredo or NAT64 address is another machine (a relay) and never matches an IPv4
    network (allowing 127.0.0.1/32 must not allow 2002:7f00:1::)."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return any(
        address in net or (mapped is not None and mapped in net) for net in allowed_networks()
    )


def check_address(raw: str) -> IPAddress:
    """Return the parsed address if a fetch may connect to it, else raise BlockedAddressError."""
    address = ipaddress.ip_address(raw.split("%", 1)[0])  # drop an IPv6 zone id
    if _allowed(address):
        return address
    if not address_is_public(address):
        raise BlockedAddressError(f"address {address} is not public (private, loopback, ...)")
    return address


def literal_address(host: str) -> IPAddress | None:
    """HOST as an IP address if it is one in any spelling the C resolver accepts: dotted,
    decimal (2130706433), octal (0177.0.0.1), hex (0x7f.1) or IPv6; None for a name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton is exactly what getaddrinfo uses for numeric IPv4 forms.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_host(host: str) -> None:
    """Refuse a literal address that is not allowed before any socket is opened. Names are
    judged at connect time by `guarded_connection`."""
    address = literal_address(host)
    if address is not None:
        check_address(str(address))


def guarded_connection(
    host: str,
    port: int,
    timeout: float | None,
    socket_options: list[tuple[int, int, int | bytes]] | None = None,
    *,
    socket_class: type[socket.socket] = socket.socket,
) -> socket.socket:
    """Resolve HOST and connect to the first allowed address. Each candidate is checked before
    connecting, and the peer is checked again once connected."""
    blocked: list[str] = []
    last_error: OSError | None = None
    for af, socktype, proto, _, sockaddr in socket.getaddrinfo(
        host.strip("[]"), port, socket.AF_UNSPEC, socket.SOCK_STREAM
    ):
        try:
            check_address(str(sockaddr[0]))
        except BlockedAddressError as exc:
            blocked.append(str(exc))
            continue
        sock = socket_class(af, socktype, proto)
        try:
            for option in socket_options or []:
                sock.setsockopt(*option)
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            check_address(sock.getpeername()[0])
        except BlockedAddressError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    if blocked and last_error is None:
        raise BlockedAddressError(f"{host} resolves only to blocked addresses: {blocked[0]}")
    if last_error is not None:
        raise last_error
    raise OSError(f"{host} resolves to no address")
