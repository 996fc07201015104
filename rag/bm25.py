"""A small BM25 index kept beside Chroma (which has no keyword search).

Terms are made to match across scripts and inflections, because readers ask in English or
Russian about a Bulgarian article: each word yields a prefix stem and a consonant skeleton of
its Latin transliteration, so "Dushanbe", "Душанбе" and "Душанбе," share a term, as do
"Tokayev" and "Токаев". Numbers are kept whole ("2025", "9").

Scores are one sparse matrix product; chunks of one article are contiguous rows, so filtering
by article is a row slice. Building is vectorised: the terms of each distinct word are worked
out once (words repeat across an archive), then counted by one sparse-matrix construction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from core.types import Chunk

K1 = 1.2
B = 0.75
_WORD = re.compile(r"\w+", re.UNICODE)
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sht",
        "ъ": "a",
        "ы": "i",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "є": "e",
        "і": "i",
        "ї": "i",
        "ґ": "g",
        "қ": "k",
        "ғ": "g",
        "ң": "n",
        "ү": "u",
        "ұ": "u",
        "ө": "o",
        "һ": "h",
        "ә": "a",
    }
)
_SKELETON_DROP = str.maketrans("", "", "aeiouyhw")
_QUESTION_WORDS = {
    "when",
    "where",
    "who",
    "what",
    "which",
    "why",
    "how",
    "whom",
    "whose",
    "did",
    "does",
    "was",
    "were",
    "is",
    "are",
    "the",
    "and",
    "in",
    "on",
    "at",
    "tell",
    "according",
    "name",
    "list",
}


def script(text: str) -> str:
    """ "cyrillic" or "latin": which alphabet most letters of ``text`` belong to."""
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    return "cyrillic" if cyrillic * 2 > len(letters) else "latin"


def terms(text: str, names_only: bool = False) -> list[str]:
    """BM25 terms of a text; ``names_only`` keeps numbers and capitalised words.

    A question in another alphabet than the article shares only names and numbers with it;
    its other words would match by accident of transliteration, so they are left out.

    >>> terms("Dushanbe") == terms("Душанбе")
    True
    >>> terms("When was the CA–Russia summit in 2025?", names_only=True)[::2]
    ['p:russi', '2025']
    """
    out: list[str] = []
    for raw in _WORD.findall(text):
        word = raw.lower()
        if names_only and not (raw.isdigit() or (raw[0].isupper() and len(raw) > 2)):
            continue
        if names_only and raw[0].isupper() and word in _QUESTION_WORDS:
            continue
        out.extend(word_terms(word))
    return out


@lru_cache(maxsize=1 << 17)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms of one lower-cased word (memoised: the same words recur in every article).

    >>> word_terms("душанбе"), word_terms("2025"), word_terms("в")
    (('p:dusha', 's:dsnb'), ('2025',), ())
    """
    if word.isdigit():
        return (word.lstrip("0") or "0",)
    if len(word) < 3:
        return ()
    latin = word.translate(_TRANSLIT).replace("kh", "h").replace("x", "ks").replace("c", "k")
    skeleton = latin[0] + latin[1:].translate(_SKELETON_DROP)
    if len(skeleton) >= 3:
        return ("p:" + latin[:5], "s:" + re.sub(r"(.)\1+", r"\1", skeleton)[:5])
    return ("p:" + latin[:5],)


class BM25:
    """Okapi BM25 over a fixed list of chunks (rebuild it when the index changes)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = sorted(chunks, key=lambda c: (c.article_id, c.start, c.end))
        self.by_id = {c.id: c for c in self.chunks}
        self._vocab: dict[str, int] = {}
        self._rows: dict[str, tuple[int, int]] = {}
        ids_of: dict[str, list[int]] = {}  # word -> its term ids, worked out once per build
        cols: list[int] = []
        lengths = np.zeros(len(self.chunks), dtype=np.int64)
        for i, chunk in enumerate(self.chunks):
            lo, _ = self._rows.get(chunk.article_id, (i, i))
            self._rows[chunk.article_id] = (lo, i + 1)
            before = len(cols)
            for raw in _WORD.findall(chunk.text):
                ids = ids_of.get(raw)
                if ids is None:
                    vocab = self._vocab
                    ids = ids_of[raw] = [vocab.setdefault(t, len(vocab)) for t in word_terms(raw.lower())]
                cols.extend(ids)
            lengths[i] = len(cols) - before
        n = max(len(self.chunks), 1)
        rows = np.repeat(np.arange(len(self.chunks), dtype=np.int32), lengths)
        # duplicate (row, term) pairs are summed: the matrix holds term frequencies
        tf_matrix = sparse.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, np.asarray(cols, dtype=np.int32))),
            shape=(n, max(len(self._vocab), 1)),
        )
        tf_matrix.sum_duplicates()
        df = np.bincount(tf_matrix.indices, minlength=tf_matrix.shape[1])
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(self.chunks) else 1.0
        norm = (K1 * (1 - B + B * lengths / max(avg, 1e-9))).astype(np.float32)
        coo = tf_matrix.tocoo()
        weights = coo.data * (K1 + 1) / (coo.data + norm[coo.row]) * idf[coo.col]
        self._matrix = sparse.csc_matrix((weights, (coo.row, coo.col)), shape=tf_matrix.shape)

    def article_chunks(self, article_id: str) -> list[Chunk]:
        """The chunks of one article, in offset order (none for an unknown article)."""
        lo, hi = self._rows.get(article_id, (0, 0))
        return self.chunks[lo:hi]

    def search(
        self, query: str, n: int, article_id: str | None = None, also: Sequence[str] = ()
    ) -> list[tuple[Chunk, float]]:
        """Top ``n`` chunks for ``query`` with positive scores, optionally within one article;
        ``also``: the article's own words for some of the query's (every one of their terms counts)."""
        lo, hi = (0, len(self.chunks))
        if article_id is not None:
            if article_id not in self._rows:
                return []
            lo, hi = self._rows[article_id]
        names_only = bool(self.chunks) and script(query) != script(self.chunks[lo].text)
        wanted = [*terms(query, names_only), *terms(" ".join(also))]
        ids = sorted({self._vocab[t] for t in wanted if t in self._vocab})
        if not ids or not self.chunks:
            return []
        scores = self._matrix[:, ids]
        if hi - lo < len(self.chunks):
            scores = scores[lo:hi]
        window = np.asarray(scores.sum(axis=1)).ravel()
        top = _top(window, n)
        return [
            (self.chunks[lo + i], float(window[i])) for i in top if window[i] > 0 and math.isfinite(window[i])
        ]


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores, best first, ties in index order (a stable sort's).

    Only the candidates at or above the n-th best score are sorted, not the whole archive.

    >>> _top(np.array([0.5, 2.0, 0.5, 1.0, 0.5]), 3).tolist()
    [1, 3, 0]
    """
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > n:
        kth = np.partition(scores, len(scores) - n)[len(scores) - n]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    return candidates[np.argsort(-scores[candidates], kind="stable")][:n]
