//! Durable storage behind a trait, so that a networked engine can stand in for the embedded one.
//! The embedded engine is SQLite in WAL mode with `synchronous=FULL`: a write is acknowledged only
//! after its transaction is on disk, so killing the process loses nothing acknowledged. Writes
//! go to one writer thread, and those that arrive together share one commit (group commit): each
//! runs in its own savepoint of one transaction, so one write's failure leaves the others intact,
//! and one fsync makes them all durable. A write is a [`Committed`] future, so waiting for the
//! commit holds no thread. The collection listing is also kept in memory, updated after each commit, so that
//! `ListCollections` never waits for the database. `--in-memory` runs the same engine on a
//! private in-memory database.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::ops::Bound;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock, mpsc};
use std::task::{Context, Poll};

use tokio::sync::oneshot;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Everything stored belongs to one account in one region.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The account id.
    pub account: String,
    /// The region.
    pub region: String,
}

/// A collection to create.
#[derive(Debug, Clone)]
pub struct NewCollection {
    /// Its id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// The face model version it uses.
    pub face_model_version: String,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// Its tags.
    pub tags: Vec<(String, String)>,
}

/// A collection as listed: its position in the listing order, id and face model version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedCollection {
    /// Position in the stable listing order (creation order), never reused.
    pub position: i64,
    /// The collection id.
    pub id: String,
    /// The face model version.
    pub face_model_version: String,
}

/// A Custom Labels project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
}

/// A dataset's lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetStatus {
    /// Entries are being read.
    CreateInProgress,
    /// Ready.
    CreateComplete,
    /// Creation failed.
    CreateFailed,
}

impl DatasetStatus {
    /// The name the service uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetStatus::CreateInProgress => "CREATE_IN_PROGRESS",
            DatasetStatus::CreateComplete => "CREATE_COMPLETE",
            DatasetStatus::CreateFailed => "CREATE_FAILED",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "CREATE_COMPLETE" => DatasetStatus::CreateComplete,
            "CREATE_FAILED" => DatasetStatus::CreateFailed,
            _ => DatasetStatus::CreateInProgress,
        }
    }
}

/// A dataset to create.
#[derive(Debug, Clone)]
pub struct NewDataset {
    /// Its ARN.
    pub arn: String,
    /// The project it belongs to.
    pub project_arn: String,
    /// `TRAIN` or `TEST`.
    pub dataset_type: String,
    /// Its status.
    pub status: DatasetStatus,
    /// Entries it starts with (copied from another dataset).
    pub entries: Vec<String>,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// Its tags.
    pub tags: Vec<(String, String)>,
    /// Where its entries are read from while it is in progress (a manifest location).
    pub source: Option<String>,
}

/// A dataset as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Its ARN.
    pub arn: String,
    /// The project it belongs to.
    pub project_arn: String,
    /// `TRAIN` or `TEST`.
    pub dataset_type: String,
    /// Its status.
    pub status: DatasetStatus,
    /// Why it failed, if it did.
    pub status_message: Option<String>,
    /// Where its entries are read from while it is in progress (a manifest location).
    pub source: Option<String>,
}

/// A dataset entry problem found while importing (one manifest line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    /// The 1-based line of the manifest.
    pub line: i64,
    /// What is wrong with it.
    pub message: String,
}

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// The thing to create exists already.
    AlreadyExists,
    /// The thing to change does not exist.
    NotFound,
    /// A per-account limit would be exceeded; the limit.
    LimitReached(u64),
    /// The engine failed.
    Internal(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::AlreadyExists => f.write_str("already exists"),
            StoreError::NotFound => f.write_str("not found"),
            StoreError::LimitReached(limit) => write!(f, "the limit of {limit} is reached"),
            StoreError::Internal(why) => write!(f, "storage failed: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::AlreadyExists
            }
            other => StoreError::Internal(other.to_string()),
        }
    }
}

/// Storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// What the server stores. Methods block: callers run them off the async executor.
pub trait Store: Send + Sync + 'static {
    /// A secret for signing pagination tokens, created once and kept.
    fn token_key(&self) -> StoreResult<[u8; 32]>;
    /// Creates a collection; `AlreadyExists` if the id is taken in the scope, `LimitReached` if
    /// the scope holds `max_collections` already.
    fn create_collection(
        &self,
        scope: &Scope,
        collection: &NewCollection,
        max_collections: Option<u64>,
    ) -> Committed;
    /// Deletes a collection; `NotFound` if there is none with that id.
    fn delete_collection(&self, scope: &Scope, id: &str) -> Committed;
    /// Up to `limit` collections after `after` in listing order. Answered from memory: it does
    /// not block, so callers may call it on the async executor.
    fn list_collections(
        &self,
        scope: &Scope,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<ListedCollection>>;
    /// The project of that name, created with `arn` if it does not exist yet.
    fn ensure_project(&self, scope: &Scope, name: &str, arn: &str) -> StoreResult<Project>;
    /// The project with that ARN.
    fn project(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Project>>;
    /// Creates a dataset; `AlreadyExists` if its project has one of that type, `LimitReached`
    /// if it is to be imported and the scope has `max_imports` imports in progress already.
    fn create_dataset(
        &self,
        scope: &Scope,
        dataset: &NewDataset,
        max_imports: Option<u64>,
    ) -> Committed;
    /// The dataset with that ARN.
    fn dataset(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Dataset>>;
    /// A dataset's entries (JSON Lines), in order.
    fn dataset_entries(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<String>>;
    /// A dataset's entry errors.
    fn dataset_errors(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<EntryError>>;
    /// Records the outcome of an import: entries, per-line errors, final status.
    fn finish_dataset(
        &self,
        scope: &Scope,
        arn: &str,
        status: DatasetStatus,
        message: Option<&str>,
        entries: &[String],
        errors: &[EntryError],
    ) -> Committed;
    /// Datasets still being created (to resume after a restart).
    fn datasets_in_progress(&self) -> StoreResult<Vec<(Scope, Dataset)>>;
}

/// The columns [`dataset_row`] reads, in order.
const DATASET_COLUMNS: &str = "arn, project_arn, dataset_type, status, status_message, source";

fn dataset_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Dataset> {
    Ok(Dataset {
        arn: row.get(first)?,
        project_arn: row.get(first + 1)?,
        dataset_type: row.get(first + 2)?,
        status: DatasetStatus::parse(&row.get::<_, String>(first + 3)?),
        status_message: row.get(first + 4)?,
        source: row.get(first + 5)?,
    })
}

/// SQLite, on disk or in memory.
pub struct SqliteStore {
    shared: Arc<Shared>,
    /// The writer thread's queue.
    writes: mpsc::Sender<PendingWrite>,
}

/// What readers and the writer thread share.
struct Shared {
    connection: Mutex<Connection>,
    /// Every scope's collections by position, as committed.
    listing: RwLock<HashMap<Scope, BTreeMap<i64, Listed>>>,
}

/// The most writes one commit takes.
const MAX_BATCH: usize = 1024;

/// A write handed to the writer thread: await it for its outcome once it is durable, or
/// [`Committed::wait`] for it outside async code.
#[derive(Debug)]
pub struct Committed(oneshot::Receiver<StoreResult<()>>);

impl Committed {
    /// Blocks until the write is committed (not for use on an async executor).
    pub fn wait(self) -> StoreResult<()> {
        self.0
            .blocking_recv()
            .unwrap_or_else(|_| Err(writer_gone()))
    }

    fn done(result: StoreResult<()>) -> Self {
        let (sender, receiver) = oneshot::channel();
        let _ = sender.send(result);
        Self(receiver)
    }
}

impl Future for Committed {
    type Output = StoreResult<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|received| received.unwrap_or_else(|_| Err(writer_gone())))
    }
}

fn writer_gone() -> StoreError {
    StoreError::Internal("the writer thread stopped".into())
}

/// A collection as the in-memory listing keeps it.
#[derive(Debug, Clone)]
struct Listed {
    id: Box<str>,
    face_model_version: Box<str>,
}

/// What a committed write changes in the in-memory listing.
#[derive(Debug)]
enum ListingChange {
    /// Nothing listed changed.
    None,
    /// A collection was created.
    Created(Scope, i64, Listed),
    /// The collection at this position was deleted.
    Deleted(Scope, i64),
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

/// A write's work, run inside its own savepoint.
type WriteJob = Box<dyn FnOnce(&Connection) -> StoreResult<ListingChange> + Send>;

struct PendingWrite {
    job: WriteJob,
    reply: oneshot::Sender<StoreResult<()>>,
}

const SCHEMA: &str = "
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

impl SqliteStore {
    /// Opens (creating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Internal(format!("creating {}: {e}", dir.display())))?;
        let connection = Connection::open(dir.join("rekognition.sqlite3"))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        Self::init(connection)
    }

    /// A private database that lives as long as the process.
    pub fn in_memory() -> StoreResult<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(connection: Connection) -> StoreResult<Self> {
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.execute_batch(SCHEMA)?;
        let mut listing: HashMap<Scope, BTreeMap<i64, Listed>> = HashMap::new();
        {
            let mut statement = connection.prepare(
                "SELECT account, region, position, id, face_model_version FROM collections",
            )?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let scope = Scope {
                    account: row.get(0)?,
                    region: row.get(1)?,
                };
                let listed = Listed {
                    id: row.get::<_, String>(3)?.into(),
                    face_model_version: row.get::<_, String>(4)?.into(),
                };
                listing
                    .entry(scope)
                    .or_default()
                    .insert(row.get(2)?, listed);
            }
        }
        let shared = Arc::new(Shared {
            connection: Mutex::new(connection),
            listing: RwLock::new(listing),
        });
        let (writes, queue) = mpsc::channel();
        let writer = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_loop(&writer, &queue))
            .map_err(|e| StoreError::Internal(format!("starting the writer thread: {e}")))?;
        Ok(Self { shared, writes })
    }

    fn with<T>(&self, work: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
        let mut connection = self
            .shared
            .connection
            .lock()
            .map_err(|_| StoreError::Internal("the database lock is poisoned".into()))?;
        work(&mut connection)
    }

    /// Hands `job` to the writer thread for the next group commit.
    fn write(
        &self,
        job: impl FnOnce(&Connection) -> StoreResult<ListingChange> + Send + 'static,
    ) -> Committed {
        let (reply, receiver) = oneshot::channel();
        match self.writes.send(PendingWrite {
            job: Box::new(job),
            reply,
        }) {
            Ok(()) => Committed(receiver),
            Err(_) => Committed::done(Err(writer_gone())),
        }
    }
}

/// The writer thread: takes every write queued (up to [`MAX_BATCH`]), commits them together,
/// updates the listing in commit order while still holding the connection, then answers each.
/// It ends when the store is dropped.
fn write_loop(shared: &Shared, queue: &mpsc::Receiver<PendingWrite>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter().take(MAX_BATCH - 1));
        let mut connection = shared
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (changes, replies) = commit_batch(&mut connection, batch);
        if !changes.is_empty() {
            let mut listing = shared
                .listing
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            for change in changes {
                match change {
                    ListingChange::None => {}
                    ListingChange::Created(scope, position, listed) => {
                        listing.entry(scope).or_default().insert(position, listed);
                    }
                    ListingChange::Deleted(scope, position) => {
                        if let Some(collections) = listing.get_mut(&scope) {
                            collections.remove(&position);
                        }
                    }
                }
            }
        }
        drop(connection);
        for (reply, result) in replies {
            let _ = reply.send(result);
        }
    }
}

/// What a committed batch changes in the listing, and each write's answer.
type BatchOutcome = (
    Vec<ListingChange>,
    Vec<(oneshot::Sender<StoreResult<()>>, StoreResult<()>)>,
);

/// Runs every write of `batch` in its own savepoint of one transaction and commits once. Each
/// write's answer is its own error if it failed (its savepoint rolled back), the commit's error
/// if the commit failed, else success; the listing changes are those of the committed writes
/// (none if the commit failed).
fn commit_batch(connection: &mut Connection, batch: Vec<PendingWrite>) -> BatchOutcome {
    let mut changes = Vec::with_capacity(batch.len());
    let mut answers = Vec::with_capacity(batch.len());
    let mut pending = batch.into_iter();
    let committed = (|| -> rusqlite::Result<()> {
        let mut transaction =
            connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for write in pending.by_ref() {
            let savepoint = transaction.savepoint()?;
            match (write.job)(&savepoint) {
                Ok(change) => {
                    savepoint.commit()?;
                    changes.push(change);
                    answers.push((write.reply, Ok(())));
                }
                Err(error) => answers.push((write.reply, Err(error))),
            }
        }
        transaction.commit()
    })();
    if let Err(error) = committed {
        changes.clear();
        let message = format!("commit failed: {error}");
        let failed = || Err(StoreError::Internal(message.clone()));
        for (_, result) in &mut answers {
            if result.is_ok() {
                *result = failed();
            }
        }
        // Writes the failure came before are answered too.
        answers.extend(pending.map(|write| (write.reply, failed())));
    }
    (changes, answers)
}

fn insert_tags(
    transaction: &Connection,
    sql: &str,
    owner: &dyn rusqlite::ToSql,
    tags: &[(String, String)],
) -> StoreResult<()> {
    let mut statement = transaction.prepare_cached(sql)?;
    for (key, value) in tags {
        statement.execute(params![owner, key, value])?;
    }
    Ok(())
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
            )?;
            let position = transaction.last_insert_rowid();
            insert_tags(
                transaction,
                "INSERT INTO collection_tags (position, key, value) VALUES (?1, ?2, ?3)",
                &position,
                &collection.tags,
            )?;
            let listed = Listed {
                id: collection.id.as_str().into(),
                face_model_version: collection.face_model_version.as_str().into(),
            };
            Ok(ListingChange::Created(scope, position, listed))
        })
    }

    fn delete_collection(&self, scope: &Scope, id: &str) -> Committed {
        let (scope, id) = (scope.clone(), id.to_owned());
        self.write(move |connection| {
            let deleted: Option<i64> = connection
                .query_row(
                    "DELETE FROM collections WHERE account = ?1 AND region = ?2 AND id = ?3 RETURNING position",
                    params![scope.account, scope.region, id],
                    |row| row.get(0),
                )
                .optional()?;
            match deleted {
                None => Err(StoreError::NotFound),
                Some(position) => Ok(ListingChange::Deleted(scope, position)),
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
        let Some(collections) = listing.get(scope) else {
            return Ok(Vec::new());
        };
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        Ok(collections
            .range((from, Bound::Unbounded))
            .take(limit)
            .map(|(position, listed)| ListedCollection {
                position: *position,
                id: String::from(&*listed.id),
                face_model_version: String::from(&*listed.face_model_version),
            })
            .collect())
    }

    fn ensure_project(&self, scope: &Scope, name: &str, arn: &str) -> StoreResult<Project> {
        self.with(|connection| {
            connection.execute(
                "INSERT OR IGNORE INTO projects (account, region, name, arn) VALUES (?1, ?2, ?3, ?4)",
                params![scope.account, scope.region, name, arn],
            )?;
            let arn: String = connection.query_row(
                "SELECT arn FROM projects WHERE account = ?1 AND region = ?2 AND name = ?3",
                params![scope.account, scope.region, name],
                |row| row.get(0),
            )?;
            Ok(Project {
                name: name.to_owned(),
                arn,
            })
        })
    }

    fn project(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Project>> {
        self.with(|connection| {
            Ok(connection
                .query_row(
                    "SELECT name, arn FROM projects WHERE account = ?1 AND region = ?2 AND arn = ?3",
                    params![scope.account, scope.region, arn],
                    |row| Ok(Project { name: row.get(0)?, arn: row.get(1)? }),
                )
                .optional()?)
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
                "INSERT INTO datasets (arn, account, region, project_arn, dataset_type, status, source, created_millis)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    dataset.arn,
                    scope.account,
                    scope.region,
                    dataset.project_arn,
                    dataset.dataset_type,
                    dataset.status.as_str(),
                    dataset.source,
                    dataset.created_millis
                ],
            )?;
            insert_tags(
                transaction,
                "INSERT INTO dataset_tags (arn, key, value) VALUES (?1, ?2, ?3)",
                &dataset.arn,
                &dataset.tags,
            )?;
            {
                let mut statement =
                    transaction.prepare_cached("INSERT INTO dataset_entries (arn, line, entry) VALUES (?1, ?2, ?3)")?;
                for (line, entry) in dataset.entries.iter().enumerate() {
                    statement.execute(params![dataset.arn, line as i64 + 1, entry])?;
                }
            }
            Ok(ListingChange::None)
        })
    }

    fn dataset(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Dataset>> {
        self.with(|connection| {
            let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE account = ?1 AND region = ?2 AND arn = ?3");
            Ok(connection
                .query_row(&sql, params![scope.account, scope.region, arn], |row| dataset_row(row, 0))
                .optional()?)
        })
    }

    fn dataset_entries(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<String>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT e.entry FROM dataset_entries e JOIN datasets d ON d.arn = e.arn
                 WHERE d.account = ?1 AND d.region = ?2 AND e.arn = ?3 ORDER BY e.line",
            )?;
            let rows =
                statement.query_map(params![scope.account, scope.region, arn], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn dataset_errors(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<EntryError>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT e.line, e.message FROM dataset_errors e JOIN datasets d ON d.arn = e.arn
                 WHERE d.account = ?1 AND d.region = ?2 AND e.arn = ?3 ORDER BY e.line",
            )?;
            let rows = statement.query_map(params![scope.account, scope.region, arn], |row| {
                Ok(EntryError {
                    line: row.get(0)?,
                    message: row.get(1)?,
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
        message: Option<&str>,
        entries: &[String],
        errors: &[EntryError],
    ) -> Committed {
        let scope = scope.clone();
        let arn = arn.to_owned();
        let message = message.map(str::to_owned);
        let (entries, errors) = (entries.to_vec(), errors.to_vec());
        self.write(move |transaction| {
            let updated = transaction.execute(
                "UPDATE datasets SET status = ?1, status_message = ?2 WHERE account = ?3 AND region = ?4 AND arn = ?5",
                params![status.as_str(), message, scope.account, scope.region, arn],
            )?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            transaction.execute("DELETE FROM dataset_entries WHERE arn = ?1", params![arn])?;
            transaction.execute("DELETE FROM dataset_errors WHERE arn = ?1", params![arn])?;
            {
                let mut statement =
                    transaction.prepare_cached("INSERT INTO dataset_entries (arn, line, entry) VALUES (?1, ?2, ?3)")?;
                for (line, entry) in entries.iter().enumerate() {
                    statement.execute(params![arn, line as i64 + 1, entry])?;
                }
                let mut statement =
                    transaction.prepare_cached("INSERT INTO dataset_errors (arn, line, message) VALUES (?1, ?2, ?3)")?;
                for error in &errors {
                    statement.execute(params![arn, error.line, error.message])?;
                }
            }
            Ok(ListingChange::None)
        })
    }

    fn datasets_in_progress(&self) -> StoreResult<Vec<(Scope, Dataset)>> {
        self.with(|connection| {
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
            arn: format!("aws:rekognition:us-east-1:1:collection/{id}"),
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
            .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM collection_tags", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(tags, 17);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn token_key_is_kept() {
        let dir = std::env::temp_dir().join(format!("store-test-{}", std::process::id()));
        let first = SqliteStore::open(&dir).unwrap().token_key().unwrap();
        let second = SqliteStore::open(&dir).unwrap().token_key().unwrap();
        assert_eq!(first, second);
        let _ = std::fs::remove_dir_all(dir);
    }
}
