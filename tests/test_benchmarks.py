"""The benchmarks run: each on a tiny input, its report checked for sane figures (not for speed)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench_ingest(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # `benchmarks/` is not an installed package: import it from the checkout, as `python -m` does.
    monkeypatch.syspath_prepend(str(ROOT))
    return importlib.import_module("benchmarks.bench_ingest")


@pytest.mark.parametrize("docs", [20])
def test_bench_ingest_stores_every_article_and_adds_none_again(bench_ingest: ModuleType, docs: int) -> None:
    result = bench_ingest.run(docs)
    assert result.stages and not bench_ingest.SPACY_STAGES & set(result.stages)
    assert (result.docs, result.added, result.failed) == (docs, docs, 0)
    assert (result.readd_added, result.readd_skipped) == (0, docs)
    assert result.seconds > 0 and result.docs_per_second > 0
    assert result.add_one_added == 1 and result.readd_seconds is not None
    assert result.peak_rss_mb >= result.rss_before_mb > 0


@pytest.mark.parametrize("count", [200])
def test_bench_ingest_articles_are_distinct_and_repeatable(bench_ingest: ModuleType, count: int) -> None:
    pools = bench_ingest.example_pools()
    texts = [bench_ingest.Generator(pools).text(index) for index in range(count)]
    assert len(set(texts)) == count
    assert texts == [bench_ingest.Generator(pools).text(index) for index in range(count)]
