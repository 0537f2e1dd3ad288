"""Evaluation gate for document dating: scores may not fall under tests/floors.toml [dates] (#3 item 4).

Each run is `chronique eval dates` with its options, on the dev articles or on the seeds.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from chronique.evaluate.dates import DateScores, cases_from_records, evaluate_dates, load_cases

FLOORS: dict[str, dict[str, float]] = tomllib.loads(
    (Path(__file__).parent / "floors.toml").read_text(encoding="utf-8")
)["dates"]

# run name -> (strip_prefix, use_url); "seeds" runs on the seeds folder, the others on the dev articles.
RUNS = {
    "text_only": (True, False),
    "text_and_url": (True, True),
    "text_and_prefix": (False, False),
    "all": (False, True),
    "seeds": (False, True),
}


@pytest.mark.shared
@pytest.mark.parametrize("run", sorted(FLOORS))
def test_dates_floor(run: str, request: pytest.FixtureRequest) -> None:
    strip_prefix, use_url = RUNS[run]
    if run == "seeds":
        cases = load_cases(request.getfixturevalue("seeds_dir"))
    else:
        records: list[dict[str, Any]] = request.getfixturevalue("dev_articles")
        cases = cases_from_records(records)
    scores: DateScores = evaluate_dates(cases, strip_prefix=strip_prefix, use_url=use_url)
    got = scores.to_dict()
    wrong = [r.to_dict() for r in scores.results if r.correct is False]
    for metric, floor in FLOORS[run].items():
        if metric == "confident_wrong_max":
            assert got["confident_wrong"] <= floor, f"{run}: confident wrong dates {wrong}"
        else:
            assert got[metric] >= floor, f"{run}: {metric} {got[metric]} < floor {floor}; wrong: {wrong}"
