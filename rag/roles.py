"""The office a question asks who holds, and whether a name's own words give that office.

"Who is the chairman of the Institute …?" is not answered by the institute's *deputy* chairman,
"Who is the prime minister of Kazakhstan?" not by Croatia's, and "Who is the president of
Uzbekistan?" not by a president whose sentence only says he visited Uzbekistan: the person
named must hold the office asked for in their own clause ("президентът на Руанда Пол Кагаме").
A question that names no office ("Who visited Astana?", "Which Croatian leader …?") asks
nothing of the clause.

    >>> asked("Who is the chairman of the Institute for Foreign Policy Studies?")
    Office(title='chairman', deputy=False)
    >>> asked("Кто является заместителем председателя правления?"), asked("Who visited Astana?")
    (Office(title='chairman', deputy=True), None)
    >>> asked("Besides the emperor and the prime minister, whom did Tokayev meet in Japan?")
    >>> asked("Whom did the president meet in Japan?"), asked("Who did President Tokayev meet?")
    (None, None)
    >>> asked("Who is the president of Uzbekistan?").of, asked("Which Rwandan president visited Astana?").of
    ('is of Uzbekistan', 'Rwandan visited')
    >>> held("коментира заместник-председателят на Управителния съвет", asked("Who is the chairman?"))
    >>> held("коментира заместник-председателят на Управителния съвет", asked("Who is the deputy chairman?"))
    Office(title='chairman', deputy=True)
    >>> held("министър-председателя на Хърватия", asked("Who is the president?"))
    >>> held("председателя на Бундесрата на Германия", asked("Who is the president of the Bundesrat?")).of
    'на Бундесрата на Германия'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import takewhile

_TITLES = [  # longest first: a prime minister is no minister, a "министър-председател" no chairman
    (
        "prime minister",
        r"prime[- ]minister\w*|premier\w*|министър-председател\w*|премиер\w*|премьер(?:-министр)?\w*",
    ),
    ("president", r"president\w*|президент\w*"),
    ("queen", r"queen\w*|кралиц\w*|королев\w*"),  # before "king": "кралицата" is no "крал"
    ("king", r"king\w*|monarch\w*|крал\w*|корол\w*|монарх\w*"),
    ("chairman", r"chair\w*|председател\w*"),
    ("minister", r"minister\w*|министър\w*|министр\w*"),
    ("emperor", r"emperor\w*|император\w*"),
    ("secretary general", r"secretary[- ]general\w*|генерален секретар\w*|генеральн\w* секретар\w*"),
]
_OF = frozenset({"of", "на", "for"})
_LINKS = _OF | {"the"}  # the small words inside a body's name: "of the Institute for …"
_SAME = {"president": {"president", "chairman"}}  # the titles a question's title may be in the article
_DEPUTY = r"deputy|vice|заместник|заместител\w*|зам\.?|вице"
_TITLE = re.compile(
    rf"(?<!\w)(?:({_DEPUTY})[- ]+)?(?:the\s+)?(?:{'|'.join(f'({p})' for _, p in _TITLES)})", re.I
)

_NAME = r"[А-ЯЁA-Z][\w-]*"
_POST = re.compile(rf"{_TITLE.pattern}\s+(?P<of>(?:на|of)\s+(?-i:(?:{_NAME}\s+)+(?P<name>{_NAME})))", re.I)

_ASKS = re.compile(  # a question that opens with the office: "who is (the) …", "which …", "кой …"
    r"\W*(?:(?:с|със|со|with)\s+)?(?:which|what|who|кой|коя|кои|кто|как\w+)\s+"
    r"(?:(?:is|was|are|were|е|беше|бил[аи]?|является|являлся|являлась|был|была)\s+)?"
    r"(?:the\s+)?(?-i:(?:[A-ZА-ЯЁ][\w'’-]*|\w+(?:ски|ска|ско|ския|ският|ский|ская|ским|ской|ского))\s+)?"
    rf"{_TITLE.pattern}",  # one adjective between: "Japanese", "Kazakhstan's", "японския"
    re.I,
)

_WORD = re.compile(rf"{_DEPUTY}|{'|'.join(p for _, p in _TITLES)}|prime|secretary|general|генерален", re.I)


@dataclass(frozen=True)
class Office:
    """A title asked for ("chairman") and whether its deputy is meant."""

    title: str
    deputy: bool
    of: str = field(default="", compare=False, repr=False)  # the words naming whose office: "of Uzbekistan"


def asked(question: str) -> Office | None:
    """The office ``question`` asks who holds: one it opens with ("Who is the president of …?",
    "Which Rwandan president …?", "С каким премьер-министром …?"), not one of its subject's ("Whom
    did the president meet?") nor one it sets aside ("Besides the emperor, whom …?")."""
    return next(iter(_offices(question)), None) if _ASKS.match(question) else None


def held(clause: str, office: Office) -> Office | None:
    """The office in a name's own ``clause`` that is the one asked for, with the words naming
    whose it is. An English "president" may be a Bulgarian "председател" (of the Bundesrat)."""
    titles = _SAME.get(office.title, {office.title})
    return next(
        (o for o in _offices(clause, clause=True) if o.title in titles and o.deputy == office.deputy), None
    )


@cache
def posts(text: str) -> dict[str, str]:
    """Whose office each person the article names after a title and its country holds, by their
    surname: the words after the title ("Казахстан Касим-Жомарт Токаев"). A clause that calls him
    only "президентът" is read with these.

    >>> posts("Визита на президента на Казахстан Касим-Жомарт Токаев и краля Абдала.")
    {'Токаев': 'на Казахстан Касим-Жомарт Токаев'}
    """
    return {m["name"]: m["of"] for m in _POST.finditer(text)}


def titled(word: str) -> bool:
    """Whether ``word`` is (part of) a title or a deputy's prefix: "president", "заместник"."""
    return bool(_WORD.fullmatch(word))


def _offices(text: str, clause: bool = False) -> list[Office]:
    """The titles ``text`` names, each with the words naming whose office it is: in a question,
    the word before the title and a name after "of"/"на" ("of the Institute for …", "на Руанда",
    not "на Руанда посети Казахстан"); in a name's ``clause``, all its words after the title
    ("министър-председателя на германската провинция Саар")."""
    out = []
    for m in _TITLE.finditer(text):
        title = next(name for (name, _), group in zip(_TITLES, m.groups()[1:], strict=True) if group)
        before = re.findall(r"[\w'’-]+", text[: m.start()])[-1:]  # "Rwanda's", "Croatian"
        after = re.findall(r"[\w-]+", text[m.end() :])
        if not clause and after and after[0].lower() in _OF:
            after = after[:1] + list(takewhile(lambda w: w[:1].isupper() or w.lower() in _LINKS, after[1:5]))
        elif not clause:  # "президентом Узбекистана"
            after = after[:1]
        out.append(Office(title, deputy=bool(m.group(1)), of=" ".join(before + after)))
    return out
