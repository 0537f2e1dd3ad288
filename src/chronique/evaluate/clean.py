"""Score the cleaner on annotated seeds: junk lines removed, content lines kept, pull quotes once (#2).

The reference is `gold.json` beside the seed files: for each file, `junk_lines` (must go) and
`pullquote_lines` (a repeated quote: the stand-alone copy goes, the words stay once), as 1-based line
numbers; every other non-empty line is content and must stay. `chronique eval clean` and the gate test
(`tests/test_gate_clean.py`) both call `score_seeds`.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.clean import clean_text
from chronique.model import Span
from chronique.readers import read_text

__all__ = ["CleanScores", "DocScore", "removed_lines", "score_document", "score_seeds"]


@dataclass(slots=True)
class DocScore:
    """Line-level outcome for one annotated document."""

    name: str
    junk: int = 0
    junk_removed: int = 0
    content: int = 0
    content_kept: int = 0
    pullquotes: int = 0
    pullquotes_once: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CleanScores:
    """Scores over a set of documents (micro-averaged over lines)."""

    docs: list[DocScore]

    @staticmethod
    def _ratio(num: int, den: int) -> float:
        return num / den if den else 1.0

    @property
    def junk_recall(self) -> float:
        """Share of junk lines removed."""
        return self._ratio(sum(d.junk_removed for d in self.docs), sum(d.junk for d in self.docs))

    @property
    def content_kept(self) -> float:
        """Share of content lines kept."""
        return self._ratio(sum(d.content_kept for d in self.docs), sum(d.content for d in self.docs))

    @property
    def pullquotes_once(self) -> float:
        """Share of pull quotes removed as a line whose words still appear exactly once."""
        return self._ratio(sum(d.pullquotes_once for d in self.docs), sum(d.pullquotes for d in self.docs))

    @property
    def line_accuracy(self) -> float:
        """Share of non-empty lines with the right outcome."""
        right = sum(d.junk_removed + d.content_kept + d.pullquotes_once for d in self.docs)
        return self._ratio(right, sum(d.junk + d.content + d.pullquotes for d in self.docs))

    def to_dict(self) -> dict[str, Any]:
        return {
            "junk_recall": round(self.junk_recall, 4),
            "content_kept": round(self.content_kept, 4),
            "pullquotes_once": round(self.pullquotes_once, 4),
            "line_accuracy": round(self.line_accuracy, 4),
            "documents": len(self.docs),
            "errors": [f"{d.name}: {e}" for d in self.docs for e in d.errors],
        }


def removed_lines(raw: str, spans: list[Span]) -> dict[int, Span]:
    """1-based line number of the line each removed span stands for (its first non-blank line)."""
    starts = [0] + [i + 1 for i, char in enumerate(raw) if char == "\n"]
    result = {}
    for span in spans:
        offset = span.start
        while offset < span.end and raw[offset].isspace():
            offset += 1
        result[bisect.bisect_right(starts, offset)] = span
    return result


def score_document(name: str, raw: str, annotation: dict[str, Any], *, lang: str | None = None) -> DocScore:
    """Compare the cleaner's removals on `raw` with one document's gold annotation."""
    text, spans = clean_text(raw, lang=lang)
    removed = removed_lines(raw, spans)
    lines = raw.split("\n")
    junk = set(annotation.get("junk_lines") or [])
    pullquotes = set(annotation.get("pullquote_lines") or [])
    score = DocScore(name)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        gone = number in removed
        if number in junk:
            score.junk += 1
            score.junk_removed += gone
            if not gone:
                score.errors.append(f"line {number} is junk but was kept: {line.strip()[:70]!r}")
        elif number in pullquotes:
            score.pullquotes += 1
            words = line.strip().strip('"«» “”').rstrip(".").strip()
            once = text.count(words) == 1
            score.pullquotes_once += gone and once
            if not (gone and once):
                score.errors.append(
                    f"line {number} is a pull quote: removed={gone}, words left {text.count(words)} time(s)"
                )
        else:
            score.content += 1
            score.content_kept += not gone
            if gone:
                span = removed[number]
                score.errors.append(
                    f"line {number} is content but was removed ({span.label}/{span.attrs['rule']}): "
                    f"{line.strip()[:70]!r}"
                )
    return score


def score_seeds(seeds_dir: Path) -> CleanScores:
    """Score every seed file named in `seeds_dir/gold.json`."""
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    docs = []
    for name, annotation in sorted(gold["documents"].items()):
        doc = read_text((seeds_dir / name).read_text(encoding="utf-8"), name)
        docs.append(score_document(name, doc.raw, annotation, lang=annotation.get("lang")))
    return CleanScores(docs)
