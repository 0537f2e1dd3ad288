-- How many distinct shingles each signed text has, so that a shortened copy of an article (a teaser,
-- the first paragraphs of a wire story) can be recognised by containment, not only by Jaccard
-- similarity (#2). NULL for documents signed before this migration: they are compared by Jaccard only.
ALTER TABLE dedup_signatures ADD COLUMN shingles INTEGER;
