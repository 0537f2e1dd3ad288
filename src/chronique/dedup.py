"""Exact and near-duplicate texts, grouped as one story (#2).

Two texts are exact duplicates when their normalised words are equal (`text_key`), and near-duplicates
when the Jaccard similarity of their word shingles, estimated with MinHash, reaches
`NEAR_DUPLICATE_THRESHOLD`. Detection is incremental: each stored document keeps its signature and its
LSH band keys in the store (`dedup_signatures`, `dedup_bands`, migration 0003), and a new document is
compared only with the documents that share a band key with it, never with the whole store.

The store calls `find_duplicate` then `index` inside its write transaction, one document at a time, so
that duplicates inside one batch are found too.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and datasketch load in ~0.5 s: only when a signature is computed
    import numpy as np

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "Duplicate",
    "Signature",
    "containment",
    "find_duplicate",
    "index",
    "shingles",
    "signature",
    "similarity",
    "words",
]

NUM_PERM = 128
# LSH banding: 42 bands of 3 rows (126 of the 128 hash values). A pair with Jaccard similarity s becomes
# a candidate with probability 1 - (1 - s**3)**42: 0.94 at s = 0.4, 0.98 at 0.45, 0.04 at 0.1.
# Candidates are then checked against NEAR_DUPLICATE_THRESHOLD, so banding only has to miss few pairs.
BANDS, ROWS = 42, 3
SHINGLE_WORDS = 3
# Texts with fewer words than this are only compared exactly: MinHash on a handful of shingles is noise.
MIN_WORDS = 25
# Estimated Jaccard similarity of word 3-shingles at or above which two texts are one story. Tuned on
# the dev corpus and the seeds (../shared, 39 texts, 741 pairs): no two distinct articles score above
# 0.12, not even two outlets rewriting one wire story; the same article with boilerplate lines added
# (min 0.77), its headline or first paragraph dropped (min 0.73) or one paragraph cut (min 0.45) scores
# higher. 0.4 sits in that gap, nearer the duplicates. An article cut to half its length scores ~0.4
# (Jaccard, not containment) and is often missed: a known limit.
NEAR_DUPLICATE_THRESHOLD = 0.4
# A shorter text whose shingles lie at least this much inside a stored one (estimated from Jaccard and
# the two shingle counts) is a shortened copy: a teaser, the first paragraphs of a wire story. On the
# dev and seed texts no two distinct articles reach 0.3, while their first half or first third reach
# 0.8 or more in 45 of 49 cases (the misses are texts of 30-60 words). Stored, 41 of those 49 copies
# join their article's story (29 by Jaccard alone; LSH proposes few pairs under Jaccard 0.25). Below
# CONTAINMENT_MIN_JACCARD the estimate is too noisy to trust.
CONTAINMENT_THRESHOLD = 0.8
CONTAINMENT_MIN_JACCARD = 0.2
_SEED = 1
# Stored signatures are only comparable under one hashing scheme: pin it (datasketch 2 made it a choice).
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Signature:
    """What dedup keeps of a text: its exact key and its MinHash (None when too short to compare)."""

    text_key: str
    minhash: np.ndarray | None
    size: int = 0  # distinct shingles

    def blob(self) -> bytes | None:
        return None if self.minhash is None else self.minhash.astype("<u8").tobytes()

    def band_keys(self) -> list[int]:
        """One 63-bit key per LSH band (fits SQLite's signed INTEGER)."""
        if self.minhash is None:
            return []
        raw = self.minhash.astype("<u8").tobytes()
        width = ROWS * 8
        return [
            int.from_bytes(
                hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(), "little"
            )
            >> 1
            for i in range(BANDS)
        ]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A stored document that a new text duplicates."""

    doc_id: str
    story_id: str
    similarity: float  # 1.0 for an exact duplicate


def words(text: str) -> list[str]:
    """The casefolded words of `text` (punctuation, spacing and case do not make texts differ)."""
    return _WORD.findall(text.casefold())


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping runs of `size` words."""
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def signature(text: str) -> Signature:
    """The exact key and MinHash signature of `text`."""
    tokens = words(text)
    key = hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()[:32]
    if len(tokens) < MIN_WORDS:
        return Signature(key, None)
    import numpy as np
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    grams = shingles(tokens)
    minhash.update_batch(list(grams))
    return Signature(key, np.asarray(minhash.hashvalues, dtype=np.uint64), len(grams))


@functools.cache
def _permutations() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    import numpy as np

    return float(np.count_nonzero(a == b)) / len(a)


def _from_blob(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def find_duplicate(conn: sqlite3.Connection, sig: Signature) -> Duplicate | None:
    """The stored document that `sig` duplicates best, or None (reads only the candidates' rows)."""
    row = conn.execute(
        "SELECT s.doc_id, d.story_id FROM dedup_signatures s JOIN documents d ON d.id = s.doc_id "
        "WHERE s.text_key = ? ORDER BY d.seq LIMIT 1",
        (sig.text_key,),
    ).fetchone()
    if row is not None:
        return Duplicate(row[0], row[1], 1.0)
    if sig.minhash is None:
        return None
    keys = sig.band_keys()
    # One statement, one primary-key lookup per band (a row-value IN list would scan the table).
    sql = " UNION ".join(["SELECT doc_id FROM dedup_bands WHERE band = ? AND key = ?"] * len(keys))
    params = [value for band, key in enumerate(keys) for value in (band, key)]
    candidates = {r[0] for r in conn.execute(sql, params)}
    best: Duplicate | None = None
    for doc_id in sorted(candidates):
        found = conn.execute(
            "SELECT s.minhash, s.shingles, d.story_id FROM dedup_signatures s "
            "JOIN documents d ON d.id = s.doc_id WHERE s.doc_id = ?",
            (doc_id,),
        ).fetchone()
        if found is None or found[0] is None:
            continue
        score = similarity(sig.minhash, _from_blob(found[0]))
        near = score >= NEAR_DUPLICATE_THRESHOLD
        if not near and found[1] and score >= CONTAINMENT_MIN_JACCARD:
            near = containment(score, sig.size, found[1]) >= CONTAINMENT_THRESHOLD
        if near and (best is None or score > best.similarity):
            best = Duplicate(doc_id, found[2], score)
    return best


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller text's shingles found in the other, from their Jaccard similarity.

    |A ∩ B| = J (|A| + |B|) / (1 + J), divided by min(|A|, |B|).
    """
    return jaccard * (size_a + size_b) / (1 + jaccard) / max(1, min(size_a, size_b))


def index(conn: sqlite3.Connection, doc_id: str, sig: Signature) -> None:
    """Record `doc_id`'s signature and band keys so that later documents can find it."""
    conn.execute(
        "INSERT OR REPLACE INTO dedup_signatures (doc_id, text_key, minhash, shingles) VALUES (?, ?, ?, ?)",
        (doc_id, sig.text_key, sig.blob(), sig.size or None),
    )
    conn.execute("DELETE FROM dedup_bands WHERE doc_id = ?", (doc_id,))
    conn.executemany(
        "INSERT OR IGNORE INTO dedup_bands (band, key, doc_id) VALUES (?, ?, ?)",
        [(band, key, doc_id) for band, key in enumerate(sig.band_keys())],
    )
