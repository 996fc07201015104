"""The office a question asks who holds, over the real article's clauses."""

from __future__ import annotations

import pytest

from rag import roles


@pytest.mark.parametrize(
    ("question", "title", "deputy"),
    [
        ("Who is the president of Kazakhstan?", "president", False),
        ("Which Rwandan president visited Kazakhstan?", "president", False),
        ("Who is the Japanese prime minister Tokayev met?", "prime minister", False),
        ("Кой е заместник-председателят на Института?", "chairman", True),
        ("Кто является президентом Узбекистана?", "president", False),
        ("С каким премьер-министром Японии встретился Токаев?", "prime minister", False),
        ("Кой министър-председател на Хърватия беше приет в Казахстан?", "prime minister", False),
    ],
)
def test_the_office_a_question_opens_with_is_asked(question, title, deputy) -> None:
    assert roles.asked(question) == roles.Office(title, deputy)


@pytest.mark.parametrize(
    "question",
    [
        "Whom did the president meet in Japan?",  # the office is the subject's, not the answer's
        "Who did President Tokayev meet in Amman?",
        "С кем встретился президент в Японии?",
        "Besides the emperor and the prime minister, whom did Tokayev meet in Japan?",
        "What did the president's participation in CIS meetings show?",
        "Кой спечели президентските избори в Полша?",  # an adjective of the title, no office
        "Who visited Astana in May?",
    ],
)
def test_a_question_that_does_not_open_with_an_office_asks_none(question) -> None:
    assert roles.asked(question) is None


def test_a_clause_holds_the_office_but_not_its_deputy() -> None:
    clause = "коментира заместник-председателят на Управителния съвет"
    assert roles.held(clause, roles.asked("Who is the deputy chairman?"))
    assert not roles.held(clause, roles.asked("Who is the chairman?"))
    assert roles.held(
        "председателя на Бундесрата на Германия", roles.asked("Who is the president of the Bundesrat?")
    )
    assert not roles.held("министър-председателя на Хърватия", roles.asked("Who is the president?"))


def test_the_article_says_whose_office_each_titled_person_holds(article) -> None:
    posts = roles.posts(article.text)
    assert posts["Токаев"].startswith("на Казахстан")  # "президентът на Казахстан Касим-Жомарт Токаев"
    assert posts["Пленкович"].startswith("на Хърватия")
    assert posts["Бердимухамедов"].startswith("на Туркменистан")
    assert "Такаити" not in posts  # "министър-председателя Санае Такаити": no country said


def test_a_queen_is_no_king() -> None:
    queen = roles.asked("Кой е кралицата на розата?")
    assert queen == roles.Office("queen", False)
    assert roles.held("Кралицата на розата е", queen)
    assert not roles.held("краля на Йордания", queen)
