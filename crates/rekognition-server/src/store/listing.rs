//! The collection listing kept in memory: every scope's collections by position, as committed,
//! so that `ListCollections` is answered without waiting for the database.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use rusqlite::Connection;

use super::face_index::FaceChange;
use super::{ListedCollection, Scope};

/// Every scope's collections by position (creation order), as committed.
#[derive(Debug, Default)]
pub(super) struct Listing(HashMap<Scope, BTreeMap<i64, Listed>>);

/// A collection as the listing keeps it.
#[derive(Debug, Clone)]
pub(super) struct Listed {
    id: Box<str>,
    face_model_version: Box<str>,
}

impl Listed {
    pub(super) fn new(id: &str, face_model_version: &str) -> Self {
        Self {
            id: id.into(),
            face_model_version: face_model_version.into(),
        }
    }
}

/// What a committed write changes in memory: the collection listing, or a collection's faces
/// (see [`super::face_index`]).
#[derive(Debug)]
pub(super) enum Change {
    /// Nothing kept in memory changed.
    None,
    /// A collection was created.
    Created(Scope, i64, Listed),
    /// The collection at this position was deleted.
    Deleted(Scope, i64),
    /// A collection's faces changed.
    Faces(FaceChange),
}

impl Listing {
    /// The listing of the collections stored in `connection`.
    pub(super) fn load(connection: &Connection) -> rusqlite::Result<Self> {
        let mut listing = Self::default();
        let mut statement = connection
            .prepare("SELECT account, region, position, id, face_model_version FROM collections")?;
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
                .0
                .entry(scope)
                .or_default()
                .insert(row.get(2)?, listed);
        }
        Ok(listing)
    }

    /// Applies what one committed write changed in the listing.
    pub(super) fn apply(&mut self, change: &Change) {
        match change {
            Change::None | Change::Faces(_) => {}
            Change::Created(scope, position, listed) => {
                self.0
                    .entry(scope.clone())
                    .or_default()
                    .insert(*position, listed.clone());
            }
            Change::Deleted(scope, position) => {
                if let Some(collections) = self.0.get_mut(scope) {
                    collections.remove(position);
                }
            }
        }
    }

    /// Up to `limit` of the scope's collections after position `after`, in listing order.
    pub(super) fn page(
        &self,
        scope: &Scope,
        after: Option<i64>,
        limit: usize,
    ) -> Vec<ListedCollection> {
        let Some(collections) = self.0.get(scope) else {
            return Vec::new();
        };
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        collections
            .range((from, Bound::Unbounded))
            .take(limit)
            .map(|(position, listed)| ListedCollection {
                position: *position,
                id: String::from(&*listed.id),
                face_model_version: String::from(&*listed.face_model_version),
            })
            .collect()
    }
}
