"""SQuAD-style answer normalisation that also works for Bulgarian and Russian, numbers and dates.

Text is NFKC-normalised, case-folded (``ё`` -> ``е``), stripped of citation markers, quotes,
dashes and other punctuation, and split into word and number tokens. Numbers lose leading
zeros, thousands separators and ordinal endings (``9th``, ``9-ти``, ``9-го``); English articles
go. Dates are made comparable across languages and word orders: month names in English,
Bulgarian and Russian (all cases, common abbreviations) become ``m1`` .. ``m12``, a month written
before its day moves after it, ISO and ``dd.mm.yyyy`` dates are rewritten the same way, year
words (``г.``, ``года``) and the prepositions right before a date (``on``, ``from``, ``на``,
``от``, ``до``) are dropped. So "9 October", "October 9th" and "на 9 октомври" all become
``9 m10``.
"""

from __future__ import annotations

import re
import unicodedata

_MONTH_WORDS = {
    1: "january jan януари ян янв январь января январе",
    2: "february feb февруари фев февраль февраля феврале",
    3: "march mar март марта марте",
    4: "april apr април апр апрель апреля апреле",
    5: "may май мая мае",
    6: "june jun юни июнь июня июне",
    7: "july jul юли июль июля июле",
    8: "august aug август авг августа августе",
    9: "september sep sept септември сен сент сентябрь сентября сентябре",
    10: "october oct октомври окт октябрь октября октябре",
    11: "november nov ноември ное ноя ноябрь ноября ноябре",
    12: "december dec декември дек декабрь декабря декабре",
}
MONTHS = {word: f"m{n}" for n, words in _MONTH_WORDS.items() for word in words.split()}
ARTICLES = frozenset({"a", "an", "the"})
YEAR_WORDS = frozenset({"г", "гг", "год", "година", "годината", "года", "году", "year"})
DATE_PREPOSITIONS = frozenset(
    {
        "on",
        "in",
        "of",
        "from",
        "to",
        "until",
        "till",
        "by",
        "на",
        "от",
        "до",
        "в",
        "във",
        "с",
        "со",
        "по",
        "к",
    }
)

_MARKER = re.compile(r"\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DOTTED_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:[ \u00a0\u202f,]\d{3})+)(?![\d]|[.,]\d)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_ORDINAL = re.compile(r"(?<=\d)-?(?:st|nd|rd|th|ти|ви|ри|ми|го|ое|ый|ий|ая|я|й|е)(?![^\W\d_])")
_TOKEN = re.compile(r"\d+\.\d+(?![^\W_])|[^\W_]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _date(day: str, month: str, year: str) -> str:
    if not 1 <= int(month) <= 12:
        return f" {day} {month} {year} "
    return f" {int(day)} {_MONTH_WORDS[int(month)].split()[0]} {year} "


def tokens(text: str) -> list[str]:
    """The comparable tokens of ``text``.

    >>> tokens("On October 9th, 2025 — in Dushanbe!")
    ['9', 'm10', '2025', 'in', 'dushanbe']
    >>> tokens("на 9 октомври 2025 г. в Душанбе")
    ['9', 'm10', '2025', 'в', 'душанбе']
    >>> tokens("«Ещё» 5 000+ делегатов [2]")
    ['еще', '5000', 'делегатов']
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = _MARKER.sub(" ", text)
    text = _ISO_DATE.sub(lambda m: _date(m[3], m[2], m[1]), text)
    text = _DOTTED_DATE.sub(lambda m: _date(m[1], m[2], m[3]), text)
    text = _THOUSANDS.sub(lambda m: m[1] + re.sub(r"\D", "", m[2]), text)
    text = _DECIMAL_COMMA.sub(".", text)
    text = _ORDINAL.sub("", text)
    raw = [_number(t) if _NUMBER.fullmatch(t) else MONTHS.get(t, t) for t in _TOKEN.findall(text)]
    return _reorder_dates(_drop_fillers(raw))


def normalize(text: str) -> str:
    """``text`` as one normalised string (tokens joined by spaces).

    >>> normalize("October 9") == normalize("9 октомври") == normalize("9-го октября")
    True
    >>> normalize("The C5+1 summit")
    'c5 1 summit'
    """
    return " ".join(tokens(text))


def _number(token: str) -> str:
    if "." in token:
        whole, frac = token.split(".", 1)
        frac = frac.rstrip("0")
        return f"{int(whole)}.{frac}" if frac else str(int(whole))
    return str(int(token))


def _is_day(token: str) -> bool:
    return token.isdigit() and 1 <= int(token) <= 31 and len(token) <= 2


def _is_month(token: str) -> bool:
    return token in MONTHS.values()


def _is_date_part(token: str) -> bool:
    return bool(_NUMBER.fullmatch(token)) or _is_month(token)


def _drop_fillers(raw: list[str]) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(raw):
        following = raw[i + 1] if i + 1 < len(raw) else ""
        if token in ARTICLES:
            continue
        if token in DATE_PREPOSITIONS and following and _is_date_part(following):
            continue
        if token in YEAR_WORDS and out and len(out[-1]) == 4 and out[-1].isdigit():
            continue
        out.append(token)
    return out


def _reorder_dates(raw: list[str]) -> list[str]:
    """Move the day(s) written after a month in front of it ("October 9" -> "9 October")."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        if _is_month(token) and not (out and _is_day(out[-1])):
            days: list[str] = []
            j = i + 1
            while j < len(raw) and len(days) < 2 and _is_day(raw[j]):
                days.append(raw[j])
                j += 1
            if days:
                out.extend([*days, token])
                i = j
                continue
        out.append(token)
        i += 1
    return out
