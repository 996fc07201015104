"""Follow-ups are made standalone before retrieval."""

from __future__ import annotations

from core.types import Turn
from rag.conversation import is_follow_up, standalone, topical

HISTORY = [Turn("user", "When was the CA–Russia summit?"), Turn("assistant", "On 9 October [1].")]


def test_first_question_is_left_alone() -> None:
    assert standalone("When was the CA–Russia summit?", []) == "When was the CA–Russia summit?"
    assert not is_follow_up("And where?", [])


def test_follow_up_takes_the_previous_question_and_answer() -> None:
    assert standalone("And where was it held?", HISTORY) == (
        "When was the CA–Russia summit? On 9 October. And where was it held?"
    )
    assert is_follow_up("А къде се проведе?", [Turn("user", "Кога беше срещата?")])


def test_chained_follow_ups_keep_the_original_subject() -> None:
    history = [*HISTORY, Turn("user", "And where?"), Turn("assistant", "In Dushanbe [1].")]
    assert standalone("And who hosted it?", history).startswith("When was the CA–Russia summit?")


def test_unrelated_new_question_is_not_rewritten() -> None:
    q = "Who attended the Astana International Forum in May?"
    assert standalone(q, HISTORY) == q


def test_a_new_topic_or_the_article_itself_is_no_follow_up() -> None:
    for question in (
        "By the way, who is the author of this piece?",
        "Who wrote this article?",
        "Друг въпрос: кой е Манарбек Кабазиев?",
        "Кто автор этой статьи?",
        "Кстати, где прошёл саммит с Японией?",
    ):
        assert not is_follow_up(question, HISTORY), question
    assert is_follow_up("And who hosted it?", HISTORY)


def test_and_another_name_asks_the_question_before_about_it() -> None:
    # "And China?" after Japan: the earlier answer (Japan's dates) would pull retrieval back to Japan
    for asked, then, want in (
        ("When did Tokayev visit Japan?", "And China?", "When did Tokayev visit China?"),
        ("Who did Tokayev meet in Japan?", "What about in the USA?", "Who did Tokayev meet in USA?"),
        ("Кога Токаев посети Япония?", "А Китай?", "Кога Токаев посети Китай?"),
        ("Когда Токаев был в Японии?", "А в Китае?", "Когда Токаев был в Китае?"),
    ):
        assert standalone(then, [Turn("user", asked), Turn("assistant", "…")]) == want


def test_a_greeting_or_thanks_between_is_no_turn_to_follow_up() -> None:
    history = [*HISTORY, Turn("user", "Thanks!"), Turn("assistant", "You're welcome.")]
    assert (
        standalone("And where?", topical(history))
        == "When was the CA–Russia summit? On 9 October. And where?"
    )
