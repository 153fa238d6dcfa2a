//! The embedded engine: SQLite in WAL mode with `synchronous=FULL`, on disk or in memory. Reads
//! run on the caller's thread under the connection lock; each write is a job for the writer
//! thread ([`super::writer`]); the collection listing is answered from memory
//! ([`super::listing`]).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rusqlite::{Connection, OptionalExtension, params};

use super::listing::{Listed, Listing, ListingChange};
use super::schema::{DATASET_COLUMNS, SCHEMA, dataset_row};
use super::writer::Writer;
use super::{
    Committed, Dataset, DatasetStatus, EntryError, ListedCollection, NewCollection, NewDataset,
    Project, Scope, Store, StoreError, StoreResult,
};

/// SQLite, on disk or in memory.
pub struct SqliteStore {
    shared: Arc<Shared>,
    writer: Writer,
}

/// What readers and the writer thread share.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) connection: Mutex<Connection>,
    /// Every scope's collections by position, as committed.
    pub(super) listing: RwLock<Listing>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

/// Any engine failure is internal, constraint violations included: only an insert knows which
/// of its keys means "already exists" (see [`insert_error`]).
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Internal(error.to_string())
    }
}

/// The error of an insert whose UNIQUE and PRIMARY KEY constraints are the identity of what it
/// creates: a violation of one of those is `AlreadyExists`; anything else (a NOT NULL, CHECK or
/// foreign key violation, or any other failure) is `Internal`, so that a defect is not answered
/// as a client error.
fn insert_error(error: rusqlite::Error) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _) if is_duplicate_key(failure) => {
            StoreError::AlreadyExists
        }
        _ => StoreError::from(error),
    }
}

fn is_duplicate_key(failure: &rusqlite::ffi::Error) -> bool {
    failure.code == rusqlite::ErrorCode::ConstraintViolation
        && matches!(
            failure.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
}

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

    /// Creates the tables, reads the listing and starts the writer thread.
    fn init(connection: Connection) -> StoreResult<Self> {
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.execute_batch(SCHEMA)?;
        let listing = Listing::load(&connection)?;
        let shared = Arc::new(Shared {
            connection: Mutex::new(connection),
            listing: RwLock::new(listing),
        });
        let writer = Writer::start(Arc::clone(&shared))?;
        Ok(Self { shared, writer })
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
        self.writer.submit(Box::new(job))
    }
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

/// Stores a dataset's entries as lines 1, 2, ...
fn insert_entries(transaction: &Connection, arn: &str, entries: &[String]) -> StoreResult<()> {
    let mut statement = transaction
        .prepare_cached("INSERT INTO dataset_entries (arn, line, entry) VALUES (?1, ?2, ?3)")?;
    for (line, entry) in entries.iter().enumerate() {
        statement.execute(params![arn, line as i64 + 1, entry])?;
    }
    Ok(())
}

/// Stores a dataset's entry errors.
fn insert_errors(transaction: &Connection, arn: &str, errors: &[EntryError]) -> StoreResult<()> {
    let mut statement = transaction
        .prepare_cached("INSERT INTO dataset_errors (arn, line, message) VALUES (?1, ?2, ?3)")?;
    for error in errors {
        statement.execute(params![arn, error.line, error.message])?;
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
            ).map_err(insert_error)?;
            let position = transaction.last_insert_rowid();
            insert_tags(
                transaction,
                "INSERT INTO collection_tags (position, key, value) VALUES (?1, ?2, ?3)",
                &position,
                &collection.tags,
            )?;
            let listed = Listed::new(&collection.id, &collection.face_model_version);
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
        Ok(listing.page(scope, after, limit))
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
            ).map_err(insert_error)?;
            insert_tags(
                transaction,
                "INSERT INTO dataset_tags (arn, key, value) VALUES (?1, ?2, ?3)",
                &dataset.arn,
                &dataset.tags,
            )?;
            insert_entries(transaction, &dataset.arn, &dataset.entries)?;
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
            insert_entries(transaction, &arn, &entries)?;
            insert_errors(transaction, &arn, &errors)?;
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
    fn constraint_violations_other_than_the_created_key_are_internal_failures() {
        let store = SqliteStore::in_memory().unwrap();
        let internal = |result: StoreResult<()>, why: &str| match result {
            Err(StoreError::Internal(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("expected an internal failure ({why}), got {other:?}"),
        };
        // A foreign key and a NOT NULL violation, through the writer thread like every write.
        let orphan_tag = store.write(|connection| {
            connection.execute(
                "INSERT INTO collection_tags (position, key, value) VALUES (12345, 'k', 'v')",
                [],
            )?;
            Ok(ListingChange::None)
        });
        internal(orphan_tag.wait(), "FOREIGN KEY constraint failed");
        let null_value = store.write(|connection| {
            connection.execute("INSERT INTO meta (key, value) VALUES ('k', NULL)", [])?;
            Ok(ListingChange::None)
        });
        internal(null_value.wait(), "NOT NULL constraint failed");
        // A primary key that is not the collection's own: a tag key given twice.
        let mut twice = collection("x");
        twice.tags.push(("k".into(), "w".into()));
        internal(
            store.create_collection(&scope("a"), &twice, None).wait(),
            "UNIQUE constraint failed: collection_tags",
        );
        assert!(
            store
                .list_collections(&scope("a"), None, 10)
                .unwrap()
                .is_empty()
        );
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
}
