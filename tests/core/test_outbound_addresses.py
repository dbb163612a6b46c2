"""The address policy and the fetcher itself, without a Venom server (the end-to-end tests are in
test_outbound_ssrf.py): every internal form is refused, the owner's exceptions work, and the fetcher
keeps the host name in the Host header while it connects to the checked address."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator

import pytest

from tests.local_web import LocalWeb, local_web
from venom_core.net.addresses import AddressPolicy, classify, parse_allow_list, parse_allow_rule
from venom_core.net.outbound import FetchLimits, OutboundError, OutboundFetcher

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("fd00::1", "private"),
    ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"), ("2002:7f00:1::", "loopback"),
    ("64:ff9b::a9fe:a9fe", "link-local"),
])
def test_internal_addresses_are_classified(address: str, reason: str) -> None:
    assert classify(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "2001:db8::1"])
def test_other_non_public_addresses_are_refused(address: str) -> None:
    assert AddressPolicy().refusal("x", ipaddress.ip_address(address), 80) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert AddressPolicy().refusal("example.com", ipaddress.ip_address(address), 443) is None


def test_allow_list_entries() -> None:
    policy = AddressPolicy(allow=parse_allow_list("search.lan:8888, *.corp, 10.0.0.0/24, [fd00::5]:80, 127.0.0.1:9"))
    ip = ipaddress.ip_address
    assert policy.refusal("search.lan", ip("192.168.1.5"), 8888) is None
    assert policy.refusal("search.lan", ip("192.168.1.5"), 8889) == "private"  # another port
    assert policy.refusal("wiki.corp", ip("10.9.9.9"), 443) is None
    assert policy.refusal("x", ip("10.0.0.77"), 80) is None
    assert policy.refusal("x", ip("::ffff:10.0.0.77"), 80) is None
    assert policy.refusal("x", ip("fd00::5"), 80) is None
    assert policy.refusal("x", ip("127.0.0.1"), 9) is None
    assert policy.refusal("x", ip("127.0.0.1"), 8000) == "loopback"
    assert policy.refusal("x", ip("0.0.0.0"), 9) == "unspecified"  # never, whatever the list says
    assert AddressPolicy(allow_private=True).refusal("x", ip("127.0.0.1"), 8000) is None
    assert AddressPolicy(allow_private=True).refusal("x", ip("224.0.0.1"), 80) == "multicast"


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "host:99999", "bad host", "a:b"])
def test_bad_allow_list_entries_are_named(entry: str) -> None:
    with pytest.raises(ValueError, match="'"):
        parse_allow_rule(entry)


@pytest.fixture
def web() -> Iterator[LocalWeb]:
    with local_web() as w:
        yield w


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(web: LocalWeb) -> None:
    web.routes["/echo"] = "echo"
    fetcher = OutboundFetcher(AddressPolicy(allow=parse_allow_list(f"localhost:{web.port}")), FetchLimits())
    result = asyncio.run(fetcher.fetch(f"http://localhost:{web.port}/echo"))
    assert result.status_code == 200 and result.body == b"echo" and not result.truncated
    assert result.url == f"http://localhost:{web.port}/echo"


def test_a_redirect_hop_is_checked_by_the_fetcher(web: LocalWeb) -> None:
    fetcher = OutboundFetcher(AddressPolicy(allow=parse_allow_list(f"127.0.0.1:{web.port}")), FetchLimits())
    with pytest.raises(OutboundError) as refused:
        asyncio.run(fetcher.fetch(f"{web.url}/redirect?to=http://[::1]:{web.port}/page"))
    assert refused.value.code == "outbound_address_refused"
    assert len(web.hits) == 1
