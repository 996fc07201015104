"""Which language a reader writes in, so the answer can come back in it.

Short questions are hard for statistical detectors, and Bulgarian and Russian share most
letters, so letters that only one of them uses decide first ("ы", "э", "ё" are Russian;
"ъ" inside words and "щ" are far more Bulgarian); then the ``lingua`` detector (models ship
inside the package) decides among the languages news readers use most; when it is unsure,
the previous turn's language (or English) stands.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

NAMES = {
    "en": "English",
    "bg": "Bulgarian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "kk": "Kazakh",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "tr": "Turkish",
    "nl": "Dutch",
    "cs": "Czech",
    "ro": "Romanian",
    "sr": "Serbian",
    "mk": "Macedonian",
    "el": "Greek",
    "zh": "Chinese",
    "ja": "Japanese",
    "ar": "Arabic",
}
_RU_ONLY = re.compile(r"[ыэё]", re.I)
_BG_HINT = re.compile(
    r"\w[ъ]\w|щ|\b(?:кога|къде|какво|колко|защо|кой|коя|кои|беше|са|е|ли|през"
    r"|благодаря|здравей|здравейте|здрасти|мерси|добре)\b",
    re.I,
)
_RU_HINT = re.compile(
    r"\b(?:когда|где|что|сколько|почему|кто|какой|какая|был|была|это"
    r"|спасибо|благодарю|привет|здравствуй|здравствуйте)\b",
    re.I,
)
_OTHER_CYRILLIC = re.compile(r"[ѓќѕљњџјђћіїєґўәғқңөұүһ]", re.I)  # none of these in Bulgarian or Russian
_lock = threading.Lock()


@cache
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, code.upper()) for code in NAMES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_preloaded_language_models().build()


def warm() -> None:
    """Load the detector's models now (a few seconds) rather than on the first question."""
    with _lock:
        _detector()


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z0-9'’+-]*\b")


_NAME_WITHIN = re.compile(r"(?<=[\w,;:»“”\"')]\s)[A-ZА-ЯЁ][\w'’-]*")


def _common_words(text: str) -> str:
    """``text`` without the capitalised words after its first: a Bulgarian reader may spell a
    name the Russian way ("Кой е Шавкат Мирзиёев?"), and the name says nothing of the language.

    >>> _common_words("Кой е Шавкат Мирзиёев?")
    'Кой е  ?'
    """
    return _NAME_WITHIN.sub("", text)


def detect(text: str, fallback: str = "en") -> str:
    """ISO 639-1 code of ``text``'s language, or ``fallback`` when it cannot tell. Capitalised
    Latin words in a Cyrillic question are names, not its language.

    >>> detect("Кога беше срещата на върха?"), detect("Когда был саммит?")
    ('bg', 'ru')
    >>> detect("Кога се проведе Astana International Forum?"), detect("Что обсуждали на Digital Bridge?")
    ('bg', 'ru')
    >>> detect("Кой е Шавкат Мирзиёев?"), detect("Кто такой Шавкат Мирзиёев?"), detect("Что сказал Эрдоган?")
    ('bg', 'ru', 'ru')
    >>> detect("От 30 август до 3 септември 2025 г."), detect("Коли відбувся саміт?"), detect("През август")
    ('bg', 'uk', 'bg')
    """
    if _CYRILLIC_WORD.search(text):  # "Кога се проведе Astana International Forum?": names aside
        text = _LATIN_NAME.sub(" ", text)
    letters = "".join(ch for ch in text if ch.isalpha())
    if len(letters) < 2:
        return fallback
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters)
    if cyrillic > 0.5:
        if _RU_ONLY.search(_common_words(text)) and not re.search(r"\w[ъ]\w", text):
            return "ru"
        bg, ru = len(_BG_HINT.findall(text)), len(_RU_HINT.findall(text))
        if bg != ru:
            return "bg" if bg > ru else "ru"
    with _lock:
        detector = _detector()
        values = detector.compute_language_confidence_values(text)
    scores = [(v.language.iso_code_639_1.name.lower(), v.value) for v in values]
    if cyrillic > 0.5 and not _OTHER_CYRILLIC.search(text):  # no letter of Macedonian, Serbian,
        # Ukrainian or Kazakh: Bulgarian or Russian ("От 30 август до 3 септември" read as Macedonian)
        pair = [(code, value) for code, value in scores if code in ("bg", "ru")]
        total = sum(value for _, value in pair)
        scores = [(code, value / total) for code, value in pair] if total > 0 else scores
    if not scores:
        return fallback
    code, value = scores[0]
    if value < 0.5 and len(letters) < 24:
        return fallback if fallback in NAMES else code
    return code


def name(code: str) -> str:
    """English name of a language code, for prompts.

    >>> name("bg")
    'Bulgarian'
    """
    return NAMES.get(code, "the language of the question")
