"""Names across alphabets: the glossary of well-known names, transliteration, and the
consonant skeletons that let a name in the reader's language be matched to the article's.

    >>> name("Абу Даби", "en"), name("Юлия Полонская", "en"), name("Будапеща", "ru")
    ('Abu Dhabi', 'Yuliya Polonskaya', 'Будапешт')
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

_NAME = re.compile(r"(?<![\w„])(?:[А-ЯЁA-Z][\w’'-]*(?:\s+(?:бен|ал|ибн|де|фон|ван|[А-ЯЁA-Z])[\w’'-]*)*)")


@cache
def _exonyms() -> dict[str, dict[str, str]]:
    raw = (resources.files("rag") / "data" / "exonyms.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


@cache
def native() -> dict[str, tuple[str, ...]]:
    """Reader-language word -> the article's words for it (the glossary read backwards, and its
    ``[also]`` table of other forms, whose short abbreviations match only in capitals: "US", not
    "us")."""
    out: dict[str, list[str]] = {}
    tables = [(False, _exonyms()[language]) for language in _LANGUAGES] + [(True, _exonyms().get("also", {}))]
    for exact, table in tables:
        for bg, said in table.items():
            for word in re.findall(r"\w+", said):
                if word[0].isupper() and (len(word) > 2 or word.isupper()):
                    key = word if exact and word.isupper() and len(word) <= 3 else word.lower()
                    out.setdefault(key, []).extend(re.findall(r"\w+", bg))
    return {k: tuple(v) for k, v in out.items()}


def article_words(word: str) -> tuple[str, ...]:
    """The article's (Bulgarian) words for a reader's word: the glossary's names read backwards,
    then the ``[words]`` table of news vocabulary, whose keys are stems ("croatian", "хорватск":
    a country's adjective is its country, "prime minister" a "министър-председател").

    >>> article_words("Japan"), article_words("хорватского"), article_words("emperor")
    (('Япония',), ('Хърватия',), ('император',))
    >>> article_words("Китае"), article_words("России"), article_words("Астане")
    (('Китай',), ('Русия',), ('Астана',))
    """
    lower = word.lower()
    if word in native():
        return native()[word]
    if lower in native():
        return native()[lower]
    for form in _nominatives(lower):  # «в Китае», «из России», «в Астане»: Russian cases
        if form in native():
            return native()[form]
        if form in _glossed():  # a name Russian writes as the article does
            return (_glossed()[form],)
    stem = next((s for s in _stems() if lower.startswith(s)), "")
    return tuple(_exonyms().get("words", {}).get(stem, "").split())


@cache
def _glossed() -> dict[str, str]:
    """The glossary's own (article) names, by their lower case."""
    return {bg.lower(): bg for language in _LANGUAGES for bg in _exonyms()[language]}


_CASE_ENDINGS = ("ами", "ями", "ой", "ей", "ом", "ем", "ах", "ях", "е", "и", "у", "ю", "а", "я", "ы")
_NOMINATIVE_ENDINGS = ("", "а", "я", "й", "ь")


def _nominatives(word: str) -> list[str]:
    """The forms a Russian name in another case may have in the nominative (Китае: Китай, Кита…;
    России: Россия…), to look up in the glossary; none for other words.

    >>> "китай" in _nominatives("китае"), "россия" in _nominatives("россии"), _nominatives("china")
    (True, True, [])
    """
    if len(word) < 4 or not re.fullmatch(r"[а-яё-]+", word):
        return []
    return [
        word[: -len(end)] + nominative
        for end in _CASE_ENDINGS
        if word.endswith(end) and len(word) - len(end) >= 3
        for nominative in _NOMINATIVE_ENDINGS
    ]


@cache
def _stems() -> list[str]:
    return sorted(_exonyms().get("words", {}), key=len, reverse=True)


_LATIN = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъьюяыэё",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "ts",
            "ch",
            "sh",
            "sht",
            "a",
            "y",
            "yu",
            "ya",
            "y",
            "e",
            "yo",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    """Cyrillic to Latin letters (Bulgaria's official system), other characters as they are.

    >>> transliterate("Юлия Полонская"), transliterate("Щучинск")
    ('Yuliya Polonskaya', 'Shtuchinsk')
    """
    out = []
    for ch in text:
        low = ch.lower()
        latin = _LATIN.get(low)
        if latin is None:
            out.append(ch)
        else:
            out.append(latin.capitalize() if ch != low else latin)
    return "".join(out)


_LANGUAGES = ("en", "ru")


@cache
def people() -> frozenset[str]:
    """The glossary's names that are people's (the others are places, bodies, things)."""
    return frozenset(_exonyms().get("people", {}))


def sort_of(text: str) -> str:
    """What sort of place the glossary says a name is: ``"city"``, ``"country"``, ``"building"``,
    ``"region"``, or ``""`` (not a place the glossary knows); or ``"organisation"`` ("ШОС").

    >>> sort_of("Душанбе"), sort_of("Белия дом"), sort_of("Аваза")
    ('city', 'building', '')
    """
    return str(_exonyms().get("sorts", {}).get(text.strip(), ""))


@cache
def expansions() -> dict[str, str]:
    """The article's abbreviations -> the words they stand for ("ЦА" -> "Централна Азия")."""
    return dict(_exonyms().get("abbreviations", {}))


def article_forms(text: str) -> list[str]:
    """The article's words for those words of ``text`` the glossary knows (names, news words,
    abbreviations, spelled out): what a keyword search over the article looks for besides them.

    >>> article_forms("When was the CA–US summit?")
    ['ЦА', 'Централна', 'Азия', 'САЩ']
    """
    out: list[str] = []
    for word in re.findall(r"\w+", text):
        for form in (word, *article_words(word)):
            if form != word:
                out.append(form)
            out.extend(expansions().get(form, "").split())
    return out


def glossary(language: str) -> dict[str, str]:
    """The article's (Bulgarian) forms of well-known names -> their usual form in ``language``."""
    return dict(_exonyms().get(language, {}))


def name(text: str, language: str) -> str:
    """A name as a reader of ``language`` writes it: the glossary's form, else transliterated."""
    table = _exonyms().get(language, {})
    key = text.strip()
    if key in table:
        return table[key]
    if language == "ru":
        return key
    return " ".join(table.get(w, transliterate(w)) for w in key.split())


def skeleton(word: str) -> str:
    """A spelling-blind key for comparing a name across alphabets: Latin consonants only,
    voiced and voiceless ones alike.

    >>> skeleton("Abdullah") == skeleton("Абдала"), skeleton("Tokayev") == skeleton("Токаев")
    (True, True)
    """
    latin = transliterate(word.lower())
    latin = latin.replace("ph", "f").replace("ck", "k").replace("c", "k").replace("q", "k").replace("x", "ks")
    latin = latin.replace("w", "v").replace("j", "zh").replace("kh", "h").replace("dh", "d")
    consonants = re.sub(r"[^bdfgklmnprstvz]", "", latin.replace("h", ""))
    consonants = consonants.translate(_UNVOICED)  # "President" and "президент" sound alike
    return re.sub(r"(.)\1+", r"\1", consonants)


_UNVOICED = str.maketrans("bdgvz", "ptkfs")


def name_keys(text: str) -> set[str]:
    """Skeleton prefixes of every word: spelling- and alphabet-blind keys for names (a word
    with fewer than two consonants is its own transliteration).

    >>> name_keys("Tokayev") == name_keys("Токаев")
    True
    """
    out = set()
    for word in re.findall(r"[^\W\d_]{2,}", text):
        key = skeleton(word)
        out.add(key[:4] if len(key) >= 2 else transliterate(word.lower()))
    return out


def names(text: str) -> list[str]:
    """Capitalised words and runs of them, sentence starts excluded unless they are names."""
    out = []
    for m in _NAME.finditer(text):
        start = m.start()
        head = text[:start].rstrip()
        sentence_start = not head or head[-1] in ".!?\n:" or head.endswith(("—", "–"))
        if sentence_start and m.group(0).split()[0].lower() in _COMMON_STARTS:
            continue
        out.append(m.group(0))
    return out


_COMMON_STARTS = {
    "the", "in", "on", "at", "it", "this", "that", "he", "she", "they", "there", "according", "during",
    "after", "before", "by", "from", "with", "as", "a", "an", "yes", "no", "kazakhstan's", "its",
    "в", "на", "по", "през", "от", "той", "тя", "те", "това", "според", "да", "не", "статията",
    "он", "она", "они", "это", "согласно", "во", "с", "со", "нет", "статье", "статья",
}  # fmt: skip
