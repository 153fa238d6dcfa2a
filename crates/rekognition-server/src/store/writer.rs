//! The writer thread every write of the SQLite engine goes to: it takes every write queued,
//! runs each in its own savepoint of one transaction and commits once (group commit), so one
//! fsync makes them all durable and one write's failure leaves the others intact.

use std::sync::{Arc, PoisonError, mpsc};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::listing::Change;
use super::sqlite::Shared;
use super::{Committed, StoreError, StoreResult, writer_gone};

/// The most writes one commit takes.
const MAX_BATCH: usize = 1024;

/// A write's work, run inside its own savepoint.
pub(super) type WriteJob = Box<dyn FnOnce(&Connection) -> StoreResult<Change> + Send>;

/// The writer thread's queue. The thread ends when this is dropped.
#[derive(Debug)]
pub(super) struct Writer {
    writes: mpsc::Sender<PendingWrite>,
}

struct PendingWrite {
    job: WriteJob,
    reply: oneshot::Sender<StoreResult<()>>,
}

impl Writer {
    /// Starts the writer thread over the connection and listing of `shared`.
    pub(super) fn start(shared: Arc<Shared>) -> StoreResult<Self> {
        let (writes, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_loop(&shared, &queue))
            .map_err(|e| StoreError::Internal(format!("starting the writer thread: {e}")))?;
        Ok(Self { writes })
    }

    /// Hands `job` to the writer thread for the next group commit.
    pub(super) fn submit(&self, job: WriteJob) -> Committed {
        let (reply, receiver) = oneshot::channel();
        match self.writes.send(PendingWrite { job, reply }) {
            Ok(()) => Committed(receiver),
            Err(_) => Committed::done(Err(writer_gone())),
        }
    }
}

/// The writer thread: takes every write queued (up to [`MAX_BATCH`]), commits them together,
/// updates the listing and the face index in commit order while still holding the connection,
/// then answers each.
/// It ends when the [`Writer`] is dropped.
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
            let mut faces = shared.faces.write().unwrap_or_else(PoisonError::into_inner);
            for change in changes {
                listing.apply(&change);
                match change {
                    Change::Faces(change) => faces.apply(change),
                    Change::Deleted(_, position) => faces.forget(position),
                    Change::None | Change::Created(..) => {}
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
    Vec<Change>,
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
