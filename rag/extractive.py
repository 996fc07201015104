"""Ranking the retrieved passages' sentences against a question (the evidence stage's ranker).

Sentences are ranked by embedding similarity to the question (cross-lingual, e5 roles) plus
shared names and numbers and the answer type asked for; ``choose`` keeps the best one and a
runner-up that is nearly as good (the no-model answer quotes them).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.settings import Tuning
from core.types import Passage
from index.embeddings import ArticleEmbeddings
from rag.bm25 import terms
from rag.citations import QUOTE_CHARS, sentences

# Cosine similarity (e5, query vs passage role) below which the best sentence is judged not
# to answer the question; calibrated on the gold set (see README, "Evaluation").
_CACHE = 20_000
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|януари|февруари|март|април|май|юни|юли|август|септември|октомври|ноември|декември"
    r"|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
)
# (what the question asks for, what a sentence that answers it contains)
_ANSWER_TYPES = [
    (
        re.compile(r"\b(when|what date|which (day|month|year)|кога|когда|какого числа|в кой ден)\b", re.I),
        re.compile(
            rf"\b\d{{1,2}}\s*(?:[–-]\s*\d{{1,2}}\s*)?(?:{_MONTHS})|\b(?:{_MONTHS})\w*\b|\b(19|20)\d\d\b", re.I
        ),
    ),
    (
        re.compile(r"\b(how many|how much|колко|сколько)\b", re.I),
        re.compile(r"\d|хиляд|стотин|десет|сто\b|милион|милиард|тысяч|сот", re.I),
    ),
]


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: which passage, where inside it, and how well it matched."""

    n: int
    start: int
    end: int
    text: str
    similarity: float
    score: float


class SentenceRanker:
    """Ranks passage sentences against a question; sentence vectors are cached."""

    def __init__(self, embedder: ArticleEmbeddings, tuning: Tuning | None = None) -> None:
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Passage-role vectors of sentences (computed once each)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self.embedder.embed_documents(missing)
            with self._lock:
                for text, vec in zip(missing, fresh, strict=True):
                    self._vectors[text] = np.asarray(vec, dtype=np.float32)
                while len(self._vectors) > _CACHE:
                    self._vectors.popitem(last=False)
        with self._lock:
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 1))

    def warm(self, passages: Sequence[Passage]) -> None:
        """Embed every sentence of these passages ahead of the first question."""
        self.vectors([p.text[s.start : s.end] for p in passages for s in sentences(p.text)])

    def rank(self, question: str, passages: Sequence[Passage]) -> list[Pick]:
        """All sentences of the passages, best first."""
        spans = [(p, s) for p in passages for s in sentences(p.text)]
        if not spans:
            return []
        texts = [p.text[s.start : s.end] for p, s in spans]
        sims, scores = self._scores(question, texts)
        picks = [
            Pick(p.n, s.start, s.end, text, sim, score)
            for (p, s), text, sim, score in zip(spans, texts, sims, scores, strict=True)
        ]
        return sorted(picks, key=lambda x: -x.score)

    def _scores(self, question: str, texts: Sequence[str]) -> tuple[list[float], list[float]]:
        """Similarity of each text to the question, and that plus the shared-terms and answer-type bonuses."""
        query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        sims = [float(x) for x in self.vectors(texts) @ query]
        asked = set(terms(question))
        wanted = [answer for ask, answer in _ANSWER_TYPES if ask.search(question)]
        scores = []
        for text, sim in zip(texts, sims, strict=True):
            shared = len(asked & set(terms(text)))
            typed = self.tuning.answer_type_bonus if any(w.search(text) for w in wanted) else 0.0
            scores.append(sim + self.tuning.lexical_bonus * min(shared, 4) + typed)
        return sims, scores


def choose(
    picks: Sequence[Pick], tuning: Tuning | None = None, texts: Mapping[int, str] | None = None
) -> list[Pick]:
    """The best sentence, and the runner-up when it is nearly as good; [] means abstain. Given
    the passages' ``texts`` (by number), the best sentence's next one, when nearly as good,
    is quoted with it as one span (what a topic sentence introduces, the next one often says),
    if the two are not too long for one quotation."""
    tuning = tuning or Tuning()
    if not picks or picks[0].score < tuning.quote_min_score:
        return []
    best = picks[0]
    if texts is not None and tuning.next_within >= 0:
        text = texts[best.n]

        def next_one(p: Pick) -> bool:  # the next sentence of its paragraph, not the next line
            return p.n == best.n and p.start >= best.end and text[best.end : p.start] in ("", " ")

        after = [p for p in picks if next_one(p) and p.end - best.start <= QUOTE_CHARS]
        if after and after[0].score >= best.score - tuning.next_within:
            best = replace(best, end=after[0].end, text=text[best.start : after[0].end])
    chosen = [best]
    for other in picks[1:3]:
        if other.score >= best.score - tuning.second_within and other.text not in best.text:
            chosen.append(other)
            break
    return chosen
