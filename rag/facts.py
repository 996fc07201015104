"""Short facts from a sentence of the article, said in the reader's language, deterministically.

A question asks for a *kind* of fact (``when``, ``where``, ``count``, ``who``); a Bulgarian
sentence holds candidate *spans* of that kind (dates, places after "в", numbers, often written
as words, names). A span is rendered in the reader's language by rules, never by a model:
month names and number words are translated, names of well-known places come from a small
glossary (``data/exonyms.toml``), every other name is transliterated (Bulgarian's official
Latin system for English; Cyrillic stays Cyrillic for Russian).

    >>> say(find("When was the CA–Russia summit?", "„ЦА – Русия“ на 9 октомври в Душанбе."), "en")
    '9 October'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from core.articles import DATELINE
from rag import dates, numbers, ordinals, roles
from rag.bm25 import terms
from rag.names import (
    article_words,
    expansions,
    glossary,
    name,
    names,
    people,
    skeleton,
    sort_of,
    transliterate,
)
from rag.people import as_subject, asked_about, described

__all__ = [
    "DATELINE",
    "Fact",
    "article_words",
    "asks_published",
    "best",
    "common_words",
    "elsewhere",
    "find",
    "frequent_words",
    "glossary",
    "kind",
    "name",
    "names",
    "say",
    "sayable",
    "skeleton",
    "spans",
    "strangers",
    "transliterate",
    "trusted",
]

Kind = str  # "when" | "where" | "places" (a list) | "count" | "who" (a person) | "which" (a named thing)
# | "role" (who a person named is: "Who is Paul Kagame?") | "ordinal" (which one in a row) | ""

_KINDS: list[tuple[Kind, re.Pattern[str]]] = [
    ("ordinal", ordinals.ASKS),  # «Какое по счёту заседание?»: not a count, not a date
    (
        "when",
        re.compile(
            r"\b(when|what date|which date|on what date|what day|which (?:day|month|year)|in which month"
            r"|кога|на коя дата|коя дата|в кой ден|в кой месец|през кой месец"
            r"|когда|какого числа|какая дата|в какой день|в каком месяце)\b",
            re.I,
        ),
    ),
    (
        "count",
        re.compile(  # and the quantities a number answers: a sum of money, a population, a turnover
            r"\b(how many|how much|колко|сколько"
            r"|dollar value|(?:total )?(?:value|amount|sum) (?:\w+ )?in dollars|в долари|в доллар\w*"
            r"|на какую сумму|какая сумма|обща\w* стойност|population|населени\w+"
            r"|trade turnover|товарооборот\w*|стокообмен\w*|търговски\w* оборот\w*"
            r"|exchange rate|обменн\w+ курс\w*|курс \w+ к доллар\w*)\b",
            re.I,
        ),
    ),
    (  # a list of cities: every one the sentence names, not the first
        "places",
        re.compile(
            r"\b(?:which|what) (?:\w+ )?(?:cities|capitals)\b"
            r"|\bкои (?:\w+ )?(?:градове|столици)\b"
            r"|\bкак(?:ие|их|им|ими) (?:\w+ )?(?:город(?:а|ов|ам|ах)|столиц(?:ы|ам|ах)?)\b",
            re.I,
        ),
    ),
    (
        "where",
        re.compile(
            r"\b(where|in which city|which city|what city|in what city|which capital"
            r"|къде|в кой град|кой град|в коя столица|в коя страна|где|куда|в каком городе|какой город)\b",
            re.I,
        ),
    ),
    (  # after "where": "кой град" is a place, "коя дата" a date
        "who",
        re.compile(
            r"\b(who|whom"
            r"|which (?:\w+ )?(?:leader|president|king|official|political scientist|expert|prime minister)"
            r"|кой е|кой беше|кой (?:написа|смята|каза|казва|заяви|политолог|експерт|лидер|президент)|кого"
            r"|кто|кем|кому|какой (?:политолог|эксперт|лидер|президент))\b",
            re.I,
        ),
    ),
    (
        "which",
        re.compile(
            r"\b(whose|which (?:country|agency|news agency|organi[sz]ation|monument)"
            r"|чий|чия|чие|коя (?:държава|страна|агенция|организация)|кой паметник"
            r"|чей|чья|какая страна|какое агентство|какая организация|какой памятник)\b",
            re.I,
        ),
    ),
]

_PLACE = re.compile(r"\b(?:в|във|до)\s+((?:[А-ЯЁ][\w-]*)(?:\s+[А-ЯЁ][\w-]*)*)")
_SORTS = [  # the sort of place (or organisation) a question asks for, if any ("heads of state": none)
    (
        "city",
        re.compile(
            r"\b(?:which|what|in which|in what)\s+(?:cit(?:y|ies)|town|capitals?)\b"
            r"|\b(?:кой|в кой|кои|в кои)\s+град\w*|\b(?:коя|в коя|кои)\s+столиц\w*"
            r"|\b(?:какой|в каком|какие|в каких)\s+город\w*|\b(?:какая|в какой|какие)\s+столиц\w*",
            re.I,
        ),
    ),
    (
        "organisation",
        re.compile(
            r"\b(?:which|what)\s+(?:news\s+)?(?:organi[sz]ation|agenc(?:y|ies)|alliance|bloc)\w*"
            r"|\b(?:коя|кои)\s+(?:(?:новинарска|информационна)\s+)?(?:организаци|агенци)\w*"
            r"|\b(?:какая|какие|какое|какой)\s+(?:(?:информационное|новостное)\s+)?(?:организаци|агентств)\w*",
            re.I,
        ),
    ),
    (
        "country",
        re.compile(
            r"\b(?:which|what|in which|in what)\s+countr(?:y|ies)\b"
            r"|\b(?:коя|в коя|кои|в кои)\s+(?:държав|стран)\w*"
            r"|\b(?:какая|в какой|какие|в каких)\s+стран\w*",
            re.I,
        ),
    ),
]


_ASKING = set(  # question words: they name no event, so they anchor nothing
    re.findall(
        r"\w+",
        "when where which what who whom how many much was were did does the and "
        "кога къде кой коя кои какво колко беше бяха ли се "
        "когда где какой какая кто сколько был была были прошёл прошел",
    )
)


@dataclass(frozen=True)
class Fact:
    """A span of ``sentence`` that answers a question of ``kind``."""

    kind: Kind
    start: int
    end: int
    text: str


def kind(question: str) -> Kind:
    """What a question asks for: ``when``, ``count``, ``where``, ``who`` or ``""`` (anything else).

    >>> kind("Кога Токаев посети Япония?"), kind("Сколько делегатов?"), kind("Кто автор?"), kind("Why?")
    ('when', 'count', 'who', '')
    >>> kind("Who is Paul Kagame?"), kind("Who is the president of Rwanda?")
    ('role', 'who')
    """
    if asked_about(question):
        return "role"
    for asked, pattern in _KINDS:
        if pattern.search(question):
            return asked
    return ""


def spans(sentence: str, of: Kind) -> list[Fact]:
    """Every span of ``sentence`` of the kind asked for, in order."""
    if of == "when":
        return [Fact(of, m.start(), m.end(), m.group(0)) for m in dates.DATE.finditer(sentence)]
    if of == "count":
        within = [(m.start(), m.end()) for m in dates.DATE.finditer(sentence)]
        out = []
        for m in numbers.NUMBER.finditer(sentence):
            inside_date = any(a <= m.start() < b for a, b in within)
            if (
                not inside_date
                and not numbers.YEAR_AT.match(sentence, m.start())
                and not numbers.ONE_OF.match(sentence, m.start())
                and numbers.number_value(m.group(0)) is not None
            ):
                out.append(Fact(of, m.start(), m.end(), m.group(0)))
        return out
    if of == "where":
        return [_whole_name(sentence, m.start(1), m.end(1)) for m in _PLACE.finditer(sentence)]
    if of == "places":
        return _cities(sentence)
    if of == "ordinal":
        return [Fact(of, m.start(), m.end(), m.group(0)) for m in ordinals.ORDINAL.finditer(sentence)]
    if of in NAMED:
        return _named(sentence, of)
    return []


def _whole_name(sentence: str, start: int, end: int) -> Fact:
    """The place at ``start``, as long as the glossary's longest name there ("Белия" of "в Белия
    дом" is a building's first word, not a place called Beliya)."""
    for key in _longest_first():
        if (
            len(key) > end - start
            and sentence.startswith(key, start)
            and not sentence[start + len(key) :][:1].isalnum()
        ):
            end = start + len(key)
            break
    return Fact("where", start, end, sentence[start:end])


_CITY = r"[А-ЯЁ][\w-]*(?: [А-ЯЁ][\w-]*)?"
_LIST = re.compile(r"\s*,\s*|\s+и\s+")  # what joins the names of a list: ", " and " и "
_CITIES = re.compile(rf"(?<![\w-]){_CITY}(?:(?:{_LIST.pattern}){_CITY})+")


def _cities(sentence: str) -> list[Fact]:
    """Lists of two or more names, joined by commas or "и", of which the glossary knows one as a
    city ("Самарканд, Бишкек, Душанбе, Ашхабад, Ташкент и Аваза"), each one span."""
    return [
        Fact("places", m.start(), m.end(), m.group(0))
        for m in _CITIES.finditer(sentence)
        if any(sort_of(city) == "city" for city in _LIST.split(m.group(0)))
    ]


@cache
def _longest_first() -> list[str]:
    return sorted(glossary("en"), key=len, reverse=True)


def _named(sentence: str, of: Kind) -> list[Fact]:
    """Who (``of="who"``) or what (``"which"``) is named in ``sentence``: runs of two or more
    capitalised words (a first and last name) once the glossary's names and abbreviations are cut
    off them ("Хърватия Андрей Пленкович" -> "Андрей Пленкович"), and the glossary's names
    themselves (for "who", only its people)."""
    known = [
        (m.start(), m.end())
        for key in glossary("en")
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", sentence)
    ]
    found = [(a, b) for a, b in known if of == "which" or sentence[a:b] in people()]
    at = 0
    for run in names(sentence):
        start = sentence.index(run, at)
        at = start + len(run)
        for piece in re.finditer(r"\S+", run):
            a, b = start + piece.start(), start + piece.end()
            if any(s <= a < e for s, e in known) or piece.group(0).isupper():
                continue
            if found and found[-1][1] >= a - 1 and found[-1] not in known:
                found[-1] = (found[-1][0], b)  # the next word of the same name
            else:
                found.append((a, b))
    found = [(a, b) for a, b in found if (a, b) in known or len(sentence[a:b].split()) >= 2]
    found.sort(key=lambda span: (span[0], -span[1]))
    out: list[Fact] = []
    for start, end in found:
        if out and start < out[-1].end:
            continue
        out.append(Fact(of, start, end, sentence[start:end]))
    return out


_AUTHOR = re.compile(r"\b(wrote|written|author|автор\w*|написа\w*)", re.I)  # "Who wrote this?"
_BYLINE = re.compile(r"\s*(?:автор|author)\s*:?\s*$", re.I)  # the article's byline: "автор: Юлия Полонская"
_PUBLISHED = re.compile(  # "When was the article published?": its dateline, not a date of its story
    r"\b(publish\w*|publication|dated|date of (?:the|this) (?:article|story|piece|review)"
    r"|публикува\w*|публикация\w*|дата(?:та)? на (?:статията|публикацията|обзора)"
    r"|опубликова\w*|публикаци\w*|дата (?:статьи|публикации|обзора))",
    re.I,
)
_DATE_WORD = re.compile(r"\b(?:date|dated|дата|датата|числа)\b", re.I)
_SAYS = re.compile(
    r"\s*(?:счита|смята|казва|каза|отбелязва|отбеляза|подчертава|подчерта|заяви|според)\b", re.I
)

STATED = frozenset({"when", "where", "count"})
"""Kinds of fact that are always found when a sentence has them: asked for and not found, the
article does not say (a name may be written in ways no rule reads, so names are not)."""
NAMED = frozenset({"who", "which"})


def find(
    question: str,
    sentence: str,
    of: Kind | None = None,
    common: frozenset[str] = frozenset(),
    frequent: frozenset[str] = frozenset(),
    posts: Mapping[str, str] | None = None,
) -> Fact | None:
    """The span of ``sentence`` that answers ``question`` (see ``best``); a name only when its
    neighbourhood scores two or more (a sentence names many people: one shared word is chance)."""
    found = best(question, sentence, of, common, frequent, posts)
    return found[0] if found is not None and trusted(found) else None


def trusted(found: tuple[Fact, int]) -> bool:
    """Whether a span found by ``best`` may answer: one of the question's words must be near it
    (a date by no word of the question dates something else), and two near a name."""
    fact, score = found
    return score >= (2 if fact.kind in NAMED else 1)


def best(
    question: str,
    sentence: str,
    of: Kind | None = None,
    common: frozenset[str] = frozenset(),
    frequent: frozenset[str] = frozenset(),
    posts: Mapping[str, str] | None = None,
) -> tuple[Fact, int] | None:
    """The span of the kind asked for whose neighbourhood (the words since the previous
    candidate, and the two words after it) shares most words with the question, and how many
    it shares: an event is named before its date, a count before or after its noun. The
    question's ``common`` words (see ``common_words``) count for nothing; a place it names counts
    twice just before a name, unless it is one of its ``frequent`` words (see ``frequent_words``).
    Asked who holds an office, only a name whose clause gives it counts, of the country asked
    about, by its own words or, where they name none, by the article's ``posts`` (``roles.posts``)."""
    of = kind(question) if of is None else of
    if of == "role":  # not a span among others: the words the article gives the person asked about
        person = asked_about(question)
        what = described(sentence, person) if person else None
        if what is None:
            return None  # "президентът на Казахстан …" says more than "президента …": it scores more
        return Fact(of, what.start, what.end, what.text), 3 if " на " in what.text else 2
    words = _asked_words(question)
    asked = [_keys(w) for w in words]
    held = [w.lower() in common for w in words]
    office = roles.asked(question) if of == "who" else None
    if office:  # the office's own words are read by the office's fit, not as event words
        held = [h or roles.titled(w) for h, w in zip(held, words, strict=True)]
    found = spans(sentence, of)
    wanted, sort_words = "", frozenset[str]()
    for sort, pattern in _SORTS:
        if m := pattern.search(question):
            wanted, sort_words = sort, frozenset(w.lower() for w in re.findall(r"\w+", m.group(0)))
            break
    if wanted and of in ("where", "which"):  # "In which city ...?" is not answered with a country
        found = [f for f in found if sort_of(f.text) in ("", wanted)]
        if of == "which" and any(sort_of(f.text) == wanted for f in found):  # "which agency": one
            found = [f for f in found if sort_of(f.text) == wanted]
    published = of == "when" and asks_published(question)
    if of == "when" and not published:  # the dateline dates the article, no event
        found = [f for f in found if not DATELINE.fullmatch(sentence[: f.end])]
    if of in NAMED:  # the name asked for is not one the question already says ("organisation"
        # of "Which organisation's summit?" asks for one; it names none)
        said = [key for w, key in zip(words, asked, strict=True) if w.lower() not in sort_words]
        found = [f for f in found if not any(_keys(w) & key for w in f.text.split() for key in said)]
    if office:  # "Who is the chairman of …?": a name whose own clause gives that office, not its
        # deputy's, nor another country's ("президентът на Казахстан" for "… of Uzbekistan?")
        fits = {f: _office_fit(sentence, f, office, posts or {}) for f in found}
        found = [f for f in found if fits[f]]
    else:
        fits = {}
    if not found:
        return None

    def around(i: int) -> tuple[set[str], set[str], int, set[str]]:
        """A span's words before and after it, its bonus (a byline or dateline, the sort asked
        for), and the three words just before it (a person's "… на Хърватия")."""
        fact = found[i]
        before = sentence[(found[i - 1].end if i else 0) : fact.start]
        if of in NAMED:  # a name's words are those of its own clause ("министър-председателя на Хърватия")
            clause = _clause(sentence, fact)
            before = sentence[: fact.start] if _SAYS.match(clause) else clause  # "…, смята Нигманов"
        tail = re.split(r"[,;:„“«»()]", sentence[fact.end :].lstrip("“»\"'"), maxsplit=1)[0]
        if of in NAMED:
            tail = re.split(r"\sи\s", tail, maxsplit=1)[0]
        after = " ".join(re.findall(r"\w+", tail)[:2])
        bonus = 2 if of == "who" and _AUTHOR.search(question) and _BYLINE.match(before) else 0
        bonus += fits.get(fact, 0)  # the office asked for
        if published and DATELINE.fullmatch(before + fact.text):
            bonus = 2  # the dateline dates the article itself
        if len(found) == 1 and (of in STATED or of in ("places", "ordinal")):  # the sentence's only
            # date (place, number, list, ordinal) is its event's
            before = f"{sentence[: fact.start]} {sentence[fact.end :]}"
        if wanted == "organisation" and sort_of(fact.text) == wanted and of in NAMED:  # it was asked for
            bonus += 1
            if len(found) == 1:
                before = f"{sentence[: fact.start]} {sentence[fact.end :]}"
        close = " ".join(re.findall(r"\w+", sentence[: fact.start])[-3:])
        return _keys(before), _keys(after), bonus, _keys(close)

    near = [around(i) for i in range(len(found))]
    # a word of the question near every span ("Central Asia" by each summit) tells them no apart
    everywhere = [len(found) > 1 and all(w & (b | a) for b, a, _, _ in near) for w in asked]
    named = [w[:1].isupper() and of in ("when", "where") for w in words]  # a count's noun is its key
    # the country asked about, just before a person's name, pins them ("министър-председателя на
    # Хърватия Андрей Пленкович" for "Which Croatian leader …?"): it counts twice there, unless
    # most candidate sentences name it ("Kazakhstan")
    pins = [of in NAMED and bool(_places(w)) and w.lower() not in frequent for w in words]

    def score(i: int, telling: bool = False, names_only: bool = False) -> int:
        """Shared words near span i (a word after it counts twice); the common words count only
        among the names, which tell the spans of one sentence apart (not one sentence from another)."""
        before, after, bonus, close = near[i]
        counted = [
            (w, pin)
            for w, pin, every, common, is_name in zip(asked, pins, everywhere, held, named, strict=True)
            if not (telling and every) and (is_name if names_only else not common)
        ]
        shared = sum(bool(w & before) + 2 * bool(w & after) + (pin and bool(w & close)) for w, pin in counted)
        return shared + (0 if names_only else bonus)

    # a name of the question ("САЩ" of "„ЦА – САЩ“") near one date or place of a list of events
    # ("„ЦА – Китай“ … в Астана, „ЦА – САЩ“ … във Вашингтон") picks it, however many plain words
    # ("summit") sit by another; a number is told by its noun ("82 countries") instead
    i = max(
        range(len(found)),
        key=lambda i: (score(i, telling=True, names_only=True), score(i, telling=True), score(i), -i),
    )
    return found[i], score(i)


def _office_fit(sentence: str, name: Fact, office: roles.Office, posts: Mapping[str, str]) -> int:
    """How well a ``name``'s own clause in ``sentence`` gives it the ``office`` asked for: 0 not
    at all (another office, its deputy, or another country's: "президентът на Туркменистан" is
    not Kazakhstan's president, nor is a bare "президентът Токаев" whom the article calls
    "президентът на Казахстан" in ``posts``), 2 of the country the question names (by the clause,
    the article's ``posts``, or where neither says, the sentence: "министър-председателя Санае
    Такаити … японските бизнес среди") or of the body it names ("кралицата на розата"), else 1."""
    found = roles.held(_clause(sentence, name), office) or roles.held(_apposition(sentence, name), office)
    if found is None:
        return 0
    asked = set(_places(office.of))
    if not asked:  # "Кой е кралицата на розата?": "Кралицата на розата е Мария Иванова"
        return 2 if _keys(office.of) & _keys(found.of) else 1
    said = set(_places(found.of)) or set(_places(posts.get(name.text.split()[-1], "")))
    if said:
        return 2 if asked & said else 0
    return 2 if asked & set(_places(sentence)) else 1


def _apposition(sentence: str, fact: Fact) -> str:
    """The words that say what a name is, right after it ("Мария Иванова е кралицата на розата",
    "Sanae Takaichi, Japan's prime minister, …"), or nothing."""
    m = re.match(
        r"(?:\s*[,(—–]|\s+(?:е|is|was|беше|является|был|была)\b)\s*([^,;.()—–]*)", sentence[fact.end :]
    )
    return m.group(1) if m else ""


def _clause(sentence: str, fact: Fact) -> str:
    """The words of ``sentence`` in a name's own clause, before it ("министър-председателя на
    Хърватия" of "…, министър-председателя на Хърватия Андрей Пленкович и …")."""
    return re.split(r"[,;—–]|\sи\s", sentence[: fact.start])[-1]


def asks_published(question: str) -> bool:
    """Whether ``question`` asks when the article itself was published (not when its events were).

    >>> asks_published("When was the article published?"), asks_published("Кога е публикувана статията?")
    (True, True)
    >>> asks_published("Какого числа опубликована статья?"), asks_published("When was the summit?")
    (True, False)
    >>> asks_published("What is the date of this article?")
    True
    >>> asks_published("What had the publication written about earlier?")  # the outlet, no date
    False
    """
    dating = kind(question) == "when" or bool(_DATE_WORD.search(question))
    return dating and bool(_PUBLISHED.search(question))


def _asked_words(question: str) -> list[str]:
    """The question's words that may name its event (not its question words)."""
    return [
        w
        for w in re.findall(r"\w+(?:-\w+)*", question)  # "министър-председател": one word, not two
        if w.lower() not in _ASKING and (len(w) > 2 or w.isupper())
    ]


def common_words(question: str, texts: Sequence[str]) -> frozenset[str]:
    """The question's words (lower case) that every one of three or more candidate texts (the
    evidence stage's best-ranked sentences) holds: the article's protagonist ("Tokayev") is near
    every date and place, so finding him near one tells nothing ("Where did Tokayev travel for
    the closing event?" is not answered with the first visit that names him).

    >>> sorted(common_words("Where did Tokayev go?", ["Токаев в Китай.", "Токаев в Япония.", "Токаев."]))
    ['tokayev']
    >>> common_words("Where did Tokayev go?", ["Токаев в Китай.", "Токаев в Япония."])
    frozenset()
    """
    if len(texts) < 3:
        return frozenset()
    return frequent_words(question, texts, share=1.0)


def frequent_words(question: str, texts: Sequence[str], share: float = 0.5) -> frozenset[str]:
    """The question's words (lower case) that at least ``share`` of two or more candidate texts
    hold ("Kazakhstan", in an article about it): near a name they pin no one.

    >>> sorted(frequent_words("Which Rwandan president visited Kazakhstan?",
    ...     ["Казахстан прие.", "Президентът на Руанда Пол Кагаме.", "В Казахстан пристигна."]))
    ['kazakhstan']
    """
    if len(texts) < 2:
        return frozenset()
    held = [_keys(t) for t in texts]
    return frozenset(
        w.lower()
        for w in _asked_words(question)
        if sum(bool(_keys(w) & keys) for keys in held) >= share * len(held)
    )


def elsewhere(question: str, sentence: str) -> bool:
    """Whether ``sentence`` is about another place than the question: it names places of a
    sort the question names (city, country, region), and none of the question's. A date read
    next to "Japan" does not answer "When did he visit China?"; a sentence that names Rwanda
    answers "Who is the president of Rwanda who visited Kazakhstan?" even without Kazakhstan.

    >>> elsewhere("When did Tokayev visit China?", "Токаев посети Япония на 18–20 декември.")
    True
    >>> elsewhere("Who is Rwanda's president who visited Kazakhstan?", "Президентът на Руанда Пол Кагаме.")
    False
    >>> elsewhere("How many platforms did the forum in Astana have?", "Имаше двадесет и пет платформи.")
    False
    """
    asked, said = _places(question), _places(sentence)
    return any(
        sort in said.values() and not any(p in said for p, s in asked.items() if s == sort)
        for sort in set(asked.values())
    )


def strangers(question: str, sentence: str) -> int:
    """How many places ``sentence`` names that the question does not, of the sorts the question
    names: of two sentences that both name the place asked about, the one about it alone wins
    ("the president of Rwanda" is in "Президентът на Руанда …", not in "в Казахстан пристигна
    президентът на Туркменистан").

    >>> strangers("Who is the president of Rwanda?", "В Казахстан пристигна президентът на Туркменистан.")
    2
    """
    asked, said = _places(question), _places(sentence)
    return sum(1 for place, sort in said.items() if sort in asked.values() and place not in asked)


def _places(text: str) -> dict[str, str]:
    """The glossary's places that ``text`` names, in any language or spelling, and their sort."""
    keys = _keys(text)
    return {place: sort for place, (sort, words) in _place_keys().items() if all(w & keys for w in words)}


@cache
def _place_keys() -> dict[str, tuple[str, list[set[str]]]]:
    out = {}
    for place in glossary("en"):
        sort = sort_of(place)
        if sort and sort != "organisation":  # places only: an organisation is no "elsewhere"
            out[place] = (sort, [_keys(w) for w in re.findall(r"\w+", place) if len(w) > 2 or w.isupper()])
    return out


def _keys(text: str) -> set[str]:
    """Words of ``text`` as cross-alphabet keys (BM25 terms, consonant skeletons, months and seasons
    in any language); an abbreviation also stands for its words ("ЦА" for "Централна Азия")."""
    words = [w for w in re.findall(r"\w+", text) if len(w) > 2 or w.isupper()]
    words += [full for w in words if w in expansions() for full in re.findall(r"\w+", expansions()[w])]
    words += [bg for w in words for bg in article_words(w)]
    keys = {"k:" + skeleton(w) for w in words if len(skeleton(w)) >= 3} | {"w:" + w.lower() for w in words}
    months = {f"m:{m}" for m in dates.months_in(text)} | {f"m:{s}" for s in dates.seasons_in(text)}
    return set(terms(" ".join(words))) | keys | months  # "in August" is "през август"


def sayable(fact: Fact, language: str) -> bool:
    """Whether rules can say ``fact`` in ``language``: a date, number or name can; who the article
    says someone is ("заместник-председателят на Управителния съвет …") is words to translate."""
    return fact.kind != "role" or language == "bg"


def say(fact: Fact | None, language: str, question: str = "") -> str:
    """The fact as a reader of ``language`` would write it (Bulgarian: the article's words); an
    ordinal agrees with the noun of the reader's ``question`` («Какая по счёту встреча?»)."""
    if fact is None:
        return ""
    if fact.kind == "ordinal":
        return ordinals.say(fact.text, language, question)
    if fact.kind == "when" and dates.ISO.fullmatch(fact.text):
        return dates.say(fact.text, language)
    if fact.kind == "role":  # the article's words: quoted to other readers, a subject to its own
        return as_subject(fact.text) if language == "bg" else fact.text
    if language == "bg":
        return fact.text
    if fact.kind == "places":
        *rest, last = [name(city, language) for city in _LIST.split(fact.text)]
        return f"{', '.join(rest)} {'и' if language == 'ru' else 'and'} {last}"
    if fact.kind == "when":
        return dates.say(fact.text, language)
    if fact.kind == "count":
        return numbers.say(fact.text, language)
    return name(fact.text, language)
