"""Generated suggested questions: made once per article version, stored beside the index, served
by the API (hand-written ones where too few were made), and made by ``article-qa index add``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.articles import DEFAULT_ARTICLE_ID, default_article
from ui import suggestions
from ui.server import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def made(own_pipeline):
    """A private index whose suggested questions were generated once."""
    pipeline = own_pipeline(rate_limit_per_minute=10_000)
    return pipeline, suggestions.refresh(pipeline)


def test_they_are_made_once_per_article_version(made) -> None:
    pipeline, done = made
    assert set(done) == {DEFAULT_ARTICLE_ID}
    assert all(n >= suggestions.MIN_PER_LANGUAGE for n in done[DEFAULT_ARTICLE_ID].values())
    stored = json.loads(
        (pipeline.settings.data_dir / "suggestions" / f"{DEFAULT_ARTICLE_ID}.json").read_text()
    )
    assert stored["version"] == suggestions.version_of(default_article(), pipeline.settings)
    assert suggestions.refresh(pipeline) == {}  # the same version: nothing to do


def test_the_api_serves_the_generated_questions(made) -> None:
    pipeline, _ = made
    body = TestClient(create_app(pipeline, pipeline.settings)).get(
        f"/api/articles/{DEFAULT_ARTICLE_ID}/suggestions"
    )
    assert body.status_code == 200
    served = body.json()["suggestions"]
    stored = suggestions.suggestions_for(DEFAULT_ARTICLE_ID, pipeline.settings.data_dir)
    assert served == stored and served != suggestions.suggestions_for(DEFAULT_ARTICLE_ID)
    assert all(3 <= len(qs) <= 5 for qs in served.values())


def test_too_few_or_another_version_falls_back_to_the_hand_written_ones(tmp_path: Path) -> None:
    shipped = suggestions.suggestions_for(DEFAULT_ARTICLE_ID)
    folder = tmp_path / "suggestions"
    folder.mkdir()
    questions = {
        "en": ["When did Tokayev visit China?", "When was the EU–CA summit?"],
        "bg": ["a?", "b?", "c?"],
    }
    (folder / f"{DEFAULT_ARTICLE_ID}.json").write_text(json.dumps({"version": "v1", "questions": questions}))
    found = suggestions.suggestions_for(DEFAULT_ARTICLE_ID, tmp_path, "v1")
    assert found == {"en": shipped["en"], "bg": ["a?", "b?", "c?"], "ru": shipped["ru"]}
    assert suggestions.suggestions_for(DEFAULT_ARTICLE_ID, tmp_path, "v2") == shipped
    (folder / f"{DEFAULT_ARTICLE_ID}.json").write_text("{broken")
    assert suggestions.suggestions_for(DEFAULT_ARTICLE_ID, tmp_path, "v1") == shipped


def test_index_add_makes_them(own_pipeline, tmp_path: Path) -> None:
    pipeline = own_pipeline()
    story = tmp_path / "astana-forum.txt"
    story.write_text(
        "Форумът в Астана\n\nВ края на май в столицата се проведе Astana International Forum, който събра "
        "около шестстотин политици.\n\nПрез октомври в Астана се проведе Digital Bridge 2025.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "ARTICLE_QA_DATA_DIR": str(pipeline.settings.data_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "index", "add", str(story)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "suggested questions for astana-forum: " in done.stdout
    assert f"suggested questions for {DEFAULT_ARTICLE_ID}: " in done.stdout
    stored = json.loads((pipeline.settings.data_dir / "suggestions" / "astana-forum.json").read_text())
    assert "When was the Astana International Forum held?" in stored["questions"]["en"]
