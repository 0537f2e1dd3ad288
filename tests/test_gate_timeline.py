"""Evaluation gate for linking and the timeline: scores of `chronique eval timeline` may not fall under
tests/floors.toml [timeline] (#5).

Four runs, as the command makes them: the oracle (gold events as the extraction: linking alone) and the
real pipeline, each on the seeds alone and on the seeds with the dev articles. Keys ending in `_max` are
ceilings (errors); the others are floors.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from chronique.evaluate.timeline import evaluate

FLOORS: dict[str, dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "floors.toml").read_text(encoding="utf-8")
)["timeline"]
RUNS = {
    "oracle_seeds": (True, False),
    "oracle_dev": (True, True),
    "pipeline_seeds": (False, False),
    "pipeline_dev": (False, True),
}


_SCORES: dict[str, dict[str, Any]] = {}


def _scores(run: str, seeds: Path, gold: dict[str, Any], dev: list[dict[str, Any]]) -> dict[str, Any]:
    if run in _SCORES:
        return _SCORES[run]
    oracle, with_dev = RUNS[run]
    scores = evaluate(seeds, gold, dev if with_dev else [], oracle=oracle).to_dict()
    flat = {}
    for area, values in scores.items():
        for key, value in (values or {}).items():
            if key != "details":
                flat[f"{area}.{key}"] = value
    _SCORES[run] = flat
    return flat


def _cases() -> list[Any]:
    return [
        pytest.param(run, metric, id=f"{run}-{metric}")
        for run in sorted(FLOORS)
        for metric in sorted(FLOORS[run])
    ]


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize(("run", "metric"), _cases())
def test_timeline_floor(
    run: str, metric: str, seeds_dir: Path, seed_gold: dict[str, Any], dev_articles: list[dict[str, Any]]
) -> None:
    scores = _scores(run, seeds_dir, seed_gold, dev_articles)
    key = metric.removesuffix("_max")
    if metric.endswith("_max"):
        assert scores[key] <= FLOORS[run][metric], (
            f"{run} {key} {scores[key]} > ceiling {FLOORS[run][metric]}"
        )
    else:
        assert scores[key] >= FLOORS[run][metric], f"{run} {key} {scores[key]} < floor {FLOORS[run][metric]}"
