"""Who the article says a person is: the words it puts by their name.

"Who is Manarbek Kabaziev?" asks for no other name: it asks for the words the article gives him
("заместник-председателят на Управителния съвет на Института за външнополитически изследвания
към МИД на РК Манарбек Кабазиев"), which no search for a name, date or place reads.

    >>> asked_about("Who is Paul Kagame?"), asked_about("Кто такой Нигманов?")
    ('Paul Kagame', 'Нигманов')
    >>> asked_about("Друг въпрос: кой е Манарбек Кабазиев?"), asked_about("Кем является Кабазиев?")
    ('Манарбек Кабазиев', 'Кабазиев')
    >>> asked_about("Who is the president of Rwanda?"), asked_about("Who did Tokayev meet?")
    (None, None)
    >>> s = ("Казахстан прие президента на Северна Македония Гордана Силяновска-Давкова, "
    ...      "министър-председателя на Хърватия Андрей Пленкович.")
    >>> described(s, "Andrej Plenković").text
    'министър-председателя на Хърватия Андрей Пленкович'
    >>> described(s, "Гордана Силяновска-Давкова").text
    'президента на Северна Македония Гордана Силяновска-Давкова'
    >>> japan = "Президентът се срещна с император Нарухито и министър-председателя Санае Такаити."
    >>> described(japan, "Takaichi").text
    'министър-председателя Санае Такаити'
    >>> described("Това е важно, счита Манарбек Кабазиев.", "Kabaziev")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag import roles
from rag.names import name_keys, transliterate

_NAME_WORD = r"(?-i:[A-ZА-ЯЁ][\w'’.-]*)"
_ASKS = re.compile(  # "Who is X?", "Кой е X?", "Кто такой X?", "Кем является X?", "What is the role of X?"
    r"(?:^|[:;.—–]\s*)\W*(?:(?:and|а|и)\s+)?"
    r"(?:who\s+(?:is|was)|what\s+(?:is|was)\s+the\s+(?:role|position|job|title)\s+of"
    r"|кой\s+(?:е|беше)|коя\s+(?:е|беше)"
    r"|кто\s+(?:(?:такой|такая|такие|является|есть)\s+)?|кем\s+(?:является|являлся|являлась|был|была)\s+)"
    rf"\s*(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})\s*\??\s*$",
    re.I,
)
# the words that begin what someone is: a noun with its definite article ("политологът",
# "заместник-председателят"), a title ("президента", "министър-председателя") or a trade
_HEAD = re.compile(
    r"[\w-]+(?:ът|ят)|(?:политолог|експерт|анализатор|журналист|автор|посланик|говорител|депутат"
    r"|директор|ръководител|лидер|шейх|принц|професор|академик|съветник|канцлер|генерален)\w*",
    re.I,
)
_LINKS = frozenset({"на", "за", "към", "от", "в", "при"})  # "… на Управителния съвет на Института за …"
_STOPS = re.compile(r"[,;:(„“\"«»—–]|\s(?:и|с|със|както)\s")  # a descriptor runs no further back
_PARTICLES = frozenset({"бен", "бин", "ал", "ибн", "фон", "де", "ван"})  # "Мухамед бен Заид Ал Нахаян"
_LABEL = re.compile(r"(?:^|\n)\s*(\w+)\s*:\s*$")  # the byline: "автор: Юлия Полонская"


@dataclass(frozen=True)
class Described:
    """Where in a sentence the article says who a person is: their descriptor and name."""

    start: int
    end: int
    text: str


def asked_about(question: str) -> str | None:
    """The name a question asks who it is ("Who is Paul Kagame?"), or None: an office ("Who is
    the president?") or an action ("Who did Tokayev meet?") asks for someone else."""
    m = _ASKS.search(question.strip())
    return m["name"] if m else None


def described(sentence: str, person: str) -> Described | None:
    """The span of ``sentence`` that says who ``person`` is (in any alphabet or spelling) — the
    words from the title or trade before their name to its end, or the name and the words after
    it ("Санае Такаити, министър-председател на Япония") — or None when it only names them."""
    parts = person.split()  # the surname: "Abdullah" of "Abdullah II"
    surname = next((w for w in reversed(parts) if len(w) > 2 and not re.fullmatch(r"[IVXLC]+", w)), parts[-1])
    words = list(re.finditer(r"[\w'’-]+", sentence))
    at = next((i for i, w in enumerate(words) if _same_name(w.group(0), surname)), None)
    if at is None:
        return None
    first = last = at  # the whole name: "Мухамед бен Заид Ал Нахаян"
    while first > 0 and _one_name(sentence, words[first - 1], words[first]):
        first -= 1
    while last + 1 < len(words) and _one_name(sentence, words[last], words[last + 1]):
        last += 1
    start, end = words[first].start(), words[last].end()
    before = sentence[:start]
    if label := _LABEL.search(before):
        return Described(label.start(1), end, sentence[label.start(1) : end])
    stretch_start = max((m.end() for m in _STOPS.finditer(before)), default=0)
    stretch = [w for w in words[:first] if w.start() >= stretch_start]
    for i, w in enumerate(stretch):  # the first head whose words run on to the name
        if _head(w.group(0)) and _runs_on([x.group(0) for x in stretch[i:]]):
            return Described(w.start(), end, sentence[w.start() : end])
    after = re.match(r",\s*([^,;.()—–]+)", sentence[end:])
    if after and _head(after.group(1).split()[0]) and _runs_on(after.group(1).split()):
        stop = end + after.end(1)
        return Described(start, stop, sentence[start:stop].rstrip())
    return None


def as_subject(text: str) -> str:
    """A descriptor as the subject of a Bulgarian sentence: a masculine title's short article
    ("президента", "министър-председателя") becomes the full one ("президентът").

    >>> as_subject("министър-председателя на Хърватия Андрей Пленкович"), as_subject("кралицата Силвия")
    ('министър-председателят на Хърватия Андрей Пленкович', 'кралицата Силвия')
    """
    head, _, rest = text.partition(" ")
    if re.search(r"[^аеиоуъюя]а$", head) and not re.search(r"[аяо]та$", head) and _head(head):
        head = head[:-1] + "ът"
    elif re.search(r"[^аеиоуъюя]я$", head) and _head(head):
        head = head[:-1] + "ят"
    return f"{head} {rest}".rstrip()


def _same_name(word: str, asked: str) -> bool:
    """Whether ``word`` is the name asked for, in any alphabet: the same consonants, or the
    same first letters ("Такаити" for "Takaichi")."""
    if not word[:1].isupper():
        return False
    if {k for k in name_keys(word) if len(k) >= 3} & name_keys(asked):
        return True
    a, b = transliterate(word.lower()), transliterate(asked.lower())
    return min(len(a), len(b)) >= 4 and a[:3] == b[:3]


def _head(word: str) -> bool:
    return bool(_HEAD.fullmatch(word) or roles.titled(word) or roles.titled(word.split("-")[-1]))


def _runs_on(words: list[str]) -> bool:
    """Whether a head's words are its own: nothing after it, or "на …" (not a verb's object)."""
    return len(words) == 1 or words[1].lower() in _LINKS


def _one_name(sentence: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """Whether two neighbouring words are of one name: both capitalised (or a particle, "бен"),
    only a space between."""
    named = all(w.group(0)[:1].isupper() or w.group(0).lower() in _PARTICLES for w in (left, right))
    return named and not sentence[left.end() : right.start()].strip()
