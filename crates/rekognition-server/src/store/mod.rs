//! Durable storage behind a trait, so that a networked engine can stand in for the embedded one:
//! the records stored, the [`Store`] trait, its errors, and the [`Committed`] future a write
//! returns.
//!
//! The embedded engine, [`SqliteStore`], is SQLite in WAL mode with `synchronous=FULL`: a write
//! is acknowledged only after its transaction is on disk, so killing the process loses nothing
//! acknowledged. Its parts, one job each:
//!
//! - `sqlite`: opening the database, the reads, and the SQL of each write;
//! - `schema`: the tables, and reading a dataset row;
//! - `writer`: the writer thread every write goes to; writes that arrive together share one
//!   commit (group commit), each in its own savepoint of one transaction, so one write's failure
//!   leaves the others intact and one fsync makes them all durable;
//! - `listing`: the collection listing kept in memory, updated after each commit in commit
//!   order, so that `ListCollections` never waits for the database.
//!
//! `--in-memory` runs the same engine on a private in-memory database.

mod listing;
mod schema;
mod sqlite;
mod writer;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

pub use sqlite::SqliteStore;

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

/// Storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// What the server stores. Reads and [`Store::ensure_project`] block: callers run them off the
/// async executor. Writes hand their work to the engine and return at once with a [`Committed`]
/// future, which holds no thread while the write waits for its commit. The listing
/// ([`Store::list_collections`]) is answered from memory and does not block.
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
