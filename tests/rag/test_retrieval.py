"""Known answers: each question, in English, Bulgarian or Russian, retrieves its passage in the top 3."""

from __future__ import annotations

import pytest

from core.types import Chunk
from rag.names import article_forms
from rag.retrieval import StageTimes, fuse

KNOWN = [
    ("en", "When was the CA–Russia summit?", "на 9 октомври в Душанбе"),
    ("en", "When did Tokayev pay an official visit to Japan?", "в Япония на 18–20 декември 2025 г."),
    ("en", "Which emperor did the president meet in Japan?", "император Нарухито"),
    ("en", "How many delegates did Astana Finance Days host?", "над пет хиляди делегати"),
    ("en", "What was the main theme of Digital Bridge 2025?", "Generative Nation"),
    ("en", "Who wrote the article?", "автор: Юлия Полонская"),
    (
        "en",
        "Which country joined the consultative meetings of Central Asian heads of state?",
        "присъединяването на Азербайджан",
    ),
    ("en", "Which city hosted Digital Bridge 2025?", "който се проведе в началото на октомври в Астана"),
    ("en", "Which king did Tokayev meet in Amman?", "краля на Йордания Абдала II"),
    ("en", "When was the CA–US summit held?", "„ЦА – САЩ“ на 7 ноември във Вашингтон"),  # CA, US: ЦА, САЩ
    ("bg", "Кога беше срещата на върха ЦА – Русия?", "на 9 октомври в Душанбе"),
    ("bg", "Кой е авторът на статията?", "автор: Юлия Полонская"),
    ("bg", "Колко участници събра Astana International Forum?", "около шестстотин политици"),
    ("bg", "Кога Токаев посети Китай?", "От 30 август до 3 септември 2025 г."),
    ("bg", "Какъв паметник беше открит в Бишкек?", "„Златният мост на приятелството“"),
    ("bg", "Кой е президентът на Руанда, който посети Казахстан?", "Пол Кагаме"),
    ("bg", "Кога се проведе срещата ЕС – ЦА в Самарканд?", "„ЕС – ЦА“ на 4 април в Самарканд"),
    (
        "bg",
        "Какво подписаха Казахстан и Русия по време на държавното посещение?",
        "Декларация за преминаване",
    ),
    ("ru", "Когда прошёл саммит ЦА – Россия?", "на 9 октомври в Душанбе"),
    ("ru", "Сколько стран представляли делегаты Astana Finance Days?", "от осемдесет и две държави"),
    ("ru", "Кто такой Тимур Нигманов?", "политологът Тимур Нигманов"),
    ("ru", "С кем встретился Токаев в Абу-Даби?", "шейх Мухамед бен Заид Ал Нахаян"),
    ("ru", "Когда состоялся саммит ЦА – Китай в Астане?", "на 17 юни 2025 г. в Астана"),
    ("ru", "Какой президент Туркменистана приезжал в Казахстан?", "Сардар Бердимухамедов"),
    ("ru", "Где прошла встреча лидеров Центральной Азии в августе?", "През август в Аваза"),
    # a season is looked for in the article's words („през пролетта и лятото“)
    ("en", "Which cities did the diplomatic map include in spring and summer?", "Москва, Будапеща, Минск"),
    ("ru", "Какие города были на дипломатической карте весной и летом?", "Москва, Будапеща, Минск"),
]


@pytest.mark.parametrize(("language", "question", "evidence"), KNOWN, ids=[q for _, q, _ in KNOWN])
def test_known_answer_in_top_3(pipeline, article, language: str, question: str, evidence: str) -> None:
    start = article.text.index(evidence)
    end = start + len(evidence)
    passages = pipeline.retrieve(question, k=3)
    assert [p.n for p in passages] == [1, 2, 3]
    assert any(p.start <= start and end <= p.end for p in passages), [p.text[:60] for p in passages]


def test_filter_by_article_and_stage_times(pipeline, article) -> None:
    times = StageTimes()
    passages = pipeline.retrieve("Digital Bridge", k=2, article_id=article.id, times=times)
    assert all(p.article_id == article.id for p in passages)
    assert times.embed_ms >= 0 and times.total_ms >= times.dense_ms


def test_bm25_matches_names_across_alphabets(pipeline) -> None:
    hits = pipeline.retriever.bm25().search("Dushanbe", 3)
    assert hits and "Душанбе" in hits[0][0].text


def test_bm25_also_looks_for_the_articles_own_words_for_the_readers(pipeline) -> None:
    # "US" and "CA" share no letters with "САЩ" and "ЦА"; the glossary gives the article's words
    bm25 = pipeline.retriever.bm25()
    question = "When was the CA–US summit held?"
    assert bm25.search(question, 5) == []  # no name of it in the article's letters
    hits = bm25.search(question, 5, also=article_forms(question))
    assert any("„ЦА – САЩ“ на 7 ноември" in c.text for c, _ in hits)


def test_reciprocal_rank_fusion() -> None:
    a, b, c = (Chunk(x, "art", 1, 0, 1, x, 1) for x in "abc")
    fused = fuse([[a, b, c], [c, b]], [1.0, 1.0])
    assert [chunk.id for chunk, _ in fused] == ["c", "b", "a"]


def test_a_big_index_rebuilds_bm25_in_the_background_and_never_returns_a_gone_chunk(
    tmp_path, embedder, article
) -> None:
    from core.settings import Settings
    from core.types import Article
    from index.build import add_article, build_index
    from index.store import Store
    from rag.retrieval import HybridRetriever

    settings = Settings(data_dir=tmp_path)
    store = Store(settings, embedder.model_name, embedder.dim)
    other = Article(id="dushanbe-note", text="Душанбе прие срещата на върха ЦА – Русия на 9 октомври.")
    build_index(store, embedder, [article, other], settings)
    retriever = HybridRetriever(
        store, embedder, background_over=0, refresh_s=0.0
    )  # a big index, checked always
    question = "Душанбе ЦА – Русия 9 октомври"
    assert any(p.article_id == other.id for p in retriever.retrieve(question, k=5))

    store.remove_article(other.id)
    passages = retriever.retrieve(question, k=5)  # served by the old BM25 while a new one builds
    assert passages and all(p.article_id == article.id for p in passages)
    rebuilding = retriever._rebuilding
    if rebuilding is not None:
        rebuilding.join(timeout=60)
    assert other.id not in {c.article_id for c in retriever.bm25().chunks}
    add_article(store, embedder, other, settings)  # and back: found again once rebuilt
    retriever.retrieve(question, k=5)
    if retriever._rebuilding is not None:
        retriever._rebuilding.join(timeout=60)
    assert any(p.article_id == other.id for p in retriever.retrieve(question, k=5))
