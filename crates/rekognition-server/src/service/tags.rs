//! Tags of collections, projects and datasets: `TagResource`, `UntagResource`,
//! `ListTagsForResource`.

use rekognition_server_sdk::error::{
    InvalidParameterException, ListTagsForResourceError, ResourceNotFoundException,
    ServiceQuotaExceededException, TagResourceError, UntagResourceError,
};
use rekognition_server_sdk::model::{
    ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest,
    TagResourceResponse, UntagResourceRequest, UntagResourceResponse,
};
use smithy_server_runtime::RequestContext;

use super::{Rekognition, internal, scope};
use crate::arn;
use crate::store::{Scope, StoreError};

/// The most tags a resource carries: a `TagMap` (what `ListTagsForResource` answers) holds at
/// most 200 entries.
const MAX_TAGS_PER_RESOURCE: u64 = 200;

/// Why an ARN cannot be tagged.
enum Untaggable {
    /// Not the ARN of a resource this service tags.
    Invalid(InvalidParameterException),
    /// The ARN of a resource the caller does not have.
    Missing(ResourceNotFoundException),
}

impl From<Untaggable> for TagResourceError {
    fn from(why: Untaggable) -> Self {
        match why {
            Untaggable::Invalid(error) => error.into(),
            Untaggable::Missing(error) => error.into(),
        }
    }
}

impl From<Untaggable> for UntagResourceError {
    fn from(why: Untaggable) -> Self {
        match why {
            Untaggable::Invalid(error) => error.into(),
            Untaggable::Missing(error) => error.into(),
        }
    }
}

impl From<Untaggable> for ListTagsForResourceError {
    fn from(why: Untaggable) -> Self {
        match why {
            Untaggable::Invalid(error) => error.into(),
            Untaggable::Missing(error) => error.into(),
        }
    }
}

fn missing(resource_arn: &str) -> Untaggable {
    Untaggable::Missing(ResourceNotFoundException::new(format!(
        "The resource {resource_arn} does not exist"
    )))
}

/// Checks that `resource_arn` names a collection, project or dataset: of the caller's scope
/// (else it is not found, as another account's resources are never revealed), or at least of
/// this service (else the parameter is invalid).
fn taggable(scope: &Scope, resource_arn: &str) -> Result<(), Untaggable> {
    if arn::resource(scope, resource_arn).is_some() {
        return Ok(());
    }
    let parts: Vec<&str> = resource_arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "rekognition", _, _, resource]
            if ["collection/", "project/"]
                .iter()
                .any(|kind| resource.starts_with(kind)) =>
        {
            Err(missing(resource_arn))
        }
        _ => Err(Untaggable::Invalid(InvalidParameterException::new(
            format!("{resource_arn} is not the ARN of a collection, project or dataset"),
        ))),
    }
}

pub(super) async fn tag(
    service: &Rekognition,
    input: TagResourceRequest,
    context: RequestContext,
) -> Result<TagResourceResponse, TagResourceError> {
    let scope = scope(&context);
    taggable(&scope, &input.resource_arn)?;
    let tags: Vec<(String, String)> = input.tags.into_iter().collect();
    match service
        .store
        .tag_resource(&scope, &input.resource_arn, &tags, MAX_TAGS_PER_RESOURCE)
        .await
    {
        Ok(()) => Ok(TagResourceResponse {}),
        Err(StoreError::NotFound) => Err(missing(&input.resource_arn).into()),
        Err(StoreError::LimitReached(limit)) => Err(ServiceQuotaExceededException::new(format!(
            "A resource carries at most {limit} tags"
        ))
        .into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn untag(
    service: &Rekognition,
    input: UntagResourceRequest,
    context: RequestContext,
) -> Result<UntagResourceResponse, UntagResourceError> {
    let scope = scope(&context);
    taggable(&scope, &input.resource_arn)?;
    match service
        .store
        .untag_resource(&scope, &input.resource_arn, &input.tag_keys)
        .await
    {
        Ok(()) => Ok(UntagResourceResponse {}),
        Err(StoreError::NotFound) => Err(missing(&input.resource_arn).into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn list(
    service: &Rekognition,
    input: ListTagsForResourceRequest,
    context: RequestContext,
) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
    let scope = scope(&context);
    taggable(&scope, &input.resource_arn)?;
    let tags = service
        .store
        .tags(&scope, &input.resource_arn)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| missing(&input.resource_arn))?;
    Ok(ListTagsForResourceResponse {
        tags: Some(tags.into_iter().collect()),
    })
}
