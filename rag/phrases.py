"""The article's phrase that answers a "which X" question, and whether a translation of it into
a close language keeps its words.

A Russian reader asks «Какую политику проводит регион?»; the article's sentence says „регионът
провежда проактивна многовекторна политика“. The asked-for noun (политику) has a cognate in
the sentence (политика); the words that qualify it there (проактивна многовекторна) are the
answer. Russian and Bulgarian share most of their roots, so a translation of that phrase whose
words are cognates of the phrase's own (проактивная многовекторная политика) has kept them,
and one that is not (противоположная …) has changed the fact and is not shown.

    >>> asked("Какую политику, по мнению эксперта, проводит регион?")
    'политику'
    >>> asked("Каким был товарооборот?"), asked("Какое по счёту заседание?"), asked("Когда?")
    ('товарооборот', 'счёту', None)
    >>> asked("А символом чего он стал?")
    'символом'

    >>> phrase("В отговор регионът провежда проактивна многовекторна политика, смята експертът.", "политику")
    (28, 61)
    >>> keeps("проактивна многовекторна политика", "проактивная многовекторная политика")
    True
    >>> keeps("проактивна многовекторна политика", "противоположная многовекторная политика")
    False
"""

from __future__ import annotations

import re

__all__ = ["CLOSE", "agree", "asked", "clean", "cognate", "keeps", "phrase", "trimmed", "untranslated"]

CLOSE = frozenset({("bg", "ru")})  # (article, reader): languages whose words are mostly cognates

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# «Какую политику…», «Роль какого измерения…», «Проекты в каких областях…»: the noun after the
# question word (an adjective between them is skipped: «Какие новые вызовы…» asks for вызовы)
_WHICH = re.compile(
    r"\b(?:как(?:ой|ая|ое|ие|ого|ому|им|ую|их|ими|ом)|котор(?:ый|ая|ое|ые|ую|ого|ой|ым|ых))\s+", re.I
)
_OF_WHAT = re.compile(r"([^\W\d_]{4,})\s+(?:чего|кого)\b", re.I)  # the noun of «символом чего»
_LINKS = frozenset({"был", "была", "было", "были", "будет", "является", "стал", "стала", "стали"})
_RU_ADJECTIVE = re.compile(r"(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ую|юю|ых|их|ыми|ими)$")
# a Bulgarian word that qualifies the noun after it: an adjective or participle, any gender,
# number and article (ключов, сухоземен, хуманитарното, военни, свързващо, регионалната)
_BG_MODIFIER = re.compile(
    r"(?:ов|ова|ово|ови|ен|на|но|ни|ски|ска|ско|ия|ият|ата|ото|ите|ния|ният|ната|ното|ните"
    r"|щ|ща|що|щи|щия|щата|щото|щите|ския|ският|ската|ското|ските|ян)$"
)
_GLUE = frozenset({"и", "или", "дори", "също", "а"})  # inside a list of modifiers
_BOUNDARY = frozenset({".", ";", ":", "–", "—", "(", ")", "!", "?"})
_ON = ("на", "като")  # „ролята на … като активен участник“, „в областта на енергетиката …“
_SHORT = 3  # words of three letters or fewer are function words (и, на, в, до, от, за, при)
_MAX_WORDS = 10
# letters that differ between cognates: съвет / совет, регионалната / региональной
_LETTERS = str.maketrans({"ё": "е", "ы": "и", "э": "е", "й": "и", "ь": None, "ъ": "о"})
# what only Bulgarian writes: ъ before a consonant (търговско), its function words, and its
# article and plural endings on a word left as the article has it (военни, регионалната)
_BG_LETTERS = re.compile(r"ъ(?![еёюя])", re.I)
_BG_WORDS = frozenset(
    {"дори", "като", "също", "през", "към", "във", "със", "който", "която", "което", "които"}
)
_BG_ENDINGS = re.compile(r"(?:ът|ят|та|то|те|ни|ски|ите|ата|ото|ята)$")
_SEPARATOR = re.compile(r"ъ(?=[еёюя])")  # Russian's hard sign: субъект is Bulgarian субект
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+|[^\w\s]")  # words, numbers, punctuation


def _stem(word: str) -> str:
    return _SEPARATOR.sub("", word.casefold()).translate(_LETTERS)


def cognate(a: str, b: str) -> bool:
    """Whether two words (one Bulgarian, one Russian, or the same language) share their stem: a
    common beginning of at least three letters that leaves at most three of the shorter word
    and four of the longer (единството is not единственность: unity is not uniqueness).

    >>> cognate("мостом", "мост"), cognate("роль", "ролята"), cognate("конфликты", "конфликти")
    (True, True, True)
    >>> cognate("проекты", "проактивна"), cognate("вызовы", "предизвикателствата")
    (False, False)
    >>> cognate("съвет", "совета"), cognate("субектност", "субъектности")
    (True, True)
    >>> cognate("единството", "единственность")
    False
    """
    x, y = _stem(a), _stem(b)
    common = 0
    for p, q in zip(x, y, strict=False):
        if p != q:
            break
        common += 1
    return common >= 3 and common >= min(len(x), len(y)) - 3 and common >= max(len(x), len(y)) - 4


def asked(question: str) -> str | None:
    """The noun a Russian "which X" question asks about (None when it asks for no such noun)."""
    m = _WHICH.search(question)
    if m is None:
        of = _OF_WHAT.search(question)  # «Символом чего стал памятник?»
        return of.group(1) if of else None
    words = [w for w in _WORD.findall(question[m.end() :]) if len(w) > 2 and w.lower() not in _LINKS][:2]
    if words and _RU_ADJECTIVE.search(words[0].lower()) and len(words) > 1:
        return words[1]
    return words[0] if words else None


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _modifier(word: str) -> bool:
    return len(word) > _SHORT and bool(_BG_MODIFIER.search(word.lower()))


def phrase(sentence: str, noun: str, question: str = "") -> tuple[int, int] | None:
    """Where in ``sentence`` the article's answer to "which ``noun``" is: the noun's cognate and
    the modifiers before it („проактивна многовекторна политика“); a noun with none before it
    is answered by what follows it („областта на енергетиката, инфраструктурата …“, skipping
    words the question already names and „като“), to the end of its clause. None when the
    sentence has no cognate of ``noun`` or nothing qualifies it."""
    tokens = _tokens(sentence)
    heads = [i for i, (w, _, _) in enumerate(tokens) if len(w) > _SHORT - 1 and cognate(w, noun)]
    if not heads:
        return None
    j = heads[0]
    first = j
    i = j - 1
    while i >= 0:
        word = tokens[i][0]
        if _modifier(word):
            first = i
        elif word.lower() not in _GLUE and word != ",":
            break
        i -= 1
    if first < j:
        return tokens[first][1], tokens[j][2]
    asked_words = _WORD.findall(question)
    k = j + 1
    while k < len(tokens) and (
        tokens[k][0].lower() in _ON or any(cognate(tokens[k][0], w) for w in asked_words if len(w) > _SHORT)
    ):
        k += 1
    last = k
    while last < len(tokens) and tokens[last][0] not in _BOUNDARY and last - k < _MAX_WORDS:
        last += 1
    if last == k or tokens[k][0] in _BOUNDARY or tokens[k][0] == ",":
        return None
    return tokens[k][1], tokens[last - 1][2]


def clean(reply: str) -> str:
    r"""The model's translated phrase: its first line, without quotes or a closing full stop.

    >>> clean(' «Проактивная многовекторная политика».\nПояснение')
    'Проактивная многовекторная политика'
    """
    line = reply.strip().split("\n", 1)[0].strip()
    return line.strip(" \"'«»„“”").rstrip(".").strip(" \"'«»„“”")


def trimmed(text: str, question: str) -> tuple[int, int]:
    """Where ``text`` is, less the words at either end that the question names: who the article
    says Пол Кагаме is, asked «Кто такой Пол Кагаме?», is „Президентът на Руанда“.

    >>> text = "Президентът на Руанда Пол Кагаме"
    >>> start, end = trimmed(text, "Кто такой Пол Кагаме?"); text[start:end]
    'Президентът на Руанда'
    """
    named = [w.casefold() for w in _WORD.findall(question)]
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]

    def asked_for(span: tuple[int, int]) -> bool:
        word = text[span[0] : span[1]]
        return any(word.casefold() == w or (len(w) > _SHORT and cognate(word, w)) for w in named)

    while words and asked_for(words[-1]):
        words.pop()
    while words and asked_for(words[0]):
        words.pop(0)
    return (words[0][0], words[-1][1]) if words else (0, len(text))


def _content(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if len(w) > _SHORT]


def keeps(source: str, translation: str) -> bool:
    """Whether ``translation`` keeps the words of ``source`` (a phrase of a close language): no
    Bulgarian is left in it (``untranslated``), the phrase's first three words have cognates in
    it, and at least two thirds of each side's words have cognates on the other side."""
    src, out = _content(source), _content(translation)
    if not src or not out or untranslated(source, translation):
        return False
    if not all(any(cognate(w, v) for v in out) for w in src[:3]):
        return False
    kept = sum(any(cognate(w, v) for v in out) for w in src)
    found = sum(any(cognate(v, w) for w in src) for v in out)
    return kept * 3 >= 2 * len(src) and found * 3 >= 2 * len(out)


def untranslated(source: str, translation: str) -> bool:
    """Whether ``translation`` still holds Bulgarian: a letter, a function word, or a word of
    ``source`` kept with its Bulgarian ending.

    >>> untranslated("дори военни конфликти", "Информационные, търговско-тарифни и дори военни конфликты")
    True
    >>> untranslated("свързващо звено", "связующее звено")
    False
    """
    kept = {w.casefold() for w in _WORD.findall(source)}
    for word in _WORD.findall(translation):
        low = word.casefold()
        if _BG_LETTERS.search(low) or low in _BG_WORDS:
            return True
        if low in kept and len(low) > _SHORT and _BG_ENDINGS.search(low):
            return True
    return _stem(source) == _stem(translation)


# Russian adjective endings by the question word's own ending (it agrees with the noun asked
# about, so the answer's adjectives take its case): hard stems, then after г к х ж ш щ ч
_CASE = {
    "ую": ("ую", "ую"), "им": ("ым", "им"), "ого": ("ого", "ого"), "ой": ("ой", "ой"),
    "их": ("ых", "их"), "ими": ("ыми", "ими"), "ом": ("ом", "ом"), "ому": ("ому", "ому"),
    "ая": ("ая", "ая"), "ое": ("ое", "ое"), "ие": ("ые", "ие"),
}  # fmt: skip
_SOFT_CASE = {"ую": "юю", "им": "им", "ого": "его", "ой": "ей", "их": "их", "ими": "ими",
              "ом": "ем", "ому": "ему", "ая": "яя", "ое": "ее", "ие": "ие"}  # fmt: skip
_NOMINATIVE = re.compile(r"^(?P<stem>[^\W\d_]+?)(?P<end>ый|ий|ой|ая|яя|ое|ее|ые|ие)$")
_ASKING = re.compile(
    r"(?:(?P<prep>\b[^\W\d_]{1,6})\s+)?\bкак(?P<end>ую|ими|им|ого|ой|их|ому|ом|ая|ое|ие)\s+", re.I
)
_PREPOSITIONS = frozenset(
    {"в", "во", "на", "о", "об", "по", "с", "со", "к", "ко", "за", "из", "от", "до", "для", "при",
     "под", "над", "перед", "между", "через", "без", "у"}
)  # fmt: skip


def _inflect(word: str, ending: str) -> str:
    m = _NOMINATIVE.match(word)
    if m is None:
        return word
    stem, end = m["stem"], m["end"]
    if end in ("яя", "ее") or (end == "ий" and stem[-1:] not in "гкхжшщч"):
        return stem + _SOFT_CASE[ending]  # синяя, синее, синий
    hard, after = _CASE[ending]
    if stem[-1:] in "жшщч" and ending in ("ого", "ом", "ому", "ой") and end != "ой":
        return stem + _SOFT_CASE[ending]  # хорошего, связующем: unstressed о is е after them
    return stem + (after if stem[-1:] in "гкхжшщч" else hard)


def agree(said: str, question: str, noun: str) -> str:
    """The translated phrase in the case the question asks in, with its preposition: the
    question's own form of the noun, and each adjective before it with the question word's
    ending («На какой основе …?» → «на равноправной основе»). A phrase that does not end with
    the noun (what follows it in the article) stays as it is.

    >>> agree("равноправная основа", "На какой основе строится диалог?", "основе")
    'на равноправной основе'
    >>> agree("ключевой сухоземный мост", "Каким мостом готов стать Казахстан?", "мостом")
    'ключевым сухоземным мостом'
    """
    m = _ASKING.search(question)
    words = list(_WORD.finditer(said))
    if m is None or not words or not cognate(words[-1].group(), noun):
        return said
    prep = (m["prep"] or "").lower()
    head = words[-1].group()
    text = said
    if head.casefold() != noun.casefold():  # «Какой мост …?»: the nominative is its case already
        ending, out, pos = m["end"].lower(), [], 0
        for w in words[:-1]:
            out += [said[pos : w.start()], _inflect(w.group(), ending)]
            pos = w.end()
        out += [
            said[pos : words[-1].start()],
            noun.lower() if head.islower() else noun,
            said[words[-1].end() :],
        ]
        text = "".join(out)
    return f"{prep} {text}" if prep in _PREPOSITIONS else text
