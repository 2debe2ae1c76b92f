"""Which addresses a fetch may reach: every spelling of a private address is refused."""

import pytest

from tracker.ingest.fetch import _MANAGER, fetch
from tracker.ingest.netpolicy import BlockedAddressError, check_host, literal_address


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.2",  # loopback outside the allowed /32
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata, link-local
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - a host to refuse, not an address to bind
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "2130706434",  # decimal 127.0.0.2
        "0177.0.0.2",  # octal
        "0x7f.0.0.2",  # hex
        "167772161",  # decimal 10.0.0.1
        "[::1]",
        "[fe80::1]",
        "[fc00::1]",
        "[::ffff:10.0.0.1]",  # IPv4-mapped IPv6
        "[::ffff:127.0.0.2]",
        "[ff02::1]",
        "[2002:a00:1::]",  # 6to4 wrapping 10.0.0.1
    ],
)
def test_check_host_refuses_private_forms(host):
    with pytest.raises(BlockedAddressError):
        check_host(host)


@pytest.mark.parametrize("host", ["93.184.215.14", "[2606:4700::6810:85e5]", "example.org"])
def test_check_host_allows_public_and_names(host):
    check_host(host)  # names are judged at connect time


def test_literal_address_reads_decimal_form():
    assert str(literal_address("2130706433")) == "127.0.0.1"


def test_allowed_network_is_reachable_by_literal(server):
    assert fetch(server.url("data/feeds/rss2/guardian-us.rss")).status == 200


def test_name_resolving_to_blocked_address_is_refused_at_connect(server, settings):
    """A name is not judged by a separate lookup (which DNS rebinding could answer differently)
    but by the address the socket connects to: nothing reaches the server."""
    settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS = []
    _MANAGER.clear()  # a connection pooled under the old policy would skip the connect check
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1"):
        fetch(f"http://localhost:{server.port}/data/feeds/rss2/guardian-us.rss")
    assert server.requests == []


def test_name_resolving_to_allowed_address_connects(server):
    result = fetch(f"http://localhost:{server.port}/data/feeds/rss2/guardian-us.rss")
    assert result.status == 200


@pytest.mark.parametrize(
    "host",
    [
        "[2002:7f00:1::]",  # 6to4 relay carrying 127.0.0.1: another machine, not the allowed host
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo carrying 127.0.0.1 (obfuscated)
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a00:1]",  # NAT64 of 10.0.0.1
        "[64:ff9b::c0a8:101]",  # NAT64 of 192.168.1.1
    ],
)
def test_allow_list_does_not_match_ipv4_embedded_in_6to4_teredo_or_nat64(host):
    """The suite allows 127.0.0.1/32; an IPv6 address that merely carries it is refused."""
    with pytest.raises(BlockedAddressError):
        check_host(host)


@pytest.mark.parametrize("host", ["[64:ff9b::808:808]", "[64:ff9b::5db8:d70e]"])
def test_nat64_of_a_public_ipv4_is_allowed(host):
    """An IPv6-only host behind DNS64 reaches IPv4-only feeds through the NAT64 prefix."""
    check_host(host)
