//! Durable storage behind a trait, so that a networked engine can stand in for the embedded one:
//! the records stored, the [`Store`] trait, its errors, and the [`Committed`] future a write
//! returns.
//!
//! The embedded engine, [`SqliteStore`], is SQLite in WAL mode with `synchronous=FULL`: a write
//! is acknowledged only after its transaction is on disk, so killing the process loses nothing
//! acknowledged. Its parts, one job each:
//!
//! - `sqlite`: opening the database, the reads, and the SQL of each write;
//! - `schema`: the tables, the migrations from earlier versions' databases, and reading rows;
//! - `sql_errors`: which SQLite failures mean "already exists" and which are internal;
//! - `writer`: the writer thread every write goes to; writes that arrive together share one
//!   commit (group commit), each in its own savepoint of one transaction, so one write's failure
//!   leaves the others intact and one fsync makes them all durable;
//! - `listing`: the collection listing kept in memory, updated after each commit in commit
//!   order, so that `ListCollections` never waits for the database;
//! - `faces`, `faces_sql`: the faces and users of collections ([`FaceStore`]) and their SQL;
//! - `face_index`: each searched collection's faces in memory, updated like the listing, so a
//!   search reads no table.
//!
//! `--in-memory` runs the same engine on a private in-memory database.

mod face_index;
mod faces;
mod faces_sql;
mod listing;
mod schema;
mod sql_errors;
mod sqlite;
mod writer;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

pub use crate::entries::Entry;
pub use faces::{
    Association, FaceChanges, FaceOutcome, FaceQuery, FaceRefusal, FaceStore, FoundFace, Identity,
    NewFace, Pending, Ratios, RequestToken, SearchLimits, StoredFace, StoredUser,
};
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
    /// Its ARN, as `DescribeCollection` and the tagging operations name it.
    pub arn: String,
    /// The face model version it uses.
    pub face_model_version: String,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// Its tags.
    pub tags: Vec<(String, String)>,
}

/// A collection as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// Its id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// The face model version it uses.
    pub face_model_version: String,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
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

/// A Custom Labels (or Content Moderation adapter) project to create.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// Its name, unique in its scope.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Creation time, milliseconds since 1970 (also the last part of its ARN).
    pub created_millis: i64,
    /// `CUSTOM_LABELS` or `CONTENT_MODERATION`.
    pub feature: String,
    /// `ENABLED` or `DISABLED`, for adapters.
    pub auto_update: Option<String>,
    /// Its tags.
    pub tags: Vec<(String, String)>,
}

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Position in the stable listing order (creation order), never reused.
    pub position: i64,
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// `CUSTOM_LABELS` or `CONTENT_MODERATION`.
    pub feature: String,
    /// `ENABLED` or `DISABLED`, for adapters.
    pub auto_update: Option<String>,
}

/// Which projects `DescribeProjects` asks for.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    /// Only projects of these names (any, when `None`).
    pub names: Option<Vec<String>>,
    /// Only projects of these features.
    pub features: Vec<String>,
    /// Only projects after this position.
    pub after: Option<i64>,
    /// At most this many.
    pub limit: usize,
}

/// A dataset's lifecycle status: the model's own enum, so that what is stored is what is
/// answered.
pub use rekognition_server_sdk::model::DatasetStatus;

/// Whether a dataset's entries may be read and changed: it was created or changed, even if its
/// last change failed (that change left the entries as they were).
pub fn is_ready(status: DatasetStatus) -> bool {
    matches!(
        status,
        DatasetStatus::CreateComplete | DatasetStatus::UpdateComplete | DatasetStatus::UpdateFailed
    )
}

/// Why a dataset is in its status: `SUCCESS`, `CLIENT_ERROR` (fix the input and retry) or
/// `SERVICE_ERROR` (retry later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReason {
    /// `SUCCESS`, `CLIENT_ERROR` or `SERVICE_ERROR`.
    pub code: &'static str,
    /// What happened.
    pub message: String,
}

impl StatusReason {
    /// A success.
    pub fn success(message: impl Into<String>) -> Self {
        Self {
            code: "SUCCESS",
            message: message.into(),
        }
    }

    /// A failure the caller can fix.
    pub fn client_error(message: impl Into<String>) -> Self {
        Self {
            code: "CLIENT_ERROR",
            message: message.into(),
        }
    }

    /// A failure of the service; retrying may help.
    pub fn service_error(message: impl Into<String>) -> Self {
        Self {
            code: "SERVICE_ERROR",
            message: message.into(),
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
    /// Why it is in that status, if it is settled.
    pub reason: Option<StatusReason>,
    /// Entries it starts with (copied from another dataset).
    pub entries: Vec<Entry>,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// Its tags.
    pub tags: Vec<(String, String)>,
    /// Where its entries are read from while it is in progress (a manifest location).
    pub source: Option<String>,
}

/// A dataset's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatasetStats {
    /// Entries with at least one label.
    pub labeled_entries: i64,
    /// Entries.
    pub total_entries: i64,
    /// Distinct labels.
    pub total_labels: i64,
    /// Entries with at least one error.
    pub error_entries: i64,
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
    /// What its status means, once settled.
    pub status_message: Option<String>,
    /// `SUCCESS`, `CLIENT_ERROR` or `SERVICE_ERROR`, once settled.
    pub status_message_code: Option<String>,
    /// Where its entries are read from while it is in progress (a manifest location).
    pub source: Option<String>,
    /// Creation time, milliseconds since 1970.
    pub created_millis: i64,
    /// Time of the last change, milliseconds since 1970.
    pub updated_millis: i64,
    /// Its counts.
    pub stats: DatasetStats,
}

/// Which entries `ListDatasetEntries` asks for.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only entries with one of these labels.
    pub contains_labels: Option<Vec<String>>,
    /// Only labeled (`true`) or unlabeled (`false`) entries.
    pub labeled: Option<bool>,
    /// Only entries whose `source-ref` contains this.
    pub source_ref_contains: Option<String>,
    /// Only entries with (`true`) or without (`false`) errors.
    pub has_errors: Option<bool>,
}

/// A label of a dataset and how it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelStats {
    /// The label.
    pub name: String,
    /// Entries that carry it.
    pub entry_count: i64,
    /// Entries that carry it on a bounding box.
    pub bounding_box_count: i64,
}

/// How a dataset's entries change.
#[derive(Debug, Clone)]
pub enum EntryChange {
    /// Entries with a `source-ref` the dataset has replace those; others are added.
    Upsert(Vec<Entry>),
    /// The change cannot be applied: the dataset keeps its entries and becomes `UPDATE_FAILED`.
    Refused(StatusReason),
}

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// The thing to create exists already.
    AlreadyExists,
    /// The thing to change does not exist.
    NotFound,
    /// The thing is busy (being created, changed or deleted) or has things that must go first;
    /// why.
    InUse(String),
    /// The thing is not in a state that allows this; why.
    NotReady(String),
    /// The request is inconsistent with what is stored; why.
    Invalid(String),
    /// A per-account or per-resource limit would be exceeded; the limit.
    LimitReached(u64),
    /// A request token was used before for another operation or other parameters.
    TokenReused,
    /// The engine failed.
    Internal(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::AlreadyExists => f.write_str("already exists"),
            StoreError::NotFound => f.write_str("not found"),
            StoreError::InUse(why) | StoreError::NotReady(why) | StoreError::Invalid(why) => {
                f.write_str(why)
            }
            StoreError::LimitReached(limit) => write!(f, "the limit of {limit} is reached"),
            StoreError::TokenReused => {
                f.write_str("the request token was used for another request")
            }
            StoreError::Internal(why) => write!(f, "storage failed: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// What the server stores. Writes hand their work to the engine and return at once with a
/// [`Committed`] future, which holds no thread while the write waits for its commit. Reads are
/// short indexed queries that do not wait for writes (the SQLite engine reads an on-disk store
/// on connections of their own; an in-memory one shares the writer's, briefly), so callers may
/// run them on the async executor, except the ones that may take long: copying a dataset's
/// entries ([`Store::dataset_entries`]), the datasets to resume ([`Store::datasets_in_progress`])
/// and [`Store::ensure_project`], which waits for a commit. The listing
/// ([`Store::list_collections`]) is answered from memory.
pub trait Store: FaceStore + Send + Sync + 'static {
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
    /// The collection with that id.
    fn collection(&self, scope: &Scope, id: &str) -> StoreResult<Option<Collection>>;
    /// Deletes a collection and its tags; `NotFound` if there is none with that id.
    fn delete_collection(&self, scope: &Scope, id: &str) -> Committed;
    /// Up to `limit` collections after `after` in listing order. Answered from memory: it does
    /// not block, so callers may call it on the async executor.
    fn list_collections(
        &self,
        scope: &Scope,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<ListedCollection>>;
    /// Creates a project; `AlreadyExists` if the name is taken in the scope, `LimitReached` if
    /// the scope holds `max_projects` already.
    fn create_project(
        &self,
        scope: &Scope,
        project: &NewProject,
        max_projects: Option<u64>,
    ) -> Committed;
    /// The project of that name, created as `project` if it does not exist yet.
    fn ensure_project(&self, scope: &Scope, project: &NewProject) -> StoreResult<Project>;
    /// The project with that ARN.
    fn project(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Project>>;
    /// The projects `query` asks for, in creation order, each with its datasets.
    fn projects(
        &self,
        scope: &Scope,
        query: &ProjectQuery,
    ) -> StoreResult<Vec<(Project, Vec<Dataset>)>>;
    /// Deletes a project and its tags; `NotFound` if there is none, `InUse` while it has
    /// datasets.
    fn delete_project(&self, scope: &Scope, arn: &str) -> Committed;
    /// Creates a dataset; `NotFound` if its project is gone, `AlreadyExists` if its project has
    /// one of that type, `LimitReached` if it is to be imported and the scope has
    /// `max_imports` imports in progress already.
    fn create_dataset(
        &self,
        scope: &Scope,
        dataset: &NewDataset,
        max_imports: Option<u64>,
    ) -> Committed;
    /// The dataset with that ARN.
    fn dataset(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Dataset>>;
    /// A dataset's entries (JSON Lines as stored), in order.
    fn dataset_entries(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<String>>;
    /// Up to `limit` entries of a dataset after position `after` that pass `filter`, each with
    /// its position, in order.
    fn list_entries(
        &self,
        scope: &Scope,
        arn: &str,
        filter: &EntryFilter,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<(i64, String)>>;
    /// A dataset's labels, by name.
    fn dataset_labels(&self, scope: &Scope, arn: &str) -> StoreResult<Vec<LabelStats>>;
    /// Settles a dataset being created: its entries (on success) and final status.
    fn finish_dataset(
        &self,
        scope: &Scope,
        arn: &str,
        status: DatasetStatus,
        reason: &StatusReason,
        entries: &[Entry],
    ) -> Committed;
    /// Changes a ready dataset's entries; `NotFound`, or `InUse` while it is not ready. A
    /// change that would break a dataset-wide rule (one bucket, at most `max_labels` labels)
    /// leaves the entries as they were and the dataset `UPDATE_FAILED`.
    fn update_entries(
        &self,
        scope: &Scope,
        arn: &str,
        change: EntryChange,
        max_labels: usize,
    ) -> Committed;
    /// Moves every `1/share`-th entry of a project's training dataset to its empty test
    /// dataset; `NotFound`, `NotReady` unless both are ready, `Invalid` if they are not the
    /// training and test datasets of one project or the test dataset has entries. Too few
    /// entries to move one leaves both `UPDATE_FAILED` with `refusal`.
    fn distribute_entries(
        &self,
        scope: &Scope,
        train_arn: &str,
        test_arn: &str,
        share: i64,
        refusal: &StatusReason,
    ) -> Committed;
    /// Deletes a dataset with its entries and tags; `NotFound`, or `InUse` while it is being
    /// created.
    fn delete_dataset(&self, scope: &Scope, arn: &str) -> Committed;
    /// Datasets still being created (to resume after a restart).
    fn datasets_in_progress(&self) -> StoreResult<Vec<(Scope, Dataset)>>;
    /// The tags of the collection, project or dataset with that ARN; `None` if there is none.
    fn tags(&self, scope: &Scope, arn: &str) -> StoreResult<Option<Vec<(String, String)>>>;
    /// Adds tags to (or changes them on) a resource; `NotFound` if there is none,
    /// `LimitReached` if it would carry more than `max_tags`.
    fn tag_resource(
        &self,
        scope: &Scope,
        arn: &str,
        tags: &[(String, String)],
        max_tags: u64,
    ) -> Committed;
    /// Removes tags from a resource (keys it does not carry are ignored); `NotFound` if there
    /// is none.
    fn untag_resource(&self, scope: &Scope, arn: &str, keys: &[String]) -> Committed;
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
