-- Near-duplicate detection that stays incremental (#2): each document's exact-text key and MinHash
-- signature are stored once, and its LSH band keys are indexed, so that a new document is compared
-- only with the documents that share a band with it, never with the whole store.
CREATE TABLE dedup_signatures (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text_key TEXT NOT NULL,         -- hash of the normalised words: equal keys, same text
    minhash BLOB                    -- uint64 hash values; NULL when the text is too short to compare
) WITHOUT ROWID;
CREATE INDEX dedup_signatures_text_key ON dedup_signatures(text_key);

CREATE TABLE dedup_bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,           -- 63-bit hash of the band's rows of the signature
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (band, key, doc_id)
) WITHOUT ROWID;
CREATE INDEX dedup_bands_doc ON dedup_bands(doc_id);
