"""The editors' quality page: only with the admin token, a clear message for bad input, and the
real figures: an ``article-qa eval`` run, readers' ratings and the questions the bot refused.

Each test module gets a private copy of the session's index and data dir (``own_pipeline``), so
the ratings, refusals and eval runs written here are seen by no other test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.articles import DEFAULT_ARTICLE_ID
from rag.pipeline import Pipeline
from ui.cli import main
from ui.server import create_app

TOKEN = "qual-5b1e0c7d9a2f4e6b8c0d2f4a6b8c0e1f"
QUALITY = f"/api/admin/articles/{DEFAULT_ARTICLE_ID}/quality"
REFUSED_BG = "Колко документа подписаха Казахстан и Руанда по време на посещението на Кагаме?"
REFUSED_RU = "Сколько документов подписали Казахстан и Руанда во время визита Кагаме?"
GOLD = Path(__file__).resolve().parents[2] / "evaluation" / "data" / "test.jsonl"


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def editor(own_pipeline) -> tuple[TestClient, Pipeline]:
    pipeline = own_pipeline(admin_token=TOKEN, rate_limit_per_minute=10_000)
    return TestClient(create_app(pipeline, pipeline.settings)), pipeline


def test_the_page_needs_the_admin_token(editor, own_pipeline) -> None:
    client, _ = editor
    for headers in ({}, bearer("wrong"), {"Authorization": f"Basic {TOKEN}"}):
        for url in (QUALITY, QUALITY + "?format=json"):
            response = client.get(url, headers=headers)
            assert response.status_code == 401, response.text
            assert response.json()["error"] == "NotAuthorized"
            assert response.headers["www-authenticate"].startswith("Bearer")
    off = own_pipeline(rate_limit_per_minute=10_000)  # no token configured: the page is off
    response = TestClient(create_app(off, off.settings)).get(QUALITY, headers=bearer())
    assert response.status_code == 403
    assert "ARTICLE_QA_ADMIN_TOKEN" in response.json()["message"]


@pytest.mark.parametrize(
    ("article_id", "status", "kind", "says"),
    [
        ("no-such-article", 404, "UnknownArticle", "no-such-article"),
        ("Bad..Id", 422, "InvalidArticle", "Bad..Id"),
        ("..%2F..%2Fetc", 422, "InvalidArticle", ""),
    ],
)
def test_a_bad_article_id_gets_a_clear_message(editor, article_id, status, kind, says) -> None:
    client, _ = editor
    response = client.get(f"/api/admin/articles/{article_id}/quality", headers=bearer())
    assert response.status_code in (status, 404), response.text  # a path-like id may not even route
    body = response.json()
    if response.status_code == status:
        assert body["error"] == kind and says in body["message"]


def test_before_any_eval_run_the_page_says_how_to_make_one(editor) -> None:
    client, _ = editor
    data = client.get(QUALITY + "?format=json", headers=bearer()).json()
    assert data["evaluation"] == []
    assert (
        f"article-qa eval evaluation/data/test.jsonl --article {DEFAULT_ARTICLE_ID}"
        in data["evaluation_note"]
    )
    page = client.get(QUALITY, headers=bearer())
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "No evaluation run is stored for this article yet" in page.text
    assert "<script" not in page.text


def test_ratings_and_refused_questions_are_counted(editor) -> None:
    client, pipeline = editor
    for rating in ("up", "up", "unsure", "down"):
        saved = client.post(
            "/api/feedback",
            json={
                "question": "Кога Токаев посети Япония?",
                "answer": "През декември [1].",
                "citations": [],
                "rating": rating,
                "article_id": DEFAULT_ARTICLE_ID,
            },
        )
        assert saved.status_code == 201, saved.text
    asked = {}
    for question in (REFUSED_BG, REFUSED_BG, REFUSED_RU, "Кога Токаев посети Япония?"):
        answer = client.post("/api/ask", json={"question": question, "backend": "extractive"}).json()
        asked[question] = answer["abstained"]
    assert asked == {REFUSED_BG: True, REFUSED_RU: True, "Кога Токаев посети Япония?": False}

    data = client.get(QUALITY + "?format=json", headers=bearer()).json()
    assert data["feedback"] == {"up": 2, "unsure": 1, "down": 1, "total": 4}
    refused = data["refused"]
    assert refused["total"] == 3 and refused["by_language"] == {"bg": 2, "ru": 1}
    assert [(q["question"], q["language"], q["times"]) for q in refused["questions"]] == [
        (REFUSED_BG, "bg", 2),
        (REFUSED_RU, "ru", 1),
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", refused["questions"][0]["last_asked"])
    stored = (pipeline.settings.data_dir / "refusals.sqlite3").read_bytes()
    assert b"testclient" not in stored  # the client's address is never kept

    page = client.get(QUALITY, headers=bearer()).text
    assert "4 answers rated" in page and "<td>not sure</td>" in page
    assert REFUSED_BG in page and "3 questions refused (bg 2, ru 1)" in page


def test_the_latest_eval_run_is_shown_per_language(
    editor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client, pipeline = editor
    monkeypatch.setenv("ARTICLE_QA_DATA_DIR", str(pipeline.settings.data_dir))
    out = tmp_path / "eval"
    args = ["eval", str(GOLD), "--backend", "extractive", "--out", str(out), "--quiet", "--every", "15"]
    assert main(args) == 0
    assert "Kept for the quality page of kazakhstan-diplomacy-2025" in capsys.readouterr().out

    data = client.get(QUALITY + "?format=json", headers=bearer()).json()
    assert data["evaluation_note"] == ""
    (run,) = data["evaluation"]
    assert run["backend"] == "extractive" and run["out"] == str(out.resolve())
    written = (out / "summary.json").read_text(encoding="utf-8")
    for name in ("answer_accuracy", "citation_precision", "abstention_recall", "false_refusal_rate"):
        figures = run["key_metrics"][name]
        assert set(figures) == {"all", "en", "bg", "ru"}
        assert figures["all"] == run["summary"]["metrics"][name]
        assert f'"{name}"' in written
    page = client.get(QUALITY, headers=bearer()).text
    assert "Backend <code>extractive</code>" in page and "citation precision" in page
    assert page.count("<th>bg</th>") >= 2  # the key figures and the full table, per language
