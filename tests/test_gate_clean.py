"""Evaluation gate for the cleaner: the seed scores may not fall under tests/floors.toml [clean] (#2)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chronique.evaluate.clean import score_seeds

FLOORS = tomllib.loads((Path(__file__).parent / "floors.toml").read_text(encoding="utf-8"))["clean"]


@pytest.mark.shared
@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_clean_floor(metric: str, seeds_dir: Path) -> None:
    scores = score_seeds(seeds_dir).to_dict()
    assert scores[metric] >= FLOORS[metric], (
        f"{metric} {scores[metric]} < floor {FLOORS[metric]}: {scores['errors']}"
    )
