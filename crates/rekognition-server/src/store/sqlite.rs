//! The embedded engine: SQLite in WAL mode with `synchronous=FULL`, on disk or in memory. Reads
//! run on the caller's thread under the connection lock; each write is a job for the writer
//! thread ([`super::writer`]); the collection listing is answered from memory
//! ([`super::listing`]).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rusqlite::{Connection, OptionalExtension, params};

use super::face_index::FaceIndex;
use super::listing::{Change, Listed, Listing};
use super::schema::{
    DATASET_COLUMNS, PROJECT_COLUMNS, dataset_row, insert_entries, insert_labels, prepare,
    project_row, refresh_stats,
};
use super::sql_errors::insert_error;
use super::writer::Writer;
use super::{
    Collection, Committed, Dataset, DatasetStatus, Entry, EntryChange, EntryFilter, LabelStats,
    ListedCollection, NewCollection, NewDataset, NewProject, Project, ProjectQuery, Scope,
    StatusReason, Store, StoreError, StoreResult,
};

/// SQLite, on disk or in memory.
pub struct SqliteStore {
    pub(super) shared: Arc<Shared>,
    writer: Writer,
    /// Read-only connections of an on-disk database: in WAL mode they read the last commit
    /// while the writer thread writes the next, so reads neither wait for a commit nor for each
    /// other. An in-memory database has none and reads through the writer's connection.
    readers: Vec<Mutex<Connection>>,
    /// Which reader the next read tries first.
    next_reader: AtomicUsize,
}

/// How many read-only connections an on-disk database has.
const READERS: usize = 4;

/// What readers and the writer thread share.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) connection: Mutex<Connection>,
    /// Every scope's collections by position, as committed.
    pub(super) listing: RwLock<Listing>,
    /// The faces of the collections searched so far, as committed.
    pub(super) faces: RwLock<FaceIndex>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Internal(format!("creating {}: {e}", dir.display())))?;
        let file = dir.join("rekognition.sqlite3");
        let connection = Connection::open(&file)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Self::init(connection)?;
        // Opened after `init`, so that they see the prepared schema.
        store.readers = (0..READERS)
            .map(|_| {
                let reader = Connection::open(&file)?;
                reader.pragma_update(None, "query_only", "ON")?;
                reader.busy_timeout(std::time::Duration::from_secs(10))?;
                Ok(Mutex::new(reader))
            })
            .collect::<StoreResult<_>>()?;
        Ok(store)
    }

    /// A private database that lives as long as the process.
    pub fn in_memory() -> StoreResult<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Creates the tables, reads the listing and starts the writer thread.
    fn init(mut connection: Connection) -> StoreResult<Self> {
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        prepare(&mut connection)?;
        let listing = Listing::load(&connection)?;
        let shared = Arc::new(Shared {
            connection: Mutex::new(connection),
            listing: RwLock::new(listing),
            faces: RwLock::new(FaceIndex::default()),
        });
        let writer = Writer::start(Arc::clone(&shared))?;
        Ok(Self {
            shared,
            writer,
            readers: Vec::new(),
            next_reader: AtomicUsize::new(0),
        })
    }

    /// Runs a read on a free read-only connection (waiting for one if all are busy), or on the
    /// writer's connection when there are none.
    pub(super) fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        if self.readers.is_empty() {
            return self.with(|connection| work(connection));
        }
        let first = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let count = self.readers.len();
        let free =
            (0..count).find_map(|offset| self.readers[(first + offset) % count].try_lock().ok());
        let reader = match free {
            Some(reader) => reader,
            None => self.readers[first % count]
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        };
        work(&reader)
    }

    /// Runs `work` on the writer's connection, between commits.
    pub(super) fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut connection = self
            .shared
            .connection
            .lock()
            .map_err(|_| StoreError::Internal("the database lock is poisoned".into()))?;
        work(&mut connection)
    }

    /// Hands `job` to the writer thread for the next group commit.
    pub(super) fn write(
        &self,
        job: impl FnOnce(&Connection) -> StoreResult<Change> + Send + 'static,
    ) -> Committed {
        self.writer.submit(Box::new(job))
    }
}

/// The status message of a dataset whose entries changed as asked.
const UPDATED: &str = "The dataset was updated with the changed entries.";

/// The status message of datasets whose entries were distributed.
const DISTRIBUTED: &str =
    "The dataset entries were distributed between the training and test datasets.";

/// Adds or changes tags of the resource `arn`.
fn put_tags(
    connection: &Connection,
    scope: &Scope,
    arn: &str,
    tags: &[(String, String)],
) -> StoreResult<()> {
    let mut statement = connection.prepare_cached(
        "INSERT INTO tags (account, region, arn, key, value) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account, region, arn, key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in tags {
        statement.execute(params![scope.account, scope.region, arn, key, value])?;
    }
    Ok(())
}

/// Removes every tag of the resource `arn`.
fn drop_tags(connection: &Connection, scope: &Scope, arn: &str) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM tags WHERE account = ?1 AND region = ?2 AND arn = ?3")?
        .execute(params![scope.account, scope.region, arn])?;
    Ok(())
}

/// Whether the scope has a collection, project or dataset with that ARN.
fn resource_exists(connection: &Connection, scope: &Scope, arn: &str) -> StoreResult<bool> {
    Ok(connection
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM collections WHERE account = ?1 AND region = ?2 AND arn = ?3)
                 OR EXISTS (SELECT 1 FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3)
                 OR EXISTS (SELECT 1 FROM datasets WHERE account = ?1 AND region = ?2 AND arn = ?3)",
        )?
        .query_row(params![scope.account, scope.region, arn], |row| row.get(0))?)
}

/// The dataset with that ARN, read inside a write.
fn dataset_in(connection: &Connection, scope: &Scope, arn: &str) -> StoreResult<Option<Dataset>> {
    let sql = format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE account = ?1 AND region = ?2 AND arn = ?3"
    );
    Ok(connection
        .prepare_cached(&sql)?
        .query_row(params![scope.account, scope.region, arn], |row| {
            dataset_row(row, 0)
        })
        .optional()?)
}

/// Sets a dataset's status, reason and update time.
fn set_status(
    connection: &Connection,
    arn: &str,
    status: DatasetStatus,
    reason: &StatusReason,
    millis: i64,
) -> StoreResult<()> {
    connection
        .prepare_cached(
            "UPDATE datasets SET status = ?1, status_message = ?2, status_message_code = ?3,
                 updated_millis = ?4, source = NULL
             WHERE arn = ?5",
        )?
        .execute(params![
            status.as_str(),
            reason.message,
            reason.code,
            millis,
            arn
        ])?;
    Ok(())
}

/// Whether a dataset's status lets its entries change; `InUse` with the reason otherwise.
fn ready_for_change(dataset: &Dataset) -> StoreResult<()> {
    if super::is_ready(dataset.status) {
        Ok(())
    } else {
        Err(StoreError::InUse(format!(
            "The dataset {} is {}",
            dataset.arn,
            dataset.status.as_str()
        )))
    }
}

/// Puts `changes` into a dataset: an entry whose `source-ref` the dataset has replaces that
/// entry in place, others are added after the last.
fn upsert_entries(
    connection: &Connection,
    arn: &str,
    changes: &[crate::entries::Entry],
) -> StoreResult<()> {
    let mut next: i64 = connection
        .prepare_cached("SELECT COALESCE(MAX(line), 0) + 1 FROM dataset_entries WHERE arn = ?1")?
        .query_row(params![arn], |row| row.get(0))?;
    for entry in changes {
        let existing: Option<i64> = connection
            .prepare_cached("SELECT line FROM dataset_entries WHERE arn = ?1 AND source_ref = ?2")?
            .query_row(params![arn, entry.source_ref], |row| row.get(0))
            .optional()?;
        match existing {
            Some(line) => {
                connection
                    .prepare_cached(
                        "UPDATE dataset_entries SET labeled = ?1, has_errors = ?2, entry = ?3
                         WHERE arn = ?4 AND line = ?5",
                    )?
                    .execute(params![
                        entry.labeled,
                        entry.has_errors,
                        entry.line,
                        arn,
                        line
                    ])?;
                connection
                    .prepare_cached(
                        "DELETE FROM dataset_entry_labels WHERE arn = ?1 AND line = ?2",
                    )?
                    .execute(params![arn, line])?;
                insert_labels(connection, arn, line, entry)?;
            }
            None => {
                insert_entries(connection, arn, next, std::slice::from_ref(entry))?;
                next += 1;
            }
        }
    }
    Ok(())
}

/// Why a dataset's entries break a dataset-wide rule (images in one bucket, at most
/// `max_labels` labels), if they do.
fn dataset_rule_broken(
    connection: &Connection,
    arn: &str,
    max_labels: usize,
) -> StoreResult<Option<StatusReason>> {
    let buckets: i64 = connection
        .prepare_cached("SELECT COUNT(DISTINCT bucket) FROM dataset_entries WHERE arn = ?1")?
        .query_row(params![arn], |row| row.get(0))?;
    if buckets > 1 {
        return Ok(Some(StatusReason::client_error(
            crate::entries::Terminal::MULTIPLE_BUCKETS.message,
        )));
    }
    let labels: i64 = connection
        .prepare_cached("SELECT COUNT(DISTINCT label) FROM dataset_entry_labels WHERE arn = ?1")?
        .query_row(params![arn], |row| row.get(0))?;
    if labels as u64 > max_labels as u64 {
        return Ok(Some(StatusReason::client_error(
            crate::entries::Terminal::TOO_MANY_LABELS.message,
        )));
    }
    Ok(None)
}

/// Milliseconds since 1970, now.
fn now_millis() -> i64 {
    smithy_server_runtime::Timestamp::now().as_millis()
}

impl Store for SqliteStore {
    fn token_key(&self) -> StoreResult<[u8; 32]> {
        self.with(|connection| {
            let existing: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT value FROM meta WHERE key = 'token_key'",
                    [],
                    |row| row.get(0),
                )
                .optional()?;
            let bytes = match existing {
                Some(bytes) => bytes,
                None => {
                    let fresh: [u8; 32] = rand::random();
                    connection.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('token_key', ?1)",
                        params![fresh.to_vec()],
                    )?;
                    connection.query_row(
                        "SELECT value FROM meta WHERE key = 'token_key'",
                        [],
                        |row| row.get(0),
                    )?
                }
            };
            bytes
                .try_into()
                .map_err(|_| StoreError::Internal("the stored token key is not 32 bytes".into()))
        })
    }

    fn create_collection(
        &self,
        scope: &Scope,
        collection: &NewCollection,
        max_collections: Option<u64>,
    ) -> Committed {
        let (scope, collection) = (scope.clone(), collection.clone());
        self.write(move |transaction| {
            if let Some(limit) = max_collections {
                let count: i64 = transaction.query_row(
                    "SELECT COUNT(*) FROM collections WHERE account = ?1 AND region = ?2",
                    params![scope.account, scope.region],
                    |row| row.get(0),
                )?;
                if count as u64 >= limit {
                    return Err(StoreError::LimitReached(limit));
                }
            }
            transaction.execute(
                "INSERT INTO collections (account, region, id, arn, face_model_version, created_millis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    scope.account,
                    scope.region,
                    collection.id,
                    collection.arn,
                    collection.face_model_version,
                    collection.created_millis
                ],
            ).map_err(insert_error)?;
            let position = transaction.last_insert_rowid();
            put_tags(transaction, &scope, &collection.arn, &collection.tags)?;
            let listed = Listed::new(&collection.id, &collection.face_model_version);
            Ok(Change::Created(scope, position, listed))
        })
    }

    fn collection(&self, scope: &Scope, id: &str) -> StoreResult<Option<Collection>> {
        self.read(|connection| {
            Ok(connection
                .prepare_cached(
                    "SELECT id, arn, face_model_version, created_millis FROM collections
                     WHERE account = ?1 AND region = ?2 AND id = ?3",
                )?
                .query_row(params![scope.account, scope.region, id], |row| {
                    Ok(Collection {
                        id: row.get(0)?,
                        arn: row.get(1)?,
                        face_model_version: row.get(2)?,
                        created_millis: row.get(3)?,
                    })
                })
                .optional()?)
        })
    }

    fn delete_collection(&self, scope: &Scope, id: &str) -> Committed {
        let (scope, id) = (scope.clone(), id.to_owned());
        self.write(move |connection| {
            let deleted: Option<(i64, String)> = connection
                .query_row(
                    "DELETE FROM collections WHERE account = ?1 AND region = ?2 AND id = ?3 RETURNING position, arn",
                    params![scope.account, scope.region, id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            match deleted {
                None => Err(StoreError::NotFound),
                Some((position, arn)) => {
                    drop_tags(connection, &scope, &arn)?;
                    Ok(Change::Deleted(scope, position))
                }
            }
        })
    }

    fn list_collections(
        &self,
        scope: &Scope,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<ListedCollection>> {
        let listing = self
            .shared
            .listing
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(listing.page(scope, after, limit))
    }

    fn create_project(
        &self,
        scope: &Scope,
        project: &NewProject,
        max_projects: Option<u64>,
    ) -> Committed {
        let (scope, project) = (scope.clone(), project.clone());
        self.write(move |transaction| {
            if let Some(limit) = max_projects {
                let count: i64 = transaction.query_row(
                    "SELECT COUNT(*) FROM projects WHERE account = ?1 AND region = ?2",
                    params![scope.account, scope.region],
                    |row| row.get(0),
                )?;
                if count as u64 >= limit {
                    return Err(StoreError::LimitReached(limit));
                }
            }
            transaction
                .execute(
                    "INSERT INTO projects (account, region, name, arn, created_millis, feature, auto_update)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        scope.account,
                        scope.region,
                        project.name,
                        project.arn,
                        project.created_millis,
                        project.feature,
                        project.auto_update
                    ],
                )
                .map_err(insert_error)?;
            put_tags(transaction, &scope, &project.arn, &project.tags)?;
            Ok(Change::None)
        })
    }

    fn ensure_project(&self, scope: &Scope, project: &NewProject) -> StoreResult<Project> {
        let (scope, project) = (scope.clone(), project.clone());
        let name = project.name.clone();
        match self.create_project(&scope, &project, None).wait() {
            Ok(()) | Err(StoreError::AlreadyExists) => {}
            Err(error) => return Err(error),
        }
        self.with(|connection| {
            let sql = format!(
                "SELECT {PROJECT_COLUMNS} FROM projects WHERE account = ?1 AND region = ?2 AND name = ?3"
            );
            Ok(connection.query_row(
                &sql,
                params![scope.account, scope.region, name],
                project_row,
            )?)
        })
    }

    fn project(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Project>> {
        self.read(|connection| {
            let sql = format!(
                "SELECT {PROJECT_COLUMNS} FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(params![scope.account, scope.region, arn], project_row)
                .optional()?)
        })
    }

    fn projects(
        &self,
        scope: &Scope,
        query: &ProjectQuery,
    ) -> StoreResult<Vec<(Project, Vec<Dataset>)>> {
        self.read(|connection| {
            let names = query
                .names
                .as_ref()
                .map(|names| serde_json::Value::from(names.clone()).to_string());
            let features = serde_json::Value::from(query.features.clone()).to_string();
            let sql = format!(
                "SELECT {PROJECT_COLUMNS} FROM projects
                 WHERE account = ?1 AND region = ?2 AND position > ?3
                   AND (?4 IS NULL OR name IN (SELECT value FROM json_each(?4)))
                   AND feature IN (SELECT value FROM json_each(?5))
                 ORDER BY position LIMIT ?6"
            );
            let projects: Vec<Project> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![
                        scope.account,
                        scope.region,
                        query.after.unwrap_or(0),
                        names,
                        features,
                        query.limit as i64
                    ],
                    project_row,
                )?
                .collect::<Result<_, _>>()?;
            let datasets_sql = format!(
                "SELECT {DATASET_COLUMNS} FROM datasets
                 WHERE account = ?1 AND region = ?2 AND project_arn = ?3 ORDER BY created_millis, arn"
            );
            let mut datasets = connection.prepare_cached(&datasets_sql)?;
            let mut described = Vec::with_capacity(projects.len());
            for project in projects {
                let of_project = datasets
                    .query_map(params![scope.account, scope.region, project.arn], |row| {
                        dataset_row(row, 0)
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                described.push((project, of_project));
            }
            Ok(described)
        })
    }

    fn delete_project(&self, scope: &Scope, arn: &str) -> Committed {
        let (scope, arn) = (scope.clone(), arn.to_owned());
        self.write(move |connection| {
            let exists: bool = connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3)",
                params![scope.account, scope.region, arn],
                |row| row.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound);
            }
            let datasets: i64 = connection.query_row(
                "SELECT COUNT(*) FROM datasets WHERE account = ?1 AND region = ?2 AND project_arn = ?3",
                params![scope.account, scope.region, arn],
                |row| row.get(0),
            )?;
            if datasets > 0 {
                return Err(StoreError::InUse(format!(
                    "The project {arn} has {datasets} dataset(s); delete them before the project"
                )));
            }
            connection.execute(
                "DELETE FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3",
                params![scope.account, scope.region, arn],
            )?;
            drop_tags(connection, &scope, &arn)?;
            Ok(Change::None)
        })
    }

    fn create_dataset(
        &self,
        scope: &Scope,
        dataset: &NewDataset,
        max_imports: Option<u64>,
    ) -> Committed {
        let (scope, dataset) = (scope.clone(), dataset.clone());
        self.write(move |transaction| {
            // The project may have been deleted since the caller looked it up.
            let project: bool = transaction.query_row(
                "SELECT EXISTS (SELECT 1 FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3)",
                params![scope.account, scope.region, dataset.project_arn],
                |row| row.get(0),
            )?;
            if !project {
                return Err(StoreError::NotFound);
            }
            if let Some(limit) = max_imports.filter(|_| dataset.status == DatasetStatus::CreateInProgress) {
                let count: i64 = transaction.query_row(
                    "SELECT COUNT(*) FROM datasets WHERE account = ?1 AND region = ?2 AND status = ?3",
                    params![scope.account, scope.region, DatasetStatus::CreateInProgress.as_str()],
                    |row| row.get(0),
                )?;
                if count as u64 >= limit {
                    return Err(StoreError::LimitReached(limit));
                }
            }
            transaction.execute(
                "INSERT INTO datasets (arn, account, region, project_arn, dataset_type, status,
                     status_message, status_message_code, source, created_millis, updated_millis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    dataset.arn,
                    scope.account,
                    scope.region,
                    dataset.project_arn,
                    dataset.dataset_type,
                    dataset.status.as_str(),
                    dataset.reason.as_ref().map(|r| &r.message),
                    dataset.reason.as_ref().map(|r| r.code),
                    dataset.source,
                    dataset.created_millis
                ],
            ).map_err(insert_error)?;
            put_tags(transaction, &scope, &dataset.arn, &dataset.tags)?;
            insert_entries(transaction, &dataset.arn, 1, &dataset.entries)?;
            refresh_stats(transaction, &dataset.arn)?;
            Ok(Change::None)
        })
    }

    fn dataset(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Dataset>> {
        self.read(|connection| dataset_in(connection, scope, arn))
    }

    fn dataset_entries(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<String>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT e.entry FROM dataset_entries e JOIN datasets d ON d.arn = e.arn
                 WHERE d.account = ?1 AND d.region = ?2 AND e.arn = ?3 ORDER BY e.line",
            )?;
            let rows =
                statement.query_map(params![scope.account, scope.region, arn], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn list_entries(
        &self,
        scope: &Scope,
        arn: &str,
        filter: &EntryFilter,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<(i64, String)>> {
        self.read(|connection| {
            let labels = filter
                .contains_labels
                .as_ref()
                .map(|labels| serde_json::Value::from(labels.clone()).to_string());
            let mut statement = connection.prepare_cached(
                "SELECT e.line, e.entry FROM dataset_entries e JOIN datasets d ON d.arn = e.arn
                 WHERE d.account = ?1 AND d.region = ?2 AND e.arn = ?3 AND e.line > ?4
                   AND (?5 IS NULL OR e.labeled = ?5)
                   AND (?6 IS NULL OR e.has_errors = ?6)
                   AND (?7 IS NULL OR instr(e.source_ref, ?7) > 0)
                   AND (?8 IS NULL OR EXISTS (
                        SELECT 1 FROM dataset_entry_labels l
                        WHERE l.arn = e.arn AND l.line = e.line
                          AND l.label IN (SELECT value FROM json_each(?8))))
                 ORDER BY e.line LIMIT ?9",
            )?;
            let rows = statement.query_map(
                params![
                    scope.account,
                    scope.region,
                    arn,
                    after.unwrap_or(0),
                    filter.labeled,
                    filter.has_errors,
                    filter.source_ref_contains,
                    labels,
                    limit as i64
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn dataset_labels(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<LabelStats>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT l.label, COUNT(*), SUM(l.bounding_boxes > 0)
                 FROM dataset_entry_labels l JOIN datasets d ON d.arn = l.arn
                 WHERE d.account = ?1 AND d.region = ?2 AND l.arn = ?3
                 GROUP BY l.label ORDER BY l.label",
            )?;
            let rows = statement.query_map(params![scope.account, scope.region, arn], |row| {
                Ok(LabelStats {
                    name: row.get(0)?,
                    entry_count: row.get(1)?,
                    bounding_box_count: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn finish_dataset(
        &self,
        scope: &Scope,
        arn: &str,
        status: DatasetStatus,
        reason: &StatusReason,
        entries: &[Entry],
    ) -> Committed {
        let (scope, arn, reason) = (scope.clone(), arn.to_owned(), reason.clone());
        let entries = entries.to_vec();
        self.write(move |transaction| {
            match dataset_in(transaction, &scope, &arn)? {
                Some(dataset) if dataset.status == DatasetStatus::CreateInProgress => {}
                Some(_) => return Err(StoreError::InUse(format!("The dataset {arn} is settled"))),
                None => return Err(StoreError::NotFound),
            }
            transaction.execute("DELETE FROM dataset_entries WHERE arn = ?1", params![arn])?;
            insert_entries(transaction, &arn, 1, &entries)?;
            refresh_stats(transaction, &arn)?;
            set_status(transaction, &arn, status, &reason, now_millis())?;
            Ok(Change::None)
        })
    }

    fn update_entries(
        &self,
        scope: &Scope,
        arn: &str,
        change: EntryChange,
        max_labels: usize,
    ) -> Committed {
        let (scope, arn) = (scope.clone(), arn.to_owned());
        self.write(move |transaction| {
            let dataset = dataset_in(transaction, &scope, &arn)?.ok_or(StoreError::NotFound)?;
            ready_for_change(&dataset)?;
            let refused = match change {
                EntryChange::Refused(reason) => Some(reason),
                EntryChange::Upsert(changes) => {
                    transaction.execute_batch("SAVEPOINT apply_changes")?;
                    upsert_entries(transaction, &arn, &changes)?;
                    let broken = dataset_rule_broken(transaction, &arn, max_labels)?;
                    let end = if broken.is_some() {
                        "ROLLBACK TO apply_changes; RELEASE apply_changes"
                    } else {
                        "RELEASE apply_changes"
                    };
                    transaction.execute_batch(end)?;
                    broken
                }
            };
            match refused {
                Some(reason) => set_status(
                    transaction,
                    &arn,
                    DatasetStatus::UpdateFailed,
                    &reason,
                    now_millis(),
                )?,
                None => {
                    refresh_stats(transaction, &arn)?;
                    set_status(
                        transaction,
                        &arn,
                        DatasetStatus::UpdateComplete,
                        &StatusReason::success(UPDATED),
                        now_millis(),
                    )?;
                }
            }
            Ok(Change::None)
        })
    }

    fn distribute_entries(
        &self,
        scope: &Scope,
        train_arn: &str,
        test_arn: &str,
        share: i64,
        refusal: &StatusReason,
    ) -> Committed {
        let scope = scope.clone();
        let (train_arn, test_arn, refusal) =
            (train_arn.to_owned(), test_arn.to_owned(), refusal.clone());
        self.write(move |transaction| {
            let train = dataset_in(transaction, &scope, &train_arn)?.ok_or(StoreError::NotFound)?;
            let test = dataset_in(transaction, &scope, &test_arn)?.ok_or(StoreError::NotFound)?;
            if train.dataset_type != "TRAIN" || test.dataset_type != "TEST" {
                return Err(StoreError::Invalid(
                    "Datasets must be the training and the test dataset of a project".into(),
                ));
            }
            if train.project_arn != test.project_arn {
                return Err(StoreError::Invalid(
                    "The training and test datasets must belong to the same project".into(),
                ));
            }
            for dataset in [&train, &test] {
                if !super::is_ready(dataset.status) {
                    return Err(StoreError::NotReady(format!(
                        "The dataset {} is {}",
                        dataset.arn,
                        dataset.status.as_str()
                    )));
                }
            }
            if test.stats.total_entries > 0 {
                return Err(StoreError::Invalid(format!(
                    "The test dataset {test_arn} must be empty to receive distributed entries"
                )));
            }
            let now = now_millis();
            let moving: Vec<i64> = transaction
                .prepare_cached(
                    "SELECT line FROM (
                         SELECT line, ROW_NUMBER() OVER (ORDER BY line) AS n
                         FROM dataset_entries WHERE arn = ?1)
                     WHERE n % ?2 = 0 ORDER BY line",
                )?
                .query_map(params![train_arn, share], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            if moving.is_empty() {
                for arn in [&train_arn, &test_arn] {
                    set_status(transaction, arn, DatasetStatus::UpdateFailed, &refusal, now)?;
                }
                return Ok(Change::None);
            }
            for (index, line) in moving.iter().enumerate() {
                let new_line = index as i64 + 1;
                // Labels follow their entry: insert the entry under the test dataset, move the
                // labels, then drop the training entry.
                transaction
                    .prepare_cached(
                        "INSERT INTO dataset_entries (arn, line, source_ref, bucket, labeled, has_errors, entry)
                         SELECT ?1, ?2, source_ref, bucket, labeled, has_errors, entry
                         FROM dataset_entries WHERE arn = ?3 AND line = ?4",
                    )?
                    .execute(params![test_arn, new_line, train_arn, line])?;
                transaction
                    .prepare_cached(
                        "UPDATE dataset_entry_labels SET arn = ?1, line = ?2 WHERE arn = ?3 AND line = ?4",
                    )?
                    .execute(params![test_arn, new_line, train_arn, line])?;
                transaction
                    .prepare_cached("DELETE FROM dataset_entries WHERE arn = ?1 AND line = ?2")?
                    .execute(params![train_arn, line])?;
            }
            let done = StatusReason::success(DISTRIBUTED);
            for arn in [&train_arn, &test_arn] {
                refresh_stats(transaction, arn)?;
                set_status(transaction, arn, DatasetStatus::UpdateComplete, &done, now)?;
            }
            Ok(Change::None)
        })
    }

    fn delete_dataset(&self, scope: &Scope, arn: &str) -> Committed {
        let (scope, arn) = (scope.clone(), arn.to_owned());
        self.write(move |transaction| {
            let dataset = dataset_in(transaction, &scope, &arn)?.ok_or(StoreError::NotFound)?;
            if matches!(
                dataset.status,
                DatasetStatus::CreateInProgress | DatasetStatus::UpdateInProgress
            ) {
                return Err(StoreError::InUse(format!(
                    "The dataset {arn} is {}",
                    dataset.status.as_str()
                )));
            }
            transaction.execute(
                "DELETE FROM dataset_entry_labels WHERE arn = ?1",
                params![arn],
            )?;
            transaction.execute("DELETE FROM dataset_entries WHERE arn = ?1", params![arn])?;
            transaction.execute("DELETE FROM datasets WHERE arn = ?1", params![arn])?;
            drop_tags(transaction, &scope, &arn)?;
            Ok(Change::None)
        })
    }

    fn datasets_in_progress(&self) -> StoreResult<Vec<(Scope, Dataset)>> {
        self.read(|connection| {
            let sql = format!(
                "SELECT account, region, {DATASET_COLUMNS} FROM datasets
                 WHERE status = 'CREATE_IN_PROGRESS' ORDER BY created_millis"
            );
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map([], |row| {
                let scope = Scope {
                    account: row.get(0)?,
                    region: row.get(1)?,
                };
                Ok((scope, dataset_row(row, 2)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn tags(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Vec<(String, String)>>> {
        self.read(|connection| {
            if !resource_exists(connection, scope, arn)? {
                return Ok(None);
            }
            let tags = connection
                .prepare_cached(
                    "SELECT key, value FROM tags WHERE account = ?1 AND region = ?2 AND arn = ?3
                     ORDER BY key",
                )?
                .query_map(params![scope.account, scope.region, arn], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(tags))
        })
    }

    fn tag_resource(
        &self,
        scope: &Scope,
        arn: &str,
        tags: &[(String, String)],
        max_tags: u64,
    ) -> Committed {
        let (scope, arn, tags) = (scope.clone(), arn.to_owned(), tags.to_vec());
        self.write(move |transaction| {
            if !resource_exists(transaction, &scope, &arn)? {
                return Err(StoreError::NotFound);
            }
            put_tags(transaction, &scope, &arn, &tags)?;
            let count: i64 = transaction.query_row(
                "SELECT COUNT(*) FROM tags WHERE account = ?1 AND region = ?2 AND arn = ?3",
                params![scope.account, scope.region, arn],
                |row| row.get(0),
            )?;
            if count as u64 > max_tags {
                return Err(StoreError::LimitReached(max_tags));
            }
            Ok(Change::None)
        })
    }

    fn untag_resource(&self, scope: &Scope, arn: &str, keys: &[String]) -> Committed {
        let (scope, arn, keys) = (scope.clone(), arn.to_owned(), keys.to_vec());
        self.write(move |transaction| {
            if !resource_exists(transaction, &scope, &arn)? {
                return Err(StoreError::NotFound);
            }
            let mut statement = transaction.prepare_cached(
                "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND arn = ?3 AND key = ?4",
            )?;
            for key in &keys {
                statement.execute(params![scope.account, scope.region, arn, key])?;
            }
            Ok(Change::None)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(account: &str) -> Scope {
        Scope {
            account: account.into(),
            region: "us-east-1".into(),
        }
    }

    fn collection(id: &str) -> NewCollection {
        NewCollection {
            id: id.into(),
            arn: format!("arn:aws:rekognition:us-east-1:1:collection/{id}"),
            face_model_version: "7.0".into(),
            created_millis: 0,
            tags: vec![("k".into(), "v".into())],
        }
    }

    #[test]
    fn collections_are_unique_per_scope_and_listed_in_creation_order() {
        let store = SqliteStore::in_memory().unwrap();
        store
            .create_collection(&scope("a"), &collection("x"), None)
            .wait()
            .unwrap();
        assert!(matches!(
            store
                .create_collection(&scope("a"), &collection("x"), None)
                .wait(),
            Err(StoreError::AlreadyExists)
        ));
        store
            .create_collection(&scope("b"), &collection("x"), Some(1))
            .wait()
            .unwrap();
        store
            .create_collection(&scope("a"), &collection("w"), Some(2))
            .wait()
            .unwrap();
        assert!(matches!(
            store
                .create_collection(&scope("a"), &collection("v"), Some(2))
                .wait(),
            Err(StoreError::LimitReached(2))
        ));
        let listed: Vec<String> = store
            .list_collections(&scope("a"), None, 10)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed, ["x", "w"]);
        store.delete_collection(&scope("a"), "x").wait().unwrap();
        assert!(matches!(
            store.delete_collection(&scope("a"), "x").wait(),
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store.list_collections(&scope("b"), None, 10).unwrap().len(),
            1
        );
    }

    #[test]
    fn concurrent_writes_share_commits_and_fail_alone() {
        let dir = std::env::temp_dir().join(format!("store-group-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = std::sync::Arc::new(SqliteStore::open(&dir).unwrap());
        let threads: Vec<_> = (0..32)
            .map(|i| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || {
                    // Even threads all create "same"; odd ones each a collection of their own.
                    let id = if i % 2 == 0 {
                        "same".to_owned()
                    } else {
                        format!("own{i}")
                    };
                    store
                        .create_collection(&scope("a"), &collection(&id), None)
                        .wait()
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let duplicates = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::AlreadyExists)))
            .count();
        assert_eq!(duplicates, 15, "{results:?}");
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 17);
        drop(store);
        // Everything acknowledged is there on reopening, each with its tags.
        let reopened = SqliteStore::open(&dir).unwrap();
        assert_eq!(
            reopened
                .list_collections(&scope("a"), None, 100)
                .unwrap()
                .len(),
            17
        );
        let tags: i64 = reopened
            .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM tags", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(tags, 17);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn constraint_violations_other_than_the_created_key_are_internal_failures() {
        let store = SqliteStore::in_memory().unwrap();
        let internal = |result: StoreResult<()>, why: &str| match result {
            Err(StoreError::Internal(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("expected an internal failure ({why}), got {other:?}"),
        };
        // A foreign key and a NOT NULL violation, through the writer thread like every write.
        let orphan_tag = store.write(|connection| {
            connection.execute(
                "INSERT INTO dataset_entries (arn, line, source_ref, bucket, labeled, has_errors, entry)
                 VALUES ('nowhere', 1, 's3://b/k', 'b', 0, 0, '{}')",
                [],
            )?;
            Ok(Change::None)
        });
        internal(orphan_tag.wait(), "FOREIGN KEY constraint failed");
        let null_value = store.write(|connection| {
            connection.execute("INSERT INTO meta (key, value) VALUES ('k', NULL)", [])?;
            Ok(Change::None)
        });
        internal(null_value.wait(), "NOT NULL constraint failed");
        // The collection's own key still means it exists.
        store
            .create_collection(&scope("a"), &collection("x"), None)
            .wait()
            .unwrap();
        assert!(matches!(
            store
                .create_collection(&scope("a"), &collection("x"), None)
                .wait(),
            Err(StoreError::AlreadyExists)
        ));
    }

    #[test]
    fn token_key_is_kept() {
        let dir = std::env::temp_dir().join(format!("store-test-{}", std::process::id()));
        let first = SqliteStore::open(&dir).unwrap().token_key().unwrap();
        let second = SqliteStore::open(&dir).unwrap().token_key().unwrap();
        assert_eq!(first, second);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A scope of account `111122223333` in `region`.
    fn in_region(region: &str) -> Scope {
        Scope {
            account: "111122223333".into(),
            region: region.into(),
        }
    }

    /// A fresh folder for an on-disk store, named after the test.
    fn fresh_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    const CLASSIFICATION_METADATA: &str = r#""confidence":0.95,"type":"groundtruth/image-classification","human-annotated":"yes","creation-date":"2024-03-01T10:00:00.000""#;

    /// A manifest line giving `image` (in `bucket`) the image-level label `label`.
    fn classified(bucket: &str, image: &str, label: &str) -> String {
        format!(
            r#"{{"source-ref":"s3://{bucket}/{image}","flower":1,"flower-metadata":{{"class-name":"{label}",{CLASSIFICATION_METADATA}}}}}"#
        )
    }

    /// A manifest line with two `dog` boxes and one `cat` box, and, when `broken`, a second
    /// attribute of an unknown type (an error, though the line keeps its boxes).
    fn boxed(image: &str, broken: bool) -> String {
        let extra = if broken {
            r#","odd":1,"odd-metadata":{"class-name":"x","type":"groundtruth/unknown"}"#
        } else {
            ""
        };
        format!(
            r#"{{"source-ref":"s3://bucket/{image}","boxes":{{"annotations":[{{"class_id":0,"top":1,"left":2,"width":3,"height":4}},{{"class_id":1,"top":1,"left":2,"width":3,"height":4}},{{"class_id":0,"top":5,"left":6,"width":7,"height":8}}]}},"boxes-metadata":{{"objects":[],"class-map":{{"0":"dog","1":"cat"}},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2024-03-01T10:00:00"}}{extra}}}"#
        )
    }

    /// The entries manifest lines give.
    fn analysed(lines: &[String]) -> Vec<Entry> {
        crate::entries::analyze(lines.join("\n").as_bytes())
            .expect("the lines are a valid manifest")
            .entries
    }

    fn new_project(scope: &Scope, name: &str, millis: i64) -> NewProject {
        NewProject {
            name: name.into(),
            arn: crate::arn::project(scope, name, millis),
            created_millis: millis,
            feature: "CUSTOM_LABELS".into(),
            auto_update: None,
            tags: Vec::new(),
        }
    }

    fn new_dataset(
        scope: &Scope,
        project: &NewProject,
        kind: &str,
        millis: i64,
        entries: Vec<Entry>,
    ) -> NewDataset {
        NewDataset {
            arn: crate::arn::dataset(scope, &project.name, &kind.to_lowercase(), millis),
            project_arn: project.arn.clone(),
            dataset_type: kind.into(),
            status: DatasetStatus::CreateComplete,
            reason: Some(StatusReason::success("created")),
            entries,
            created_millis: millis,
            tags: Vec::new(),
            source: None,
        }
    }

    fn labels(store: &SqliteStore, scope: &Scope, arn: &str) -> Vec<(String, i64, i64)> {
        store
            .dataset_labels(scope, arn)
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.entry_count, l.bounding_box_count))
            .collect()
    }

    fn label(name: &str, entries: i64, boxes: i64) -> (String, i64, i64) {
        (name.into(), entries, boxes)
    }

    fn custom_labels(limit: usize) -> ProjectQuery {
        ProjectQuery {
            names: None,
            features: vec!["CUSTOM_LABELS".into()],
            after: None,
            limit,
        }
    }

    /// Everything a migrated database answers, for comparing two openings.
    fn migrated_state(store: &SqliteStore, scopes: &[&Scope], arns: &[&str]) -> String {
        let mut state = format!("{:?}", store.token_key().unwrap());
        for scope in scopes {
            state.push_str(&format!(
                "{:?}{:?}",
                store.projects(scope, &custom_labels(100)).unwrap(),
                store.list_collections(scope, None, 100).unwrap()
            ));
            for arn in arns {
                state.push_str(&format!(
                    "{:?}{:?}{:?}{:?}",
                    store.tags(scope, arn).unwrap(),
                    store.dataset_entries(scope, arn).unwrap(),
                    store.dataset_labels(scope, arn).unwrap(),
                    store
                        .list_entries(scope, arn, &EntryFilter::default(), None, 100)
                        .unwrap()
                ));
            }
        }
        let schema: Vec<(String, Option<String>)> = store
            .with(|c| {
                Ok(
                    c.prepare("SELECT name, sql FROM sqlite_master ORDER BY name")?
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<Result<_, _>>()?,
                )
            })
            .unwrap();
        state.push_str(&format!("{schema:?}"));
        state
    }

    fn user_version(store: &SqliteStore) -> i64 {
        store
            .with(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn a_first_release_database_is_migrated_once() {
        let dir = fresh_dir("migration");
        std::fs::create_dir_all(&dir).unwrap();
        let east = in_region("us-east-1");
        let china = in_region("cn-north-1");
        let project = "arn:aws:rekognition:us-east-1:111122223333:project/flowers/1690405809285";
        let china_project =
            "arn:aws-cn:rekognition:cn-north-1:111122223333:project/flowers/1690405809999";
        let train = "arn:aws:rekognition:us-east-1:111122223333:project/flowers/dataset/train/1690476084535";
        let test =
            "arn:aws:rekognition:us-east-1:111122223333:project/flowers/dataset/test/1690476090000";
        let collection = "arn:aws:rekognition:us-east-1:111122223333:collection/faces";
        let first_lines = [
            classified("bucket", "1.jpg", "camellia"),
            boxed("2.jpg", true),
            "not json".to_owned(),
        ];
        {
            let first = Connection::open(dir.join("rekognition.sqlite3")).unwrap();
            first
                .execute_batch(super::super::schema::FIRST_SCHEMA)
                .unwrap();
            let version: i64 = first
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, 0);
            first
                .execute(
                    "INSERT INTO meta (key, value) VALUES ('token_key', ?1)",
                    params![vec![7u8; 32]],
                )
                .unwrap();
            first
                .execute_batch(&format!(
                    "INSERT INTO collections (account, region, id, arn, face_model_version, created_millis)
                         VALUES ('111122223333', 'us-east-1', 'faces', '{}', '6.0', 1690000000000);
                     INSERT INTO collection_tags (position, key, value) VALUES (1, 'team', 'vision');
                     INSERT INTO projects (account, region, name, arn)
                         VALUES ('111122223333', 'us-east-1', 'flowers', '{project}');
                     INSERT INTO projects (account, region, name, arn)
                         VALUES ('111122223333', 'cn-north-1', 'flowers', '{china_project}');
                     INSERT INTO datasets (arn, account, region, project_arn, dataset_type, status,
                             status_message, source, created_millis)
                         VALUES ('{train}', '111122223333', 'us-east-1', '{project}', 'TRAIN',
                             'CREATE_COMPLETE',
                             'The dataset was successfully created from the manifest file.',
                             NULL, 1690476084535);
                     INSERT INTO datasets (arn, account, region, project_arn, dataset_type, status,
                             status_message, source, created_millis)
                         VALUES ('{test}', '111122223333', 'us-east-1', '{project}', 'TEST',
                             'CREATE_FAILED', 'The manifest file is empty.', NULL, 1690476090000);
                     INSERT INTO dataset_tags (arn, key, value) VALUES ('{train}', 'split', 'train');",
                    collection.strip_prefix("arn:").unwrap()
                ))
                .unwrap();
            for (line, entry) in first_lines.iter().enumerate() {
                first
                    .execute(
                        "INSERT INTO dataset_entries (arn, line, entry) VALUES (?1, ?2, ?3)",
                        params![train, line as i64 + 1, entry],
                    )
                    .unwrap();
            }
            first
                .execute(
                    "INSERT INTO dataset_errors (arn, line, message) VALUES (?1, 3, 'The JSON Line has an invalid format.')",
                    params![train],
                )
                .unwrap();
        }

        let store = SqliteStore::open(&dir).unwrap();
        assert_eq!(user_version(&store), 2);
        assert_eq!(store.token_key().unwrap(), [7u8; 32]);
        let tables: Vec<String> = store
            .with(|c| {
                Ok(
                    c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<_, _>>()?,
                )
            })
            .unwrap();
        for gone in [
            "collection_tags",
            "dataset_errors",
            "dataset_tags",
            "first_entries",
        ] {
            assert!(!tables.iter().any(|t| t == gone), "{gone}: {tables:?}");
        }

        // Projects: created_millis read from the ARN (in any partition), CUSTOM_LABELS, in the
        // order they were stored, each with its datasets.
        let described = store.projects(&east, &custom_labels(10)).unwrap();
        let [(flowers, datasets)] = described.as_slice() else {
            panic!("{described:?}");
        };
        assert_eq!(
            flowers,
            &Project {
                position: 1,
                name: "flowers".into(),
                arn: project.into(),
                created_millis: 1690405809285,
                feature: "CUSTOM_LABELS".into(),
                auto_update: None,
            }
        );
        let arns: Vec<&str> = datasets.iter().map(|d| d.arn.as_str()).collect();
        assert_eq!(arns, [train, test]);
        let china_projects = store.projects(&china, &custom_labels(10)).unwrap();
        assert_eq!(china_projects.len(), 1);
        assert_eq!(china_projects[0].0.created_millis, 1690405809999);
        assert_eq!(
            store.project(&east, project).unwrap().as_ref(),
            Some(flowers)
        );

        // Datasets: a status code from the status, updated at creation, counts of the
        // re-analysed entries (the line that is not JSON is gone, its error row with it).
        let trained = store.dataset(&east, train).unwrap().unwrap();
        assert_eq!(trained.status, DatasetStatus::CreateComplete);
        assert_eq!(trained.status_message_code.as_deref(), Some("SUCCESS"));
        assert_eq!(trained.updated_millis, trained.created_millis);
        assert_eq!(
            trained.stats,
            super::super::DatasetStats {
                labeled_entries: 2,
                total_entries: 2,
                total_labels: 3,
                error_entries: 1,
            }
        );
        let failed = store.dataset(&east, test).unwrap().unwrap();
        assert_eq!(failed.status, DatasetStatus::CreateFailed);
        assert_eq!(failed.status_message_code.as_deref(), Some("CLIENT_ERROR"));
        assert_eq!(
            failed.status_message.as_deref(),
            Some("The manifest file is empty.")
        );
        let expected: Vec<String> = analysed(&first_lines[..2])
            .into_iter()
            .map(|e| e.line)
            .collect();
        assert_eq!(store.dataset_entries(&east, train).unwrap(), expected);
        assert!(expected[0].ends_with(r#""cl-metadata":{"is_labeled":true}}"#));
        assert_eq!(
            labels(&store, &east, train),
            [
                label("camellia", 1, 0),
                label("cat", 1, 1),
                label("dog", 1, 1)
            ]
        );
        let with_errors = EntryFilter {
            has_errors: Some(true),
            ..EntryFilter::default()
        };
        let listed = store
            .list_entries(&east, train, &with_errors, None, 10)
            .unwrap();
        assert_eq!(listed, [(2, expected[1].clone())]);
        let with_dog = EntryFilter {
            contains_labels: Some(vec!["dog".into()]),
            ..EntryFilter::default()
        };
        assert_eq!(
            store
                .list_entries(&east, train, &with_dog, None, 10)
                .unwrap(),
            [(2, expected[1].clone())]
        );

        // Tags: one table, keyed by full ARNs; the collection's ARN gains its `arn:` prefix.
        assert_eq!(
            store.collection(&east, "faces").unwrap().unwrap().arn,
            collection
        );
        assert_eq!(
            store.tags(&east, collection).unwrap(),
            Some(vec![("team".into(), "vision".into())])
        );
        assert_eq!(
            store
                .tags(&east, collection.strip_prefix("arn:").unwrap())
                .unwrap(),
            None
        );
        assert_eq!(
            store.tags(&east, train).unwrap(),
            Some(vec![("split".into(), "train".into())])
        );
        assert_eq!(store.tags(&east, project).unwrap(), Some(vec![]));
        assert_eq!(store.tags(&east, test).unwrap(), Some(vec![]));
        let listed: Vec<String> = store
            .list_collections(&east, None, 10)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed, ["faces"]);

        // Opening again changes nothing.
        let scopes = [&east, &china];
        let arns = [project, china_project, train, test, collection];
        let state = migrated_state(&store, &scopes, &arns);
        drop(store);
        let store = SqliteStore::open(&dir).unwrap();
        assert_eq!(user_version(&store), 2);
        assert_eq!(migrated_state(&store, &scopes, &arns), state);

        // And the migrated data takes new writes.
        store
            .tag_resource(&east, collection, &[("env".into(), "prod".into())], 200)
            .wait()
            .unwrap();
        store
            .update_entries(
                &east,
                train,
                EntryChange::Upsert(analysed(&[classified("bucket", "3.jpg", "rose")])),
                250,
            )
            .wait()
            .unwrap();
        let positions: Vec<i64> = store
            .list_entries(&east, train, &EntryFilter::default(), None, 10)
            .unwrap()
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(positions, [1, 2, 3]);
        let late = new_project(&east, "late", 1700000000000);
        store.create_project(&east, &late, None).wait().unwrap();
        let positions: Vec<i64> = store
            .projects(&east, &custom_labels(10))
            .unwrap()
            .into_iter()
            .map(|(p, _)| p.position)
            .collect();
        assert_eq!(positions, [1, 3]);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_database_of_a_newer_schema_is_refused() {
        let dir = fresh_dir("newer-schema");
        drop(SqliteStore::open(&dir).unwrap());
        {
            let connection = Connection::open(dir.join("rekognition.sqlite3")).unwrap();
            connection.pragma_update(None, "user_version", 3).unwrap();
        }
        match SqliteStore::open(&dir) {
            Err(StoreError::Internal(message)) => {
                assert!(message.contains("schema version 3"), "{message}")
            }
            other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn concurrent_writers_of_projects_datasets_entries_and_tags_survive_reopening() {
        let dir = fresh_dir("group-custom-labels");
        let scope = in_region("us-east-1");
        let store = std::sync::Arc::new(SqliteStore::open(&dir).unwrap());
        let base = new_project(&scope, "base", 1);
        store.create_project(&scope, &base, None).wait().unwrap();
        let shared = new_dataset(&scope, &base, "TRAIN", 2, Vec::new());
        store.create_dataset(&scope, &shared, None).wait().unwrap();
        let threads: Vec<_> = (0..48)
            .map(|i: i64| {
                let (store, scope, base, shared) = (
                    std::sync::Arc::clone(&store),
                    scope.clone(),
                    base.clone(),
                    shared.arn.clone(),
                );
                std::thread::spawn(move || -> Vec<StoreResult<()>> {
                    match i % 4 {
                        // All create the same project: one wins.
                        0 => vec![
                            store
                                .create_project(&scope, &new_project(&scope, "same", 100 + i), None)
                                .wait(),
                        ],
                        // A project of its own with a tagged dataset of one entry.
                        1 => {
                            let mut project = new_project(&scope, &format!("own{i}"), 100 + i);
                            project.tags = vec![("n".into(), i.to_string())];
                            let created = store.create_project(&scope, &project, None).wait();
                            let entries =
                                analysed(&[classified("bucket", &format!("{i}.jpg"), "own")]);
                            let mut dataset =
                                new_dataset(&scope, &project, "TRAIN", 200 + i, entries);
                            dataset.tags = vec![("split".into(), "train".into())];
                            vec![created, store.create_dataset(&scope, &dataset, None).wait()]
                        }
                        // Entries added to one shared dataset.
                        2 => {
                            let entries = analysed(&[classified(
                                "bucket",
                                &format!("{i}.jpg"),
                                &format!("l{}", i % 3),
                            )]);
                            vec![
                                store
                                    .update_entries(
                                        &scope,
                                        &shared,
                                        EntryChange::Upsert(entries),
                                        250,
                                    )
                                    .wait(),
                            ]
                        }
                        // A tag for a resource that is not there fails alone; one on the base
                        // project succeeds.
                        _ => vec![
                            store
                                .tag_resource(
                                    &scope,
                                    "arn:aws:rekognition:us-east-1:111122223333:project/none/1",
                                    &[("k".into(), "v".into())],
                                    200,
                                )
                                .wait(),
                            store
                                .tag_resource(
                                    &scope,
                                    &base.arn,
                                    &[(format!("k{i}"), "v".into())],
                                    200,
                                )
                                .wait(),
                        ],
                    }
                })
            })
            .collect();
        let results: Vec<(i64, Vec<StoreResult<()>>)> = threads
            .into_iter()
            .enumerate()
            .map(|(i, t)| (i as i64, t.join().unwrap()))
            .collect();
        let same_won = results
            .iter()
            .filter(|(i, r)| i % 4 == 0 && r[0].is_ok())
            .count();
        assert_eq!(same_won, 1, "{results:?}");
        for (i, outcome) in &results {
            match i % 4 {
                0 => assert!(
                    matches!(outcome[0], Ok(()) | Err(StoreError::AlreadyExists)),
                    "{outcome:?}"
                ),
                3 => {
                    assert!(
                        matches!(outcome[0], Err(StoreError::NotFound)),
                        "{outcome:?}"
                    );
                    assert!(outcome[1].is_ok(), "{outcome:?}");
                }
                _ => assert!(outcome.iter().all(Result::is_ok), "{i}: {outcome:?}"),
            }
        }
        drop(store);

        // Everything acknowledged is there on reopening.
        let store = SqliteStore::open(&dir).unwrap();
        let projects = store.projects(&scope, &custom_labels(100)).unwrap();
        assert_eq!(projects.len(), 1 + 1 + 12, "{projects:?}");
        for (project, datasets) in &projects {
            if let Some(i) = project.name.strip_prefix("own") {
                assert_eq!(
                    store.tags(&scope, &project.arn).unwrap(),
                    Some(vec![("n".into(), i.to_owned())])
                );
                let [dataset] = datasets.as_slice() else {
                    panic!("{datasets:?}");
                };
                assert_eq!(dataset.stats.total_entries, 1);
                assert_eq!(
                    store.tags(&scope, &dataset.arn).unwrap(),
                    Some(vec![("split".into(), "train".into())])
                );
            }
        }
        let shared_now = store.dataset(&scope, &shared.arn).unwrap().unwrap();
        assert_eq!(shared_now.status, DatasetStatus::UpdateComplete);
        assert_eq!(shared_now.stats.total_entries, 12);
        assert_eq!(shared_now.stats.labeled_entries, 12);
        assert_eq!(shared_now.stats.total_labels, 3);
        assert_eq!(
            labels(&store, &scope, &shared.arn),
            [label("l0", 4, 0), label("l1", 4, 0), label("l2", 4, 0)]
        );
        let positions: Vec<i64> = store
            .list_entries(&scope, &shared.arn, &EntryFilter::default(), None, 100)
            .unwrap()
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(positions, (1..=12).collect::<Vec<_>>());
        let base_tags = store.tags(&scope, &base.arn).unwrap().unwrap();
        assert_eq!(base_tags.len(), 12);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_refused_update_changes_no_entry_and_fails_the_dataset() {
        let store = SqliteStore::in_memory().unwrap();
        let scope = in_region("us-east-1");
        let project = new_project(&scope, "p", 1);
        store.create_project(&scope, &project, None).wait().unwrap();
        let lines = [
            classified("bucket", "1.jpg", "camellia"),
            boxed("2.jpg", false),
            r#"{"source-ref":"s3://bucket/3.jpg"}"#.to_owned(),
        ];
        let dataset = new_dataset(&scope, &project, "TRAIN", 2, analysed(&lines));
        store.create_dataset(&scope, &dataset, None).wait().unwrap();
        let arn = dataset.arn.as_str();
        let contents = |store: &SqliteStore| {
            (
                store
                    .list_entries(&scope, arn, &EntryFilter::default(), None, 100)
                    .unwrap(),
                labels(store, &scope, arn),
                store.dataset(&scope, arn).unwrap().unwrap().stats,
            )
        };
        let before = contents(&store);
        assert_eq!(before.0.len(), 3);
        assert_eq!(
            before.1,
            [
                label("camellia", 1, 0),
                label("cat", 1, 1),
                label("dog", 1, 1)
            ]
        );

        let replace_and_add = || {
            EntryChange::Upsert(analysed(&[
                classified("bucket", "1.jpg", "rose"),
                classified("bucket", "4.jpg", "tulip"),
            ]))
        };
        let empty = crate::entries::Terminal::EMPTY_MANIFEST.message;
        let multiple = crate::entries::Terminal::MULTIPLE_BUCKETS.message;
        let too_many = crate::entries::Terminal::TOO_MANY_LABELS.message;
        for (change, max_labels, message) in [
            // Refused before it reaches the store.
            (
                EntryChange::Refused(StatusReason::client_error(empty)),
                250,
                empty,
            ),
            // Valid alone, but with the dataset's entries the images span two buckets.
            (
                EntryChange::Upsert(analysed(&[classified("elsewhere", "4.jpg", "tulip")])),
                250,
                multiple,
            ),
            // Replacing image 1 would succeed, but rose, tulip, cat, dog are one label too many:
            // the replacement rolls back too.
            (replace_and_add(), 3, too_many),
        ] {
            store
                .update_entries(&scope, arn, change, max_labels)
                .wait()
                .unwrap();
            let now = store.dataset(&scope, arn).unwrap().unwrap();
            assert_eq!(now.status, DatasetStatus::UpdateFailed);
            assert_eq!(now.status_message.as_deref(), Some(message));
            assert_eq!(now.status_message_code.as_deref(), Some("CLIENT_ERROR"));
            assert_eq!(contents(&store), before, "{message}");
        }

        // A failed update leaves the dataset ready for the next one.
        store
            .update_entries(&scope, arn, replace_and_add(), 4)
            .wait()
            .unwrap();
        let now = store.dataset(&scope, arn).unwrap().unwrap();
        assert_eq!(now.status, DatasetStatus::UpdateComplete);
        assert_eq!(now.status_message_code.as_deref(), Some("SUCCESS"));
        let (entries, labelled, stats) = contents(&store);
        let positions: Vec<i64> = entries.iter().map(|(line, _)| *line).collect();
        assert_eq!(positions, [1, 2, 3, 4]);
        assert!(entries[0].1.contains(r#""class-name":"rose""#));
        assert_eq!(
            labelled,
            [
                label("cat", 1, 1),
                label("dog", 1, 1),
                label("rose", 1, 0),
                label("tulip", 1, 0)
            ]
        );
        assert_eq!((stats.total_entries, stats.total_labels), (4, 4));

        // Not while it is being created; not at all in another scope or when it is not there.
        let project_q = new_project(&scope, "q", 3);
        store
            .create_project(&scope, &project_q, None)
            .wait()
            .unwrap();
        let mut importing = new_dataset(&scope, &project_q, "TRAIN", 4, Vec::new());
        importing.status = DatasetStatus::CreateInProgress;
        importing.reason = None;
        store
            .create_dataset(&scope, &importing, None)
            .wait()
            .unwrap();
        let change = || EntryChange::Upsert(analysed(&[classified("bucket", "9.jpg", "x")]));
        assert!(matches!(
            store
                .update_entries(&scope, &importing.arn, change(), 250)
                .wait(),
            Err(StoreError::InUse(_))
        ));
        assert!(matches!(
            store
                .update_entries(&in_region("eu-west-1"), arn, change(), 250)
                .wait(),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .update_entries(&scope, &format!("{arn}0"), change(), 250)
                .wait(),
            Err(StoreError::NotFound)
        ));
        assert_eq!(contents(&store).0.len(), 4);
    }

    #[test]
    fn distribution_moves_every_fifth_entry_with_its_labels() {
        let store = SqliteStore::in_memory().unwrap();
        let scope = in_region("us-east-1");
        let project = new_project(&scope, "p", 1);
        store.create_project(&scope, &project, None).wait().unwrap();
        // Images 5 and 10 have boxes; the others an image-level label.
        let lines: Vec<String> = (1..=12)
            .map(|i| {
                if i % 5 == 0 {
                    boxed(&format!("{i}.jpg"), false)
                } else {
                    classified("bucket", &format!("{i}.jpg"), &format!("flower{}", i % 2))
                }
            })
            .collect();
        let train = new_dataset(&scope, &project, "TRAIN", 2, analysed(&lines));
        store.create_dataset(&scope, &train, None).wait().unwrap();
        let test = new_dataset(&scope, &project, "TEST", 3, Vec::new());
        store.create_dataset(&scope, &test, None).wait().unwrap();
        let refusal = StatusReason::client_error("too few");
        let all = EntryFilter::default();
        let before = store.dataset_entries(&scope, &train.arn).unwrap();

        // What is refused before anything moves.
        let other = new_project(&scope, "other", 4);
        store.create_project(&scope, &other, None).wait().unwrap();
        let mut other_test = new_dataset(&scope, &other, "TEST", 5, Vec::new());
        other_test.status = DatasetStatus::CreateInProgress;
        store
            .create_dataset(&scope, &other_test, None)
            .wait()
            .unwrap();
        assert!(matches!(
            store
                .distribute_entries(&scope, &train.arn, &train.arn, 5, &refusal)
                .wait(),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .distribute_entries(&scope, &train.arn, &other_test.arn, 5, &refusal)
                .wait(),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .distribute_entries(&in_region("eu-west-1"), &train.arn, &test.arn, 5, &refusal)
                .wait(),
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.dataset_entries(&scope, &train.arn).unwrap(), before);

        store
            .distribute_entries(&scope, &train.arn, &test.arn, 5, &refusal)
            .wait()
            .unwrap();
        let moved = store
            .list_entries(&scope, &test.arn, &all, None, 100)
            .unwrap();
        assert_eq!(
            moved,
            [(1, before[4].clone()), (2, before[9].clone())],
            "entries 5 and 10 move, numbered from 1"
        );
        let kept: Vec<String> = store.dataset_entries(&scope, &train.arn).unwrap();
        let expected: Vec<String> = before
            .iter()
            .enumerate()
            .filter(|(index, _)| (index + 1) % 5 != 0)
            .map(|(_, line)| line.clone())
            .collect();
        assert_eq!(kept, expected);
        assert_eq!(
            labels(&store, &scope, &test.arn),
            [label("cat", 2, 2), label("dog", 2, 2)]
        );
        assert_eq!(
            labels(&store, &scope, &train.arn),
            [label("flower0", 5, 0), label("flower1", 5, 0)]
        );
        let with_dog = EntryFilter {
            contains_labels: Some(vec!["dog".into()]),
            ..EntryFilter::default()
        };
        assert!(
            store
                .list_entries(&scope, &train.arn, &with_dog, None, 100)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .list_entries(&scope, &test.arn, &with_dog, None, 100)
                .unwrap()
                .len(),
            2
        );
        for (arn, total, labelled) in [(&train.arn, 10, 2), (&test.arn, 2, 2)] {
            let dataset = store.dataset(&scope, arn).unwrap().unwrap();
            assert_eq!(dataset.status, DatasetStatus::UpdateComplete);
            assert_eq!(dataset.status_message_code.as_deref(), Some("SUCCESS"));
            assert_eq!(dataset.stats.total_entries, total);
            assert_eq!(dataset.stats.labeled_entries, total);
            assert_eq!(dataset.stats.total_labels, labelled);
        }

        // The test dataset now has entries: no second distribution.
        assert!(matches!(
            store
                .distribute_entries(&scope, &train.arn, &test.arn, 5, &refusal)
                .wait(),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.dataset_entries(&scope, &train.arn).unwrap(), expected);

        // Too few entries to move one: both fail with the refusal, and keep their entries.
        let small = new_project(&scope, "small", 6);
        store.create_project(&scope, &small, None).wait().unwrap();
        let small_train = new_dataset(&scope, &small, "TRAIN", 7, analysed(&lines[..4]));
        store
            .create_dataset(&scope, &small_train, None)
            .wait()
            .unwrap();
        let small_test = new_dataset(&scope, &small, "TEST", 8, Vec::new());
        store
            .create_dataset(&scope, &small_test, None)
            .wait()
            .unwrap();
        store
            .distribute_entries(&scope, &small_train.arn, &small_test.arn, 5, &refusal)
            .wait()
            .unwrap();
        for arn in [&small_train.arn, &small_test.arn] {
            let dataset = store.dataset(&scope, arn).unwrap().unwrap();
            assert_eq!(dataset.status, DatasetStatus::UpdateFailed);
            assert_eq!(dataset.status_message.as_deref(), Some("too few"));
            assert_eq!(dataset.status_message_code.as_deref(), Some("CLIENT_ERROR"));
        }
        assert_eq!(
            store
                .dataset_entries(&scope, &small_train.arn)
                .unwrap()
                .len(),
            4
        );
        // A dataset still being created is not ready.
        let mut importing = new_dataset(&scope, &other, "TRAIN", 9, analysed(&lines));
        importing.status = DatasetStatus::CreateInProgress;
        store
            .create_dataset(&scope, &importing, None)
            .wait()
            .unwrap();
        assert!(matches!(
            store
                .distribute_entries(&scope, &importing.arn, &other_test.arn, 5, &refusal)
                .wait(),
            Err(StoreError::NotReady(_))
        ));
    }

    #[test]
    fn a_project_is_deleted_only_after_its_datasets() {
        let store = SqliteStore::in_memory().unwrap();
        let scope = in_region("us-east-1");
        let mut project = new_project(&scope, "p", 1);
        project.tags = vec![("owner".into(), "ana".into())];
        store.create_project(&scope, &project, None).wait().unwrap();
        let mut train = new_dataset(
            &scope,
            &project,
            "TRAIN",
            2,
            analysed(&[boxed("1.jpg", false)]),
        );
        train.tags = vec![("split".into(), "train".into())];
        store.create_dataset(&scope, &train, None).wait().unwrap();
        let mut test = new_dataset(&scope, &project, "TEST", 3, Vec::new());
        test.status = DatasetStatus::CreateInProgress;
        test.reason = None;
        store.create_dataset(&scope, &test, None).wait().unwrap();

        match store.delete_project(&scope, &project.arn).wait() {
            Err(StoreError::InUse(why)) => assert!(why.contains("2 dataset"), "{why}"),
            other => panic!("expected InUse, got {other:?}"),
        }
        // Another scope never sees the project, datasets or not.
        assert!(matches!(
            store
                .delete_project(&in_region("eu-west-1"), &project.arn)
                .wait(),
            Err(StoreError::NotFound)
        ));
        assert!(store.project(&scope, &project.arn).unwrap().is_some());
        // A dataset being created cannot be deleted yet.
        assert!(matches!(
            store.delete_dataset(&scope, &test.arn).wait(),
            Err(StoreError::InUse(_))
        ));
        store
            .finish_dataset(
                &scope,
                &test.arn,
                DatasetStatus::CreateComplete,
                &StatusReason::success("done"),
                &[],
            )
            .wait()
            .unwrap();

        for dataset in [&train, &test] {
            store.delete_dataset(&scope, &dataset.arn).wait().unwrap();
            assert_eq!(store.dataset(&scope, &dataset.arn).unwrap(), None);
            assert_eq!(store.tags(&scope, &dataset.arn).unwrap(), None);
        }
        let leftovers: i64 = store
            .with(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT COUNT(*) FROM dataset_entries) + (SELECT COUNT(*) FROM dataset_entry_labels)
                          + (SELECT COUNT(*) FROM tags WHERE arn <> ?1)",
                    params![project.arn],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(leftovers, 0);
        store.delete_project(&scope, &project.arn).wait().unwrap();
        assert_eq!(store.project(&scope, &project.arn).unwrap(), None);
        assert_eq!(store.tags(&scope, &project.arn).unwrap(), None);
        assert!(matches!(
            store.delete_project(&scope, &project.arn).wait(),
            Err(StoreError::NotFound)
        ));
        // The name is free again.
        store
            .create_project(&scope, &new_project(&scope, "p", 10), None)
            .wait()
            .unwrap();
    }
}
