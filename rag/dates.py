"""Dates in the article's Bulgarian: the spans that are dates, and how a reader of English or
Russian writes them (month names translated, "в края на" -> "the end of"), by rules."""

from __future__ import annotations

import re

__all__ = [
    "BG_MONTHS",
    "BG_SEASONS",
    "DATE",
    "EN_MONTHS",
    "ISO",
    "RU_MONTHS_GEN",
    "RU_MONTHS_PREP",
    "months_in",
    "say",
    "season_words",
    "seasons_in",
]

BG_MONTHS = [
    "януари",
    "февруари",
    "март",
    "април",
    "май",
    "юни",
    "юли",
    "август",
    "септември",
    "октомври",
    "ноември",
    "декември",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
RU_MONTHS_GEN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
RU_MONTHS_PREP = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]
_MONTH = "|".join(BG_MONTHS)
_DAY = r"\d{1,2}(?:\s*[–-]\s*\d{1,2})?"
_YEAR = r"(?:\s+\d{4}\s*(?:г\.|година|года)?)?"
DATE = re.compile(
    rf"(?:[Оо]т\s+\d{{1,2}}\s+(?:{_MONTH})\s+до\s+\d{{1,2}}\s+(?:{_MONTH}){_YEAR})"
    rf"|(?:{_DAY}\s+(?:{_MONTH}){_YEAR})"
    rf"|(?:(?:[Вв] края|[Вв] началото|[Вв] средата|[Пп]оследната седмица)\s+на\s+(?:{_MONTH}))"
    rf"|(?:[Пп]рез\s+(?:{_MONTH}))"
    r"|(?:\d{4}-\d{2}-\d{2})"
    r"|(?:до\s+\d{4}\s*г\.)",
)

ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def say(text: str, language: str) -> str:
    """A Bulgarian date as a reader of ``language`` writes it (an ISO date, as any reader does).

    >>> say("От 30 август до 3 септември 2025 г.", "en"), say("през февруари", "ru")
    ('30 August – 3 September 2025', 'в феврале')
    >>> say("2025-12-25", "en"), say("2025-12-25", "bg"), say("2025-12-25", "ru")
    ('25 December 2025', '25 декември 2025 г.', '25 декабря 2025 г.')
    """
    if (iso := ISO.fullmatch(text.strip())) and 1 <= int(iso.group(2)) <= 12:
        year, nth, day = int(iso.group(1)), int(iso.group(2)) - 1, int(iso.group(3))
        if language == "bg":
            return f"{day} {BG_MONTHS[nth]} {year} г."
        if language == "ru":
            return f"{day} {RU_MONTHS_GEN[nth]} {year} г."
        return f"{day} {EN_MONTHS[nth]} {year}"
    months = EN_MONTHS if language == "en" else RU_MONTHS_GEN
    out = re.sub(r"\s*(г\.|година)$", "", text.strip())
    out = re.sub(r"^[Оо]т\s+(.+?)\s+до\s+", r"\1 – " if language == "en" else r"с \1 по ", out)
    phrases_en = {
        "в края на": "the end of",
        "в началото на": "the beginning of",
        "в средата на": "the middle of",
        "последната седмица на": "the last week of",
        "през": "in",
        "до": "until",
    }
    phrases_ru = {
        "в края на": "в конце",
        "в началото на": "в начале",
        "в средата на": "в середине",
        "последната седмица на": "на последней неделе",
        "през": "в",
        "до": "до",
    }
    for bg, said in (phrases_en if language == "en" else phrases_ru).items():
        if out.lower().startswith(bg + " "):
            rest = out[len(bg) + 1 :]
            if bg == "през" and language != "en":
                return (
                    f"в {RU_MONTHS_PREP[BG_MONTHS.index(rest.lower())]}" if rest.lower() in BG_MONTHS else out
                )
            out = f"{said} {rest}"
            break
    for i, month in enumerate(BG_MONTHS):
        out = re.sub(rf"\b{month}\b", months[i], out)
    return out


_RU_STEMS = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
]
_STEMS = [
    (i + 1, stem)
    for i, stems in enumerate(
        zip([m.lower() for m in EN_MONTHS], [m[:3] for m in BG_MONTHS], _RU_STEMS, strict=True)
    )
    for stem in stems
]


def months_in(text: str) -> set[int]:
    """The months (1-12) named in ``text``, in English, Bulgarian or Russian.

    >>> sorted(months_in("On 9 October and в мае, през юни"))
    [5, 6, 10]
    """
    low = text.lower()
    found = set()
    for number, stem in _STEMS:
        if stem == "ма":
            if re.search(r"\b(?:май|мая|мае|may)\b", low):
                found.add(5)
            continue
        if re.search(rf"\b{stem}", low):
            found.add(number)
    return found


_SEASONS = [  # stems in English, Bulgarian and Russian
    ("spring", r"spring|пролет|весн"),
    ("summer", r"summer|лят|лет[оа]\b|летом"),
    ("autumn", r"autumn|fall\b|есен|осен"),
    ("winter", r"winter|зим"),
]
BG_SEASONS = {"spring": "пролетта", "summer": "лятото", "autumn": "есента", "winter": "зимата"}


def seasons_in(text: str) -> set[str]:
    """The seasons named in ``text``, in English, Bulgarian or Russian.

    >>> sorted(seasons_in("През пролетта и лятото")), sorted(seasons_in("in the autumn"))
    (['spring', 'summer'], ['autumn'])
    >>> seasons_in("осенью"), seasons_in("летом")
    ({'autumn'}, {'summer'})
    """
    low = text.lower()
    return {season for season, stems in _SEASONS if re.search(rf"\b(?:{stems})", low)}


def season_words(text: str) -> list[str]:
    """The article's (Bulgarian) words for the seasons ``text`` names: what a keyword search
    looks for besides them ("in spring and summer" is „през пролетта и лятото“).

    >>> season_words("Which cities in spring and summer?"), season_words("осенью")
    (['пролетта', 'лятото'], ['есента'])
    """
    found = seasons_in(text)
    return [BG_SEASONS[season] for season, _ in _SEASONS if season in found]
