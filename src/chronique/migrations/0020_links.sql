-- Corpus stage `link` (#5): event mentions, the clusters they form, dates borrowed across documents and
-- figures that disagree between sources. Everything here is derived from `documents` and `layers` and
-- can be rebuilt with `chronique build --relink`.

-- One row per document the linker has read, so that `link` only reads documents added since.
CREATE TABLE linked_documents (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- One row per event mention (a span of a document's `events` layer), with the cluster it belongs to.
CREATE TABLE event_mentions (
    key TEXT PRIMARY KEY,           -- "<doc_id>:<trigger start>"
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL,       -- event_clusters.id
    data TEXT NOT NULL              -- EventMention.to_dict(), dates as re-resolved by the linker
) WITHOUT ROWID;
CREATE INDEX event_mentions_doc ON event_mentions(doc_id);
CREATE INDEX event_mentions_cluster ON event_mentions(cluster_id);

-- The real-world events: merged type, date, participants, place, status, flags.
CREATE TABLE event_clusters (
    id TEXT PRIMARY KEY,            -- content hash of the cluster's first mention key
    family TEXT NOT NULL,
    type TEXT NOT NULL,
    date TEXT,                      -- TIMEX3 value of the merged date
    date_start TEXT,                -- first and last day it may stand for, for date filters
    date_end TEXT,
    data TEXT NOT NULL              -- Cluster.summary_dict(): participants, place, status, conflicts …
) WITHOUT ROWID;
CREATE INDEX event_clusters_date ON event_clusters(date_start, date_end);

-- A date given to an undated or month-dated document from the events it shares with dated ones.
CREATE TABLE borrowed_dates (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    date_json TEXT NOT NULL,        -- FuzzyDate.to_dict(), provenance "corpus"
    evidence TEXT NOT NULL          -- JSON list: the clusters and expressions the date comes from
) WITHOUT ROWID;

-- One quantity reported with different values by different sources.
CREATE TABLE figure_conflicts (
    id TEXT PRIMARY KEY,
    quantity TEXT NOT NULL,
    data TEXT NOT NULL              -- JSON: the values with their sources and dates
) WITHOUT ROWID;
