"""ISO-TimeML files in, TempEval-3 scores out: the scorer behind `chronique eval timex` and the gate.

A `.tml` file gives the text of its `<TEXT>` element, the TIMEX3 tags in it (character offsets into that
text) and the document creation time (the TIMEX3 with `functionInDocument="CREATION_TIME"`, usually
inside `<DCT>`). Scoring follows the official TempEval-3 scorer: spans match strictly (same start and
end) or relaxed (any overlap, one-to-one); value and type F1 are computed over the relaxed-matched pairs,
that is attribute accuracy on the matches times the relaxed F1.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chronique.errors import InputError

__all__ = [
    "GoldTimex",
    "Scores",
    "TimemlDoc",
    "evaluate_timex",
    "read_timeml",
    "read_timeml_dir",
    "score",
    "score_dir",
]


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """One TIMEX3 (gold or system): offsets into the document text, type and value."""

    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass(slots=True)
class TimemlDoc:
    name: str
    text: str
    dct: dt.date | None
    timexes: list[GoldTimex]


@dataclass(slots=True)
class Scores:
    """Counts and F1 figures of one scoring run (TempEval-3 definitions)."""

    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0
    misses: list[tuple[str, GoldTimex | None, GoldTimex | None]] = field(default_factory=list)

    @staticmethod
    def _f1(correct: int, system: int, gold: int) -> tuple[float, float, float]:
        p = correct / system if system else 0.0
        r = correct / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, correct in (
            ("strict", self.strict),
            ("relaxed", self.relaxed),
            ("value", self.value),
            ("type", self.type),
        ):
            p, r, f = self._f1(correct, self.system, self.gold)
            out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = round(p, 4), round(r, 4), round(f, 4)
        return out

    def add(self, other: Scores) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value
        self.type += other.type
        self.misses.extend(other.misses)


def _date_of(value: str | None) -> dt.date | None:
    match = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def read_timeml(path: Path | str) -> TimemlDoc:
    """Text, DCT and TIMEX3 tags of one ISO-TimeML file; raises InputError when it cannot be parsed."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(str(path), f"not a readable TimeML file ({exc})", "check the XML") from exc
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = _date_of(timex.get("value"))
            break
    text_el = root.find("TEXT")
    if text_el is None:
        raise InputError(str(path), "no <TEXT> element", "is this an ISO-TimeML file?")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    length = 0

    def walk(element: ET.Element) -> None:
        nonlocal length
        if element.text:
            parts.append(element.text)
            length += len(element.text)
        for child in element:
            start = length
            walk(child)
            if child.tag == "TIMEX3":
                covered = "".join(child.itertext())
                timexes.append(
                    GoldTimex(start, length, child.get("type", ""), child.get("value", ""), covered)
                )
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)

    walk(text_el)
    return TimemlDoc(path.stem, "".join(parts), dct, timexes)


def read_timeml_dir(directory: Path | str) -> list[TimemlDoc]:
    """Every `.tml` file under `directory` (recursively), sorted by path."""
    paths = sorted(Path(directory).rglob("*.tml"))
    if not paths:
        raise InputError(str(directory), "no .tml file found", "give a folder of ISO-TimeML files")
    return [read_timeml(p) for p in paths]


def score(gold: Sequence[GoldTimex], system: Sequence[GoldTimex], *, name: str = "") -> Scores:
    """TempEval-3 counts for one document (relaxed matching is one-to-one, strict pairs first)."""
    result = Scores(gold=len(gold), system=len(system))
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for gi, g in enumerate(gold):  # strict matches claim their partner first
        for si, s in enumerate(system):
            if si not in used and s.start == g.start and s.end == g.end:
                pairs[gi] = si
                used.add(si)
                result.strict += 1
                break
    for gi, g in enumerate(gold):
        if gi in pairs:
            continue
        for si, s in enumerate(system):
            if si not in used and s.start < g.end and g.start < s.end:
                pairs[gi] = si
                used.add(si)
                break
    result.relaxed = len(pairs)
    for gi, g in enumerate(gold):
        si_match = pairs.get(gi)
        if si_match is None:
            result.misses.append((name, g, None))
            continue
        s = system[si_match]
        result.value += s.value == g.value
        result.type += s.type == g.type
        if s.value != g.value or s.start != g.start or s.end != g.end:
            result.misses.append((name, g, s))
    for si, s in enumerate(system):
        if si not in used:
            result.misses.append((name, None, s))
    return result


Tagger = Callable[[str, dt.date | None], Iterable[GoldTimex]]


def score_dir(docs: Iterable[TimemlDoc], tagger: Tagger) -> Scores:
    """Scores of `tagger(text, dct)` over `docs`, summed (micro-averaged, as TempEval-3 reports)."""
    total = Scores()
    for doc in docs:
        total.add(score(doc.timexes, list(tagger(doc.text, doc.dct)), name=doc.name))
    return total


def evaluate_timex(directory: Path | str, *, lang: str) -> tuple[int, Scores]:
    """(documents, scores) of chronique's tagger on the `.tml` files of `directory`."""
    from chronique.timex import tag

    def tagger(text: str, dct: dt.date | None) -> list[GoldTimex]:
        return [
            GoldTimex(s.start, s.end, s.label, str(s.attrs["value"]), text[s.start : s.end])
            for s in tag(text, lang=lang, dct=dct)
        ]

    docs = read_timeml_dir(directory)
    return len(docs), score_dir(docs, tagger)
