"""The one client-IP helper: X-Forwarded-For only counts behind a trusted proxy."""

import pytest
from django.test import RequestFactory

from dudao.client_ip import client_ip

rf = RequestFactory()


def ip_of(remote: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("203.0.113.7") == "203.0.113.7"
    assert ip_of("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "198.51.100.1") == "198.51.100.1"
    assert ip_of("10.0.0.1", " 198.51.100.1 ") == "198.51.100.1"


def test_a_spoofed_left_part_is_not_believed(settings):
    """The client wrote "1.2.3.4"; the proxy appended the address it really saw."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_skipped_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert ip_of("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3") == "198.51.100.1"
    assert ip_of("2001:db8::1", "2400:cb00::9, 2001:db8::2") == "2400:cb00::9"
    assert ip_of("10.0.0.1", "2001:db8::5, 2400:cb00::1") == "2400:cb00::1"


def test_only_proxies_in_the_header_give_the_last_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.1", "10.0.0.2, 10.0.0.3") == "10.0.0.1"
    assert ip_of("10.0.0.1", "") == "10.0.0.1"
    assert ip_of("10.0.0.1") == "10.0.0.1"


@pytest.mark.parametrize(
    "forwarded",
    [
        "not-an-ip",
        "198.51.100.1:443",
        "999.1.1.1",
        "<script>",
        "1.2.3.4\x00",
        ",,,",
        "1.2.3.4, junk",
    ],
)
def test_malformed_values_never_come_out(settings, forwarded):
    """A malformed entry stops the walk: the answer is the proxy, never the raw text."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", forwarded) == "10.0.0.1"


def test_malformed_entry_left_of_the_client_does_not_matter(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "junk, 198.51.100.1") == "198.51.100.1"


def test_a_missing_or_malformed_remote_addr_is_returned_as_is(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("", "198.51.100.1") == ""
    assert ip_of("garbage", "198.51.100.1") == "garbage"
