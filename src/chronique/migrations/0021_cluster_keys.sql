-- The linker's block index in the store (#5): the (family, key, bucket) entries each event cluster is
-- filed under, so that linking new documents loads only the clusters their mentions may join.
CREATE TABLE cluster_keys (
    family TEXT NOT NULL,
    key TEXT NOT NULL,              -- a participant's entity id, or "@" and a place's
    bucket TEXT NOT NULL,           -- "2017-09", "--09" (September of any year), "2017", "*"
    cluster_id TEXT NOT NULL,
    PRIMARY KEY (family, key, bucket, cluster_id)
) WITHOUT ROWID;
CREATE INDEX cluster_keys_cluster ON cluster_keys(cluster_id);
