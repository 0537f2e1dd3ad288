"""Fixtures every test module shares: paths to ../shared (skipped when absent) and hand-built docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chronique.model import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
DEV_ARTICLES = SHARED / "corpus" / "dev" / "articles.jsonl"
TIMEBANK_FR = SHARED / "eval" / "timebank-fr-dev"
TEMPEVAL_EN = SHARED / "eval" / "tempeval3-train"
EXAMPLES = ROOT / "examples"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the team's shared data in place (../shared)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS)


@pytest.fixture(scope="session")
def seed_gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_need(SEEDS / "gold.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def dev_articles() -> list[dict[str, Any]]:
    path = _need(DEV_ARTICLES)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def timebank_fr_dir() -> Path:
    return _need(TIMEBANK_FR)


@pytest.fixture(scope="session")
def tempeval_en_dir() -> Path:
    return _need(TEMPEVAL_EN)


@pytest.fixture
def make_doc() -> Any:
    """Build a Document by hand: make_doc("text", lang="fr", layers={...})."""

    def build(text: str, **fields: Any) -> Document:
        fields.setdefault("source", "test")
        return Document(raw=text, **fields)

    return build
