"""Linking the project's examples in any order and in any number of runs gives the clusters and the
borrowed dates of linking them all at once, in memory and in the store (#5)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from chronique.link import LinkState, link, link_documents
from chronique.link.persist import load_state
from chronique.model import Document
from chronique.store import open_store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def examples() -> list[Document]:
    """The examples, read and run through every per-document stage."""
    from chronique.evaluate.timeline import pipeline_documents

    docs = pipeline_documents([EXAMPLES])
    assert len(docs) > 10
    return docs


def _clusters(state: LinkState) -> set[frozenset[str]]:
    return {frozenset(m.key for m in c.members) for c in state.linker.clusters.values()}


def _dates(state: LinkState) -> dict[str, str]:
    return {doc_id: date.value for doc_id, date in state.borrowed.items()}


@pytest.mark.parametrize(("runs", "seed"), [(2, 0), (3, 1), (3, 3), (5, 2), (0, 4)])
def test_linking_in_runs_gives_what_linking_at_once_gives(
    examples: list[Document], runs: int, seed: int
) -> None:
    whole = LinkState()
    link_documents(examples, state=whole)
    assert whole.borrowed  # some examples are dated from the others: the order could matter
    docs = examples[:]
    random.Random(seed).shuffle(docs)
    runs = runs or len(docs)  # 0: one document at a time
    by_id = {doc.id: doc for doc in docs}
    state = LinkState()
    for run in range(runs):
        link_documents(docs[run::runs], state=state, load=lambda ids: [by_id[i] for i in ids])
    assert _clusters(state) == _clusters(whole)
    assert _dates(state) == _dates(whole)


def test_linking_in_runs_in_the_store_gives_what_linking_at_once_gives(
    examples: list[Document], tmp_path: Any
) -> None:
    whole = LinkState()
    link_documents(examples, state=whole)
    docs = examples[:]
    random.Random(7).shuffle(docs)
    with open_store(tmp_path / "t.db") as store:
        for run in range(3):
            store.add(docs[run::3])
            link(store)
        stored = load_state(store)
    assert _clusters(stored) == _clusters(whole)
    assert _dates(stored) == _dates(whole)
