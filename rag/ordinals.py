"""Ordinal numbers in the article's Bulgarian ("осмото заседание", "втората среща", "VII
консултативна среща"), their values, and how a reader of English or Russian says them.

Russian ordinals agree with their noun; the reader's own question gives its gender («Какое по
счёту заседание?» is neuter), else the Bulgarian word's ending does (заседание and среща have
the same gender in both languages).

    >>> say("осмото", "en"), say("осмото", "ru"), say("VII", "ru", "Какая по счёту встреча?")
    ('the eighth', 'восьмое', 'седьмая')
"""

from __future__ import annotations

import re

__all__ = ["ASKS", "ORDINAL", "say", "value"]

_STEMS = {
    "първ": 1, "втор": 2, "трет": 3, "четвърт": 4, "пет": 5,
    "шест": 6, "седм": 7, "осм": 8, "девет": 9, "десет": 10,
}  # fmt: skip
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_STEM = "|".join(sorted(_STEMS, key=len, reverse=True))
_WORD = rf"({_STEM})(?:ият|ия|ата|ото|и|а|о)"  # the stem, then a gender, number and article ending
ORDINAL = re.compile(  # a word, or a Roman numeral before a lowercase word ("VII консултативна")
    rf"(?<![\w-])(?:{_WORD}|(?:{'|'.join(sorted(_ROMAN, key=len, reverse=True))})"
    r"(?=\s+[а-я]))(?![\w-])",
)
ASKS = re.compile(  # "Какое по счёту заседание?", „Кое поред заседание?“, "What number summit?"
    r"\bпо\s+сч[её]ту\b|\b(?:кое|коя|кой|кои)\s+поред\b|\bпореден\s+номер\b|\bwhat\s+number\b"
    r"|\bwhich\s+(?:edition|round)\b",
    re.I,
)
_EN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_RU = ("перв", "втор", "", "четвёрт", "пят", "шест", "седьм", "восьм", "девят", "десят")
_RU_ENDINGS = {"m": "ый", "f": "ая", "n": "ое"}  # второй, шестой, седьмой, восьмой: stressed "ой"
_THIRD = {"m": "третий", "f": "третья", "n": "третье"}
_ASKED_GENDER = re.compile(r"\b(?:как|котор)(ое|ой|ый|ая|ую|ом|ого|ым|ою|ей)\s+по\s+сч[её]ту", re.I)


def value(text: str) -> int | None:
    """The place in the series that an ordinal of the article says.

    >>> value("осмото"), value("Втората"), value("VII"), value("осем")
    (8, 2, 7, None)
    """
    if text in _ROMAN:
        return _ROMAN[text]
    m = re.fullmatch(_WORD, text.lower())
    return _STEMS[m.group(1)] if m else None


def _gender(text: str, question: str) -> str:
    """The Russian gender the ordinal takes: the question's («Какая по счёту …»), else the
    Bulgarian word's (-ата/-а feminine, -ото/-о neuter, else masculine)."""
    if m := _ASKED_GENDER.search(question):
        ending = m.group(1).lower()
        return "n" if ending in ("ое", "ом") else "f" if ending in ("ая", "ую", "ою", "ей") else "m"
    word = text.lower()
    return "f" if word.endswith("а") else "n" if word.endswith("о") else "m"


def say(text: str, language: str, question: str = "") -> str:
    """The ordinal as a reader of ``language`` writes it (Bulgarian: the article's word)."""
    n = value(text)
    if n is None or language == "bg":
        return text
    if language == "ru":
        gender = _gender(text, question)
        if n == 3:
            return _THIRD[gender]
        return _RU[n - 1] + ("ой" if gender == "m" and n in (2, 6, 7, 8) else _RU_ENDINGS[gender])
    return f"the {_EN[n - 1]}"
