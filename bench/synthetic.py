"""A synthetic news archive for the scale benchmark, assembled from the shipped article.

How an article is made (seeded, so ``archive(n)`` is the same every run):

- the shipped article is split into sentences (a pool of about 150);
- article ``i`` gets 5-12 paragraphs of 1-4 sentences drawn at random from the pool;
- in each sentence, numbers are replaced by random ones of the same length (years by a year
  in 1995-2030), month names by random months, and about half of the article's place and
  person names by other names (one mapping per article, so each article is consistent).

So the archive has the article's vocabulary and style (Bulgarian news on diplomacy) with
every article different, as a real archive on one beat would be; BM25 sees realistic term
statistics, and every gold question matches many articles, which is the hard case.

Vectors: embedding 10,000 articles (about 80,000 chunks) with the real embedder takes hours
on 2 cores, so each pool sentence is embedded once with the real embedder (``passage:`` role)
and cached under ``var/bench``; a chunk's vector is the normalised sum of its sentences'
vectors plus Gaussian noise (cosine about 0.95 to the clean sum), so no two chunks share a
vector and each still points where its text does. The real embedder's throughput is measured
separately, to say how long a real build would take.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import random
import re
import time
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from bench.common import CACHE
from core.articles import default_article, paragraphs
from core.settings import Settings
from core.types import Article, Chunk
from index.chunking import chunk_article
from index.embeddings import ArticleEmbeddings

NOISE = 0.017  # per dimension; for 384 dimensions the noise has norm ~0.33
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[„\"(«A-ZА-Я0-9])")
_NUMBER = re.compile(r"\d+")
_MONTHS = str.split("януари февруари март април май юни юли август септември октомври ноември декември")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_NAMES = str.split(  # names in the article, each swapped for one of _OTHERS in about half the articles
    "Казахстан Токаев Астана Русия Самарканд Москва Вашингтон Китай Токио Европа Япония Душанбе "
    "Бишкек Ташкент Аваза Африка Пекин Аман Будапеща Минск Анкара Израел Узбекистан Азербайджан "
    "Ашхабад Кабазиев Нигманов Кагаме Пленкович Релингер Нарухито"
)
_OTHERS = str.split(
    "Монголия Грузия Армения Виена Женева Рим Мадрид Лисабон Осло Хелзинки Варшава Прага Братислава "
    "Загреб Белград София Атина Кайро Делхи Сеул Манила Джакарта Ханой Бразилия Лима Оттава Канбера "
    "Найроби Лагос Дакар Тунис Доха Маскат Баку Ереван Тбилиси Кишинев Вилнюс Рига Талин Петров "
    "Иванова Маринов Георгиев Ким Мартинес Шулц Ротар Ахмедов Сейткали Нурланов Байтурсын"
)
_NAME = re.compile(r"\b(" + "|".join(sorted(_NAMES, key=len, reverse=True)) + r")")


@dataclass(frozen=True)
class Synthetic:
    """One synthetic article, its chunks, and each chunk's pool sentence ids."""

    article: Article
    chunks: list[Chunk]
    sentences: list[list[int]]


def pool() -> list[str]:
    """The shipped article's sentences of four words or more, in order."""
    article = default_article()
    out: list[str] = []
    for p in paragraphs(article.text):
        for sentence in _SENTENCE_END.split(article.text[p.start : p.end]):
            if len(sentence.split()) >= 4 and not sentence.startswith("date "):
                out.append(sentence.strip())
    return out


def _alter(sentence: str, rng: random.Random, names: dict[str, str]) -> str:
    def number(m: re.Match[str]) -> str:
        digits = m.group(0)
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(rng.randint(1995, 2030))
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        return str(rng.randint(low, 10 ** len(digits) - 1))

    sentence = _NUMBER.sub(number, sentence)
    sentence = _MONTH.sub(lambda _: rng.choice(_MONTHS), sentence)
    return _NAME.sub(lambda m: names.get(m.group(0), m.group(0)), sentence)


def make(i: int, sentences: list[str], settings: Settings) -> Synthetic:
    """Synthetic article number ``i`` (deterministic), chunked with the real chunker."""
    rng = random.Random(i)
    names = {name: rng.choice(_OTHERS) for name in _NAMES if rng.random() < 0.5}
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []  # (start, end, pool id) of each sentence in the text
    pos = 0
    for _ in range(rng.randint(5, 12)):
        ids = [rng.randrange(len(sentences)) for _ in range(rng.randint(1, 4))]
        texts = [_alter(sentences[j], rng, names) for j in ids]
        for j, text in zip(ids, texts, strict=True):
            spans.append((pos, pos + len(text), j))
            pos += len(text) + 1
        paragraph = " ".join(texts)
        parts.append(paragraph)
        pos += 1  # "\n\n" between paragraphs: the space above counted one character of it
    text = "\n\n".join(parts)
    article = Article(
        id=f"synthetic-{i:05d}",
        text=text,
        title=parts[0][:80],
        language="bg",
        date=f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        source="synthetic",
    )
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap)
    members = [[j for s, e, j in spans if s < c.end and c.start < e] for c in chunks]
    return Synthetic(article, chunks, members)


def archive(n: int, settings: Settings) -> tuple[list[Synthetic], float]:
    """Synthetic articles 0..n-1 and the seconds making them took (cached under var/bench).

    Making them is mostly the real chunker's work (tokenising), done on every core.
    """
    source = Path(__file__).read_bytes() + f"{settings.chunk_tokens}/{settings.chunk_overlap}".encode()
    path = CACHE / f"archive-{n}-{hashlib.sha256(source).hexdigest()[:12]}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            cached: tuple[list[Synthetic], float] = pickle.load(fh)
        return cached
    started = time.perf_counter()
    sentences = pool()
    with get_context("fork").Pool(os.cpu_count() or 1) as workers:
        items = workers.starmap(make, [(i, sentences, settings) for i in range(n)], chunksize=64)
    took = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump((items, took), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return items, took


def sentence_vectors(embedder: ArticleEmbeddings) -> np.ndarray:
    """The pool's passage vectors from the real embedder, computed once and cached on disk."""
    sentences = pool()
    key = hashlib.sha256("\n".join([embedder.model_name, *sentences]).encode()).hexdigest()[:16]
    path = CACHE / f"pool-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embedder.embed_documents(sentences), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def chunk_vectors(item: Synthetic, pool_vectors: np.ndarray, seed: int) -> np.ndarray:
    """Each chunk's vector: its sentences' vectors summed, plus noise, normalised."""
    rng = np.random.default_rng(seed)
    out = np.empty((len(item.chunks), pool_vectors.shape[1]), dtype=np.float32)
    for row, members in enumerate(item.sentences):
        clean = pool_vectors[members].sum(axis=0) if members else rng.normal(size=pool_vectors.shape[1])
        clean = clean / np.linalg.norm(clean)
        noisy = clean + rng.normal(scale=NOISE, size=clean.shape)
        out[row] = noisy / np.linalg.norm(noisy)
    return out
