//! Users of collections: `CreateUser`, `DeleteUser`, `ListUsers`, `AssociateFaces`,
//! `DisassociateFaces`, `SearchUsers`, `SearchUsersByImage`.
//!
//! A user is `CREATED` until it has a face and `ACTIVE` after; the association calls answer
//! `UPDATING`, as the service does while it settles, and the change is settled (and listed)
//! as soon as it is acknowledged. A user matches a face at the best similarity of its own
//! faces.

use std::collections::HashMap;

use rekognition_server_sdk::error::{
    AssociateFacesError, ConflictException, CreateUserError, DeleteUserError,
    DisassociateFacesError, IdempotentParameterMismatchException, InternalServerError,
    InvalidParameterException, ListUsersError, ResourceNotFoundException, SearchUsersByImageError,
    SearchUsersError, ServiceQuotaExceededException,
};
use rekognition_server_sdk::model::{
    AssociateFacesRequest, AssociateFacesResponse, AssociatedFace, CreateUserRequest,
    CreateUserResponse, DeleteUserRequest, DeleteUserResponse, DisassociateFacesRequest,
    DisassociateFacesResponse, DisassociatedFace, ListUsersRequest, ListUsersResponse, MatchedUser,
    Reason, SearchUsersByImageRequest, SearchUsersByImageResponse, SearchUsersRequest,
    SearchUsersResponse, SearchedFace, SearchedFaceDetails, SearchedUser, UnsearchedFace,
    UnsearchedFaceReason, UnsuccessfulFaceAssociation, UnsuccessfulFaceAssociationReason,
    UnsuccessfulFaceDisassociation, UnsuccessfulFaceDisassociationReason, User, UserMatch,
    UserStatus,
};
use smithy_server_runtime::RequestContext;

use super::collections::not_found;
use super::faces::{DEFAULT_THRESHOLD, model_version, require_image_access, search_collection};
use super::{Rekognition, internal, scope};
use crate::faces::{Attributes, Filter, Needs, face_detail, filter_reasons};
use crate::store::{
    Association, FaceChanges, FaceQuery, FaceRefusal, Identity, RequestToken, Scope, SearchLimits,
    StoreError, StoredUser,
};

/// `ListUsers` page size without `MaxResults`: the most it allows.
const DEFAULT_USER_PAGE: usize = 500;

/// `SearchUsers` and `SearchUsersByImage` matches without `MaxUsers`: the most they allow.
const DEFAULT_MAX_USERS: usize = 500;

/// `AssociateFaces`' `UserMatchThreshold` without a value.
const DEFAULT_ASSOCIATION_THRESHOLD: f32 = 75.0;

/// Faces a user may have, as AWS allows.
const DEFAULT_MAX_FACES_PER_USER: u64 = 100;

fn user_not_found(user: &str) -> ResourceNotFoundException {
    ResourceNotFoundException::new(format!("The user id: {user} does not exist"))
}

fn status(user: &StoredUser) -> UserStatus {
    if user.face_count > 0 {
        UserStatus::Active
    } else {
        UserStatus::Created
    }
}

/// The request token of a call with its operation and parameters.
fn token(token: Option<&String>, operation: &str, parameters: &[&str]) -> Option<RequestToken> {
    token.map(|token| RequestToken {
        token: token.clone(),
        fingerprint: std::iter::once(operation)
            .chain(parameters.iter().copied())
            .collect::<Vec<_>>()
            .join("\u{1f}"),
    })
}

/// The errors every user write shares; the collection was found just before, so `NotFound` is
/// the user's.
fn refused<E>(error: StoreError, user: &str, token: Option<&String>) -> E
where
    E: From<ResourceNotFoundException>
        + From<IdempotentParameterMismatchException>
        + From<InternalServerError>,
{
    match error {
        StoreError::NotFound => user_not_found(user).into(),
        StoreError::TokenReused => IdempotentParameterMismatchException::new(format!(
            "The ClientRequestToken: {} you have supplied is already in use.",
            token.map_or("", String::as_str)
        ))
        .into(),
        error => internal(&error).into(),
    }
}

/// Checks the collection exists, so that a later `NotFound` is the user's.
fn collection_exists<E>(service: &Rekognition, scope: &Scope, collection: &str) -> Result<(), E>
where
    E: From<ResourceNotFoundException> + From<InternalServerError>,
{
    model_version::<E>(service, scope, collection).map(drop)
}

pub(super) async fn create(
    service: &Rekognition,
    input: CreateUserRequest,
    context: RequestContext,
) -> Result<CreateUserResponse, CreateUserError> {
    let scope = scope(&context);
    collection_exists::<CreateUserError>(service, &scope, &input.collection_id)?;
    let token = token(
        input.client_request_token.as_ref(),
        "CreateUser",
        &[&input.user_id],
    );
    let limit = service.quotas.max_users_per_collection;
    match service
        .store
        .create_user(&scope, &input.collection_id, &input.user_id, limit, token)
        .await
    {
        Ok(()) => Ok(CreateUserResponse {}),
        Err(StoreError::AlreadyExists) => Err(ConflictException::new(format!(
            "A user with the id: {} already exists in the collection",
            input.user_id
        ))
        .into()),
        Err(StoreError::LimitReached(limit)) => Err(ServiceQuotaExceededException::new(format!(
            "The collection has reached its quota of {limit} users"
        ))
        .into()),
        Err(StoreError::NotFound) => Err(not_found(&input.collection_id).into()),
        Err(error) => Err(refused(
            error,
            &input.user_id,
            input.client_request_token.as_ref(),
        )),
    }
}

pub(super) async fn delete(
    service: &Rekognition,
    input: DeleteUserRequest,
    context: RequestContext,
) -> Result<DeleteUserResponse, DeleteUserError> {
    let scope = scope(&context);
    collection_exists::<DeleteUserError>(service, &scope, &input.collection_id)?;
    let token = token(
        input.client_request_token.as_ref(),
        "DeleteUser",
        &[&input.user_id],
    );
    match service
        .store
        .delete_user(&scope, &input.collection_id, &input.user_id, token)
        .await
    {
        Ok(()) => Ok(DeleteUserResponse {}),
        Err(error) => Err(refused(
            error,
            &input.user_id,
            input.client_request_token.as_ref(),
        )),
    }
}

pub(super) async fn list(
    service: &Rekognition,
    input: ListUsersRequest,
    context: RequestContext,
) -> Result<ListUsersResponse, ListUsersError> {
    let scope = scope(&context);
    let listing = format!("users:{}", input.collection_id);
    let after = service.continue_after(&scope, &listing, input.next_token.as_deref())?;
    let page = input
        .max_results
        .map_or(DEFAULT_USER_PAGE, |n| n.max(1) as usize);
    let mut users = service
        .store
        .list_users(&scope, &input.collection_id, after, page + 1)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.collection_id))?;
    let next_token = if users.len() > page {
        users.truncate(page);
        users
            .last()
            .map(|(position, _)| service.tokens.issue(&scope, &listing, *position))
    } else {
        None
    };
    Ok(ListUsersResponse {
        users: Some(
            users
                .iter()
                .map(|(_, user)| User {
                    user_id: Some(user.user_id.clone()),
                    user_status: Some(status(user)),
                })
                .collect(),
        ),
        next_token,
    })
}

/// The status an association call answers: `UPDATING` when it changed the user's faces.
fn changed_status(changes: &FaceChanges) -> UserStatus {
    if changes.outcomes.iter().any(|o| o.refused.is_none()) {
        UserStatus::Updating
    } else if changes.user_faces > 0 {
        UserStatus::Active
    } else {
        UserStatus::Created
    }
}

pub(super) async fn associate(
    service: &Rekognition,
    input: AssociateFacesRequest,
    context: RequestContext,
) -> Result<AssociateFacesResponse, AssociateFacesError> {
    let scope = scope(&context);
    collection_exists::<AssociateFacesError>(service, &scope, &input.collection_id)?;
    let threshold = input
        .user_match_threshold
        .unwrap_or(DEFAULT_ASSOCIATION_THRESHOLD);
    let threshold_text = threshold.to_string();
    let mut parameters = vec![input.user_id.as_str(), threshold_text.as_str()];
    parameters.extend(input.face_ids.iter().map(String::as_str));
    let token = token(
        input.client_request_token.as_ref(),
        "AssociateFaces",
        &parameters,
    );
    let association = Association {
        user_id: input.user_id.clone(),
        face_ids: input.face_ids.clone(),
        threshold,
        max_faces_per_user: service
            .quotas
            .max_faces_per_user
            .unwrap_or(DEFAULT_MAX_FACES_PER_USER),
    };
    let changes = match service
        .store
        .associate_faces(&scope, &input.collection_id, association, token)
        .outcome()
        .await
    {
        Ok(changes) => changes,
        Err(StoreError::LimitReached(limit)) => {
            return Err(ServiceQuotaExceededException::new(format!(
                "A user can have at most {limit} faces"
            ))
            .into());
        }
        Err(error) => {
            return Err(refused(
                error,
                &input.user_id,
                input.client_request_token.as_ref(),
            ));
        }
    };
    let mut associated = Vec::new();
    let mut unsuccessful = Vec::new();
    for outcome in &changes.outcomes {
        let reason = match outcome.refused {
            None => {
                associated.push(AssociatedFace {
                    face_id: Some(outcome.face_id.clone()),
                });
                continue;
            }
            Some(FaceRefusal::NotFound) => UnsuccessfulFaceAssociationReason::FaceNotFound,
            Some(FaceRefusal::OtherUser) => {
                UnsuccessfulFaceAssociationReason::AssociatedToADifferentUser
            }
            Some(FaceRefusal::LowMatch) => UnsuccessfulFaceAssociationReason::LowMatchConfidence,
        };
        unsuccessful.push(UnsuccessfulFaceAssociation {
            face_id: Some(outcome.face_id.clone()),
            user_id: outcome.user_id.clone(),
            confidence: outcome.confidence,
            reasons: Some(vec![reason]),
        });
    }
    Ok(AssociateFacesResponse {
        associated_faces: Some(associated),
        unsuccessful_face_associations: Some(unsuccessful),
        user_status: Some(changed_status(&changes)),
    })
}

pub(super) async fn disassociate(
    service: &Rekognition,
    input: DisassociateFacesRequest,
    context: RequestContext,
) -> Result<DisassociateFacesResponse, DisassociateFacesError> {
    let scope = scope(&context);
    collection_exists::<DisassociateFacesError>(service, &scope, &input.collection_id)?;
    let mut parameters = vec![input.user_id.as_str()];
    parameters.extend(input.face_ids.iter().map(String::as_str));
    let token = token(
        input.client_request_token.as_ref(),
        "DisassociateFaces",
        &parameters,
    );
    let changes = service
        .store
        .disassociate_faces(
            &scope,
            &input.collection_id,
            &input.user_id,
            input.face_ids.clone(),
            token,
        )
        .outcome()
        .await
        .map_err(|error| {
            refused::<DisassociateFacesError>(
                error,
                &input.user_id,
                input.client_request_token.as_ref(),
            )
        })?;
    let mut disassociated = Vec::new();
    let mut unsuccessful = Vec::new();
    for outcome in &changes.outcomes {
        let reason = match outcome.refused {
            None => {
                disassociated.push(DisassociatedFace {
                    face_id: Some(outcome.face_id.clone()),
                });
                continue;
            }
            Some(FaceRefusal::NotFound) => UnsuccessfulFaceDisassociationReason::FaceNotFound,
            Some(_) => UnsuccessfulFaceDisassociationReason::AssociatedToADifferentUser,
        };
        unsuccessful.push(UnsuccessfulFaceDisassociation {
            face_id: Some(outcome.face_id.clone()),
            user_id: outcome.user_id.clone(),
            reasons: Some(vec![reason]),
        });
    }
    Ok(DisassociateFacesResponse {
        disassociated_faces: Some(disassociated),
        unsuccessful_face_disassociations: Some(unsuccessful),
        user_status: Some(changed_status(&changes)),
    })
}

/// The users whose faces match any of `probes` at `threshold` or better, each at its best
/// similarity, most similar first; `skip_user` is left out.
async fn matching_users<E>(
    service: &Rekognition,
    scope: &Scope,
    collection: &str,
    probes: Vec<(Identity, Option<String>)>,
    threshold: f32,
    max_users: usize,
    skip_user: Option<&str>,
) -> Result<Vec<UserMatch>, E>
where
    E: From<ResourceNotFoundException> + From<InternalServerError>,
{
    let limits = SearchLimits {
        threshold,
        max: usize::MAX,
    };
    let mut best: HashMap<String, f32> = HashMap::new();
    for (probe, exclude) in probes {
        for found in
            search_collection::<E>(service, scope, collection, probe, exclude, limits).await?
        {
            let Some(user) = found.face.user_id else {
                continue;
            };
            if Some(user.as_str()) == skip_user {
                continue;
            }
            let entry = best.entry(user).or_insert(0.0);
            *entry = entry.max(found.similarity);
        }
    }
    let mut users: Vec<(String, f32)> = best.into_iter().collect();
    users.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    users.truncate(max_users);
    Ok(users
        .into_iter()
        .map(|(user_id, similarity)| UserMatch {
            similarity: Some(similarity),
            user: Some(MatchedUser {
                user_id: Some(user_id),
                user_status: Some(UserStatus::Active),
            }),
        })
        .collect())
}

pub(super) async fn search(
    service: &Rekognition,
    input: SearchUsersRequest,
    context: RequestContext,
) -> Result<SearchUsersResponse, SearchUsersError> {
    let scope = scope(&context);
    let version = model_version::<SearchUsersError>(service, &scope, &input.collection_id)?;
    let threshold = input.user_match_threshold.unwrap_or(DEFAULT_THRESHOLD);
    let max_users = input
        .max_users
        .map_or(DEFAULT_MAX_USERS, |n| n.max(1) as usize);
    let collection = input.collection_id.as_str();
    let store_error = |e: StoreError| SearchUsersError::from(internal(&e));
    match (&input.user_id, &input.face_id) {
        (None, Some(face_id)) => {
            let face = service
                .store
                .face(&scope, collection, face_id)
                .map_err(store_error)?
                .ok_or_else(|| not_found(collection))?
                .ok_or_else(|| {
                    InvalidParameterException::new("faceId was not found in the collection.")
                })?;
            let probes = vec![(face.face.identity, Some(face_id.clone()))];
            let user_matches = matching_users::<SearchUsersError>(
                service, &scope, collection, probes, threshold, max_users, None,
            )
            .await?;
            Ok(SearchUsersResponse {
                user_matches: Some(user_matches),
                face_model_version: Some(version),
                searched_face: Some(SearchedFace {
                    face_id: Some(face_id.clone()),
                }),
                searched_user: None,
            })
        }
        (Some(user_id), None) => {
            service
                .store
                .user(&scope, collection, user_id)
                .map_err(store_error)?
                .ok_or_else(|| not_found(collection))?
                .ok_or_else(|| user_not_found(user_id))?;
            let query = FaceQuery {
                limit: usize::MAX >> 1,
                user_id: Some(user_id.clone()),
                ..FaceQuery::default()
            };
            let faces = service
                .store
                .list_faces(&scope, collection, &query)
                .map_err(store_error)?
                .unwrap_or_default();
            let probes = faces
                .into_iter()
                .map(|f| (f.face.identity, Some(f.face.face_id)))
                .collect();
            let user_matches = matching_users::<SearchUsersError>(
                service,
                &scope,
                collection,
                probes,
                threshold,
                max_users,
                Some(user_id),
            )
            .await?;
            Ok(SearchUsersResponse {
                user_matches: Some(user_matches),
                face_model_version: Some(version),
                searched_face: None,
                searched_user: Some(SearchedUser {
                    user_id: Some(user_id.clone()),
                }),
            })
        }
        _ => Err(InvalidParameterException::new(
            "Request has invalid parameters: give exactly one of UserId and FaceId",
        )
        .into()),
    }
}

fn unsearched_reason(reason: Reason) -> UnsearchedFaceReason {
    match reason {
        Reason::ExceedsMaxFaces => UnsearchedFaceReason::ExceedsMaxFaces,
        Reason::ExtremePose => UnsearchedFaceReason::ExtremePose,
        Reason::LowBrightness => UnsearchedFaceReason::LowBrightness,
        Reason::LowSharpness => UnsearchedFaceReason::LowSharpness,
        Reason::LowConfidence => UnsearchedFaceReason::LowConfidence,
        Reason::SmallBoundingBox => UnsearchedFaceReason::SmallBoundingBox,
        Reason::LowFaceQuality => UnsearchedFaceReason::LowFaceQuality,
    }
}

pub(super) async fn search_by_image(
    service: &Rekognition,
    input: SearchUsersByImageRequest,
    context: RequestContext,
) -> Result<SearchUsersByImageResponse, SearchUsersByImageError> {
    let scope = scope(&context);
    require_image_access(service, &context, &input.image)?;
    let version = model_version::<SearchUsersByImageError>(service, &scope, &input.collection_id)?;
    let analysis = service
        .faces
        .analyze(
            input.image,
            Needs {
                identity: true,
                ..Needs::default()
            },
        )
        .await
        .map_err(|e| e.into_error::<SearchUsersByImageError>())?;
    let filter = Filter::new(input.quality_filter, Filter::None);
    let attributes = Attributes::default();
    let mut unsearched = Vec::new();
    let mut searched = None;
    for (i, face) in analysis.faces.iter().enumerate() {
        let mut reasons: Vec<UnsearchedFaceReason> = filter_reasons(face, filter, &analysis)
            .into_iter()
            .map(unsearched_reason)
            .collect();
        if i > 0 {
            reasons.insert(0, UnsearchedFaceReason::FaceNotLargest);
        }
        if reasons.is_empty() {
            searched = Some(face);
        } else {
            unsearched.push(UnsearchedFace {
                face_details: Some(face_detail(face, &analysis, &attributes)),
                reasons: Some(reasons),
            });
        }
    }
    let user_matches = match searched.and_then(|face| face.identity.clone()) {
        Some(probe) => {
            let threshold = input.user_match_threshold.unwrap_or(DEFAULT_THRESHOLD);
            let max_users = input
                .max_users
                .map_or(DEFAULT_MAX_USERS, |n| n.max(1) as usize);
            matching_users::<SearchUsersByImageError>(
                service,
                &scope,
                &input.collection_id,
                vec![(probe, None)],
                threshold,
                max_users,
                None,
            )
            .await?
        }
        None => Vec::new(),
    };
    Ok(SearchUsersByImageResponse {
        user_matches: Some(user_matches),
        face_model_version: Some(version),
        searched_face: searched.map(|face| SearchedFaceDetails {
            face_detail: Some(face_detail(face, &analysis, &attributes)),
        }),
        unsearched_faces: Some(unsearched),
    })
}
