"""Evaluation gate for time expressions: TempEval-3 scores on the shared TimeML sets, above the floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chronique.evaluate.timeml import evaluate_timex

FLOORS = tomllib.loads((Path(__file__).parent / "floors.toml").read_text(encoding="utf-8"))["timex"]


@pytest.mark.shared
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_timex_scores_stay_above_floors(lang: str, timebank_fr_dir: Path, tempeval_en_dir: Path) -> None:
    directory = timebank_fr_dir if lang == "fr" else tempeval_en_dir
    _, scores = evaluate_timex(directory, lang=lang)
    figures = scores.figures()
    low = {
        name: (round(figures[name], 4), floor)
        for name, floor in FLOORS[lang].items()
        if figures[name] < floor
    }
    assert not low, f"timex {lang}: under the floors in tests/floors.toml (score, floor): {low}"
