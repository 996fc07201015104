"""Known answers read out of the real article's sentences and said in the reader's language."""

from __future__ import annotations

import pytest

from core.articles import default_article
from rag import facts, language, numbers
from rag.citations import sentences
from rag.names import article_forms, article_words

TEXT = default_article().text
SENTENCES = [TEXT[s.start : s.end] for s in sentences(TEXT)]


def sentence_with(words: str) -> str:
    return next(s for s in SENTENCES if words in s)


SUMMITS = sentence_with("9 октомври в Душанбе")
EVIDENCE = sentence_with("„ЦА-Русия“ в Душанбе")
JAPAN = sentence_with("Япония на 18–20 декември")
DELEGATES = sentence_with("пет хиляди делегати")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was the CA–Russia summit?", "when"),
        ("Кога Токаев посети Япония?", "when"),
        ("Когда был саммит ЦА – Россия?", "when"),
        ("Where was the CA–Russia summit held?", "where"),
        ("Къде се проведе срещата?", "where"),
        ("Где прошёл саммит?", "where"),
        ("How many delegates came to Astana?", "count"),
        ("Колко делегати?", "count"),
        ("Сколько делегатов?", "count"),
        ("Who wrote the article?", "who"),
        ("Кто автор статьи?", "who"),
        ("Which monument was opened in Bishkek?", "which"),
        ("Чий аналитичен обзор е статията?", "which"),
        ("Why does Kazakhstan diversify its partnerships?", ""),
        # a quantity is a number's to answer, however it is asked
        ("What is the population of Kazakhstan?", "count"),
        ("Какъв е стокообменът между Казахстан и Япония?", "count"),
        ("На какую сумму подписаны соглашения в Токио?", "count"),
        ("What was the value in dollars of the deals?", "count"),
        ("Какой курс Казахстана определила тема форума?", ""),  # a course, not a rate
        ("What is the main value of the CA+ meetings?", ""),  # a worth, not a sum
        ("К каким столицам сместился акцент?", "places"),  # a list, in any case
        ("В каких городах побывал Токаев?", "places"),
    ],
)
def test_the_kind_of_fact_a_question_asks_for(question: str, kind: str) -> None:
    assert facts.kind(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "en", "bg", "ru"),
    [
        ("When was the CA–Russia summit?", SUMMITS, "9 October", "9 октомври", "9 октября"),
        ("Когда был саммит ЦА – Россия?", SUMMITS, "9 October", "9 октомври", "9 октября"),
        ("When was the EU–CA summit?", SUMMITS, "4 April", "4 април", "4 апреля"),
        (
            "Кога беше срещата на върха „ЦА – Китай“?",
            SUMMITS,
            "17 June 2025",
            "17 юни 2025 г.",
            "17 июня 2025",
        ),
        ("Where was the CA–Russia summit held?", SUMMITS, "Dushanbe", "Душанбе", "Душанбе"),
        ("Where was the EU–CA summit?", SUMMITS, "Samarkand", "Самарканд", "Самарканд"),
        (
            "When did Tokayev visit Japan?",
            JAPAN,
            "18–20 December 2025",
            "18–20 декември 2025 г.",
            "18–20 декабря 2025",
        ),
        (
            "How many delegates did the AIFC host?",
            DELEGATES,
            "more than 5,000",
            "над пет хиляди",
            "более 5 000",
        ),
    ],
)
def test_facts_of_the_real_article_in_three_languages(
    question: str, sentence: str, en: str, bg: str, ru: str
) -> None:
    fact = facts.find(question, sentence)
    assert fact is not None
    assert sentence[fact.start : fact.end] == fact.text  # a span of the article, exactly
    assert [facts.say(fact, lang) for lang in ("en", "bg", "ru")] == [en, bg, ru]


VISITORS = (
    "През същите дни Казахстан прие президента на Северна Македония Гордана Силяновска-Давкова, "
    "министър-председателя на Хърватия Андрей Пленкович и министър-председателя на германската "
    "провинция Саар Анке Релингер."
)
MONUMENT = (
    "Откриването на паметника „Златният мост на приятелството“ в Бишкек се превърна в символ на "
    "братството и единството на народите от Централна Азия."
)
EXPERT = (
    "Основната стойност на срещите във формат ЦА+ се състои в укрепването на регионалната "
    "субектност, счита политологът Тимур Нигманов."
)


@pytest.mark.parametrize(
    ("question", "sentence", "en", "ru"),
    [
        ("Which monument was opened in Bishkek?", MONUMENT, "Golden Bridge of Friendship",
         "Золотой мост дружбы"),
        ("Какой памятник открыли в Бишкеке?", MONUMENT, "Golden Bridge of Friendship", "Золотой мост дружбы"),
        ("Кой политолог смята, че стойността на срещите ЦА+ е в субектността?", EXPERT,
         "Timur Nigmanov", "Тимур Нигманов"),
        ("Who is the President of North Macedonia received in Kazakhstan?", VISITORS,
         "Gordana Silyanovska-Davkova", "Гордана Силяновска-Давкова"),
    ],
)  # fmt: skip
def test_names_asked_for_come_from_their_own_clause(question: str, sentence: str, en: str, ru: str) -> None:
    fact = facts.find(question, sentence)
    assert fact is not None and fact.kind in facts.NAMED
    assert [facts.say(fact, "en"), facts.say(fact, "ru")] == [en, ru]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Who wrote the article?", "Yuliya Polonskaya"),
        ("Кой е авторът на статията?", "Юлия Полонская"),
        ("Кто автор этой статьи?", "Юлия Полонская"),
    ],
)
def test_the_author_is_read_from_the_byline(question: str, said: str) -> None:
    fact = facts.find(question, "автор: Юлия Полонская")
    assert fact is not None and facts.say(fact, language.detect(question)) == said
    assert facts.find("Who is Tokayev?", "автор: Юлия Полонская") is None  # a byline answers "who wrote"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("When was the article published?", "25 December 2025"),
        ("What is the date of this article?", "25 December 2025"),
        ("Кога е публикувана статията?", "25 декември 2025 г."),
        ("Какого числа опубликована статья?", "25 декабря 2025 г."),
    ],
)
def test_the_publication_date_is_read_from_the_dateline(question: str, said: str) -> None:
    opening = SENTENCES[0]  # the dateline is a sentence of its own
    assert opening == "date 2025-12-25" and facts.asks_published(question)
    fact = facts.find(question, opening, "when")
    assert fact is not None and facts.say(fact, language.detect(question)) == said


def test_the_dateline_dates_no_event() -> None:
    assert facts.find("In which month did the year begin?", SENTENCES[0], "when") is None
    assert not facts.asks_published("What had the publication written about earlier?")


def test_a_word_every_candidate_holds_tells_them_no_apart() -> None:
    trip = "Where did Tokayev travel for the closing event of the year?"
    china = sentence_with("посещение в Китай")
    assert facts.find(trip, JAPAN) is not None  # "Tokayev" is near Japan ...
    common = facts.common_words(trip, [JAPAN, china, SENTENCES[1]])
    assert common == {"tokayev"}
    assert facts.find(trip, JAPAN, common=common) is None  # ... and near every other visit too


@pytest.mark.parametrize(
    ("question", "en"),
    [
        ("Which organisation's summit did Tokayev attend in China?", "Shanghai Cooperation Organisation"),
        ("Заседанието на коя организация посети Токаев в Китай?", "Shanghai Cooperation Organisation"),
        ("Какое агентство подготовило этот обзор?", "Kazinform"),
    ],
)  # fmt: skip
def test_an_organisation_asked_for_is_an_organisation(question: str, en: str) -> None:
    # "organisation" asks for one and names none; Kazakhstan and China are no organisations
    sentence = (
        sentence_with("Шанхайската организация") if "Kazinform" not in en else sentence_with("на Kazinform")
    )
    fact = facts.find(question, sentence)
    assert fact is not None and facts.say(fact, "en") == en


def test_a_place_travelled_to_is_a_place() -> None:  # "пътуването до Санкт Петербург"
    petersburg = sentence_with("пътуването до Санкт Петербург")
    fact = facts.find("Where was the meeting of the Supreme Eurasian Economic Council?", petersburg)
    assert fact is not None and facts.say(fact, "en") == "Saint Petersburg"


def test_a_name_the_question_does_not_point_at_is_not_an_answer() -> None:
    # "Prime Minister" is in Plenković's clause, but he is Croatia's: one shared word is chance
    assert facts.find("Who is the Prime Minister of Kazakhstan?", VISITORS) is None
    assert facts.find("Кой е министър-председателят на Казахстан?", VISITORS) is None
    # the name the question already says is not its answer: what the article calls him is
    fact = facts.find("Who is Timur Nigmanov?", EXPERT)
    assert fact is not None and fact.kind == "role" and fact.text == "политологът Тимур Нигманов"
    assert not facts.sayable(fact, "en") and facts.say(fact, "en") == fact.text  # words to translate


@pytest.mark.parametrize(
    ("question", "en"),
    [
        # "Центральная Азия" is four words before "в Белия дом", and "ЦА" stands for it before Dushanbe
        ("In which city was the second Central Asia–Russia summit held?", "Dushanbe"),
        ("В каком городе прошла встреча ЦА – Россия?", "Dushanbe"),
        ("Къде за първи път бяха събрани всички лидери на Централна Азия?", "the White House"),
    ],
)
def test_a_place_is_a_whole_name_of_the_sort_asked_for(question: str, en: str) -> None:
    fact = facts.find(question, EVIDENCE)
    assert fact is not None and facts.say(fact, "en") == en
    assert EVIDENCE[fact.start : fact.end] == fact.text


def test_heads_of_state_ask_for_no_sort_of_place() -> None:
    tashkent = sentence_with("проведена в Ташкент")  # "... in Tashkent, during the visit ... to Uzbekistan"
    where = facts.find("Where was the VII meeting of the heads of state of Central Asia held?", tashkent)
    assert where is not None and where.text == "Ташкент"


def test_a_sentence_about_another_place_is_elsewhere() -> None:
    china = sentence_with("посещение в Китай")
    assert facts.elsewhere("When did Tokayev visit China?", JAPAN)
    assert facts.elsewhere("Кога Токаев посети Китай?", JAPAN)
    assert not facts.elsewhere("When did Tokayev visit China?", china)
    assert not facts.elsewhere("How many delegates came?", JAPAN)  # no place asked about


def test_no_fact_of_the_kind_asked_for_is_none() -> None:
    assert facts.find("How many delegates came?", "автор: Юлия Полонская") is None
    assert facts.find("Who wrote the article?", SUMMITS) is None  # a place is no author
    assert facts.find("Why did Tokayev go there?", SUMMITS) is None
    assert facts.say(None, "en") == ""


@pytest.mark.parametrize(
    ("words", "value"),
    [("пет хиляди", 5000), ("осемдесет и две", 82), ("около шестстотин", 600), ("1 200", 1200), ("пет", 5)],
)
def test_bulgarian_number_words(words: str, value: int) -> None:
    assert numbers.number_value(words) == value


def test_number_words_are_not_names() -> None:
    assert numbers.number_value("Астана") is None


@pytest.mark.parametrize(
    ("name", "en", "ru"),
    [
        ("Душанбе", "Dushanbe", "Душанбе"),
        ("Самарканд", "Samarkand", "Самарканд"),
        ("Юлия Полонская", "Yuliya Polonskaya", "Юлия Полонская"),
    ],
)
def test_names_in_the_readers_alphabet(name: str, en: str, ru: str) -> None:
    assert facts.name(name, "en") == en
    assert facts.name(name, "ru") == ru


def test_skeletons_match_a_name_across_alphabets() -> None:
    assert facts.skeleton("Tokayev") == facts.skeleton("Токаев")
    assert facts.skeleton("Dushanbe") == facts.skeleton("Душанбе")
    assert facts.skeleton("Berlin") != facts.skeleton("Душанбе")


def test_names_skip_common_sentence_starts() -> None:
    assert facts.names("The summit was in Dushanbe with Tokayev.") == ["Dushanbe", "Tokayev"]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Where was the CA–US summit?", "Washington"),
        ("Къде се проведе срещата на върха „ЦА – САЩ“?", "Вашингтон"),
        ("When was the second CA–China summit?", "17 June 2025"),
        ("Когда прошёл саммит «ЦА – Япония»?", "19–20 декабря"),
    ],
)
def test_a_name_of_the_question_picks_its_event_out_of_a_list(question: str, said: str) -> None:
    # "среща на върха" sits by every summit of the list; "САЩ" ("US") and "Китай" by one each
    lang = language.detect(question)
    fact = facts.find(question, SUMMITS)
    assert fact is not None and facts.say(fact, lang) == said


def test_common_words_still_tell_the_spans_of_one_sentence_apart() -> None:
    # "САЩ" is in every candidate sentence, so it picks no sentence; within the list it still
    # points at Washington, not at the summit first named
    question = "Къде се проведе срещата на върха „ЦА – САЩ“?"
    fact = facts.find(question, SUMMITS, common=frozenset({"сащ"}))
    assert fact is not None and fact.text == "Вашингтон"


def test_a_number_is_told_by_its_noun_not_by_the_name_before_it() -> None:
    # the evidence stage finds "Astana" and "Finance" in every candidate sentence: common words
    question = "From how many countries did delegates come to Astana Finance Days?"
    fact = facts.find(question, DELEGATES, common=frozenset({"astana", "finance"}))
    assert fact is not None and numbers.number_value(fact.text) == 82


def test_a_month_asked_in_any_language_is_the_articles_month() -> None:
    avaza = sentence_with("През август в Аваза")
    common = frozenset({"central", "asia", "meet"})  # near every candidate: they count for nothing
    fact = facts.find("Where did the leaders of Central Asia meet in August?", avaza, common=common)
    assert fact is not None and facts.say(fact, "en") == "Avaza"


@pytest.mark.parametrize(
    ("question", "en"),
    [
        ("Which Croatian leader visited Kazakhstan in late May?", "Andrey Plenkovich"),
        ("Which German official was received in Kazakhstan?", "Anke Relinger"),
        ("Кто премьер-министр Хорватии, побывавший в Казахстане?", "Andrey Plenkovich"),
    ],
)
def test_the_country_in_a_persons_own_clause_pins_them(question: str, en: str) -> None:
    assert facts.kind(question) == "who"  # "Which Croatian leader": a person, however qualified
    visitors = sentence_with("Андрей Пленкович")
    frequent = facts.frequent_words(question, [visitors, JAPAN, sentence_with("президентът на Туркменистан")])
    fact = facts.find(question, visitors, frequent=frequent)
    assert fact is not None and facts.say(fact, "en") == en


def test_a_country_most_candidates_name_pins_no_one() -> None:
    # "Kazakhstan" is by Tokayev's name and in nearly every sentence: it does not make him
    # Rwanda's president
    question = "Кой президент на Руанда посети Казахстан?"
    tokayev = sentence_with("президентът на Казахстан Касим-Жомарт Токаев потвърди")
    rwanda = sentence_with("Президентът на Руанда Пол Кагаме")
    others = [VISITORS, sentence_with("пристигна президентът")]
    frequent = facts.frequent_words(question, [tokayev, rwanda, *others])
    assert "казахстан" in frequent and "руанда" not in frequent
    assert facts.find(question, tokayev, frequent=frequent, common=frozenset({"президент"})) is None
    fact = facts.find(question, rwanda, frequent=frequent, common=frozenset({"президент"}))
    assert fact is not None and fact.text == "Пол Кагаме"


def test_other_forms_of_a_name_are_read_and_short_ones_only_in_capitals() -> None:
    assert article_words("US") == article_words("America") == ("САЩ",)
    assert article_words("us") == ()  # "Tell us when …" names no country
    assert article_forms("Where was the CA–US summit?") == ["ЦА", "Централна", "Азия", "САЩ"]


@pytest.mark.parametrize(
    ("word", "article"),
    [("Китае", "Китай"), ("Китая", "Китай"), ("Японии", "Япония"), ("Японию", "Япония"),
     ("Москве", "Москва"), ("Астане", "Астана"), ("Пекине", "Пекин"), ("Вашингтоне", "Вашингтон"),
     ("Казахстана", "Казахстан"), ("России", "Русия")],
)  # fmt: skip
def test_a_russian_name_in_another_case_is_the_articles_name(word: str, article: str) -> None:
    assert article in article_words(word)


def test_only_names_are_read_in_another_case() -> None:
    assert article_words("китаец") == article_words("программе") == ()


AUTUMN, SPRING = "Пекин, Вашингтон", "Москва, Будапеща"


@pytest.mark.parametrize(
    ("question", "language", "where", "said"),
    [
        ("Which four capitals did the focus shift to in the autumn?", "en", AUTUMN,
         "Beijing, Washington, Moscow and Tokyo"),
        ("Какие столицы оказались в центре внимания осенью?", "ru", AUTUMN,
         "Пекин, Вашингтон, Москва и Токио"),
        ("Към кои глобални столици се премести акцентът през есента?", "bg", AUTUMN,
         "Пекин, Вашингтон, Москва, Токио"),
        ("Which cities were on the diplomatic map in spring and summer?", "en", SPRING,
         "Moscow, Budapest, Minsk and Ankara"),
    ],
)  # fmt: skip
def test_a_list_of_cities_asked_for_is_the_whole_list(
    question: str, language: str, where: str, said: str
) -> None:
    # the season is matched across languages ("autumn" is "есента"), as months are
    assert facts.kind(question) == "places"
    fact = facts.find(question, sentence_with(where))
    assert fact is not None and facts.say(fact, language) == said


def test_a_list_holds_the_cities_the_glossary_does_not_know() -> None:
    # "Ашхабад" is in no table: one known city makes the run of names a list of cities
    sentence = sentence_with("Самарканд, Бишкек, Душанбе")
    fact = facts.find("Кои градове се превърнаха в символични точки на регионалния диалог?", sentence)
    assert fact is not None and fact.text == "Самарканд, Бишкек, Душанбе, Ашхабад, Ташкент и Аваза"
    assert facts.spans("Президентът посети Москва.", "places") == []  # one city is no list


@pytest.mark.parametrize(
    ("question", "sentence", "name"),
    [
        (
            "Кой е кралицата на розата?",
            "Кралицата на розата е Мария Иванова от Стара Загора.",
            "Мария Иванова",
        ),
        ("Кой е кралицата на розата?", "Мария Иванова е кралицата на розата.", "Мария Иванова"),
        (
            "Who is the prime minister of Japan?",
            "Токаев се срещна със Санае Такаити, министър-председател на Япония, в Токио.",
            "Санае Такаити",
        ),
    ],
)
def test_an_office_is_read_before_a_name_or_right_after_it(question, sentence, name) -> None:
    found = facts.best(question, sentence, "who")
    assert found is not None and found[0].text == name


def test_an_office_of_another_country_or_province_is_not_the_one_asked() -> None:
    # "министър-председателя на германската провинция Саар Анке Релингер" is no Kazakh prime minister
    assert facts.best("Who is the Prime Minister of Kazakhstan?", VISITORS, "who") is None
    fact = facts.find("Кто премьер-министр Хорватии?", VISITORS, "who")
    assert fact is not None and fact.text == "Андрей Пленкович"


def test_a_digit_of_a_name_counts_nothing() -> None:
    sentence = "Визитата съвпадна със срещата на върха C5+1 в Белия дом, където бяха 5 лидери."
    assert [f.text for f in facts.spans(sentence, "count")] == ["5"]
    assert facts.spans(sentence, "count")[0].start == sentence.index(" 5 ") + 1
