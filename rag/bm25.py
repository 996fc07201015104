"""A small BM25 index kept beside Chroma (which has no keyword search).

Terms are made to match across scripts and inflections, because readers ask in English or
Russian about a Bulgarian article: each word yields a prefix stem and a consonant skeleton of
its Latin transliteration, so "Dushanbe", "Душанбе" and "Душанбе," share a term, as do
"Tokayev" and "Токаев". Numbers are kept whole ("2025", "9").

Scores are one sparse matrix product; chunks of one article are contiguous rows, so filtering
by article is a row slice.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from rag.types import Chunk

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
        if word.isdigit():
            out.append(word.lstrip("0") or "0")
            continue
        if len(word) < 3:
            continue
        latin = word.translate(_TRANSLIT).replace("kh", "h").replace("x", "ks").replace("c", "k")
        out.append("p:" + latin[:5])
        skeleton = latin[0] + latin[1:].translate(_SKELETON_DROP)
        if len(skeleton) >= 3:
            out.append("s:" + re.sub(r"(.)\1+", r"\1", skeleton)[:5])
    return out


class BM25:
    """Okapi BM25 over a fixed list of chunks (rebuild it when the index changes)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = sorted(chunks, key=lambda c: (c.article_id, c.start, c.end))
        self._vocab: dict[str, int] = {}
        self._rows: dict[str, tuple[int, int]] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.zeros(len(self.chunks), dtype=np.float32)
        for i, chunk in enumerate(self.chunks):
            lo, _ = self._rows.get(chunk.article_id, (i, i))
            self._rows[chunk.article_id] = (lo, i + 1)
            counts = Counter(terms(chunk.text))
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                rows.append(i)
                cols.append(self._vocab.setdefault(term, len(self._vocab)))
                tfs.append(tf)
        n = max(len(self.chunks), 1)
        tf_matrix = sparse.csr_matrix(
            (np.asarray(tfs, dtype=np.float32), (rows, cols)), shape=(n, max(len(self._vocab), 1))
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=tf_matrix.shape[1])
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(self.chunks) else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-9))
        coo = tf_matrix.tocoo()
        weights = coo.data * (K1 + 1) / (coo.data + norm[coo.row]) * idf[coo.col]
        self._matrix = sparse.csc_matrix((weights, (coo.row, coo.col)), shape=tf_matrix.shape)

    def search(self, query: str, n: int, article_id: str | None = None) -> list[tuple[Chunk, float]]:
        """Top ``n`` chunks for ``query`` with positive scores, optionally within one article."""
        lo, hi = (0, len(self.chunks))
        if article_id is not None:
            if article_id not in self._rows:
                return []
            lo, hi = self._rows[article_id]
        names_only = bool(self.chunks) and script(query) != script(self.chunks[lo].text)
        ids = sorted({self._vocab[t] for t in terms(query, names_only) if t in self._vocab})
        if not ids or not self.chunks:
            return []
        scores = np.asarray(self._matrix[:, ids].sum(axis=1)).ravel()
        window = scores[lo:hi]
        top = np.argsort(-window, kind="stable")[:n]
        return [
            (self.chunks[lo + i], float(window[i])) for i in top if window[i] > 0 and math.isfinite(window[i])
        ]
