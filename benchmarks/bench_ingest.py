"""Ingest benchmark: `chronique.add` into a real SQLite store, in documents per second and peak memory (#2).

N plain-text articles are generated from the team's examples (`examples/`, every reader's documents):
a headline and one or two lead sentences of the examples, then paragraphs of sentences walked along
the examples' word bigrams, with the people, places, numbers, months and weekdays drawn anew, in files
spread over ten outlet folders (each with its own footer, so that the cleaner's template lines are at
work). About one article in twenty is a near-copy of an earlier one (a paragraph dropped or an update
line added), so that near-duplicate detection runs as it would on a crawl; the rest are distinct. The
files are added with `chronique.add` into a store in a temporary directory, with every installed stage
except those that parse with spaCy (`entities`, and `events` and `quotes`, which need its layer):
`Settings` has no list of stages, so they are chosen with `add(..., stages=...)`. Then one more
article is added to that store, and the same N files are added again (all of them already stored:
nothing is processed). `--full N` also adds N articles with every stage, spaCy models loaded beforehand.

Memory is the peak resident set size of the process (`resource.getrusage(...).ru_maxrss`), which
includes the interpreter, the imports and the generation; the figure before the first `add` is given
beside it. Times are wall-clock (`time.perf_counter`), the store on the temporary directory's disk.

Measured on this machine, 2 cores, `python -m benchmarks.bench_ingest --full 200` (articles of 1,600
characters on average; one process, `workers = 1`):

- 10,000 articles without spaCy (clean, language, sentences, timex, docdate, figures): 191 s
  (187 s CPU), 52 articles/s, 495 joined a story as near-duplicates; peak RSS 129 MB (123 MB before
  the first `add`). The rate is flat from 500 to 10,000 stored articles; the `timex` stage takes more
  than half of the time, the store (MinHash signatures, FTS, dedup) a fifth.
- 1 more article into that store: 0.029 s. The same 10,000 files again: 0.95 s, 0 added.
- 200 articles with every stage (spaCy's `fr_core_news_md` and `en_core_web_sm` loaded beforehand, in
  4.9 s): 13.9 s, 14 articles/s; peak RSS 572 MB.

    .venv/bin/python -m benchmarks.bench_ingest [--docs 10000] [--full 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chronique.ingest import add
from chronique.language import detect_language
from chronique.model import Document
from chronique.pipeline import Pipeline
from chronique.readers import read
from chronique.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The stages that load a spaCy model (`entities`) or need its layer (`events`, `quotes`).
SPACY_STAGES = frozenset({"entities", "events", "quotes"})
OUTLETS = 10
# About one article in this many is a near-copy of an earlier one of its outlet.
NEAR_COPY_EVERY = 20

# What each generated article draws anew: the names and places of the examples, and invented ones.
_PEOPLE = (
    "Donald Trump",
    "Kim Jong-un",
    "Kim Jong Un",
    "Moon Jae-in",
    "Ri Yong-ho",
    "Kim Yong-chol",
    "Mike Pompeo",
    "Stephen Biegun",
    "Kim Myong-gil",
)
_NEW_PEOPLE = (
    "Anna Lindqvist",
    "Marek Kowalski",
    "Jean Dufour",
    "Olga Petrova",
    "Kenji Sato",
    "Amara Diallo",
    "Lucía Ortega",
    "Henrik Madsen",
    "Farid Haddad",
    "Mei Lin",
    "Tomás Novak",
    "Grace Mensah",
    "Ivan Horvat",
    "Sofia Rossi",
    "Ahmed Karim",
    "Elena Popescu",
)
_PLACES = (
    "Singapour",
    "Singapore",
    "Hanoï",
    "Hanoi",
    "Stockholm",
    "Panmunjom",
    "Osaka",
    "Sentosa",
    "Dong Dang",
    "Vietnam",
)
_NEW_PLACES = (
    "Genève",
    "Oslo",
    "Helsinki",
    "Reykjavik",
    "Tallinn",
    "Riga",
    "Doha",
    "Astana",
    "Lisbonne",
    "Vienne",
    "Manille",
    "Nairobi",
    "Montevideo",
    "Tbilissi",
)
# Words per language, space-separated.
_MONTHS = {
    lang: words.split()
    for lang, words in {
        "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "en": "January February March April May June July August September October November December",
    }.items()
}
_WEEKDAYS = {
    lang: words.split()
    for lang, words in {
        "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    }.items()
}
_UPDATES = {
    "fr": "Mis à jour le {day} {month} à {hour} h {minute:02d}",
    "en": "Updated {month} {day}, {hour}:{minute:02d}",
}
_FOOTERS = {
    "fr": "© {outlet} – Tous droits réservés. Reproduction interdite sans autorisation.",
    "en": "© {outlet}. All rights reserved. Do not reproduce without permission.",
}
# A sentence ends after a word of two letters or more (not "U.S."), or a closing quote, and its
# punctuation, before a capital or an opening quote.
_SENTENCE_END = re.compile(
    r"(?:(?<=[a-zà-ÿ0-9]{2}[.!?])|(?<=[»\"”][.!?])|(?<=[.!?][»\"”]))\s+(?=[«\"“A-ZÀ-ÖØ-Ý])"
)
# A lone surname is the person the full name names in the same article.
_SURNAMES = {"Trump": "Donald Trump", "Kim": "Kim Jong-un", "Moon": "Moon Jae-in", "Pompeo": "Mike Pompeo"}


@dataclass(slots=True)
class Pools:
    """The pieces of the examples that generated articles are made of, per language."""

    headlines: dict[str, list[str]] = field(default_factory=dict)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)  # short lines: bylines, boilerplate
    # Word bigrams of the sentences ("<s>" starts, "</s>" ends one): what a body sentence is drawn from.
    chains: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def example_pools() -> Pools:
    """Headlines, prose sentences and short lines of every example document, by language."""
    pools = Pools()
    for item in read([EXAMPLES]):
        if not isinstance(item, Document):
            continue
        lang = item.lang or detect_language(item.raw)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", item.raw) if p.strip()]
        pools.headlines.setdefault(lang, []).append(paragraphs[0])
        for paragraph in paragraphs[1:]:
            if "\n" not in paragraph and len(paragraph) >= 100:
                pools.sentences.setdefault(lang, []).extend(_sentences(paragraph))
            else:
                pools.extras.setdefault(lang, []).append(paragraph)
    for pool in (pools.headlines, pools.sentences, pools.extras):  # a wire story is in the examples twice
        for lang, pieces in pool.items():
            pool[lang] = list(dict.fromkeys(pieces))
    for lang, sentences in pools.sentences.items():
        chain = pools.chains.setdefault(lang, {})
        for sentence in sentences:
            words = ["<s>", *sentence.split(), "</s>"]
            for word, following in itertools.pairwise(words):
                chain.setdefault(word, []).append(following)
    return pools


def _sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, never cut inside a quotation (rough: for recombining only)."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start()]
        if (
            before.count('"') % 2 == 0
            and before.count("«") == before.count("»")
            and before.count("“") == before.count("”")
        ):
            sentences.append(before)
            start = match.end()
    sentences.append(paragraph[start:])
    return sentences


class Generator:
    """Article `i` of a corpus, the same for the same seed (near-copies repeat an earlier article)."""

    def __init__(self, pools: Pools, *, seed: int = 0) -> None:
        self.pools = pools
        self.seed = seed
        self.langs = sorted(lang for lang in pools.sentences if lang in _MONTHS)

    def outlet(self, index: int) -> tuple[int, str]:
        number = index % OUTLETS
        return number, self.langs[number % len(self.langs)]

    def path(self, root: Path, index: int) -> Path:
        return root / f"outlet-{self.outlet(index)[0]:02d}" / f"{index:06d}.txt"

    def text(self, index: int) -> str:
        rng = random.Random(f"{self.seed}:{index}")
        if index >= OUTLETS and rng.random() < 1 / NEAR_COPY_EVERY:
            # A near-copy of an earlier article of the same outlet: one paragraph less, or an update line.
            original = self.text(index - OUTLETS * rng.randint(1, index // OUTLETS))
            paragraphs = original.split("\n\n")
            if rng.random() < 0.5 and len(paragraphs) > 4:
                del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
            else:
                paragraphs.insert(1, self._update_line(rng, self.outlet(index)[1]))
            return "\n\n".join(paragraphs)
        return self._fresh(rng, index)

    def _sentence(self, rng: random.Random, lang: str) -> str:
        """A sentence walked along the word bigrams of the examples, 8 to 40 words."""
        chain, words = self.pools.chains[lang], ["<s>"]
        while len(words) <= 40:
            following = chain[words[-1]]
            word = rng.choice(following)
            if word == "</s>":
                if len(words) > 8 or all(w == "</s>" for w in following):
                    return " ".join(words[1:])
                continue
            words.append(word)
        return " ".join(words[1:]).rstrip(",;:") + "."

    def _update_line(self, rng: random.Random, lang: str) -> str:
        return _UPDATES[lang].format(
            day=rng.randint(1, 28),
            month=rng.choice(_MONTHS[lang]),
            hour=rng.randint(6, 22),
            minute=rng.randint(0, 59),
        )

    def _fresh(self, rng: random.Random, index: int) -> str:
        number, lang = self.outlet(index)
        cast = dict(zip(_PEOPLE, rng.sample(_NEW_PEOPLE, len(_PEOPLE)), strict=False))
        cast["Kim Jong Un"] = cast["Kim Jong-un"]
        cast.update({surname: cast[full].split()[-1] for surname, full in _SURNAMES.items()})
        cast.update(zip(_PLACES, rng.sample(_NEW_PLACES, len(_PLACES)), strict=False))
        # The lead is sentences of the examples; the body, sentences drawn from their word bigrams:
        # recombined whole sentences would make most articles near-duplicates of one another, there
        # being only some 35 sentences per language to draw from.
        lead = rng.sample(self.pools.sentences[lang], rng.randint(1, 2))
        paragraphs = [rng.choice(self.pools.headlines[lang]), " ".join(lead)]
        for _ in range(rng.randint(3, 6)):
            paragraphs.append(" ".join(self._sentence(rng, lang) for _ in range(rng.randint(1, 3))))
        for _ in range(rng.randint(0, 2)):
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(self.pools.extras[lang]))
        text = _redraw("\n\n".join(paragraphs), rng, lang, cast)
        text += "\n\n" + _FOOTERS[lang].format(outlet=f"Outlet {number}")
        if rng.random() < 0.25:  # the crawler's date prefix, as in examples/echo-du-matin
            text = f" date {rng.randint(2000, 2024)}-{rng.randint(1, 12):02d} {text}"
        return text


def _redraw(text: str, rng: random.Random, lang: str, cast: dict[str, str]) -> str:
    """The text with its names, places, numbers, months and weekdays drawn anew."""
    names = re.compile(rf"\b({'|'.join(re.escape(name) for name in sorted(cast, key=len, reverse=True))})\b")
    text = names.sub(lambda m: cast[m.group()], text)

    def number(match: re.Match[str]) -> str:
        digits = match.group()
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(rng.randint(1995, 2024))
        if len(digits) <= 2:
            return str(rng.randint(1, 28))
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))

    text = re.sub(r"\d+", number, text)
    for words in (_MONTHS[lang], _WEEKDAYS[lang]):
        pattern = re.compile(rf"\b({'|'.join(words)})\b", re.IGNORECASE)
        text = pattern.sub(functools.partial(_pick, rng, words), text)
    return text


def _pick(rng: random.Random, words: list[str], match: re.Match[str]) -> str:
    return rng.choice(words)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass(slots=True)
class IngestRun:
    """What one benchmark run measured."""

    docs: int
    stages: list[str]
    warmup_seconds: float
    seconds: float
    cpu_seconds: float  # of this process: near `seconds` unless the machine is shared
    added: int
    duplicates: int
    failed: int
    rss_before_mb: float
    peak_rss_mb: float
    spacy_loaded: bool
    add_one_seconds: float | None = None
    add_one_added: int | None = None
    readd_seconds: float | None = None
    readd_added: int | None = None
    readd_skipped: int | None = None

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds


def _write(generator: Generator, root: Path, indexes: range) -> list[Path]:
    paths = []
    for index in indexes:
        path = generator.path(root, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generator.text(index), encoding="utf-8")
        paths.append(path)
    return paths


def _warm_up(generator: Generator, tmp: Path, stages: Sequence[str]) -> float:
    """Add one article per language to a throwaway store: imports, rules and models loaded once."""
    started = time.perf_counter()
    paths = _write(generator, tmp / "warm-up", range(len(generator.langs)))
    add(paths, settings=Settings(db=tmp / "warm-up.db"), stages=stages)
    return time.perf_counter() - started


def run(docs: int, *, full: bool = False, seed: int = 0, pools: Pools | None = None) -> IngestRun:
    """Generate `docs` articles, add them to a new store and time it; without `full`, also time adding one
    more and adding the same files again. `full` runs every installed stage, else every stage but spaCy's."""
    generator = Generator(pools or example_pools(), seed=seed)
    default = Pipeline.default(Settings())
    stages = default.names if full else [name for name in default.names if name not in SPACY_STAGES]
    with tempfile.TemporaryDirectory(prefix="chronique-bench-") as name:
        tmp = Path(name)
        settings = Settings(db=tmp / "bench.db")
        paths = _write(generator, tmp / "articles", range(docs))
        warmup = _warm_up(Generator(generator.pools, seed=seed + 1), tmp, stages)
        before = peak_rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        report = add(paths, settings=settings, stages=stages)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result = IngestRun(
            docs=docs,
            stages=list(stages),
            warmup_seconds=warmup,
            seconds=seconds,
            cpu_seconds=cpu,
            added=report.added,
            duplicates=report.duplicates,
            failed=len(report.failed),
            rss_before_mb=before,
            peak_rss_mb=peak_rss_mb(),
            spacy_loaded="spacy" in sys.modules,
        )
        if full:
            return result
        extra = _write(generator, tmp / "articles", range(docs, docs + 1))
        started = time.perf_counter()
        one = add(extra, settings=settings, stages=stages)
        result.add_one_seconds, result.add_one_added = time.perf_counter() - started, one.added
        started = time.perf_counter()
        again = add(paths, settings=settings, stages=stages)
        result.readd_seconds = time.perf_counter() - started
        result.readd_added, result.readd_skipped = again.added, again.skipped
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="Articles added without the spaCy stages.")
    parser.add_argument(
        "--full", type=int, default=0, metavar="N", help="Also add N articles with every stage (spaCy too)."
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pools = example_pools()
    sizes = ", ".join(f"{len(s)} {lang}" for lang, s in sorted(pools.sentences.items()))
    print(f"articles made from {EXAMPLES.name}/ ({sizes} sentences), {OUTLETS} outlet folders", flush=True)
    runs = [run(args.docs, seed=args.seed, pools=pools)]
    if args.full:
        runs.append(run(args.full, full=True, seed=args.seed, pools=pools))
    header = (
        "stages",
        "documents",
        "seconds",
        "CPU s",
        "docs/s",
        "added",
        "near-dup",
        "failed",
        "peak RSS MB",
    )
    widths = (8, 10, 8, 8, 7, 7, 8, 6, 18)
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for result in runs:
        label = "all" if result.spacy_loaded else "no spaCy"
        memory = f"{result.peak_rss_mb:.0f} (from {result.rss_before_mb:.0f})"
        print(
            f"{label:>8} {result.docs:>10} {result.seconds:>8.1f} {result.cpu_seconds:>8.1f} "
            f"{result.docs_per_second:>7.0f} {result.added:>7} {result.duplicates:>8} {result.failed:>6} "
            f"{memory:>18}"
        )
    for result in runs:
        loaded = "spaCy loaded" if result.spacy_loaded else "spaCy not loaded"
        print(
            f"{len(result.stages)} stages ({loaded}): {', '.join(result.stages)}; "
            f"warm-up {result.warmup_seconds:.1f} s"
        )
    core = runs[0]
    print(
        f"add 1 more article to the {core.docs}-article store: {core.add_one_seconds:.3f} s, "
        f"{core.add_one_added} added"
    )
    print(
        f"add the same {core.docs} files again: {core.readd_seconds:.2f} s, {core.readd_added} added, "
        f"{core.readd_skipped} already stored"
    )
    print("peak RSS: resource.getrusage ru_maxrss of this process (interpreter, imports and models included)")


if __name__ == "__main__":
    main()
