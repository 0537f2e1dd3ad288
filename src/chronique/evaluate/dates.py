"""Score document dating against gold dates (#3): `chronique eval dates` and tests/test_gate_dates.py.

Two kinds of reference:

- a JSONL file of articles (`../shared/corpus/dev/articles.jsonl`): `id`, `text`, `url`?, `lang`?, and
  `gold_pub_date` at day (`2017-09-28`) or month (`2017-05`) level;
- a folder of seeds with `gold.json`: each file's `pub_date_range` (first and last possible day).

A prediction is right at the granularity it claims when its interval and the gold's nest: a month that
contains the gold day is right, a day inside a month-level gold is right as far as the gold can tell.
Day-exact counts day-level golds given exactly that day; month-exact counts golds within one month
given (at day or month level) that month. Coverage is the share of documents given a date at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.docdate import date_document
from chronique.model import FuzzyDate, Granularity
from chronique.readers import apply_date_prefix

__all__ = ["DateCase", "DateResult", "DateScores", "cases_from_records", "evaluate_dates", "load_cases"]

# A wrong date at or above this confidence is counted apart: the error #3 calls the worst.
CONFIDENT = 0.7


@dataclass(frozen=True, slots=True)
class DateCase:
    """One document with its reference publication date (an interval of possible days)."""

    id: str
    text: str
    gold: str  # as written in the reference: "2017-09-28", "2017-05" or "2017-09-26..2017-09-28"
    first: dt.date
    last: dt.date
    url: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class DateResult:
    case: DateCase
    predicted: FuzzyDate | None

    @property
    def correct(self) -> bool | None:
        """Right at the claimed granularity (None when no date was given)."""
        if self.predicted is None:
            return None
        lo, hi = self.predicted.interval()
        return (lo <= self.case.first and self.case.last <= hi) or (
            self.case.first <= lo and hi <= self.case.last
        )

    @property
    def day_exact(self) -> bool:
        p = self.predicted
        return (
            p is not None
            and p.granularity is Granularity.DAY
            and p.start == self.case.first == self.case.last
        )

    @property
    def month_exact(self) -> bool:
        p = self.predicted
        if p is None or p.granularity not in (Granularity.DAY, Granularity.MONTH):
            return False
        return (p.start.year, p.start.month) == (self.case.first.year, self.case.first.month) and _one_month(
            self.case
        )

    def to_dict(self) -> dict[str, Any]:
        p = self.predicted
        return {
            "id": self.case.id,
            "gold": self.case.gold,
            "date": p.value if p else None,
            "granularity": p.granularity.value if p else None,
            "source": p.provenance.value if p else None,
            "confidence": round(p.confidence, 3) if p else None,
            "correct": self.correct,
            "evidence": p.evidence if p else "",
        }


def _one_month(case: DateCase) -> bool:
    return (case.first.year, case.first.month) == (case.last.year, case.last.month)


@dataclass(slots=True)
class DateScores:
    """Counts over a set of documents, and the rates the gate pins."""

    documents: int = 0
    given: int = 0
    correct: int = 0
    confident_wrong: int = 0
    day_golds: int = 0
    day_exact: int = 0
    month_golds: int = 0
    month_exact: int = 0
    results: list[DateResult] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.given / self.documents if self.documents else 0.0

    @property
    def accuracy(self) -> float:
        """Right at the claimed granularity, among the dates given."""
        return self.correct / self.given if self.given else 1.0

    @property
    def day_exact_rate(self) -> float:
        return self.day_exact / self.day_golds if self.day_golds else 0.0

    @property
    def month_exact_rate(self) -> float:
        return self.month_exact / self.month_golds if self.month_golds else 0.0

    def add(self, result: DateResult) -> None:
        self.results.append(result)
        self.documents += 1
        case = result.case
        if case.first == case.last:
            self.day_golds += 1
            self.day_exact += result.day_exact
        if _one_month(case):
            self.month_golds += 1
            self.month_exact += result.month_exact
        if result.predicted is not None:
            self.given += 1
            if result.correct:
                self.correct += 1
            elif result.predicted.confidence >= CONFIDENT:
                self.confident_wrong += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "given": self.given,
            "coverage": round(self.coverage, 4),
            "accuracy": round(self.accuracy, 4),
            "correct": self.correct,
            "confident_wrong": self.confident_wrong,
            "day_golds": self.day_golds,
            "day_exact": self.day_exact,
            "day_exact_rate": round(self.day_exact_rate, 4),
            "month_golds": self.month_golds,
            "month_exact": self.month_exact,
            "month_exact_rate": round(self.month_exact_rate, 4),
        }


def _article_case(record: dict[str, Any], number: int) -> DateCase:
    gold = str(record["gold_pub_date"])
    first, last = FuzzyDate.parse(gold).interval()
    return DateCase(
        id=str(record.get("id") or number),
        text=str(record["text"]),
        gold=gold,
        first=first,
        last=last,
        url=record.get("url") or None,
        lang=record.get("lang") or None,
    )


def load_cases(path: Path) -> list[DateCase]:
    """Reference cases from a JSONL file of articles or a folder of seeds with `gold.json`.

    Raises ValueError naming the line or file that lacks a usable gold date.
    """
    if path.is_dir():
        gold_file = path / "gold.json"
        if not gold_file.is_file():
            raise ValueError(f"{path}: a folder of seeds needs its gold.json")
        documents = json.loads(gold_file.read_text(encoding="utf-8"))["documents"]
        cases = []
        for name, gold in sorted(documents.items()):
            first, last = (dt.date.fromisoformat(d) for d in gold["pub_date_range"])
            text = (path / name).read_text(encoding="utf-8")
            cases.append(DateCase(name, text, f"{first}..{last}", first, last, lang="fr"))
        return cases
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                cases.extend(cases_from_records([json.loads(line)], source=f"{path}:{number}"))
    return cases


def cases_from_records(records: Iterable[dict[str, Any]], *, source: str = "record") -> list[DateCase]:
    """Reference cases from parsed article records (`text`, `gold_pub_date`, `id`?, `url`?, `lang`?)."""
    cases = []
    for number, record in enumerate(records, 1):
        try:
            cases.append(_article_case(record, number))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{source}: no usable text and gold_pub_date ({exc})") from exc
    return cases


def evaluate_dates(
    cases: Iterable[DateCase], *, strip_prefix: bool = False, use_url: bool = True
) -> DateScores:
    """Date every case with `date_document` and score it.

    `strip_prefix` removes the crawler's ` date YYYY-MM` line unread (dating from the text alone);
    `use_url` False hides the URL.
    """
    scores = DateScores()
    for case in cases:
        text = apply_date_prefix(case.text)[0] if strip_prefix else case.text
        predicted = date_document(text, url=case.url if use_url else None, lang=case.lang)
        scores.add(DateResult(case, predicted))
    return scores


def summary_rows(runs: Sequence[tuple[str, DateScores]]) -> list[dict[str, Any]]:
    """One table row per run (the `chronique eval dates` table)."""
    rows = []
    for name, scores in runs:
        row: dict[str, Any] = {"run": name}
        for key, value in scores.to_dict().items():
            row[key] = f"{value:.1%}" if isinstance(value, float) else value
        rows.append(row)
    return rows
