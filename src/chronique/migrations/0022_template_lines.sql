-- Line statistics per source, so that template lines (furniture a site repeats on every page) are
-- found across runs and batches, not only inside one batch (#2). `source_key` is
-- `chronique.clean.source_key` (URL host, else folder); a line is counted once per document, by
-- `chronique.clean.line_key` of its normalised text. Filled by `Store.add` for each stored document,
-- and for the documents already stored by `Store` right after this migration.
CREATE TABLE template_sources (
    source_key TEXT PRIMARY KEY,
    documents INTEGER NOT NULL      -- documents of this source counted in template_lines
) WITHOUT ROWID;

CREATE TABLE template_lines (
    source_key TEXT NOT NULL,
    line_hash INTEGER NOT NULL,     -- chronique.clean.line_key (63-bit)
    documents INTEGER NOT NULL,     -- documents of the source holding this line
    PRIMARY KEY (source_key, line_hash)
) WITHOUT ROWID;

CREATE TABLE template_documents (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    source_key TEXT NOT NULL        -- which source's statistics this document was counted in
) WITHOUT ROWID;
CREATE INDEX template_documents_source ON template_documents(source_key);
