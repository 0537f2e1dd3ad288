"""Cleaning benchmark: chronique's cleaner against trafilatura and jusText on the seeds, and its speed (#2).

The claim in issue 2 is that HTML extractors keep the junk of already-extracted text. Each seed is
wrapped as minimal HTML (one <p> per non-empty line, inside <article>) and given to
`trafilatura.extract` and to jusText (French stoplist); a line counts as kept when its words appear in
what the tool returns. Scores are those of `chronique eval clean`: junk lines removed, content lines
kept, pull quotes left once. Then the speed of `clean_text` on the dev texts, in documents per second.

    .venv/bin/python benchmarks/bench_clean.py [--shared ../shared] [--rounds 50] [--dev-removals]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chronique.clean import clean_text, mark_template_lines
from chronique.evaluate.clean import score_seeds
from chronique.readers import read_text

Extractor = Callable[[str], str]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().casefold()


def _kept(words: str, output: str) -> bool:
    # Whole words only: "ok" is not kept because "Moscou" ends in "ou" or a word holds "ok".
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", output) is not None


def _as_html(raw: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in raw.splitlines() if line.strip())
    return f"<html><head><title>seed</title></head><body><article>\n{paragraphs}\n</article></body></html>"


def _trafilatura(raw: str, *, precision: bool = False) -> str:
    import trafilatura

    return trafilatura.extract(_as_html(raw), include_comments=False, favor_precision=precision) or ""


def _trafilatura_precise(raw: str) -> str:
    return _trafilatura(raw, precision=True)


def _justext(raw: str) -> str:
    import justext

    paragraphs = justext.justext(_as_html(raw).encode("utf-8"), justext.get_stoplist("French"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def score_extractor(extract: Extractor, seeds: Path) -> dict[str, Any]:
    """Line-level scores of an extractor on the seeds, counted as `chronique eval clean` counts."""
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))["documents"]
    counts = dict.fromkeys(("junk", "junk_removed", "content", "content_kept", "pq", "pq_once"), 0)
    for name, annotation in sorted(gold.items()):
        raw = read_text((seeds / name).read_text(encoding="utf-8"), name).raw
        output = _norm(extract(raw))
        junk, pullquotes = set(annotation["junk_lines"]), set(annotation.get("pullquote_lines", []))
        for number, line in enumerate(raw.split("\n"), 1):
            words = _norm(line.strip().lstrip("•·►"))
            if not words:
                continue
            if number in junk:
                counts["junk"] += 1
                counts["junk_removed"] += not _kept(words, output)
            elif number in pullquotes:
                counts["pq"] += 1
                counts["pq_once"] += output.count(_norm(line.strip().strip('"«»“” ').rstrip("."))) == 1
            else:
                counts["content"] += 1
                counts["content_kept"] += _kept(words, output)
    return {
        "junk_recall": round(counts["junk_removed"] / counts["junk"], 3),
        "content_kept": round(counts["content_kept"] / counts["content"], 3),
        "pullquotes_once": round(counts["pq_once"] / counts["pq"], 3),
    }


def speed(texts: list[str], rounds: int) -> float:
    """Documents per CPU second of `clean_text` over `texts`, best of `rounds` passes (CPU time, so that
    other work on a shared machine does not change the figure)."""
    clean_text(texts[0])  # compile the rules
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            clean_text(text)
        best = min(best, time.process_time() - start)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument(
        "--dev-removals", action="store_true", help="Print every line removed from the dev texts."
    )
    args = parser.parse_args()
    seeds = args.shared / "corpus" / "seeds"
    dev = args.shared / "corpus" / "dev" / "articles.jsonl"
    if not (seeds / "gold.json").is_file():
        raise SystemExit(f"{seeds}: no seeds here; pass --shared PATH to the team's shared data")

    ours = score_seeds(seeds).to_dict()
    print("seeds (5 files), lines:      junk_recall  content_kept  pullquotes_once")
    rows: list[tuple[str, dict[str, Any]]] = [("chronique clean_text", ours)]
    extractors: list[tuple[str, Extractor]] = [
        ("trafilatura.extract", _trafilatura),
        ("  favor_precision=True", _trafilatura_precise),
        ("jusText (French)", _justext),
    ]
    for label, extractor in extractors:
        try:
            rows.append((label, score_extractor(extractor, seeds)))
        except ImportError as exc:
            print(f"{label}: not installed ({exc.name}); pip install -e '.[bench]'")
    for label, scores in rows:
        print(
            f"  {label:26} {scores['junk_recall']:11.3f}  {scores['content_kept']:12.3f}  "
            f"{scores['pullquotes_once']:15.3f}"
        )

    if dev.is_file():
        articles = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
        docs = [read_text(a["text"], a["id"], url=a["url"], lang=a["lang"]) for a in articles]
        texts = [doc.raw for doc in docs]
        rate = speed(texts, args.rounds)
        chars = sum(map(len, texts)) / len(texts)
        print(
            f"speed: {rate:,.0f} docs per CPU second on the {len(texts)} dev texts ({chars:,.0f} chars each)"
        )
        if args.dev_removals:
            mark_template_lines(docs)
            for doc in docs:
                _, removed = clean_text(
                    doc.raw, lang=doc.lang, template_lines=doc.meta.get("template_lines", ())
                )
                for span in removed:
                    line = span.attrs["text"][:70]
                    print(f"  {doc.source:40} {span.label:10} {span.attrs['rule']:22} {line!r}")


if __name__ == "__main__":
    main()
