//! What a collection holds besides its name: faces (their metadata and what identifies them)
//! and users (named groups of faces), the [`FaceStore`] trait the face operations use, and the
//! records it takes and gives.

use std::sync::Arc;

use rekognition_faces::Embedding;

use super::{Scope, StoreResult};
use crate::store::Committed;

/// What identifies a face for matching.
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    /// The recognition network's descriptor.
    Embedding(Box<Embedding>),
    /// A person declared for the image in the declared-results file: faces of the same person
    /// match each other at `similarity`, and match nothing else.
    Declared {
        /// The person's label.
        person: Arc<str>,
        /// How similar two of this person's faces are (0–100).
        similarity: f32,
    },
}

impl Identity {
    /// How similar two faces are, on Rekognition's 0–100 scale: the networks' calibrated score
    /// for two descriptors, the declared similarity for two faces of one declared person (the
    /// lower of the two declarations), and 0 otherwise.
    pub fn similarity(&self, other: &Identity) -> f32 {
        match (self, other) {
            (Identity::Embedding(a), Identity::Embedding(b)) => rekognition_faces::similarity(a, b),
            (
                Identity::Declared { person, similarity },
                Identity::Declared {
                    person: other_person,
                    similarity: other_similarity,
                },
            ) if person == other_person => similarity.min(*other_similarity),
            _ => 0.0,
        }
    }
}

/// A face's box, as ratios of the image's width and height from its top-left corner; it may
/// reach past the edges when the face is cut by them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ratios {
    /// Left edge.
    pub left: f32,
    /// Top edge.
    pub top: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Ratios {
    /// The box's area, in squared ratios.
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }
}

/// A face to store.
#[derive(Debug, Clone)]
pub struct NewFace {
    /// Its id, a random UUID.
    pub face_id: String,
    /// The id of the image it was indexed from (one per `IndexFaces` call).
    pub image_id: String,
    /// The caller's name for the image.
    pub external_image_id: Option<String>,
    /// Where it is in the image.
    pub bounding_box: Ratios,
    /// How sure the detector is that it is a face (0–100).
    pub confidence: f32,
    /// What identifies it.
    pub identity: Identity,
}

/// A face as stored.
#[derive(Debug, Clone)]
pub struct StoredFace {
    /// The face.
    pub face: NewFace,
    /// The user it is associated with.
    pub user_id: Option<String>,
}

/// Which faces `ListFaces` asks for.
#[derive(Debug, Clone, Default)]
pub struct FaceQuery {
    /// Only faces after this id (in id order).
    pub after: Option<String>,
    /// At most this many.
    pub limit: usize,
    /// Only faces of this user.
    pub user_id: Option<String>,
    /// Only these faces.
    pub face_ids: Option<Vec<String>>,
}

/// Why a face was not deleted, associated or disassociated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceRefusal {
    /// The collection has no face of that id.
    NotFound,
    /// The face belongs to another user (deletion: to any user).
    OtherUser,
    /// The face does not match the user's faces well enough.
    LowMatch,
}

/// What happened to one face of a deletion, association or disassociation.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceOutcome {
    /// The face.
    pub face_id: String,
    /// `None` if it was deleted, associated or disassociated; else why not.
    pub refused: Option<FaceRefusal>,
    /// The user the face belongs to, when that is why it was refused.
    pub user_id: Option<String>,
    /// The match score, when a low one is why it was refused.
    pub confidence: Option<f32>,
}

/// A user's state: `CREATED` until it has a face, `ACTIVE` after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    /// Its id.
    pub user_id: String,
    /// How many faces it has.
    pub face_count: u64,
}

/// An association to make: which faces, how well each must match the user's faces, and the
/// most faces a user may have.
#[derive(Debug, Clone)]
pub struct Association {
    /// The user.
    pub user_id: String,
    /// The faces to associate, in the caller's order.
    pub face_ids: Vec<String>,
    /// Once the user has a face, a new one must match one of them at least this well.
    pub threshold: f32,
    /// The most faces a user may have.
    pub max_faces_per_user: u64,
}

/// The result of a write that reports per-face outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceChanges {
    /// Each face asked about, in the caller's order (duplicates once).
    pub outcomes: Vec<FaceOutcome>,
    /// The user's face count afterwards (for user operations).
    pub user_faces: u64,
}

/// A face found by a search, with its similarity to what was searched for.
#[derive(Debug, Clone)]
pub struct FoundFace {
    /// The face.
    pub face: StoredFace,
    /// Similarity (0–100).
    pub similarity: f32,
}

/// How a search ranks and cuts what it finds.
#[derive(Debug, Clone, Copy)]
pub struct SearchLimits {
    /// Only faces at least this similar.
    pub threshold: f32,
    /// At most this many.
    pub max: usize,
}

/// A caller's request token (`ClientRequestToken`) and what it is used for: the operation and
/// its parameters, as one string. The first use of a token in a collection is recorded with its
/// answer; using it again for the same operation and parameters gets that answer without a
/// change, using it for anything else is [`super::StoreError::TokenReused`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestToken {
    /// The token.
    pub token: String,
    /// The operation and its parameters.
    pub fingerprint: String,
}

/// The face and user side of a collection. Writes, as in [`super::Store`], hand their work to
/// the writer thread; `Pending` writes also say what happened to each face once committed.
/// Searches are answered from an in-memory index of each collection's faces, loaded on first use
/// and kept up to date by the writer thread in commit order.
pub trait FaceStore {
    /// How many faces and users the collection holds; `None` if there is no such collection.
    fn face_counts(&self, scope: &Scope, collection: &str) -> StoreResult<Option<(u64, u64)>>;
    /// Stores faces in a collection; `NotFound` without the collection, `LimitReached` if it
    /// would hold more than `max_faces`.
    fn index_faces(
        &self,
        scope: &Scope,
        collection: &str,
        faces: Vec<NewFace>,
        max_faces: Option<u64>,
    ) -> Committed;
    /// Faces of a collection in id order, as `query` asks; `None` without the collection.
    fn list_faces(
        &self,
        scope: &Scope,
        collection: &str,
        query: &FaceQuery,
    ) -> StoreResult<Option<Vec<StoredFace>>>;
    /// One face; the outer `None` without the collection.
    fn face(
        &self,
        scope: &Scope,
        collection: &str,
        face_id: &str,
    ) -> StoreResult<Option<Option<StoredFace>>>;
    /// Deletes faces not associated with a user; `NotFound` without the collection.
    fn delete_faces(
        &self,
        scope: &Scope,
        collection: &str,
        face_ids: Vec<String>,
    ) -> Pending<FaceChanges>;
    /// The faces most similar to `probe`, most similar first; `None` without the collection.
    /// `exclude` is left out (the searched face itself).
    fn search_faces(
        &self,
        scope: &Scope,
        collection: &str,
        probe: &Identity,
        exclude: Option<&str>,
        limits: SearchLimits,
    ) -> StoreResult<Option<Vec<FoundFace>>>;
    /// Creates a user; `NotFound` without the collection, `AlreadyExists`, `LimitReached` past
    /// `max_users`.
    fn create_user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        max_users: Option<u64>,
        token: Option<RequestToken>,
    ) -> Committed;
    /// Deletes a user, leaving its faces unassociated; `NotFound` without the collection or
    /// the user.
    fn delete_user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        token: Option<RequestToken>,
    ) -> Committed;
    /// Users in creation order after position `after`, up to `limit`, each with its position;
    /// `None` without the collection.
    fn list_users(
        &self,
        scope: &Scope,
        collection: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Option<Vec<(i64, StoredUser)>>>;
    /// One user; the outer `None` without the collection.
    fn user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
    ) -> StoreResult<Option<Option<StoredUser>>>;
    /// Associates faces with a user; `NotFound` without the collection or the user,
    /// `LimitReached` if the user would have more than its limit.
    fn associate_faces(
        &self,
        scope: &Scope,
        collection: &str,
        association: Association,
        token: Option<RequestToken>,
    ) -> Pending<FaceChanges>;
    /// Disassociates faces from a user; `NotFound` without the collection or the user.
    fn disassociate_faces(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        face_ids: Vec<String>,
        token: Option<RequestToken>,
    ) -> Pending<FaceChanges>;
}

/// A write that reports a value once committed: await it, or [`Pending::wait`] outside async
/// code.
#[derive(Debug)]
pub struct Pending<T> {
    pub(super) committed: Committed,
    pub(super) value: tokio::sync::oneshot::Receiver<T>,
}

impl<T> Pending<T> {
    /// The value, once its write is committed.
    pub async fn outcome(self) -> StoreResult<T> {
        self.committed.await?;
        self.value.await.map_err(|_| super::writer_gone())
    }

    /// Blocks until the write is committed (not for use on an async executor).
    pub fn wait(self) -> StoreResult<T> {
        self.committed.wait()?;
        self.value.blocking_recv().map_err(|_| super::writer_gone())
    }
}
