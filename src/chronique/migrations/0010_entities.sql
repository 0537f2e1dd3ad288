-- Canonical entities seen in stored documents, and their mentions per document (#4).
-- Filled by `chronique.entities.index_entities(store, docs)` when documents are stored; re-indexing a
-- document replaces its rows, so counts are sums over `entity_mentions` and never drift.
CREATE TABLE entities (
    id TEXT PRIMARY KEY,            -- gazetteer id, or the slug of an unknown entity's full name
    name TEXT NOT NULL,             -- canonical (English) name
    type TEXT NOT NULL,             -- person, country, city, region, place, organisation, equipment, group, other
    known INTEGER NOT NULL DEFAULT 0  -- 1 when the gazetteer knows it
);
CREATE INDEX entities_type ON entities(type);

CREATE TABLE entity_mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,            -- the words as written ("M. Poutine" is stored as "Poutine")
    lang TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL,
    PRIMARY KEY (doc_id, entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id);
