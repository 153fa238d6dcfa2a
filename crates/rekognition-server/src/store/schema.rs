//! The tables of the SQLite engine, the migrations that bring a database written by an earlier
//! version up to date (counted in SQLite's `user_version`), and reading rows.

use rusqlite::{Connection, params};

use super::{Dataset, DatasetStats, DatasetStatus, Project, StoreError, StoreResult};
use crate::entries;

/// The first schema, as the first release wrote it; [`MIGRATIONS`] take it from there.
pub(super) const FIRST_SCHEMA: &str = "
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

/// Projects with their creation time, feature and listing position; one tags table for every
/// resource, keyed by ARN (a collection's with the `arn:` prefix); datasets with status codes,
/// update times and counts; entries with what the filters of `ListDatasetEntries` read, and their
/// labels. Entries are analysed again, and the per-line errors of the first schema (which no
/// operation shows) are dropped.
const PROJECTS_TAGS_AND_ENTRIES: &str = "
CREATE TABLE projects_new (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    created_millis INTEGER NOT NULL,
    feature TEXT NOT NULL,
    auto_update TEXT,
    UNIQUE (account, region, name)
);
INSERT INTO projects_new (account, region, name, arn, created_millis, feature)
    SELECT account, region, name, arn,
           CAST(replace(arn, rtrim(arn, '0123456789'), '') AS INTEGER), 'CUSTOM_LABELS'
    FROM projects ORDER BY rowid;
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;

CREATE TABLE tags (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account, region, arn, key)
);
INSERT INTO tags (account, region, arn, key, value)
    SELECT c.account, c.region, 'arn:' || c.arn, t.key, t.value
    FROM collection_tags t JOIN collections c ON c.position = t.position;
INSERT INTO tags (account, region, arn, key, value)
    SELECT d.account, d.region, d.arn, t.key, t.value
    FROM dataset_tags t JOIN datasets d ON d.arn = t.arn;
DROP TABLE collection_tags;
DROP TABLE dataset_tags;
UPDATE collections SET arn = 'arn:' || arn WHERE arn NOT LIKE 'arn:%';

ALTER TABLE datasets ADD COLUMN status_message_code TEXT;
ALTER TABLE datasets ADD COLUMN updated_millis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN labeled_entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN total_entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN total_labels INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN error_entries INTEGER NOT NULL DEFAULT 0;
UPDATE datasets SET updated_millis = created_millis;
UPDATE datasets SET status_message_code = CASE status
    WHEN 'CREATE_COMPLETE' THEN 'SUCCESS' WHEN 'CREATE_FAILED' THEN 'CLIENT_ERROR' END;
CREATE INDEX datasets_of_projects ON datasets (account, region, project_arn);

DROP TABLE dataset_errors;
ALTER TABLE dataset_entries RENAME TO first_entries;
CREATE TABLE dataset_entries (
    arn TEXT NOT NULL REFERENCES datasets (arn) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    source_ref TEXT NOT NULL,
    bucket TEXT NOT NULL,
    labeled INTEGER NOT NULL,
    has_errors INTEGER NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (arn, line),
    UNIQUE (arn, source_ref)
);
CREATE TABLE dataset_entry_labels (
    arn TEXT NOT NULL,
    line INTEGER NOT NULL,
    label TEXT NOT NULL,
    bounding_boxes INTEGER NOT NULL,
    PRIMARY KEY (arn, line, label),
    FOREIGN KEY (arn, line) REFERENCES dataset_entries (arn, line) ON DELETE CASCADE
);
CREATE INDEX dataset_labels ON dataset_entry_labels (arn, label);
";

/// Faces of collections (their box, confidence, user, and what identifies them: the network's
/// descriptor as 128 little-endian `f32`, or a declared person), users in creation order, and
/// the request tokens used on each collection; all go with their collection.
const FACES_AND_USERS: &str = "
CREATE TABLE faces (
    collection INTEGER NOT NULL REFERENCES collections (position) ON DELETE CASCADE,
    face_id TEXT NOT NULL,
    image_id TEXT NOT NULL,
    external_image_id TEXT,
    box_left REAL NOT NULL,
    box_top REAL NOT NULL,
    box_width REAL NOT NULL,
    box_height REAL NOT NULL,
    confidence REAL NOT NULL,
    user_id TEXT,
    descriptor BLOB,
    person TEXT,
    person_similarity REAL,
    PRIMARY KEY (collection, face_id)
) WITHOUT ROWID;
CREATE INDEX faces_of_users ON faces (collection, user_id) WHERE user_id IS NOT NULL;
CREATE TABLE users (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    collection INTEGER NOT NULL REFERENCES collections (position) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    UNIQUE (collection, user_id)
);
CREATE TABLE request_tokens (
    collection INTEGER NOT NULL REFERENCES collections (position) ON DELETE CASCADE,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (collection, token)
);
";

/// Each migration, in order: migration `n` takes a database from `user_version` `n` to `n + 1`.
const MIGRATIONS: [fn(&Connection) -> StoreResult<()>; 2] =
    [projects_tags_and_entries, faces_and_users];

fn faces_and_users(connection: &Connection) -> StoreResult<()> {
    connection.execute_batch(FACES_AND_USERS)?;
    Ok(())
}

fn projects_tags_and_entries(connection: &Connection) -> StoreResult<()> {
    connection.execute_batch(PROJECTS_TAGS_AND_ENTRIES)?;
    let arns: Vec<String> = connection
        .prepare("SELECT DISTINCT arn FROM first_entries ORDER BY arn")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for arn in arns {
        let lines: Vec<String> = connection
            .prepare("SELECT entry FROM first_entries WHERE arn = ?1 ORDER BY line")?
            .query_map(params![arn], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        // Each line on its own, so that one line the analysis refuses loses only itself.
        let kept: Vec<entries::Entry> = lines
            .iter()
            .filter_map(|line| entries::analyze(line.as_bytes()).ok())
            .flat_map(|analysis| analysis.entries)
            .collect();
        insert_entries(connection, &arn, 1, &kept)?;
        refresh_stats(connection, &arn)?;
    }
    connection.execute_batch("DROP TABLE first_entries;")?;
    Ok(())
}

/// Creates the tables of a new database, or migrates an existing one, in one transaction.
pub(super) fn prepare(connection: &mut Connection) -> StoreResult<()> {
    let transaction = connection.transaction()?;
    let version: usize = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    // Only a new or first-release database: migrated ones no longer have some of these tables.
    if version == 0 {
        transaction.execute_batch(FIRST_SCHEMA)?;
    }
    if version > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "the database is of schema version {version}, newer than this server's {}",
            MIGRATIONS.len()
        )));
    }
    for migration in &MIGRATIONS[version..] {
        migration(&transaction)?;
    }
    transaction.pragma_update(None, "user_version", MIGRATIONS.len())?;
    transaction.commit()?;
    Ok(())
}

/// Stores entries as lines `first`, `first + 1`, ..., with their labels.
pub(super) fn insert_entries(
    connection: &Connection,
    arn: &str,
    first: i64,
    entries: &[entries::Entry],
) -> StoreResult<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO dataset_entries (arn, line, source_ref, bucket, labeled, has_errors, entry)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (offset, entry) in entries.iter().enumerate() {
        let line = first + offset as i64;
        insert.execute(params![
            arn,
            line,
            entry.source_ref,
            bucket_of(&entry.source_ref),
            entry.labeled,
            entry.has_errors,
            entry.line
        ])?;
        insert_labels(connection, arn, line, entry)?;
    }
    Ok(())
}

/// Stores the labels of the entry at `line`.
pub(super) fn insert_labels(
    connection: &Connection,
    arn: &str,
    line: i64,
    entry: &entries::Entry,
) -> StoreResult<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO dataset_entry_labels (arn, line, label, bounding_boxes) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for label in &entry.labels {
        insert.execute(params![arn, line, label.name, label.bounding_boxes])?;
    }
    Ok(())
}

/// The bucket of an `s3://bucket/key` URI.
pub(super) fn bucket_of(source_ref: &str) -> &str {
    let rest = source_ref.strip_prefix("s3://").unwrap_or(source_ref);
    rest.split('/').next().unwrap_or(rest)
}

/// Recounts a dataset's entries, labeled entries, entries with errors and labels.
pub(super) fn refresh_stats(connection: &Connection, arn: &str) -> StoreResult<()> {
    connection
        .prepare_cached(
            "UPDATE datasets SET
                total_entries = (SELECT COUNT(*) FROM dataset_entries WHERE arn = ?1),
                labeled_entries = (SELECT COUNT(*) FROM dataset_entries WHERE arn = ?1 AND labeled),
                error_entries = (SELECT COUNT(*) FROM dataset_entries WHERE arn = ?1 AND has_errors),
                total_labels = (SELECT COUNT(DISTINCT label) FROM dataset_entry_labels WHERE arn = ?1)
             WHERE arn = ?1",
        )?
        .execute(params![arn])?;
    Ok(())
}

/// The columns [`dataset_row`] reads, in order.
pub(super) const DATASET_COLUMNS: &str = "arn, project_arn, dataset_type, status, status_message, \
     status_message_code, source, created_millis, updated_millis, labeled_entries, total_entries, \
     total_labels, error_entries";

/// The dataset whose [`DATASET_COLUMNS`] start at column `first`.
pub(super) fn dataset_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Dataset> {
    let status: String = row.get(first + 3)?;
    let status = status.parse::<DatasetStatus>().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            first + 3,
            rusqlite::types::Type::Text,
            format!("unknown dataset status {status:?}").into(),
        )
    })?;
    Ok(Dataset {
        arn: row.get(first)?,
        project_arn: row.get(first + 1)?,
        dataset_type: row.get(first + 2)?,
        status,
        status_message: row.get(first + 4)?,
        status_message_code: row.get(first + 5)?,
        source: row.get(first + 6)?,
        created_millis: row.get(first + 7)?,
        updated_millis: row.get(first + 8)?,
        stats: DatasetStats {
            labeled_entries: row.get(first + 9)?,
            total_entries: row.get(first + 10)?,
            total_labels: row.get(first + 11)?,
            error_entries: row.get(first + 12)?,
        },
    })
}

/// The columns [`project_row`] reads, in order.
pub(super) const PROJECT_COLUMNS: &str =
    "position, name, arn, created_millis, feature, auto_update";

/// The project whose [`PROJECT_COLUMNS`] start at column 0.
pub(super) fn project_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        position: row.get(0)?,
        name: row.get(1)?,
        arn: row.get(2)?,
        created_millis: row.get(3)?,
        feature: row.get(4)?,
        auto_update: row.get(5)?,
    })
}
