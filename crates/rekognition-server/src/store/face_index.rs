//! The faces of each collection kept in memory for searching: loaded from the database on a
//! collection's first search, then changed by the writer thread in commit order, so a search
//! never reads the database and always sees every acknowledged write.
//!
//! Descriptors sit in one contiguous array, so a search over a collection is one pass of
//! squared distances over `128 · n` floats; the similarity threshold becomes a distance bound,
//! so only the faces that pass it are scored and sorted.

use std::collections::HashMap;
use std::sync::Arc;

use rekognition_faces::{EMBEDDING_LEN, Embedding, SIMILARITY_MIDPOINT, SIMILARITY_STEEPNESS};

use super::faces::{FoundFace, Identity, NewFace, Ratios, SearchLimits, StoredFace};

/// Every loaded collection's faces, by the collection's position.
#[derive(Debug, Default)]
pub(super) struct FaceIndex(HashMap<i64, CollectionFaces>);

/// One collection's faces.
#[derive(Debug, Default)]
pub(super) struct CollectionFaces {
    faces: Vec<IndexedFace>,
    /// `EMBEDDING_LEN` floats per face, in the order of `faces`; zeros for declared faces.
    descriptors: Vec<f32>,
    /// Where each face id is in `faces`.
    slots: HashMap<Box<str>, usize>,
}

/// A face as the index keeps it: its metadata, and its person when declared (a network face's
/// descriptor is in [`CollectionFaces::descriptors`] only).
#[derive(Debug)]
struct IndexedFace {
    face_id: Box<str>,
    image_id: Box<str>,
    external_image_id: Option<Box<str>>,
    bounding_box: Ratios,
    confidence: f32,
    user_id: Option<Box<str>>,
    person: Option<(Arc<str>, f32)>,
}

/// What a committed write changes in a collection's faces.
#[derive(Debug)]
pub(super) enum FaceChange {
    /// Faces were indexed.
    Added(i64, Vec<StoredFace>),
    /// Faces were deleted.
    Removed(i64, Vec<String>),
    /// Faces now belong to this user (`None`: to none).
    Assigned(i64, Option<String>, Vec<String>),
}

impl FaceIndex {
    /// Whether the collection at `position` is loaded.
    pub(super) fn has(&self, position: i64) -> bool {
        self.0.contains_key(&position)
    }

    /// The loaded faces of the collection at `position`.
    pub(super) fn get(&self, position: i64) -> Option<&CollectionFaces> {
        self.0.get(&position)
    }

    /// Keeps `faces` as the collection's, loaded from the database.
    pub(super) fn load(&mut self, position: i64, faces: Vec<StoredFace>) {
        let mut loaded = CollectionFaces::default();
        loaded.add(faces);
        self.0.insert(position, loaded);
    }

    /// Bytes the loaded collections hold on the heap (their arrays at capacity, the strings of
    /// each face and the id map's slots).
    pub(super) fn heap_bytes(&self) -> usize {
        self.0.values().map(CollectionFaces::heap_bytes).sum()
    }

    /// Forgets a deleted collection.
    pub(super) fn forget(&mut self, position: i64) {
        self.0.remove(&position);
    }

    /// Applies what one committed write changed (collections not loaded are read in full at
    /// their first search).
    pub(super) fn apply(&mut self, change: FaceChange) {
        match change {
            FaceChange::Added(position, faces) => {
                if let Some(collection) = self.0.get_mut(&position) {
                    collection.add(faces);
                }
            }
            FaceChange::Removed(position, ids) => {
                if let Some(collection) = self.0.get_mut(&position) {
                    ids.iter().for_each(|id| collection.remove(id));
                }
            }
            FaceChange::Assigned(position, user, ids) => {
                if let Some(collection) = self.0.get_mut(&position) {
                    for id in ids {
                        if let Some(&slot) = collection.slots.get(id.as_str()) {
                            collection.faces[slot].user_id = user.as_deref().map(Box::from);
                        }
                    }
                }
            }
        }
    }
}

/// The largest Euclidean distance whose similarity is at least `threshold` (the inverse of
/// [`rekognition_faces::similarity`]); infinite at 0 and below.
fn distance_bound(threshold: f32) -> f32 {
    if threshold <= 0.0 {
        return f32::INFINITY;
    }
    if threshold >= 100.0 {
        return 0.0;
    }
    SIMILARITY_MIDPOINT + (100.0 / threshold - 1.0).ln() / SIMILARITY_STEEPNESS
}

impl CollectionFaces {
    fn add(&mut self, faces: Vec<StoredFace>) {
        self.faces.reserve(faces.len());
        self.descriptors.reserve(faces.len() * EMBEDDING_LEN);
        for StoredFace { face, user_id } in faces {
            let person = match face.identity {
                Identity::Embedding(embedding) => {
                    self.descriptors.extend_from_slice(&embedding.0);
                    None
                }
                Identity::Declared { person, similarity } => {
                    self.descriptors.extend_from_slice(&[0.0; EMBEDDING_LEN]);
                    Some((person, similarity))
                }
            };
            self.slots
                .insert(face.face_id.as_str().into(), self.faces.len());
            self.faces.push(IndexedFace {
                face_id: face.face_id.into(),
                image_id: face.image_id.into(),
                external_image_id: face.external_image_id.map(Box::from),
                bounding_box: face.bounding_box,
                confidence: face.confidence,
                user_id: user_id.map(Box::from),
                person,
            });
        }
    }

    fn heap_bytes(&self) -> usize {
        let strings: usize = self
            .faces
            .iter()
            .map(|f| {
                f.face_id.len()
                    + f.image_id.len()
                    + f.external_image_id.as_ref().map_or(0, |s| s.len())
                    + f.user_id.as_ref().map_or(0, |s| s.len())
            })
            .sum();
        let slot = std::mem::size_of::<(Box<str>, usize)>() + 1;
        self.faces.capacity() * std::mem::size_of::<IndexedFace>()
            + self.descriptors.capacity() * std::mem::size_of::<f32>()
            // The map's keys are copies of the face ids.
            + self.slots.capacity() * slot
            + strings
            + self.faces.iter().map(|f| f.face_id.len()).sum::<usize>()
    }

    /// The face in `slot`, as stored.
    fn stored(&self, slot: usize) -> StoredFace {
        let face = &self.faces[slot];
        let identity = match &face.person {
            Some((person, similarity)) => Identity::Declared {
                person: Arc::clone(person),
                similarity: *similarity,
            },
            None => {
                let mut values = [0.0; EMBEDDING_LEN];
                values.copy_from_slice(
                    &self.descriptors[slot * EMBEDDING_LEN..(slot + 1) * EMBEDDING_LEN],
                );
                Identity::Embedding(Box::new(Embedding(values)))
            }
        };
        StoredFace {
            face: NewFace {
                face_id: face.face_id.to_string(),
                image_id: face.image_id.to_string(),
                external_image_id: face.external_image_id.as_deref().map(str::to_owned),
                bounding_box: face.bounding_box,
                confidence: face.confidence,
                identity,
            },
            user_id: face.user_id.as_deref().map(str::to_owned),
        }
    }

    fn remove(&mut self, id: &str) {
        let Some(slot) = self.slots.remove(id) else {
            return;
        };
        let last = self.faces.len() - 1;
        self.faces.swap_remove(slot);
        let (start, end) = (slot * EMBEDDING_LEN, last * EMBEDDING_LEN);
        self.descriptors
            .copy_within(end..end + EMBEDDING_LEN, start);
        self.descriptors.truncate(end);
        if slot != last {
            let moved = &*self.faces[slot].face_id;
            if let Some(entry) = self.slots.get_mut(moved) {
                *entry = slot;
            }
        }
    }

    /// How many faces the collection holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.faces.len()
    }

    /// The face with that id.
    #[cfg(test)]
    pub(super) fn face(&self, id: &str) -> Option<StoredFace> {
        self.slots.get(id).map(|&slot| self.stored(slot))
    }

    /// The faces at least `limits.threshold` similar to `probe`, most similar first (ties by
    /// face id), at most `limits.max`; `exclude` is never among them.
    pub(super) fn search(
        &self,
        probe: &Identity,
        exclude: Option<&str>,
        limits: SearchLimits,
    ) -> Vec<FoundFace> {
        let mut found: Vec<(f32, usize)> = match probe {
            Identity::Embedding(embedding) => self.nearest(embedding, limits.threshold),
            Identity::Declared { person, similarity } => self
                .faces
                .iter()
                .enumerate()
                .filter_map(|(slot, face)| {
                    let (other, other_similarity) = face.person.as_ref()?;
                    let similarity = similarity.min(*other_similarity);
                    (other == person && similarity >= limits.threshold && similarity > 0.0)
                        .then_some((similarity, slot))
                })
                .collect(),
        };
        found.retain(|&(_, slot)| Some(&*self.faces[slot].face_id) != exclude);
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.faces[a.1].face_id.cmp(&self.faces[b.1].face_id))
        });
        found.truncate(limits.max);
        found
            .into_iter()
            .map(|(similarity, slot)| FoundFace {
                face: self.stored(slot),
                similarity,
            })
            .collect()
    }

    /// Network faces within the distance that `threshold` allows, with their similarity.
    fn nearest(&self, probe: &Embedding, threshold: f32) -> Vec<(f32, usize)> {
        let bound = distance_bound(threshold);
        let squared_bound = bound * bound;
        let mut found = Vec::new();
        for (slot, descriptor) in self.descriptors.chunks_exact(EMBEDDING_LEN).enumerate() {
            let squared = squared_distance(&probe.0, descriptor);
            if squared <= squared_bound && self.faces[slot].person.is_none() {
                let distance = squared.sqrt();
                let similarity =
                    100.0 / (1.0 + (SIMILARITY_STEEPNESS * (distance - SIMILARITY_MIDPOINT)).exp());
                if similarity >= threshold {
                    found.push((similarity, slot));
                }
            }
        }
        found
    }
}

/// `Σ (a − b)²` over one descriptor, in eight independent lanes so that the compiler keeps them
/// in vector registers.
fn squared_distance(a: &[f32; EMBEDDING_LEN], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    for (a, b) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for lane in 0..8 {
            let difference = a[lane] - b[lane];
            lanes[lane] += difference * difference;
        }
    }
    lanes.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(id: &str, identity: Identity) -> StoredFace {
        StoredFace {
            face: NewFace {
                face_id: id.into(),
                image_id: "image".into(),
                external_image_id: None,
                bounding_box: Ratios::default(),
                confidence: 99.0,
                identity,
            },
            user_id: None,
        }
    }

    fn at(distance: f32) -> Identity {
        let mut values = [0.0; EMBEDDING_LEN];
        values[3] = distance;
        Identity::Embedding(Box::new(Embedding(values)))
    }

    fn all(threshold: f32) -> SearchLimits {
        SearchLimits {
            threshold,
            max: 100,
        }
    }

    #[test]
    fn the_distance_bound_inverts_the_similarity() {
        for threshold in [1.0, 50.0, 80.0, 99.0] {
            let bound = distance_bound(threshold);
            let Identity::Embedding(origin) = at(0.0) else {
                unreachable!()
            };
            let Identity::Embedding(edge) = at(bound) else {
                unreachable!()
            };
            let similarity = rekognition_faces::similarity(&origin, &edge);
            assert!(
                (similarity - threshold).abs() < 0.01,
                "{threshold}: {similarity}"
            );
        }
    }

    #[test]
    fn searches_rank_by_similarity_and_skip_the_excluded_face() {
        let mut index = FaceIndex::default();
        index.load(
            1,
            vec![
                face("a", at(0.0)),
                face("b", at(0.3)),
                face("c", at(0.5)),
                face("d", at(0.9)),
            ],
        );
        let collection = index.get(1).unwrap();
        let found = collection.search(&at(0.0), Some("a"), all(80.0));
        let ids: Vec<_> = found.iter().map(|f| f.face.face.face_id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert!(found[0].similarity > found[1].similarity);
        let everything = collection.search(&at(0.0), None, all(0.0));
        assert_eq!(everything.len(), 4);
        let top = collection.search(
            &at(0.0),
            None,
            SearchLimits {
                threshold: 0.0,
                max: 1,
            },
        );
        assert_eq!(top[0].face.face.face_id, "a");
    }

    #[test]
    fn removal_and_assignment_keep_the_index_consistent() {
        let mut index = FaceIndex::default();
        index.load(
            1,
            (0..5)
                .map(|i| face(&format!("f{i}"), at(i as f32 * 0.1)))
                .collect(),
        );
        index.apply(FaceChange::Removed(
            1,
            vec!["f1".into(), "f4".into(), "zz".into()],
        ));
        index.apply(FaceChange::Assigned(1, Some("u".into()), vec!["f3".into()]));
        let collection = index.get(1).unwrap();
        assert_eq!(collection.len(), 3);
        assert!(collection.face("f1").is_none());
        assert_eq!(collection.face("f3").unwrap().user_id.as_deref(), Some("u"));
        // Each remaining face is still found at its own descriptor.
        for (id, distance) in [("f0", 0.0), ("f2", 0.2), ("f3", 0.3)] {
            let found = collection.search(
                &at(distance),
                None,
                SearchLimits {
                    threshold: 0.0,
                    max: 1,
                },
            );
            assert_eq!(found[0].face.face.face_id, id);
            assert!(found[0].similarity > 99.9);
        }
    }

    #[test]
    fn declared_people_match_only_themselves() {
        let person = |name: &str| Identity::Declared {
            person: name.into(),
            similarity: 97.5,
        };
        let mut index = FaceIndex::default();
        index.load(
            1,
            vec![
                face("a", person("ann")),
                face("b", person("bob")),
                face("n", at(0.0)),
            ],
        );
        let found = index
            .get(1)
            .unwrap()
            .search(&person("ann"), None, all(80.0));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].face.face.face_id, "a");
        assert_eq!(found[0].similarity, 97.5);
        // A network face never matches a declared one, even at a zero threshold.
        let found = index.get(1).unwrap().search(&at(0.0), None, all(0.0));
        assert_eq!(found.len(), 1);
    }
}
