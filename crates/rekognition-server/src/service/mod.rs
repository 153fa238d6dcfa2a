//! The Rekognition operations, implemented on the generated `RekognitionService` trait with the
//! real service's semantics: ARNs, messages, pagination, permissions, the asynchronous life of
//! datasets. One module per family of operations; this one holds what they share and the trait
//! implementation, which hands each operation to its module.
//!
//! - `collections`: face collections;
//! - `faces`: faces in collections (indexing, listing, deleting, searching);
//! - `users`: users of collections and their faces;
//! - `compare`: faces in images without a collection (detecting, comparing);
//! - `projects`: Custom Labels projects;
//! - `datasets`: datasets, their entries and labels, and the background manifest import;
//! - `tags`: tags of every taggable resource.

mod collections;
mod compare;
mod datasets;
mod faces;
mod projects;
mod tags;
mod users;

use std::sync::Arc;

use rekognition_server_sdk::error::{
    AccessDeniedException, AssociateFacesError, CompareFacesError, CreateCollectionError,
    CreateDatasetError, CreateProjectError, CreateUserError, DeleteCollectionError,
    DeleteDatasetError, DeleteFacesError, DeleteProjectError, DeleteUserError,
    DescribeCollectionError, DescribeDatasetError, DescribeProjectsError, DetectFacesError,
    DisassociateFacesError, DistributeDatasetEntriesError, IndexFacesError, InternalServerError,
    InvalidPaginationTokenException, ListCollectionsError, ListDatasetEntriesError,
    ListDatasetLabelsError, ListFacesError, ListTagsForResourceError, ListUsersError,
    SearchFacesByImageError, SearchFacesError, SearchUsersByImageError, SearchUsersError,
    TagResourceError, UntagResourceError, UpdateDatasetEntriesError,
};
use rekognition_server_sdk::model::{
    AssociateFacesRequest, AssociateFacesResponse, CompareFacesRequest, CompareFacesResponse,
    CreateCollectionRequest, CreateCollectionResponse, CreateDatasetRequest, CreateDatasetResponse,
    CreateProjectRequest, CreateProjectResponse, CreateUserRequest, CreateUserResponse,
    DeleteCollectionRequest, DeleteCollectionResponse, DeleteDatasetRequest, DeleteDatasetResponse,
    DeleteFacesRequest, DeleteFacesResponse, DeleteProjectRequest, DeleteProjectResponse,
    DeleteUserRequest, DeleteUserResponse, DescribeCollectionRequest, DescribeCollectionResponse,
    DescribeDatasetRequest, DescribeDatasetResponse, DescribeProjectsRequest,
    DescribeProjectsResponse, DetectFacesRequest, DetectFacesResponse, DisassociateFacesRequest,
    DisassociateFacesResponse, DistributeDatasetEntriesRequest, DistributeDatasetEntriesResponse,
    IndexFacesRequest, IndexFacesResponse, ListCollectionsRequest, ListCollectionsResponse,
    ListDatasetEntriesRequest, ListDatasetEntriesResponse, ListDatasetLabelsRequest,
    ListDatasetLabelsResponse, ListFacesRequest, ListFacesResponse, ListTagsForResourceRequest,
    ListTagsForResourceResponse, ListUsersRequest, ListUsersResponse, SearchFacesByImageRequest,
    SearchFacesByImageResponse, SearchFacesRequest, SearchFacesResponse, SearchUsersByImageRequest,
    SearchUsersByImageResponse, SearchUsersRequest, SearchUsersResponse, TagResourceRequest,
    TagResourceResponse, UntagResourceRequest, UntagResourceResponse, UpdateDatasetEntriesRequest,
    UpdateDatasetEntriesResponse,
};
use rekognition_server_sdk::server::RekognitionService;
use smithy_server_runtime::RequestContext;

use crate::auth::{ACTION_PREFIX, Credentials};
use crate::faces::FaceEngine;
use crate::manifest::Objects;
use crate::pagination::Tokens;
use crate::store::{Scope, Store, StoreError};

pub use collections::FACE_MODEL_VERSION;

/// `ListCollections` page size when `MaxResults` is absent or 0.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

/// Page size of `DescribeProjects`, `ListDatasetEntries` and `ListDatasetLabels` when
/// `MaxResults` is absent (the most they allow).
pub const DEFAULT_EXTENDED_PAGE_SIZE: usize = 100;

/// Per-account limits, each per Region as AWS quotas are; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quotas {
    /// Collections an account may hold; one more is `ServiceQuotaExceededException`.
    pub max_collections: Option<u64>,
    /// Projects an account may hold; one more is `LimitExceededException`.
    pub max_projects: Option<u64>,
    /// Dataset imports (from a manifest) an account may have in progress at once; one more is
    /// `LimitExceededException`.
    pub max_concurrent_imports: Option<u64>,
    /// Faces a collection may hold; more is `ServiceQuotaExceededException`.
    pub max_faces_per_collection: Option<u64>,
    /// Users a collection may hold; one more is `ServiceQuotaExceededException`.
    pub max_users_per_collection: Option<u64>,
    /// Faces a user may have; more is `ServiceQuotaExceededException`. `None` is AWS's 100.
    pub max_faces_per_user: Option<u64>,
}

/// The reference implementation.
#[derive(Clone)]
pub struct Rekognition {
    store: Arc<dyn Store>,
    tokens: Tokens,
    objects: Objects,
    faces: FaceEngine,
    quotas: Quotas,
    /// Strict mode's credentials, for the permissions an operation needs beyond its own action
    /// (tagging while creating, reading entries while copying a dataset); `None` allows all.
    credentials: Option<Arc<Credentials>>,
}

impl std::fmt::Debug for Rekognition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rekognition").finish_non_exhaustive()
    }
}

/// The account and region a request acts in.
fn scope(context: &RequestContext) -> Scope {
    Scope {
        account: context.account_id.clone(),
        region: context.region.clone(),
    }
}

/// A storage failure, logged, as the service's internal error.
fn internal(error: &StoreError) -> InternalServerError {
    tracing::error!(%error, "storage failed");
    InternalServerError::new("Internal server error")
}

fn invalid_token() -> InvalidPaginationTokenException {
    InvalidPaginationTokenException::new("Invalid Pagination Token")
}

impl Rekognition {
    /// Serves from `store`, reading manifests from `objects`, finding faces with `faces`, within
    /// `quotas`; `credentials` (strict mode) decide the extra permissions some calls need.
    pub fn new(
        store: Arc<dyn Store>,
        objects: Objects,
        faces: FaceEngine,
        quotas: Quotas,
        credentials: Option<Arc<Credentials>>,
    ) -> Result<Self, StoreError> {
        let tokens = Tokens::new(store.token_key()?);
        Ok(Self {
            store,
            tokens,
            objects,
            faces,
            quotas,
            credentials,
        })
    }

    /// Runs blocking storage work off the async executor.
    async fn storage<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(store.as_ref()))
            .await
            .unwrap_or_else(|error| {
                Err(StoreError::Internal(format!(
                    "storage task failed: {error}"
                )))
            })
    }

    /// Checks that the caller may also perform `operation` (e.g. `TagResource` when a create
    /// call carries tags), as IAM does in the real service. Unsigned and development-mode
    /// callers may do everything.
    fn require(
        &self,
        context: &RequestContext,
        operation: &str,
    ) -> Result<(), AccessDeniedException> {
        self.require_action(context, &format!("{ACTION_PREFIX}:{operation}"))
    }

    /// Checks that the caller may perform `action` (`service:Action`, e.g. `s3:GetObject` to
    /// read an image from S3), as IAM does. Unsigned and development-mode callers may do
    /// everything.
    fn require_action(
        &self,
        context: &RequestContext,
        action: &str,
    ) -> Result<(), AccessDeniedException> {
        let (Some(credentials), Some(key)) = (&self.credentials, &context.caller) else {
            return Ok(());
        };
        match credentials.get(key) {
            Some(credential) if credential.allows(action) => Ok(()),
            Some(credential) => Err(AccessDeniedException::new(format!(
                "User: {} is not authorized to perform: {action}",
                credential.principal()
            ))),
            None => Err(AccessDeniedException::new(format!(
                "The caller is not authorized to perform: {action}"
            ))),
        }
    }

    /// The position a caller's `NextToken` continues `listing` after: `None` for the first
    /// page (no token, or an empty one).
    fn continue_after(
        &self,
        scope: &Scope,
        listing: &str,
        token: Option<&str>,
    ) -> Result<Option<i64>, InvalidPaginationTokenException> {
        match token.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(token) => self
                .tokens
                .check(scope, listing, token)
                .map(Some)
                .ok_or_else(invalid_token),
        }
    }
}

impl RekognitionService for Rekognition {
    async fn create_collection(
        &self,
        input: CreateCollectionRequest,
        context: RequestContext,
    ) -> Result<CreateCollectionResponse, CreateCollectionError> {
        collections::create(self, input, context).await
    }

    async fn delete_collection(
        &self,
        input: DeleteCollectionRequest,
        context: RequestContext,
    ) -> Result<DeleteCollectionResponse, DeleteCollectionError> {
        collections::delete(self, input, context).await
    }

    async fn describe_collection(
        &self,
        input: DescribeCollectionRequest,
        context: RequestContext,
    ) -> Result<DescribeCollectionResponse, DescribeCollectionError> {
        collections::describe(self, input, context).await
    }

    async fn list_collections(
        &self,
        input: ListCollectionsRequest,
        context: RequestContext,
    ) -> Result<ListCollectionsResponse, ListCollectionsError> {
        collections::list(self, input, context).await
    }

    async fn create_project(
        &self,
        input: CreateProjectRequest,
        context: RequestContext,
    ) -> Result<CreateProjectResponse, CreateProjectError> {
        projects::create(self, input, context).await
    }

    async fn describe_projects(
        &self,
        input: DescribeProjectsRequest,
        context: RequestContext,
    ) -> Result<DescribeProjectsResponse, DescribeProjectsError> {
        projects::describe(self, input, context).await
    }

    async fn delete_project(
        &self,
        input: DeleteProjectRequest,
        context: RequestContext,
    ) -> Result<DeleteProjectResponse, DeleteProjectError> {
        projects::delete(self, input, context).await
    }

    async fn create_dataset(
        &self,
        input: CreateDatasetRequest,
        context: RequestContext,
    ) -> Result<CreateDatasetResponse, CreateDatasetError> {
        datasets::create(self, input, context).await
    }

    async fn describe_dataset(
        &self,
        input: DescribeDatasetRequest,
        context: RequestContext,
    ) -> Result<DescribeDatasetResponse, DescribeDatasetError> {
        datasets::describe(self, input, context).await
    }

    async fn list_dataset_entries(
        &self,
        input: ListDatasetEntriesRequest,
        context: RequestContext,
    ) -> Result<ListDatasetEntriesResponse, ListDatasetEntriesError> {
        datasets::list_entries(self, input, context).await
    }

    async fn list_dataset_labels(
        &self,
        input: ListDatasetLabelsRequest,
        context: RequestContext,
    ) -> Result<ListDatasetLabelsResponse, ListDatasetLabelsError> {
        datasets::list_labels(self, input, context).await
    }

    async fn update_dataset_entries(
        &self,
        input: UpdateDatasetEntriesRequest,
        context: RequestContext,
    ) -> Result<UpdateDatasetEntriesResponse, UpdateDatasetEntriesError> {
        datasets::update_entries(self, input, context).await
    }

    async fn distribute_dataset_entries(
        &self,
        input: DistributeDatasetEntriesRequest,
        context: RequestContext,
    ) -> Result<DistributeDatasetEntriesResponse, DistributeDatasetEntriesError> {
        datasets::distribute_entries(self, input, context).await
    }

    async fn delete_dataset(
        &self,
        input: DeleteDatasetRequest,
        context: RequestContext,
    ) -> Result<DeleteDatasetResponse, DeleteDatasetError> {
        datasets::delete(self, input, context).await
    }

    async fn tag_resource(
        &self,
        input: TagResourceRequest,
        context: RequestContext,
    ) -> Result<TagResourceResponse, TagResourceError> {
        tags::tag(self, input, context).await
    }

    async fn untag_resource(
        &self,
        input: UntagResourceRequest,
        context: RequestContext,
    ) -> Result<UntagResourceResponse, UntagResourceError> {
        tags::untag(self, input, context).await
    }

    async fn list_tags_for_resource(
        &self,
        input: ListTagsForResourceRequest,
        context: RequestContext,
    ) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        tags::list(self, input, context).await
    }

    async fn index_faces(
        &self,
        input: IndexFacesRequest,
        context: RequestContext,
    ) -> Result<IndexFacesResponse, IndexFacesError> {
        faces::index(self, input, context).await
    }

    async fn list_faces(
        &self,
        input: ListFacesRequest,
        context: RequestContext,
    ) -> Result<ListFacesResponse, ListFacesError> {
        faces::list(self, input, context).await
    }

    async fn delete_faces(
        &self,
        input: DeleteFacesRequest,
        context: RequestContext,
    ) -> Result<DeleteFacesResponse, DeleteFacesError> {
        faces::delete(self, input, context).await
    }

    async fn search_faces(
        &self,
        input: SearchFacesRequest,
        context: RequestContext,
    ) -> Result<SearchFacesResponse, SearchFacesError> {
        faces::search(self, input, context).await
    }

    async fn search_faces_by_image(
        &self,
        input: SearchFacesByImageRequest,
        context: RequestContext,
    ) -> Result<SearchFacesByImageResponse, SearchFacesByImageError> {
        faces::search_by_image(self, input, context).await
    }

    async fn detect_faces(
        &self,
        input: DetectFacesRequest,
        context: RequestContext,
    ) -> Result<DetectFacesResponse, DetectFacesError> {
        compare::detect(self, input, context).await
    }

    async fn compare_faces(
        &self,
        input: CompareFacesRequest,
        context: RequestContext,
    ) -> Result<CompareFacesResponse, CompareFacesError> {
        compare::compare(self, input, context).await
    }

    async fn create_user(
        &self,
        input: CreateUserRequest,
        context: RequestContext,
    ) -> Result<CreateUserResponse, CreateUserError> {
        users::create(self, input, context).await
    }

    async fn delete_user(
        &self,
        input: DeleteUserRequest,
        context: RequestContext,
    ) -> Result<DeleteUserResponse, DeleteUserError> {
        users::delete(self, input, context).await
    }

    async fn list_users(
        &self,
        input: ListUsersRequest,
        context: RequestContext,
    ) -> Result<ListUsersResponse, ListUsersError> {
        users::list(self, input, context).await
    }

    async fn associate_faces(
        &self,
        input: AssociateFacesRequest,
        context: RequestContext,
    ) -> Result<AssociateFacesResponse, AssociateFacesError> {
        users::associate(self, input, context).await
    }

    async fn disassociate_faces(
        &self,
        input: DisassociateFacesRequest,
        context: RequestContext,
    ) -> Result<DisassociateFacesResponse, DisassociateFacesError> {
        users::disassociate(self, input, context).await
    }

    async fn search_users(
        &self,
        input: SearchUsersRequest,
        context: RequestContext,
    ) -> Result<SearchUsersResponse, SearchUsersError> {
        users::search(self, input, context).await
    }

    async fn search_users_by_image(
        &self,
        input: SearchUsersByImageRequest,
        context: RequestContext,
    ) -> Result<SearchUsersByImageResponse, SearchUsersByImageError> {
        users::search_by_image(self, input, context).await
    }
}
