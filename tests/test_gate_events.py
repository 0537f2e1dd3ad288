"""Evaluation gate for events: scores may not fall under tests/floors.toml [events] (#4 item 7).

Runs are `chronique eval events --seeds ../shared/corpus/seeds` and `chronique eval events
../shared/corpus/dev/articles.jsonl`; `*_max` keys are ceilings.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from chronique.evaluate.events import EventScores, article_cases, evaluate_events, load_seed_cases

FLOORS: dict[str, dict[str, float]] = tomllib.loads(
    (Path(__file__).parent / "floors.toml").read_text(encoding="utf-8")
)["events"]


@pytest.fixture(scope="module")
def runs(seeds_dir: Path, dev_articles: list[dict[str, Any]]) -> dict[str, EventScores]:
    return {
        "seeds": evaluate_events(load_seed_cases(seeds_dir)),
        "dev": evaluate_events(article_cases(dev_articles, source="dev")),
    }


def _misses(scores: EventScores) -> list[str]:
    return [
        f"{r.case.id}: {g.type} {g.date} {g.place} {list(g.participants)}"
        for r in scores.results
        for g in r.missed
    ]


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("run", sorted(FLOORS))
def test_events_floor(run: str, runs: dict[str, EventScores]) -> None:
    got = runs[run].as_dict()
    for metric, floor in FLOORS[run].items():
        if metric.endswith("_max"):
            assert got[metric.removesuffix("_max")] <= floor, f"{run}: {metric} {got}"
        else:
            assert got[metric] is not None and got[metric] >= floor, (
                f"{run}: {metric} {got[metric]} < floor {floor}; missed: {_misses(runs[run])}"
            )


@pytest.mark.shared
def test_seed_figures(runs: dict[str, EventScores], seed_gold: dict[str, Any]) -> None:
    """Every figure of the seeds' gold (003, 004) is in its document's `figures` layer, value and approx."""
    docs = {r.case.id: r.case.doc for r in runs["seeds"].results}
    wanted = [(name, f) for name, gold in seed_gold["documents"].items() for f in gold.get("figures", [])]
    assert wanted
    for name, figure in wanted:
        got = [(s.attrs["value"], s.attrs["approx"]) for s in docs[name].layer("figures")]
        wanted_figure = (figure["value"], bool(figure.get("approx")))
        assert wanted_figure in got, f"{name}: {figure['evidence']} not in {got}"
