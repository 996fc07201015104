"""Client addresses (ui.clients) and questions with nothing to ask (rag.questions), as pure functions."""

from __future__ import annotations

import pytest

from core.errors import InvalidQuestion
from rag.questions import EMPTY, clean_question, has_words, with_context
from ui.clients import TrustedProxies


def test_x_forwarded_for_is_believed_only_from_a_trusted_peer() -> None:
    proxies = TrustedProxies(["10.0.0.1", "192.168.0.0/16", "::1"])
    assert proxies.client("10.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert proxies.client("192.168.4.4", "203.0.113.7, 10.0.0.1") == "203.0.113.7"  # proxies skipped
    assert proxies.client("10.0.0.1", "6.6.6.6, 203.0.113.7") == "203.0.113.7"  # the client's own claim: no
    assert proxies.client("::1", "2001:db8::5") == "2001:db8::5"
    assert proxies.client("198.51.100.2", "203.0.113.7") == "198.51.100.2"  # an untrusted peer
    assert proxies.client("10.0.0.1", "not-an-ip") == "10.0.0.1"
    assert proxies.client("10.0.0.1", "") == "10.0.0.1"
    assert TrustedProxies().client("127.0.0.1", "203.0.113.7") == "127.0.0.1"  # default: none


def test_a_bad_proxy_is_named() -> None:
    with pytest.raises(ValueError, match=r"got 'proxy\.local'"):
        TrustedProxies(["proxy.local"])


@pytest.mark.parametrize(
    "question",
    ["", "   ", "?!…", "\x00\x01\x07", "\u200b\u2060\ufeff", "¿¡ — *** ///", "\u00ad?", "🤔❓", "\t\n"],
)
def test_a_question_with_no_letter_or_digit_gets_the_empty_message(question: str) -> None:
    with pytest.raises(InvalidQuestion) as refused:
        clean_question(question, 100)
    assert str(refused.value) == EMPTY


def test_letters_and_digits_of_any_script_are_enough() -> None:
    assert [has_words(q) for q in ("Кога?", "2025?", "何?", "ⅻ")] == [True, True, True, True]
    assert clean_question("Ka\u00adzakh\ufeff?", 100) == "Kazakh?"  # invisible characters go


def test_a_context_is_quoted_in_the_readers_language_and_fits_the_limit() -> None:
    assert (
        with_context("Кога?", "  на 9\nоктомври  ", 100, "bg")
        == "За този откъс от статията: „на 9 октомври“ — Кога?"
    )
    assert with_context("When?", "?!", 100) == "When?"  # nothing in it
    long = with_context("When?", "x" * 500, 120, "en")
    assert len(long) == 120 and long.endswith("…” — When?")
    assert with_context("Why " * 25, "x" * 50, 110) == "Why " * 25  # no room for a useful quote
