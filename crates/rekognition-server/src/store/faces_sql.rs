//! [`FaceStore`] on SQLite: the SQL of faces, users and request tokens. Writes go to the writer
//! thread like every other (see [`super::writer`]) and tell the face index what they changed;
//! searches load a collection's faces into the index once, under the writer's connection, so
//! that no commit falls between the load and the index.

use std::collections::HashSet;
use std::sync::PoisonError;

use rekognition_faces::{EMBEDDING_LEN, Embedding};
use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::oneshot;

use super::face_index::FaceChange;
use super::faces::{
    Association, FaceChanges, FaceOutcome, FaceQuery, FaceRefusal, FaceStore, FoundFace, Identity,
    NewFace, Pending, Ratios, RequestToken, SearchLimits, StoredFace, StoredUser,
};
use super::listing::Change;
use super::sqlite::SqliteStore;
use super::{Committed, Scope, StoreError, StoreResult};

/// The columns [`face_row`] reads, in its order.
const FACE_COLUMNS: &str = "face_id, image_id, external_image_id, box_left, box_top, box_width, \
     box_height, confidence, user_id, descriptor, person, person_similarity";

fn face_row(row: &Row<'_>) -> rusqlite::Result<StoredFace> {
    let descriptor: Option<Vec<u8>> = row.get(9)?;
    let person: Option<String> = row.get(10)?;
    let identity = match (descriptor, person) {
        (Some(bytes), _) => Identity::Embedding(Box::new(descriptor_of(&bytes))),
        (None, person) => Identity::Declared {
            person: person.unwrap_or_default().into(),
            similarity: row.get::<_, Option<f32>>(11)?.unwrap_or(0.0),
        },
    };
    Ok(StoredFace {
        face: NewFace {
            face_id: row.get(0)?,
            image_id: row.get(1)?,
            external_image_id: row.get(2)?,
            bounding_box: Ratios {
                left: row.get(3)?,
                top: row.get(4)?,
                width: row.get(5)?,
                height: row.get(6)?,
            },
            confidence: row.get(7)?,
            identity,
        },
        user_id: row.get(8)?,
    })
}

fn descriptor_of(bytes: &[u8]) -> Embedding {
    let mut values = [0.0; EMBEDDING_LEN];
    for (value, chunk) in values.iter_mut().zip(bytes.chunks_exact(4)) {
        *value = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    Embedding(values)
}

fn descriptor_bytes(embedding: &Embedding) -> Vec<u8> {
    embedding.0.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The position of the scope's collection `id`.
fn position_of(connection: &Connection, scope: &Scope, id: &str) -> StoreResult<Option<i64>> {
    Ok(connection
        .prepare_cached(
            "SELECT position FROM collections WHERE account = ?1 AND region = ?2 AND id = ?3",
        )?
        .query_row(params![scope.account, scope.region, id], |row| row.get(0))
        .optional()?)
}

fn existing_position(connection: &Connection, scope: &Scope, id: &str) -> StoreResult<i64> {
    position_of(connection, scope, id)?.ok_or(StoreError::NotFound)
}

fn face_in(
    connection: &Connection,
    position: i64,
    face_id: &str,
) -> StoreResult<Option<StoredFace>> {
    Ok(connection
        .prepare_cached(&format!(
            "SELECT {FACE_COLUMNS} FROM faces WHERE collection = ?1 AND face_id = ?2"
        ))?
        .query_row(params![position, face_id], face_row)
        .optional()?)
}

fn user_faces(
    connection: &Connection,
    position: i64,
    user_id: &str,
) -> StoreResult<Vec<StoredFace>> {
    Ok(connection
        .prepare_cached(&format!(
            "SELECT {FACE_COLUMNS} FROM faces WHERE collection = ?1 AND user_id = ?2"
        ))?
        .query_map(params![position, user_id], face_row)?
        .collect::<Result<_, _>>()?)
}

fn user_exists(connection: &Connection, position: i64, user_id: &str) -> StoreResult<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM users WHERE collection = ?1 AND user_id = ?2")?
        .query_row(params![position, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn set_user(
    connection: &Connection,
    position: i64,
    user: Option<&str>,
    ids: &[String],
) -> StoreResult<()> {
    let mut update = connection
        .prepare_cached("UPDATE faces SET user_id = ?3 WHERE collection = ?1 AND face_id = ?2")?;
    for id in ids {
        update.execute(params![position, id, user])?;
    }
    Ok(())
}

/// What a token's earlier use answered, if it was for the same request; `TokenReused` if it
/// was for another.
fn replay(
    connection: &Connection,
    position: i64,
    token: Option<&RequestToken>,
) -> StoreResult<Option<FaceChanges>> {
    let Some(token) = token else {
        return Ok(None);
    };
    let used: Option<(String, String)> = connection
        .prepare_cached(
            "SELECT fingerprint, answer FROM request_tokens WHERE collection = ?1 AND token = ?2",
        )?
        .query_row(params![position, token.token], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    match used {
        None => Ok(None),
        Some((fingerprint, answer)) if fingerprint == token.fingerprint => decode_changes(&answer)
            .map(Some)
            .ok_or_else(|| StoreError::Internal("a stored token answer is unreadable".into())),
        Some(_) => Err(StoreError::TokenReused),
    }
}

fn record(
    connection: &Connection,
    position: i64,
    token: Option<&RequestToken>,
    answer: &FaceChanges,
) -> StoreResult<()> {
    if let Some(token) = token {
        connection
            .prepare_cached(
                "INSERT INTO request_tokens (collection, token, fingerprint, answer) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![position, token.token, token.fingerprint, encode_changes(answer)])?;
    }
    Ok(())
}

fn refusal_code(refusal: Option<FaceRefusal>) -> u8 {
    match refusal {
        None => 0,
        Some(FaceRefusal::NotFound) => 1,
        Some(FaceRefusal::OtherUser) => 2,
        Some(FaceRefusal::LowMatch) => 3,
    }
}

fn encode_changes(changes: &FaceChanges) -> String {
    let outcomes: Vec<serde_json::Value> = changes
        .outcomes
        .iter()
        .map(|o| serde_json::json!([o.face_id, refusal_code(o.refused), o.user_id, o.confidence]))
        .collect();
    serde_json::json!({"outcomes": outcomes, "user_faces": changes.user_faces}).to_string()
}

fn decode_changes(text: &str) -> Option<FaceChanges> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let outcomes = value["outcomes"]
        .as_array()?
        .iter()
        .map(|o| {
            let refused = match o[1].as_u64()? {
                0 => None,
                1 => Some(FaceRefusal::NotFound),
                2 => Some(FaceRefusal::OtherUser),
                3 => Some(FaceRefusal::LowMatch),
                _ => return None,
            };
            Some(FaceOutcome {
                face_id: o[0].as_str()?.to_owned(),
                refused,
                user_id: o[2].as_str().map(str::to_owned),
                confidence: o[3].as_f64().map(|c| c as f32),
            })
        })
        .collect::<Option<_>>()?;
    Some(FaceChanges {
        outcomes,
        user_faces: value["user_faces"].as_u64()?,
    })
}

/// The ids in the caller's order, each once.
fn distinct(ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

fn outcome(face_id: &str, refused: Option<FaceRefusal>) -> FaceOutcome {
    FaceOutcome {
        face_id: face_id.to_owned(),
        refused,
        user_id: None,
        confidence: None,
    }
}

impl SqliteStore {
    /// Bytes the in-memory face index holds (the faces of every collection searched so far).
    pub fn face_index_bytes(&self) -> usize {
        self.shared
            .faces
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .heap_bytes()
    }

    /// Hands `job` to the writer thread; its value is reported once the write is committed.
    fn write_reporting<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Connection) -> StoreResult<(T, Change)> + Send + 'static,
    ) -> Pending<T> {
        let (sender, value) = oneshot::channel();
        let committed = self.write(move |connection| {
            let (result, change) = job(connection)?;
            let _ = sender.send(result);
            Ok(change)
        });
        Pending { committed, value }
    }

    /// Runs `search` over the loaded faces of the collection at `position`, loading them first
    /// (under the writer's connection, so no commit is missed) if this is their first search.
    fn with_loaded<T>(
        &self,
        position: i64,
        search: impl FnOnce(&super::face_index::CollectionFaces) -> T,
    ) -> StoreResult<T> {
        {
            let index = self
                .shared
                .faces
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(collection) = index.get(position) {
                return Ok(search(collection));
            }
        }
        self.with(|connection| {
            let mut index = self
                .shared
                .faces
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if !index.has(position) {
                let faces: Vec<StoredFace> = connection
                    .prepare(&format!(
                        "SELECT {FACE_COLUMNS} FROM faces WHERE collection = ?1"
                    ))?
                    .query_map(params![position], face_row)?
                    .collect::<Result<_, _>>()?;
                index.load(position, faces);
            }
            let collection = index
                .get(position)
                .ok_or_else(|| StoreError::Internal("a loaded collection is missing".into()))?;
            Ok(search(collection))
        })
    }
}

impl FaceStore for SqliteStore {
    fn face_counts(&self, scope: &Scope, collection: &str) -> StoreResult<Option<(u64, u64)>> {
        self.read(|connection| {
            let Some(position) = position_of(connection, scope, collection)? else {
                return Ok(None);
            };
            let count = |sql: &str| -> StoreResult<u64> {
                Ok(connection
                    .prepare_cached(sql)?
                    .query_row(params![position], |row| row.get(0))?)
            };
            Ok(Some((
                count("SELECT COUNT(*) FROM faces WHERE collection = ?1")?,
                count("SELECT COUNT(*) FROM users WHERE collection = ?1")?,
            )))
        })
    }

    fn index_faces(
        &self,
        scope: &Scope,
        collection: &str,
        faces: Vec<NewFace>,
        max_faces: Option<u64>,
    ) -> Committed {
        let (scope, collection) = (scope.clone(), collection.to_owned());
        self.write(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            if let Some(limit) = max_faces {
                let count: u64 = connection
                    .prepare_cached("SELECT COUNT(*) FROM faces WHERE collection = ?1")?
                    .query_row(params![position], |row| row.get(0))?;
                if count + faces.len() as u64 > limit {
                    return Err(StoreError::LimitReached(limit));
                }
            }
            let mut insert = connection.prepare_cached(
                "INSERT INTO faces (collection, face_id, image_id, external_image_id, box_left, box_top,
                     box_width, box_height, confidence, descriptor, person, person_similarity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for face in &faces {
                let (descriptor, person, similarity) = match &face.identity {
                    Identity::Embedding(embedding) => (Some(descriptor_bytes(embedding)), None, None),
                    Identity::Declared { person, similarity } => (None, Some(person.to_string()), Some(*similarity)),
                };
                let b = face.bounding_box;
                insert.execute(params![
                    position, face.face_id, face.image_id, face.external_image_id, b.left, b.top,
                    b.width, b.height, face.confidence, descriptor, person, similarity
                ])?;
            }
            let stored = faces.into_iter().map(|face| StoredFace { face, user_id: None }).collect();
            Ok(Change::Faces(FaceChange::Added(position, stored)))
        })
    }

    fn list_faces(
        &self,
        scope: &Scope,
        collection: &str,
        query: &FaceQuery,
    ) -> StoreResult<Option<Vec<StoredFace>>> {
        self.read(|connection| {
            let Some(position) = position_of(connection, scope, collection)? else {
                return Ok(None);
            };
            let after = query.after.as_deref().unwrap_or("");
            let mut faces: Vec<StoredFace> = match &query.face_ids {
                Some(ids) => {
                    let mut found = Vec::new();
                    for id in distinct(ids.clone()) {
                        found.extend(face_in(connection, position, &id)?);
                    }
                    found.retain(|f| f.face.face_id.as_str() > after);
                    found.sort_by(|a, b| a.face.face_id.cmp(&b.face.face_id));
                    found
                }
                None => connection
                    .prepare_cached(&format!(
                        "SELECT {FACE_COLUMNS} FROM faces WHERE collection = ?1 AND face_id > ?2
                           AND (?3 IS NULL OR user_id = ?3) ORDER BY face_id LIMIT ?4"
                    ))?
                    .query_map(
                        params![position, after, query.user_id, query.limit as i64],
                        face_row,
                    )?
                    .collect::<Result<_, _>>()?,
            };
            if let Some(user) = &query.user_id {
                faces.retain(|f| f.user_id.as_ref() == Some(user));
            }
            faces.truncate(query.limit);
            Ok(Some(faces))
        })
    }

    fn face(
        &self,
        scope: &Scope,
        collection: &str,
        face_id: &str,
    ) -> StoreResult<Option<Option<StoredFace>>> {
        self.read(
            |connection| match position_of(connection, scope, collection)? {
                None => Ok(None),
                Some(position) => Ok(Some(face_in(connection, position, face_id)?)),
            },
        )
    }

    fn delete_faces(
        &self,
        scope: &Scope,
        collection: &str,
        face_ids: Vec<String>,
    ) -> Pending<FaceChanges> {
        let (scope, collection) = (scope.clone(), collection.to_owned());
        self.write_reporting(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            let mut outcomes = Vec::new();
            let mut deleted = Vec::new();
            for id in distinct(face_ids) {
                match face_in(connection, position, &id)? {
                    None => outcomes.push(outcome(&id, Some(FaceRefusal::NotFound))),
                    Some(face) if face.user_id.is_some() => outcomes.push(FaceOutcome {
                        user_id: face.user_id,
                        ..outcome(&id, Some(FaceRefusal::OtherUser))
                    }),
                    Some(_) => {
                        connection
                            .prepare_cached(
                                "DELETE FROM faces WHERE collection = ?1 AND face_id = ?2",
                            )?
                            .execute(params![position, id])?;
                        outcomes.push(outcome(&id, None));
                        deleted.push(id);
                    }
                }
            }
            let changes = FaceChanges {
                outcomes,
                user_faces: 0,
            };
            Ok((
                changes,
                Change::Faces(FaceChange::Removed(position, deleted)),
            ))
        })
    }

    fn search_faces(
        &self,
        scope: &Scope,
        collection: &str,
        probe: &Identity,
        exclude: Option<&str>,
        limits: SearchLimits,
    ) -> StoreResult<Option<Vec<FoundFace>>> {
        let Some(position) = self.read(|connection| position_of(connection, scope, collection))?
        else {
            return Ok(None);
        };
        self.with_loaded(position, |faces| faces.search(probe, exclude, limits))
            .map(Some)
    }

    fn create_user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        max_users: Option<u64>,
        token: Option<RequestToken>,
    ) -> Committed {
        let (scope, collection, user_id) =
            (scope.clone(), collection.to_owned(), user_id.to_owned());
        self.write(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            if replay(connection, position, token.as_ref())?.is_some() {
                return Ok(Change::None);
            }
            if user_exists(connection, position, &user_id)? {
                return Err(StoreError::AlreadyExists);
            }
            if let Some(limit) = max_users {
                let count: u64 = connection
                    .prepare_cached("SELECT COUNT(*) FROM users WHERE collection = ?1")?
                    .query_row(params![position], |row| row.get(0))?;
                if count >= limit {
                    return Err(StoreError::LimitReached(limit));
                }
            }
            connection
                .prepare_cached("INSERT INTO users (collection, user_id) VALUES (?1, ?2)")?
                .execute(params![position, user_id])?;
            record(
                connection,
                position,
                token.as_ref(),
                &FaceChanges {
                    outcomes: Vec::new(),
                    user_faces: 0,
                },
            )?;
            Ok(Change::None)
        })
    }

    fn delete_user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        token: Option<RequestToken>,
    ) -> Committed {
        let (scope, collection, user_id) =
            (scope.clone(), collection.to_owned(), user_id.to_owned());
        self.write(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            if replay(connection, position, token.as_ref())?.is_some() {
                return Ok(Change::None);
            }
            let removed = connection
                .prepare_cached("DELETE FROM users WHERE collection = ?1 AND user_id = ?2")?
                .execute(params![position, user_id])?;
            if removed == 0 {
                return Err(StoreError::NotFound);
            }
            let freed: Vec<String> = user_faces(connection, position, &user_id)?
                .into_iter()
                .map(|f| f.face.face_id)
                .collect();
            set_user(connection, position, None, &freed)?;
            record(
                connection,
                position,
                token.as_ref(),
                &FaceChanges {
                    outcomes: Vec::new(),
                    user_faces: 0,
                },
            )?;
            Ok(Change::Faces(FaceChange::Assigned(position, None, freed)))
        })
    }

    fn list_users(
        &self,
        scope: &Scope,
        collection: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Option<Vec<(i64, StoredUser)>>> {
        self.read(|connection| {
            let Some(position) = position_of(connection, scope, collection)? else {
                return Ok(None);
            };
            let users = connection
                .prepare_cached(
                    "SELECT u.position, u.user_id,
                        (SELECT COUNT(*) FROM faces f WHERE f.collection = u.collection AND f.user_id = u.user_id)
                     FROM users u WHERE u.collection = ?1 AND u.position > ?2 ORDER BY u.position LIMIT ?3",
                )?
                .query_map(params![position, after.unwrap_or(0), limit as i64], |row| {
                    Ok((row.get(0)?, StoredUser { user_id: row.get(1)?, face_count: row.get(2)? }))
                })?
                .collect::<Result<_, _>>()?;
            Ok(Some(users))
        })
    }

    fn user(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
    ) -> StoreResult<Option<Option<StoredUser>>> {
        self.read(|connection| {
            let Some(position) = position_of(connection, scope, collection)? else {
                return Ok(None);
            };
            if !user_exists(connection, position, user_id)? {
                return Ok(Some(None));
            }
            let face_count = user_faces(connection, position, user_id)?.len() as u64;
            Ok(Some(Some(StoredUser {
                user_id: user_id.to_owned(),
                face_count,
            })))
        })
    }

    fn associate_faces(
        &self,
        scope: &Scope,
        collection: &str,
        association: Association,
        token: Option<RequestToken>,
    ) -> Pending<FaceChanges> {
        let (scope, collection) = (scope.clone(), collection.to_owned());
        self.write_reporting(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            if let Some(answer) = replay(connection, position, token.as_ref())? {
                return Ok((answer, Change::None));
            }
            let user = association.user_id.as_str();
            if !user_exists(connection, position, user)? {
                return Err(StoreError::NotFound);
            }
            let existing = user_faces(connection, position, user)?;
            let mut outcomes = Vec::new();
            let mut accepted = Vec::new();
            for id in distinct(association.face_ids) {
                let Some(face) = face_in(connection, position, &id)? else {
                    outcomes.push(outcome(&id, Some(FaceRefusal::NotFound)));
                    continue;
                };
                match face.user_id.as_deref() {
                    Some(owner) if owner == user => continue,
                    Some(owner) => {
                        outcomes.push(FaceOutcome {
                            user_id: Some(owner.to_owned()),
                            ..outcome(&id, Some(FaceRefusal::OtherUser))
                        });
                        continue;
                    }
                    None => {}
                }
                if !existing.is_empty() {
                    let best = existing
                        .iter()
                        .map(|e| e.face.identity.similarity(&face.face.identity))
                        .fold(0.0f32, f32::max);
                    if best < association.threshold {
                        outcomes.push(FaceOutcome {
                            confidence: Some(best),
                            ..outcome(&id, Some(FaceRefusal::LowMatch))
                        });
                        continue;
                    }
                }
                outcomes.push(outcome(&id, None));
                accepted.push(id);
            }
            let total = existing.len() as u64 + accepted.len() as u64;
            if total > association.max_faces_per_user {
                return Err(StoreError::LimitReached(association.max_faces_per_user));
            }
            set_user(connection, position, Some(user), &accepted)?;
            let changes = FaceChanges {
                outcomes,
                user_faces: total,
            };
            record(connection, position, token.as_ref(), &changes)?;
            let change = FaceChange::Assigned(position, Some(user.to_owned()), accepted);
            Ok((changes, Change::Faces(change)))
        })
    }

    fn disassociate_faces(
        &self,
        scope: &Scope,
        collection: &str,
        user_id: &str,
        face_ids: Vec<String>,
        token: Option<RequestToken>,
    ) -> Pending<FaceChanges> {
        let (scope, collection, user) = (scope.clone(), collection.to_owned(), user_id.to_owned());
        self.write_reporting(move |connection| {
            let position = existing_position(connection, &scope, &collection)?;
            if let Some(answer) = replay(connection, position, token.as_ref())? {
                return Ok((answer, Change::None));
            }
            if !user_exists(connection, position, &user)? {
                return Err(StoreError::NotFound);
            }
            let mut outcomes = Vec::new();
            let mut released = Vec::new();
            for id in distinct(face_ids) {
                match face_in(connection, position, &id)?.map(|f| f.user_id) {
                    None => outcomes.push(outcome(&id, Some(FaceRefusal::NotFound))),
                    Some(Some(owner)) if owner == user => {
                        outcomes.push(outcome(&id, None));
                        released.push(id);
                    }
                    Some(Some(owner)) => outcomes.push(FaceOutcome {
                        user_id: Some(owner),
                        ..outcome(&id, Some(FaceRefusal::OtherUser))
                    }),
                    Some(None) => {}
                }
            }
            set_user(connection, position, None, &released)?;
            let user_faces = user_faces(connection, position, &user)?.len() as u64;
            let changes = FaceChanges {
                outcomes,
                user_faces,
            };
            record(connection, position, token.as_ref(), &changes)?;
            Ok((
                changes,
                Change::Faces(FaceChange::Assigned(position, None, released)),
            ))
        })
    }
}

/// Shares a store's face index between tests of this module and the bench's measure of memory.
#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            account: "111122223333".into(),
            region: "us-east-1".into(),
        }
    }

    fn store_with_collection() -> SqliteStore {
        let store = SqliteStore::in_memory().unwrap();
        let collection = crate::store::NewCollection {
            id: "c".into(),
            arn: "arn:aws:rekognition:us-east-1:111122223333:collection/c".into(),
            face_model_version: "7.0".into(),
            created_millis: 0,
            tags: Vec::new(),
        };
        crate::store::Store::create_collection(&store, &scope(), &collection, None)
            .wait()
            .unwrap();
        store
    }

    fn new_face(id: &str, value: f32) -> NewFace {
        let mut values = [0.0; EMBEDDING_LEN];
        values[0] = value;
        NewFace {
            face_id: id.into(),
            image_id: "i".into(),
            external_image_id: None,
            bounding_box: Ratios {
                left: 0.1,
                top: 0.2,
                width: 0.3,
                height: 0.4,
            },
            confidence: 99.5,
            identity: Identity::Embedding(Box::new(Embedding(values))),
        }
    }

    fn all() -> SearchLimits {
        SearchLimits {
            threshold: 0.0,
            max: 100,
        }
    }

    fn ids(found: &[FoundFace]) -> Vec<&str> {
        found.iter().map(|f| f.face.face.face_id.as_str()).collect()
    }

    #[test]
    fn the_index_follows_writes_made_before_and_after_its_first_search() {
        let store = store_with_collection();
        let probe = Identity::Embedding(Box::new(Embedding([0.0; EMBEDDING_LEN])));
        store
            .index_faces(&scope(), "c", vec![new_face("a", 0.1)], None)
            .wait()
            .unwrap();
        let found = store
            .search_faces(&scope(), "c", &probe, None, all())
            .unwrap()
            .unwrap();
        assert_eq!(ids(&found), ["a"]);
        store
            .index_faces(&scope(), "c", vec![new_face("b", 0.2)], None)
            .wait()
            .unwrap();
        store
            .delete_faces(&scope(), "c", vec!["a".into()])
            .wait()
            .unwrap();
        let found = store
            .search_faces(&scope(), "c", &probe, None, all())
            .unwrap()
            .unwrap();
        assert_eq!(ids(&found), ["b"]);
        assert!(
            store
                .search_faces(&scope(), "none", &probe, None, all())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn users_own_faces_and_tokens_replay_their_answer() {
        let store = store_with_collection();
        let faces = vec![
            new_face("a", 0.0),
            new_face("b", 0.05),
            new_face("far", 3.0),
        ];
        store
            .index_faces(&scope(), "c", faces, None)
            .wait()
            .unwrap();
        store
            .create_user(&scope(), "c", "u", None, None)
            .wait()
            .unwrap();
        let token = RequestToken {
            token: "t1".into(),
            fingerprint: "AssociateFaces u a".into(),
        };
        let association = |ids: &[&str]| Association {
            user_id: "u".into(),
            face_ids: ids.iter().map(|s| s.to_string()).collect(),
            threshold: 75.0,
            max_faces_per_user: 100,
        };
        let first = store
            .associate_faces(&scope(), "c", association(&["a"]), Some(token.clone()))
            .wait()
            .unwrap();
        assert_eq!(first.outcomes, [outcome("a", None)]);
        let again = store
            .associate_faces(&scope(), "c", association(&["a"]), Some(token.clone()))
            .wait()
            .unwrap();
        assert_eq!(again, first);
        let other = RequestToken {
            fingerprint: "other".into(),
            ..token
        };
        assert!(matches!(
            store
                .associate_faces(&scope(), "c", association(&["b"]), Some(other))
                .wait(),
            Err(StoreError::TokenReused)
        ));
        let second = store
            .associate_faces(&scope(), "c", association(&["b", "far", "zz", "a"]), None)
            .wait()
            .unwrap();
        let refusals: Vec<_> = second
            .outcomes
            .iter()
            .map(|o| (o.face_id.as_str(), o.refused))
            .collect();
        assert_eq!(
            refusals,
            [
                ("b", None),
                ("far", Some(FaceRefusal::LowMatch)),
                ("zz", Some(FaceRefusal::NotFound))
            ]
        );
        assert_eq!(second.user_faces, 2);
        let deletion = store
            .delete_faces(&scope(), "c", vec!["a".into(), "far".into()])
            .wait()
            .unwrap();
        assert_eq!(deletion.outcomes[0].refused, Some(FaceRefusal::OtherUser));
        assert_eq!(deletion.outcomes[0].user_id.as_deref(), Some("u"));
        assert_eq!(deletion.outcomes[1].refused, None);
        store.delete_user(&scope(), "c", "u", None).wait().unwrap();
        let listed = store
            .list_faces(
                &scope(),
                "c",
                &FaceQuery {
                    limit: 10,
                    ..FaceQuery::default()
                },
            )
            .unwrap()
            .unwrap();
        assert!(listed.iter().all(|f| f.user_id.is_none()));
        assert_eq!(store.face_counts(&scope(), "c").unwrap(), Some((2, 0)));
    }
}
