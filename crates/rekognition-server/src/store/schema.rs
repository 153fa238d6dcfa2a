//! The tables of the SQLite engine, and reading a dataset row.

use super::{Dataset, DatasetStatus};

/// Every table, created if missing when the database is opened.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    id TEXT NOT NULL,
    arn TEXT NOT NULL,
    face_model_version TEXT NOT NULL,
    created_millis INTEGER NOT NULL,
    UNIQUE (account, region, id)
);
CREATE TABLE IF NOT EXISTS collection_tags (
    position INTEGER NOT NULL REFERENCES collections (position) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (position, key)
);
CREATE TABLE IF NOT EXISTS projects (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    PRIMARY KEY (account, region, name)
);
CREATE TABLE IF NOT EXISTS datasets (
    arn TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    project_arn TEXT NOT NULL,
    dataset_type TEXT NOT NULL,
    status TEXT NOT NULL,
    status_message TEXT,
    source TEXT,
    created_millis INTEGER NOT NULL,
    UNIQUE (account, region, project_arn, dataset_type)
);
CREATE TABLE IF NOT EXISTS dataset_tags (
    arn TEXT NOT NULL REFERENCES datasets (arn) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);
CREATE TABLE IF NOT EXISTS dataset_entries (
    arn TEXT NOT NULL REFERENCES datasets (arn) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (arn, line)
);
CREATE TABLE IF NOT EXISTS dataset_errors (
    arn TEXT NOT NULL REFERENCES datasets (arn) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (arn, line)
);
";

/// The columns [`dataset_row`] reads, in order.
pub(super) const DATASET_COLUMNS: &str =
    "arn, project_arn, dataset_type, status, status_message, source";

/// The dataset whose [`DATASET_COLUMNS`] start at column `first`.
pub(super) fn dataset_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Dataset> {
    Ok(Dataset {
        arn: row.get(first)?,
        project_arn: row.get(first + 1)?,
        dataset_type: row.get(first + 2)?,
        status: DatasetStatus::parse(&row.get::<_, String>(first + 3)?),
        status_message: row.get(first + 4)?,
        source: row.get(first + 5)?,
    })
}
