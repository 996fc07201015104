"""Who the article says a person is, over the real article's sentences."""

from __future__ import annotations

import pytest

from rag import people
from rag.citations import sentences


@pytest.fixture(scope="module")
def article_sentences(article) -> list[str]:
    return [article.text[s.start : s.end] for s in sentences(article.text)]


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("Who is Paul Kagame?", "Paul Kagame"),
        ("Who was Manarbek Kabaziev?", "Manarbek Kabaziev"),
        ("What is the role of Timur Nigmanov?", "Timur Nigmanov"),
        ("Кой е Андрей Пленкович?", "Андрей Пленкович"),
        ("Друг въпрос: кой е Манарбек Кабазиев?", "Манарбек Кабазиев"),  # a topic change's lead-in
        ("Кто такой Нигманов?", "Нигманов"),
        ("Кем является Манарбек Кабазиев?", "Манарбек Кабазиев"),
        ("And who is Sanae Takaichi?", "Sanae Takaichi"),
    ],
)
def test_who_is_a_name_asks_about_that_person(question, person) -> None:
    assert people.asked_about(question) == person


@pytest.mark.parametrize(
    "question",
    [
        "Who is the president of Rwanda?",  # an office: its holder is asked for (rag.roles)
        "Who wrote the article?",
        "Who did Tokayev meet in Amman?",
        "Кто Токаев встретил в Японии?",
        "Кой е авторът на статията?",
        "Who is Kazakhstan's prime minister?",
    ],
)
def test_an_office_or_an_action_asks_about_no_one_named(question) -> None:
    assert people.asked_about(question) is None


@pytest.mark.parametrize(
    ("person", "said"),
    [
        (
            "Manarbek Kabaziev",
            "заместник-председателят на Управителния съвет на Института за външнополитически "
            "изследвания към МИД на РК Манарбек Кабазиев",
        ),
        ("Timur Nigmanov", "политологът Тимур Нигманов"),
        ("Paul Kagame", "Президентът на Руанда Пол Кагаме"),
        ("Sanae Takaichi", "министър-председателя Санае Такаити"),  # another spelling: "Такаити"
        ("Naruhito", "император Нарухито"),
        ("Andrej Plenković", "министър-председателя на Хърватия Андрей Пленкович"),
        ("Mohamed bin Zayed Al Nahyan", "лидера на ОАЕ шейх Мухамед бен Заид Ал Нахаян"),
        ("Abdullah II", "краля на Йордания Абдала II"),
        ("Yuliya Polonskaya", "автор: Юлия Полонская"),  # the byline
    ],
)
def test_the_words_the_article_gives_a_person(article_sentences, person, said) -> None:
    found = [d.text for s in article_sentences if (d := people.described(s, person))]
    assert said in found


def test_a_sentence_that_only_names_someone_says_nothing_of_them(article_sentences) -> None:
    # "…, счита Манарбек Кабазиев.": a name after a verb of saying, no title
    (said,) = [s for s in article_sentences if s.endswith("счита Манарбек Кабазиев.")]
    assert people.described(said, "Kabaziev") is None
    assert not any(people.described(s, "Donald Trump") for s in article_sentences)


def test_a_title_is_the_subject_of_a_bulgarian_answer() -> None:
    said = people.as_subject("президента на Северна Македония Гордана Силяновска-Давкова")
    assert said == "президентът на Северна Македония Гордана Силяновска-Давкова"
    assert people.as_subject("краля на Йордания Абдала II") == "кралят на Йордания Абдала II"
    assert people.as_subject("политологът Тимур Нигманов") == "политологът Тимур Нигманов"
