"""The article's phrase for a Russian reader's "which X" question, and the check on its
translation, over the real article's sentences."""

from __future__ import annotations

import pytest

from rag import phrases
from rag.citations import sentences


def _sentence(article, words: str) -> str:
    text = article.text
    return next(text[s.start : s.end] for s in sentences(text) if words in text[s.start : s.end])


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Какую политику, по мнению эксперта, проводит регион в ответ на вызовы?", "политику"),
        ("Роль какого измерения значительно возросла?", "измерения"),
        ("Проекты в каких областях обсуждались?", "областях"),
        ("Какие новые вызовы упоминаются в статье?", "вызовы"),  # the adjective is skipped
        ("К каким мировым столицам сместился акцент осенью?", "столицам"),
        ("Каким был товарооборот между Казахстаном и Китаем?", "товарооборот"),
        ("Когда прошёл саммит?", None),
        ("Кто автор статьи?", None),
    ],
)
def test_the_noun_a_which_question_asks_about(question: str, noun: str | None) -> None:
    assert phrases.asked(question) == noun


@pytest.mark.parametrize(
    ("words", "question", "answer"),
    [
        # the modifiers before the noun's cognate are the answer
        ("сухоземен мост", "Каким мостом Казахстан подтвердил готовность стать?", "ключов сухоземен мост"),
        ("хуманитарното измерение", "Роль какого измерения возросла?", "хуманитарното измерение"),
        (
            "военни конфликти",
            "Какие конфликты упоминаются?",
            "информационни, търговско-тарифни и дори военни конфликти",
        ),
        ("многовекторна политика", "Какую политику проводит регион?", "проактивна многовекторна политика"),
        ("свързващо звено", "Каким звеном утверждается Казахстан?", "свързващо звено"),
        # none before it: what follows, past the words the question names and „като“
        (
            "ролята на Казахстан като",
            "Какую роль Казахстана подчеркнуло участие в заседании ШОС?",
            "активен участник в регионалната архитектура на сигурността и развитието",
        ),
        (
            "в областта на енергетиката",
            "Проекты в каких областях обсуждались?",
            "енергетиката, инфраструктурата, транспорта и цифровите технологии",
        ),
    ],
)
def test_the_articles_phrase_for_which_x(article, words: str, question: str, answer: str) -> None:
    sentence = _sentence(article, words)
    span = phrases.phrase(sentence, phrases.asked(question) or "", question)
    assert span is not None and sentence[span[0] : span[1]] == answer


def test_no_phrase_where_the_sentence_lacks_the_nouns_cognate(article) -> None:
    sentence = _sentence(article, "от трансгранични заплахи")  # вызовы is „предизвикателства“
    assert phrases.phrase(sentence, "вызовы") is None


@pytest.mark.parametrize(
    ("source", "translation", "kept"),
    [
        ("проактивна многовекторна политика", "проактивная многовекторная политика", True),
        (
            "енергетиката, инфраструктурата, транспорта и цифровите технологии",
            "энергетика, инфраструктура, транспорт и цифровые технологии",
            True,
        ),
        (
            "активен участник в регионалната архитектура на сигурността и развитието",
            "активный участник региональной архитектуры безопасности и развития",  # one new root of six
            True,
        ),
        ("проактивна многовекторна политика", "противоположная многовекторная политика", False),
        ("хуманитарното измерение", "Мероприятие для помощи", False),
        (
            "информационни, търговско-тарифни и дори военни конфликти",
            "информационные, транспортные и военные конфликты",  # a word changed
            False,
        ),
        (
            "информационни, търговско-тарифни и дори военни конфликти",
            "Информационные, търговско-тарифни и дори военни конфликти",  # half left in Bulgarian
            False,
        ),
        ("проактивна многовекторна политика", "проактивна многовекторна политика", False),
        ("проактивна многовекторна политика", "", False),
    ],
)
def test_a_translation_keeps_the_phrases_words(source: str, translation: str, kept: bool) -> None:
    assert phrases.keeps(source, translation) is kept


@pytest.mark.parametrize(
    ("said", "question", "answer"),
    [
        ("равноправная основа", "На какой основе строится диалог?", "на равноправной основе"),
        ("ключевой сухоземный мост", "Каким мостом готов стать Казахстан?", "ключевым сухоземным мостом"),
        ("ключевой сухоземный мост", "Какой мост строит Казахстан?", "ключевой сухоземный мост"),
        (
            "проактивная многовекторная политика",
            "Какую политику проводит регион?",
            "проактивную многовекторную политику",
        ),
        ("связующее звено", "Каким звеном утверждается Казахстан?", "связующим звеном"),
        ("хуманитарное измерение", "Роль какого измерения возросла?", "хуманитарного измерения"),
        ("военные конфликты", "О каких конфликтах идёт речь?", "о военных конфликтах"),
        ("синяя линия", "Какую линию открыли?", "синюю линию"),
        # what follows the noun in the article, not the noun's phrase: as the model said it
        (
            "энергетика, инфраструктура и транспорт",
            "Проекты в каких областях?",
            "энергетика, инфраструктура и транспорт",
        ),
    ],
)
def test_the_phrase_takes_the_questions_case(said: str, question: str, answer: str) -> None:
    assert phrases.agree(said, question, phrases.asked(question) or "") == answer
