//! Faces in collections: `IndexFaces`, `ListFaces`, `DeleteFaces`, `SearchFaces`,
//! `SearchFacesByImage`.

use rekognition_server_sdk::error::{
    DeleteFacesError, IndexFacesError, InvalidParameterException, ListFacesError,
    SearchFacesByImageError, SearchFacesError, ServiceQuotaExceededException,
};
use rekognition_server_sdk::model::{
    DeleteFacesRequest, DeleteFacesResponse, Face, FaceMatch, FaceRecord, Image, IndexFacesRequest,
    IndexFacesResponse, ListFacesRequest, ListFacesResponse, Reason, SearchFacesByImageRequest,
    SearchFacesByImageResponse, SearchFacesRequest, SearchFacesResponse, UnindexedFace,
    UnsuccessfulFaceDeletion, UnsuccessfulFaceDeletionReason,
};
use smithy_server_runtime::RequestContext;

use super::collections::not_found;
use super::{Rekognition, internal, invalid_token, scope};
use crate::faces::{
    Attributes, Filter, FoundFace, MAX_FACES_PER_IMAGE, Needs, bounding_box, face_detail,
    filter_reasons,
};
use crate::store::{
    FaceQuery, FaceRefusal, FoundFace as Match, Identity, NewFace, Ratios, Scope, SearchLimits,
    StoreError, StoredFace,
};

/// `ListFaces` page size when `MaxResults` is absent or 0.
const DEFAULT_FACE_PAGE: usize = 1000;

/// Matches a search returns without `MaxFaces`: the most it allows.
pub(super) const DEFAULT_MAX_MATCHES: usize = 4096;

/// `FaceMatchThreshold`, `SimilarityThreshold` and `UserMatchThreshold` without a value.
pub(super) const DEFAULT_THRESHOLD: f32 = 80.0;

/// The answer for an image whose faces are all missing or filtered out, where one is needed.
pub(super) fn no_faces() -> InvalidParameterException {
    InvalidParameterException::new("There are no faces in the image. Should be at least 1.")
}

fn face_not_found() -> InvalidParameterException {
    InvalidParameterException::new("faceId was not found in the collection.")
}

/// A stored number as read back: to six significant digits, as the service keeps them.
fn stored(value: f32) -> f32 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(5 - value.abs().log10().floor() as i32);
    ((f64::from(value) * scale).round() / scale) as f32
}

/// A stored face as `ListFaces` and the searches answer it.
pub(super) fn face_of(face: &StoredFace, model_version: &str) -> Face {
    let f = &face.face;
    Face {
        face_id: Some(f.face_id.clone()),
        bounding_box: Some(bounding_box(f.bounding_box)),
        image_id: Some(f.image_id.clone()),
        external_image_id: f.external_image_id.clone(),
        confidence: Some(f.confidence),
        index_faces_model_version: Some(model_version.to_owned()),
        user_id: face.user_id.clone(),
    }
}

fn matches(found: Vec<Match>, model_version: &str) -> Vec<FaceMatch> {
    found
        .into_iter()
        .map(|m| FaceMatch {
            similarity: Some(m.similarity),
            face: Some(face_of(&m.face, model_version)),
        })
        .collect()
}

/// The face model version of a collection, or its absence as `ResourceNotFoundException`.
pub(super) fn model_version<E>(
    service: &Rekognition,
    scope: &Scope,
    collection: &str,
) -> Result<String, E>
where
    E: From<rekognition_server_sdk::error::ResourceNotFoundException>
        + From<rekognition_server_sdk::error::InternalServerError>,
{
    match service.store.collection(scope, collection) {
        Ok(Some(found)) => Ok(found.face_model_version),
        Ok(None) => Err(not_found(collection).into()),
        Err(error) => Err(internal(&error).into()),
    }
}

/// Checks that a strict-mode caller may read an image given as an S3 object.
pub(super) fn require_image_access(
    service: &Rekognition,
    context: &RequestContext,
    image: &Image,
) -> Result<(), rekognition_server_sdk::error::AccessDeniedException> {
    if image.s3_object.is_some() {
        service.require_action(context, "s3:GetObject")?;
    }
    Ok(())
}

/// Which faces `IndexFaces` stores (at most `max`, largest first, those the filter keeps) and
/// which it leaves, with why.
fn choose(
    faces: &[FoundFace],
    filter: Filter,
    max: usize,
    analysis: &crate::faces::Analysis,
) -> (Vec<usize>, Vec<(usize, Vec<Reason>)>) {
    let mut kept = Vec::new();
    let mut left = Vec::new();
    for (i, face) in faces.iter().enumerate() {
        let reasons = filter_reasons(face, filter, analysis);
        if !reasons.is_empty() {
            left.push((i, reasons));
        } else if kept.len() < max {
            kept.push(i);
        } else {
            left.push((i, vec![Reason::ExceedsMaxFaces]));
        }
    }
    (kept, left)
}

pub(super) async fn index(
    service: &Rekognition,
    input: IndexFacesRequest,
    context: RequestContext,
) -> Result<IndexFacesResponse, IndexFacesError> {
    let scope = scope(&context);
    require_image_access(service, &context, &input.image)?;
    let version = model_version::<IndexFacesError>(service, &scope, &input.collection_id)?;
    let attributes = Attributes::new(input.detection_attributes.as_deref());
    let needs = Needs {
        identity: true,
        emotions: attributes.needs_emotions(),
        age_gender: attributes.needs_age_gender(),
    };
    let analysis = service
        .faces
        .analyze(input.image, needs)
        .await
        .map_err(|e| e.into_error::<IndexFacesError>())?;
    let filter = Filter::new(input.quality_filter, Filter::Medium);
    let max = input.max_faces.map_or(MAX_FACES_PER_IMAGE, |n| {
        (n.max(1) as usize).min(MAX_FACES_PER_IMAGE)
    });
    let (kept, left) = choose(&analysis.faces, filter, max, &analysis);
    let image_id = uuid::Uuid::new_v4().to_string();
    let mut records = Vec::with_capacity(kept.len());
    let mut new_faces = Vec::with_capacity(kept.len());
    for i in kept {
        let face = &analysis.faces[i];
        let face_id = uuid::Uuid::new_v4().to_string();
        let b = face.bounding_box;
        new_faces.push(NewFace {
            face_id: face_id.clone(),
            image_id: image_id.clone(),
            external_image_id: input.external_image_id.clone(),
            bounding_box: Ratios {
                left: stored(b.left),
                top: stored(b.top),
                width: stored(b.width),
                height: stored(b.height),
            },
            confidence: stored(face.confidence),
            identity: face.identity.clone().ok_or_else(|| {
                internal(&StoreError::Internal("a face without a descriptor".into()))
            })?,
        });
        records.push(FaceRecord {
            face: Some(Face {
                face_id: Some(face_id),
                bounding_box: Some(bounding_box(b)),
                image_id: Some(image_id.clone()),
                external_image_id: input.external_image_id.clone(),
                confidence: Some(face.confidence),
                index_faces_model_version: None,
                user_id: None,
            }),
            face_detail: Some(face_detail(face, &analysis, &attributes)),
        });
    }
    let unindexed = left
        .into_iter()
        .map(|(i, reasons)| UnindexedFace {
            reasons: Some(reasons),
            face_detail: Some(face_detail(&analysis.faces[i], &analysis, &attributes)),
        })
        .collect();
    if !new_faces.is_empty() {
        let limit = service.quotas.max_faces_per_collection;
        match service
            .store
            .index_faces(&scope, &input.collection_id, new_faces, limit)
            .await
        {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(not_found(&input.collection_id).into()),
            Err(StoreError::LimitReached(_)) => {
                return Err(ServiceQuotaExceededException::new(
                    "The size of the collection exceeds the allowed limit",
                )
                .into());
            }
            Err(error) => return Err(internal(&error).into()),
        }
    }
    Ok(IndexFacesResponse {
        face_records: Some(records),
        orientation_correction: None,
        face_model_version: Some(version),
        unindexed_faces: Some(unindexed),
    })
}

pub(super) async fn list(
    service: &Rekognition,
    input: ListFacesRequest,
    context: RequestContext,
) -> Result<ListFacesResponse, ListFacesError> {
    let scope = scope(&context);
    let listing = format!("faces:{}", input.collection_id);
    let after = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => {
            let key = service
                .tokens
                .check_after(&scope, &listing, token)
                .ok_or_else(invalid_token)?;
            Some(String::from_utf8(key).map_err(|_| invalid_token())?)
        }
    };
    let version = model_version::<ListFacesError>(service, &scope, &input.collection_id)?;
    let page = match input.max_results {
        Some(n) if n > 0 => n as usize,
        _ => DEFAULT_FACE_PAGE,
    };
    let query = FaceQuery {
        after,
        limit: page + 1,
        user_id: input.user_id.clone(),
        face_ids: input.face_ids.clone(),
    };
    let mut faces = service
        .store
        .list_faces(&scope, &input.collection_id, &query)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.collection_id))?;
    let next_token = if faces.len() > page {
        faces.truncate(page);
        faces.last().map(|last| {
            service
                .tokens
                .issue_after(&scope, &listing, last.face.face_id.as_bytes())
        })
    } else {
        None
    };
    Ok(ListFacesResponse {
        faces: Some(faces.iter().map(|f| face_of(f, &version)).collect()),
        next_token,
        face_model_version: Some(version),
    })
}

pub(super) async fn delete(
    service: &Rekognition,
    input: DeleteFacesRequest,
    context: RequestContext,
) -> Result<DeleteFacesResponse, DeleteFacesError> {
    let scope = scope(&context);
    let changes = match service
        .store
        .delete_faces(&scope, &input.collection_id, input.face_ids)
        .outcome()
        .await
    {
        Ok(changes) => changes,
        Err(StoreError::NotFound) => return Err(not_found(&input.collection_id).into()),
        Err(error) => return Err(internal(&error).into()),
    };
    let mut deleted = Vec::new();
    let mut unsuccessful = Vec::new();
    for outcome in changes.outcomes {
        let reason = match outcome.refused {
            None => {
                deleted.push(outcome.face_id);
                continue;
            }
            Some(FaceRefusal::NotFound) => UnsuccessfulFaceDeletionReason::FaceNotFound,
            Some(_) => UnsuccessfulFaceDeletionReason::AssociatedToAnExistingUser,
        };
        unsuccessful.push(UnsuccessfulFaceDeletion {
            face_id: Some(outcome.face_id),
            user_id: outcome.user_id,
            reasons: Some(vec![reason]),
        });
    }
    Ok(DeleteFacesResponse {
        deleted_faces: Some(deleted),
        unsuccessful_face_deletions: (!unsuccessful.is_empty()).then_some(unsuccessful),
    })
}

pub(super) async fn search(
    service: &Rekognition,
    input: SearchFacesRequest,
    context: RequestContext,
) -> Result<SearchFacesResponse, SearchFacesError> {
    let scope = scope(&context);
    let version = model_version::<SearchFacesError>(service, &scope, &input.collection_id)?;
    let face = service
        .store
        .face(&scope, &input.collection_id, &input.face_id)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.collection_id))?
        .ok_or_else(face_not_found)?;
    let limits = SearchLimits {
        threshold: input.face_match_threshold.unwrap_or(DEFAULT_THRESHOLD),
        max: input
            .max_faces
            .map_or(DEFAULT_MAX_MATCHES, |n| n.max(1) as usize),
    };
    let found = search_collection::<SearchFacesError>(
        service,
        &scope,
        &input.collection_id,
        face.face.identity,
        Some(input.face_id.clone()),
        limits,
    )
    .await?;
    Ok(SearchFacesResponse {
        searched_face_id: Some(input.face_id),
        face_matches: Some(matches(found, &version)),
        face_model_version: Some(version),
    })
}

/// Searches a collection off the async executor (a first search loads the collection).
pub(super) async fn search_collection<E>(
    service: &Rekognition,
    scope: &Scope,
    collection: &str,
    probe: Identity,
    exclude: Option<String>,
    limits: SearchLimits,
) -> Result<Vec<Match>, E>
where
    E: From<rekognition_server_sdk::error::ResourceNotFoundException>
        + From<rekognition_server_sdk::error::InternalServerError>,
{
    let (scope_owned, id) = (scope.clone(), collection.to_owned());
    let found = service
        .storage(move |store| {
            store.search_faces(&scope_owned, &id, &probe, exclude.as_deref(), limits)
        })
        .await
        .map_err(|e| internal(&e))?;
    found.ok_or_else(|| not_found(collection).into())
}

pub(super) async fn search_by_image(
    service: &Rekognition,
    input: SearchFacesByImageRequest,
    context: RequestContext,
) -> Result<SearchFacesByImageResponse, SearchFacesByImageError> {
    let scope = scope(&context);
    require_image_access(service, &context, &input.image)?;
    let version = model_version::<SearchFacesByImageError>(service, &scope, &input.collection_id)?;
    let needs = Needs {
        identity: true,
        ..Needs::default()
    };
    let analysis = service
        .faces
        .analyze(input.image, needs)
        .await
        .map_err(|e| e.into_error::<SearchFacesByImageError>())?;
    let filter = Filter::new(input.quality_filter, Filter::None);
    let largest = analysis
        .faces
        .first()
        .filter(|face| filter_reasons(face, filter, &analysis).is_empty())
        .ok_or_else(no_faces)?;
    let limits = SearchLimits {
        threshold: input.face_match_threshold.unwrap_or(DEFAULT_THRESHOLD),
        max: input
            .max_faces
            .map_or(DEFAULT_MAX_MATCHES, |n| n.max(1) as usize),
    };
    let probe = largest.identity.clone().ok_or_else(no_faces)?;
    let found = search_collection::<SearchFacesByImageError>(
        service,
        &scope,
        &input.collection_id,
        probe,
        None,
        limits,
    )
    .await?;
    Ok(SearchFacesByImageResponse {
        searched_face_bounding_box: Some(bounding_box(largest.bounding_box)),
        searched_face_confidence: Some(largest.confidence),
        face_matches: Some(matches(found, &version)),
        face_model_version: Some(version),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_numbers_keep_six_significant_digits() {
        assert_eq!(stored(0.161_801_5), 0.161_802);
        assert_eq!(stored(99.993_41), 99.9934);
        assert_eq!(stored(-0.012_345_67), -0.012_345_7);
        assert_eq!(stored(0.0), 0.0);
    }
}
