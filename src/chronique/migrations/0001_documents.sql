-- Documents, their annotation layers and the stories (duplicate groups) they belong to (#2).
-- `seq` is the rowid: FTS5 external content needs rowids that VACUUM never renumbers.
CREATE TABLE stories (
    id TEXT PRIMARY KEY,            -- the id of the story's first document
    title TEXT
);

CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,        -- content hash of source and raw (model.content_id)
    source TEXT NOT NULL,
    url TEXT,
    title TEXT,
    lang TEXT,
    published TEXT,                 -- TIMEX3 value of doc.published
    published_start TEXT,           -- first and last day it may stand for (ISO), for date filters
    published_end TEXT,
    published_json TEXT,            -- FuzzyDate.to_dict()
    raw TEXT NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    story_id TEXT NOT NULL REFERENCES stories(id),
    duplicate_of TEXT,              -- the stored document this one duplicates, if any
    similarity REAL                 -- estimated Jaccard similarity to `duplicate_of` (1.0: same text)
);
CREATE INDEX documents_story ON documents(story_id);
CREATE INDEX documents_published ON documents(published_start, published_end);
CREATE INDEX documents_source ON documents(source);

CREATE TABLE layers (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    spans TEXT NOT NULL,            -- JSON list of Span.to_dict()
    PRIMARY KEY (doc_id, name)
) WITHOUT ROWID;
