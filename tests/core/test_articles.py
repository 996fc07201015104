"""Articles: the shipped one, loading files, paragraphs, ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.articles import load_article, paragraph_at, paragraphs, validate_article_id
from core.errors import InvalidArticle

SHARED = Path(__file__).resolve().parents[3] / "shared" / "articles" / "kazakhstan-diplomacy-2025.bg.txt"


def test_shipped_article_and_metadata(article) -> None:
    assert article.id == "kazakhstan-diplomacy-2025"
    assert article.language == "bg"
    assert article.date == "2025-12-25"
    assert article.author == "Юлия Полонская"
    assert "втората среща на върха „ЦА – Русия“ на 9 октомври в Душанбе" in article.text
    assert set(article.about) == {"en", "bg", "ru"}
    if SHARED.exists():  # the shipped copy is the article, byte for byte
        assert SHARED.read_text(encoding="utf-8") == article.text


def test_paragraph_spans_are_exact(article) -> None:
    paras = paragraphs(article.text)
    assert len(paras) == 44
    for p in paras:
        block = article.text[p.start : p.end]
        assert block == block.strip() and "\n\n" not in block
    assert article.text[paras[2].start : paras[2].end] == "Мост между регионите и континентите"
    assert paragraph_at(paras, article.text.index("9 октомври в Душанбе")) == 23


def test_load_article_reads_metadata_from_text(tmp_path: Path) -> None:
    path = tmp_path / "Some Story.txt"
    path.write_text(" date 2024-01-02 Заглавие.\n\nТекст.\n\nавтор: Иван\n", encoding="utf-8")
    a = load_article(path)
    assert (a.id, a.date, a.author) == ("some-story", "2024-01-02", "Иван")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"   \n\n ", "empty"), (b"abc\xff", "not UTF-8"), (b"a\x00b", "binary")],
)
def test_bad_article_files_are_refused_clearly(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidArticle, match=reason):
        load_article(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidArticle, match="cannot read"):
        load_article(tmp_path / "nope.txt")


@pytest.mark.parametrize("bad", ["", "../etc/passwd", "a/b", "UPPER", "x" * 200, "a..b", ".hidden"])
def test_unsafe_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidArticle, match="article id"):
        validate_article_id(bad)
