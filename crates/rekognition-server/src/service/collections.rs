//! Face collections: `CreateCollection`, `DeleteCollection`, `DescribeCollection`,
//! `ListCollections`.

use rekognition_server_sdk::error::{
    CreateCollectionError, DeleteCollectionError, DescribeCollectionError, ListCollectionsError,
    ResourceAlreadyExistsException, ResourceNotFoundException, ServiceQuotaExceededException,
};
use rekognition_server_sdk::model::{
    CreateCollectionRequest, CreateCollectionResponse, DeleteCollectionRequest,
    DeleteCollectionResponse, DescribeCollectionRequest, DescribeCollectionResponse,
    ListCollectionsRequest, ListCollectionsResponse,
};
use smithy_server_runtime::{RequestContext, Timestamp};

use super::{DEFAULT_PAGE_SIZE, Rekognition, internal, scope};
use crate::arn;
use crate::store::{NewCollection, StoreError};

/// The face model version new collections use.
pub const FACE_MODEL_VERSION: &str = "7.0";

/// The listing of collections, as pagination tokens name it.
const LISTING: &str = "collections";

pub(super) fn not_found(id: &str) -> ResourceNotFoundException {
    ResourceNotFoundException::new(format!("The collection id: {id} does not exist"))
}

pub(super) async fn create(
    service: &Rekognition,
    input: CreateCollectionRequest,
    context: RequestContext,
) -> Result<CreateCollectionResponse, CreateCollectionError> {
    let scope = scope(&context);
    if input.tags.as_ref().is_some_and(|tags| !tags.is_empty()) {
        service.require(&context, "TagResource")?;
    }
    let collection = NewCollection {
        id: input.collection_id.clone(),
        arn: arn::collection(&scope, &input.collection_id),
        face_model_version: FACE_MODEL_VERSION.to_owned(),
        created_millis: Timestamp::now().as_millis(),
        tags: input.tags.unwrap_or_default().into_iter().collect(),
    };
    let limit = service.quotas.max_collections;
    match service
        .store
        .create_collection(&scope, &collection, limit)
        .await
    {
        Ok(()) => Ok(CreateCollectionResponse {
            status_code: Some(200),
            collection_arn: Some(arn::collection_as_created(&scope, &input.collection_id)),
            face_model_version: Some(FACE_MODEL_VERSION.to_owned()),
        }),
        Err(StoreError::AlreadyExists) => Err(ResourceAlreadyExistsException::new(format!(
            "The collection id: {} already exists",
            input.collection_id
        ))
        .into()),
        Err(StoreError::LimitReached(limit)) => Err(ServiceQuotaExceededException::new(format!(
            "The account has reached its quota of {limit} collections in this Region"
        ))
        .into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn delete(
    service: &Rekognition,
    input: DeleteCollectionRequest,
    context: RequestContext,
) -> Result<DeleteCollectionResponse, DeleteCollectionError> {
    let scope = scope(&context);
    match service
        .store
        .delete_collection(&scope, &input.collection_id)
        .await
    {
        Ok(()) => Ok(DeleteCollectionResponse {
            status_code: Some(200),
        }),
        Err(StoreError::NotFound) => Err(not_found(&input.collection_id).into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn describe(
    service: &Rekognition,
    input: DescribeCollectionRequest,
    context: RequestContext,
) -> Result<DescribeCollectionResponse, DescribeCollectionError> {
    let scope = scope(&context);
    let collection = service
        .store
        .collection(&scope, &input.collection_id)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.collection_id))?;
    let (faces, users) = service
        .store
        .face_counts(&scope, &input.collection_id)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.collection_id))?;
    Ok(DescribeCollectionResponse {
        face_count: Some(faces as i64),
        face_model_version: Some(collection.face_model_version),
        collection_arn: Some(collection.arn),
        creation_timestamp: Some(Timestamp::from_millis(collection.created_millis)),
        user_count: Some(users as i64),
    })
}

pub(super) async fn list(
    service: &Rekognition,
    input: ListCollectionsRequest,
    context: RequestContext,
) -> Result<ListCollectionsResponse, ListCollectionsError> {
    let scope = scope(&context);
    let after = service.continue_after(&scope, LISTING, input.next_token.as_deref())?;
    let page_size = match input.max_results {
        Some(n) if n > 0 => n as usize,
        _ => DEFAULT_PAGE_SIZE,
    };
    // The listing is answered from memory (see `Store::list_collections`): no blocking task.
    let mut listed = service
        .store
        .list_collections(&scope, after, page_size + 1)
        .map_err(|e| internal(&e))?;
    let next_token = if listed.len() > page_size {
        listed.truncate(page_size);
        listed
            .last()
            .map(|last| service.tokens.issue(&scope, LISTING, last.position))
    } else {
        None
    };
    let (ids, versions) = listed
        .into_iter()
        .map(|c| (c.id, c.face_model_version))
        .unzip();
    Ok(ListCollectionsResponse {
        collection_ids: Some(ids),
        next_token,
        face_model_versions: Some(versions),
    })
}
