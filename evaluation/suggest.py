"""Suggested questions made from an article's own sentences, kept only when the pipeline answers them.

A sentence that holds a date, a place or a number about something the rules can name in every
language (a person's visit, a summit, an event with a Latin name) gives template questions in
English, Bulgarian and Russian: "When did Tokayev visit Japan?", "Къде се проведе Digital Bridge
2025?", "Сколько политиков собрал Astana International Forum?". Names are said by the rules of
``rag.facts`` / ``rag.names`` (glossary, else transliteration), never by a model, so the
question matches what the article says.

Each question is then asked through the project's own pipeline with the no-model backend, and
kept only when the answer is not an abstention and cites a passage that holds the very fact the
question was made from. So a reader clicking a suggestion always gets a cited answer (with the
model, the same passage is retrieved; the model only words it).

    >>> text = "Посещението на президента Токаев в Япония на 18–20 декември беше важно."
    >>> [(c.fact.text, c.questions["ru"]) for c in candidates(Article("x", text))]
    [('18–20 декември', 'Когда Токаев посетил Японию?')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from core.types import Answer, Article
from rag import facts
from rag.citations import sentences
from rag.names import glossary, name
from rag.pipeline import Pipeline

LANGUAGES = ("en", "bg", "ru")
PER_LANGUAGE = 5
MAX_CHARS = 120

_WORD = r"[А-ЯЁA-Z][\w-]*"
_PLACE = rf"(?:в|във)\s+(?P<place>{_WORD}(?:\s+{_WORD})?)"
# "посещение на (президента) (Касим-Жомарт) Токаев в Япония", "Токаев направи ... посещение в Китай"
_VISIT = re.compile(
    rf"(?:[Пп]осещение(?:то)?|[Вв]изита(?:та)?)\s+на\s+(?:президента\s+)?(?:{_WORD}\s+)?(?P<who>{_WORD})\s+{_PLACE}"
    rf"|(?P<who2>{_WORD})\s+направи\s+(?:\w+\s+){{0,2}}посещение\s+{_PLACE.replace('place', 'place2')}"
)
# "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе"
_SUMMIT = re.compile(r"„(?P<name>[^“„]{2,40})“\s+на\s+(?P<rest>[^,„]{4,60})")
# "се проведе Astana International Forum", "Digital Bridge 2025, ... който се проведе"
_LATIN_EVENT = re.compile(r"(?P<event>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)+(?:\s+\d{4})?)")
_HELD = re.compile(r"\b(?:се проведе|се състоя|проведе се)\b")
# "събра около шестстотин политици", "прие над пет хиляди делегати"
_NOUNS = {
    "политици": ("politicians", "политиков"),
    "делегати": ("delegates", "делегатов"),
    "участници": ("participants", "участников"),
    "държави": ("countries", "стран"),
}
_COMMON_NOUNS = {"Forum", "Summit", "Conference", "Congress", "Festival", "Week", "Days", "Games"}
_VERBS = {"събра": ("bring together", "собрал"), "прие": ("host", "принял")}


@dataclass(frozen=True)
class Candidate:
    """Template questions per language about one fact (its offsets are into the article's text)."""

    fact: facts.Fact
    questions: dict[str, str]


def candidates(article: Article) -> list[Candidate]:
    """Every template question the article's sentences give, in the article's order, no repeats."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for span in sentences(article.text):
        sentence = article.text[span.start : span.end]
        for found in _from_sentence(sentence):
            key = found.questions["en"].lower()
            if key in seen or any(len(q) > MAX_CHARS for q in found.questions.values()):
                continue
            seen.add(key)
            fact = replace(found.fact, start=span.start + found.fact.start, end=span.start + found.fact.end)
            out.append(Candidate(fact, found.questions))
    return out


def _from_sentence(sentence: str) -> Iterator[Candidate]:
    yield from _visits(sentence)
    yield from _summits(sentence)
    yield from _events(sentence)


def _visits(sentence: str) -> Iterator[Candidate]:
    dates = facts.spans(sentence, "when")
    if not dates:
        return
    for m in _VISIT.finditer(sentence):
        who, place = m.group("who") or m.group("who2"), m.group("place") or m.group("place2")
        if not _known(who) or not _known(place):
            continue
        date = min(dates, key=lambda d: abs(d.start - m.start()))
        en, ru = name(who, "en"), name(who, "ru")
        questions = {
            "en": f"When did {en} visit {name(place, 'en')}?",
            "bg": f"Кога {who} посети {place}?",
            "ru": f"Когда {ru} посетил {_accusative(name(place, 'ru'))}?",
        }
        yield Candidate(date, questions)


def _summits(sentence: str) -> Iterator[Candidate]:
    if "на върха" not in sentence:
        return
    for m in _SUMMIT.finditer(sentence):
        title = m.group("name")
        parts = [p.strip() for p in re.split(r"\s*[–-]\s*", title)]
        if len(parts) != 2 or not all(_known(p) for p in parts):
            continue
        en = "–".join(name(p, "en").removeprefix("the ") for p in parts)
        ru = " – ".join(name(p, "ru") for p in parts)
        rest, at = m.group("rest"), m.start("rest")
        for fact in facts.spans(rest, "when")[:1]:
            questions = {
                "en": f"When was the {en} summit?",
                "bg": f"Кога беше срещата на върха „{title}“?",
                "ru": f"Когда прошёл саммит «{ru}»?",
            }
            yield Candidate(replace(fact, start=at + fact.start, end=at + fact.end), questions)
        for fact in facts.spans(rest, "where")[:1]:
            questions = {
                "en": f"Where was the {en} summit held?",
                "bg": f"Къде се проведе срещата на върха „{title}“?",
                "ru": f"Где прошёл саммит «{ru}»?",
            }
            yield Candidate(replace(fact, start=at + fact.start, end=at + fact.end), questions)


def _events(sentence: str) -> Iterator[Candidate]:
    if not _HELD.search(sentence):
        return
    for m in _LATIN_EVENT.finditer(sentence):
        event = m.group("event")
        the = "the " if event.split()[-1] in _COMMON_NOUNS else ""
        for fact in facts.spans(sentence, "when")[:1]:
            questions = {
                "en": f"When was {the}{event} held?",
                "bg": f"Кога се проведе {event}?",
                "ru": f"Когда прошёл {event}?",
            }
            yield Candidate(fact, questions)
        places = [p for p in facts.spans(sentence, "where") if _known(p.text) and p.start > m.start()]
        for fact in places[-1:]:
            questions = {
                "en": f"Where was {the}{event} held?",
                "bg": f"Къде се проведе {event}?",
                "ru": f"Где прошёл {event}?",
            }
            yield Candidate(fact, questions)
        tail = sentence[m.end() :]
        for verb, (en_verb, ru_verb) in _VERBS.items():
            said = re.search(rf"\b{verb}\s+(?P<count>[^,.;]+?)\s+(?P<noun>{'|'.join(_NOUNS)})\b", tail)
            counts = facts.spans(said.group("count"), "count") if said else []
            if said and counts and counts[0].text == said.group("count"):
                en_noun, ru_noun = _NOUNS[said.group("noun")]
                at = m.end() + said.start("count")
                count = replace(counts[0], start=at, end=at + len(counts[0].text))
                questions = {
                    "en": f"How many {en_noun} did {the}{event} {en_verb}?",
                    "bg": f"Колко {said.group('noun')} {verb} {event}?",
                    "ru": f"Сколько {ru_noun} {ru_verb} {event}?",
                }
                yield Candidate(count, questions)


def _known(text: str) -> bool:
    """A name the glossary knows in every language (so the questions name it as readers do)."""
    return text in glossary("en") or text.isascii()


def _accusative(name: str) -> str:
    """A Russian place name as the object of "посетил" (Японию, Россию, Китай).

    >>> _accusative("Япония"), _accusative("Москва"), _accusative("Китай")
    ('Японию', 'Москву', 'Китай')
    """
    if name.endswith("ия"):
        return name[:-1] + "ю"
    if name.endswith("а"):
        return name[:-1] + "у"
    return name


# -- keeping what the pipeline answers -------------------------------------------------------


def answered(answer: Answer, candidate: Candidate, language: str) -> bool:
    """The answer is in ``language``, is not an abstention, says the candidate's fact (as
    ``rag.facts.say`` words it) and cites a passage that holds it."""
    fact = candidate.fact
    said = facts.say(fact, language).casefold()
    if answer.abstained or answer.language != language or not answer.citations:
        return False
    if not said or said not in answer.answer.casefold():
        return False
    cited = {c.n for c in answer.citations}
    return any(p.n in cited and fact.text in p.text for p in answer.passages)


def generate(
    pipeline: Pipeline, article: Article, per_language: int = PER_LANGUAGE, backend: str = "extractive"
) -> dict[str, list[str]]:
    """Up to ``per_language`` checked questions per language, in the article's order."""
    out: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for candidate in _spread(candidates(article)):
        for lang in LANGUAGES:
            if len(out[lang]) >= per_language:
                continue
            question = candidate.questions[lang]
            answer = pipeline.ask(question, (), backend, article.id)
            if answered(answer, candidate, lang):
                out[lang].append(question)
        if all(len(q) >= per_language for q in out.values()):
            break
    return out


def _spread(found: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with kinds taking turns (when, where, count, when, ...), so a few suggestions
    ask different things."""
    by_kind: dict[str, list[Candidate]] = {}
    for c in found:
        by_kind.setdefault(c.fact.kind, []).append(c)
    rounds = [list(group) for group in by_kind.values()]
    out: list[Candidate] = []
    while any(rounds):
        for group in rounds:
            if group:
                out.append(group.pop(0))
    return out
