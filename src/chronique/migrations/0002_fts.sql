-- Full-text search over title and cleaned text, accents folded ("securite" finds "sécurité") (#2).
CREATE VIRTUAL TABLE docs_fts USING fts5(
    title, text,
    content='documents', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2"
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO docs_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO docs_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

-- Documents stored before this migration.
INSERT INTO docs_fts(docs_fts) VALUES ('rebuild');
