//! The Rekognition operations, implemented on the generated `RekognitionService` trait with the
//! real service's semantics: ARNs, messages, pagination, the asynchronous life of datasets.

use std::sync::Arc;

use rekognition_server_sdk::error::{
    CreateCollectionError, CreateDatasetError, DeleteCollectionError, InternalServerError,
    InvalidPaginationTokenException, InvalidParameterException, InvalidS3ObjectException,
    LimitExceededException, ListCollectionsError, ResourceAlreadyExistsException,
    ResourceNotFoundException, ServiceQuotaExceededException,
};
use rekognition_server_sdk::model::{
    CreateCollectionRequest, CreateCollectionResponse, CreateDatasetRequest, CreateDatasetResponse,
    DatasetType, DeleteCollectionRequest, DeleteCollectionResponse, ListCollectionsRequest,
    ListCollectionsResponse,
};
use rekognition_server_sdk::server::RekognitionService;
use smithy_server_runtime::{RequestContext, Timestamp};

use crate::manifest::{self, Location, Objects};
use crate::pagination::Tokens;
use crate::store::{DatasetStatus, NewCollection, NewDataset, Scope, Store, StoreError};

/// The face model version new collections use.
pub const FACE_MODEL_VERSION: &str = "7.0";

/// `ListCollections` page size when `MaxResults` is absent or 0.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

/// Per-account limits, each per Region as AWS quotas are; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quotas {
    /// Collections an account may hold; one more is `ServiceQuotaExceededException`.
    pub max_collections: Option<u64>,
    /// Dataset imports (from a manifest) an account may have in progress at once; one more is
    /// `LimitExceededException`.
    pub max_concurrent_imports: Option<u64>,
}

/// The reference implementation.
#[derive(Clone)]
pub struct Rekognition {
    store: Arc<dyn Store>,
    tokens: Tokens,
    objects: Objects,
    quotas: Quotas,
}

impl std::fmt::Debug for Rekognition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rekognition").finish_non_exhaustive()
    }
}

fn scope(context: &RequestContext) -> Scope {
    Scope {
        account: context.account_id.clone(),
        region: context.region.clone(),
    }
}

fn internal(error: &StoreError) -> InternalServerError {
    tracing::error!(%error, "storage failed");
    InternalServerError {
        message: Some("Internal server error".to_owned()),
        code: None,
        logref: None,
    }
}

impl Rekognition {
    /// Serves from `store`, reading manifests from `objects`, within `quotas`.
    pub fn new(
        store: Arc<dyn Store>,
        objects: Objects,
        quotas: Quotas,
    ) -> Result<Self, StoreError> {
        let tokens = Tokens::new(store.token_key()?);
        Ok(Self {
            store,
            tokens,
            objects,
            quotas,
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

    /// Creates the project `name` in `scope` if it does not exist; its ARN either way.
    pub async fn ensure_project(&self, scope: Scope, name: String) -> Result<String, StoreError> {
        let arn = format!(
            "arn:aws:rekognition:{}:{}:project/{name}/{}",
            scope.region,
            scope.account,
            Timestamp::now().as_millis()
        );
        self.storage(move |store| store.ensure_project(&scope, &name, &arn))
            .await
            .map(|p| p.arn)
    }

    /// Restarts the imports of datasets a previous run left in progress.
    pub async fn resume_imports(&self) -> Result<usize, StoreError> {
        let pending = self.storage(|store| store.datasets_in_progress()).await?;
        let count = pending.len();
        for (scope, dataset) in pending {
            match dataset.source.as_deref().and_then(Location::decode) {
                Some(location) => self.spawn_import(scope, dataset.arn, location),
                None => {
                    self.store
                        .finish_dataset(
                            &scope,
                            &dataset.arn,
                            DatasetStatus::CreateFailed,
                            Some("creation was interrupted"),
                            &[],
                            &[],
                        )
                        .await?;
                }
            }
        }
        Ok(count)
    }

    /// Reads a manifest into a dataset in the background, as the real service does.
    fn spawn_import(&self, scope: Scope, arn: String, location: Location) {
        let this = self.clone();
        tokio::spawn(async move {
            let outcome = match this.objects.read(&location).await {
                Ok(bytes) => manifest::parse(&bytes),
                Err(error) => Err(format!("the manifest could not be read: {error}")),
            };
            let (status, reason, parsed) = match outcome {
                Ok(parsed) => (DatasetStatus::CreateComplete, None, parsed),
                Err(reason) => (
                    DatasetStatus::CreateFailed,
                    Some(reason),
                    manifest::Parsed {
                        entries: Vec::new(),
                        errors: Vec::new(),
                    },
                ),
            };
            let result = this
                .store
                .finish_dataset(
                    &scope,
                    &arn,
                    status,
                    reason.as_deref(),
                    &parsed.entries,
                    &parsed.errors,
                )
                .await;
            match result {
                Ok(()) => {
                    tracing::info!(dataset = %arn, status = status.as_str(), "dataset import finished")
                }
                Err(error) => {
                    tracing::error!(dataset = %arn, %error, "dataset import could not be recorded")
                }
            }
        });
    }
}

impl RekognitionService for Rekognition {
    async fn create_collection(
        &self,
        input: CreateCollectionRequest,
        context: RequestContext,
    ) -> Result<CreateCollectionResponse, CreateCollectionError> {
        let scope = scope(&context);
        let arn = format!(
            "aws:rekognition:{}:{}:collection/{}",
            scope.region, scope.account, input.collection_id
        );
        let collection = NewCollection {
            id: input.collection_id.clone(),
            arn: arn.clone(),
            face_model_version: FACE_MODEL_VERSION.to_owned(),
            created_millis: Timestamp::now().as_millis(),
            tags: input.tags.unwrap_or_default().into_iter().collect(),
        };
        let limit = self.quotas.max_collections;
        match self
            .store
            .create_collection(&scope, &collection, limit)
            .await
        {
            Ok(()) => Ok(CreateCollectionResponse {
                status_code: Some(200),
                collection_arn: Some(arn),
                face_model_version: Some(FACE_MODEL_VERSION.to_owned()),
            }),
            Err(StoreError::AlreadyExists) => Err(ResourceAlreadyExistsException {
                message: Some(format!(
                    "The collection id: {} already exists",
                    input.collection_id
                )),
                code: None,
                logref: None,
            }
            .into()),
            Err(StoreError::LimitReached(limit)) => Err(ServiceQuotaExceededException {
                message: Some(format!(
                    "The account has reached its quota of {limit} collections in this Region"
                )),
                code: None,
                logref: None,
            }
            .into()),
            Err(error) => Err(internal(&error).into()),
        }
    }

    async fn delete_collection(
        &self,
        input: DeleteCollectionRequest,
        context: RequestContext,
    ) -> Result<DeleteCollectionResponse, DeleteCollectionError> {
        let scope = scope(&context);
        match self
            .store
            .delete_collection(&scope, &input.collection_id)
            .await
        {
            Ok(()) => Ok(DeleteCollectionResponse {
                status_code: Some(200),
            }),
            Err(StoreError::NotFound) => Err(ResourceNotFoundException {
                message: Some(format!(
                    "The collection id: {} does not exist",
                    input.collection_id
                )),
                code: None,
                logref: None,
            }
            .into()),
            Err(error) => Err(internal(&error).into()),
        }
    }

    async fn list_collections(
        &self,
        input: ListCollectionsRequest,
        context: RequestContext,
    ) -> Result<ListCollectionsResponse, ListCollectionsError> {
        let scope = scope(&context);
        let after = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => match self.tokens.check(&scope, token) {
                Some(position) => Some(position),
                None => {
                    return Err(InvalidPaginationTokenException {
                        message: Some("Invalid Pagination Token".to_owned()),
                        code: None,
                        logref: None,
                    }
                    .into());
                }
            },
        };
        let page_size = match input.max_results {
            Some(n) if n > 0 => n as usize,
            _ => DEFAULT_PAGE_SIZE,
        };
        // The listing is answered from memory (see `Store::list_collections`): no blocking task.
        let mut listed = self
            .store
            .list_collections(&scope, after, page_size + 1)
            .map_err(|e| internal(&e))?;
        let next_token = if listed.len() > page_size {
            listed.truncate(page_size);
            listed
                .last()
                .map(|last| self.tokens.issue(&scope, last.position))
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

    async fn create_dataset(
        &self,
        input: CreateDatasetRequest,
        context: RequestContext,
    ) -> Result<CreateDatasetResponse, CreateDatasetError> {
        let scope = scope(&context);
        let invalid = || -> CreateDatasetError {
            InvalidParameterException {
                message: Some("Request has invalid parameters".to_owned()),
                code: None,
                logref: None,
            }
            .into()
        };
        let project_arn = input.project_arn.clone();
        let lookup = scope.clone();
        let project = self
            .storage(move |store| store.project(&lookup, &project_arn))
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| ResourceNotFoundException {
                message: Some(format!("The project {} does not exist", input.project_arn)),
                code: None,
                logref: None,
            })?;

        let source = input.dataset_source.unwrap_or_default();
        let (status, entries, location) = match (source.dataset_arn, source.ground_truth_manifest) {
            (Some(_), Some(_)) => return Err(invalid()),
            (None, None) => (DatasetStatus::CreateComplete, Vec::new(), None),
            (Some(source_arn), None) => {
                let lookup = scope.clone();
                let found = source_arn.clone();
                let copied = self
                    .storage(move |store| match store.dataset(&lookup, &found)? {
                        Some(_) => store.dataset_entries(&lookup, &found).map(Some),
                        None => Ok(None),
                    })
                    .await
                    .map_err(|e| internal(&e))?;
                match copied {
                    Some(entries) => (DatasetStatus::CreateComplete, entries, None),
                    None => {
                        return Err(ResourceNotFoundException {
                            message: Some(format!("The dataset {source_arn} does not exist")),
                            code: None,
                            logref: None,
                        }
                        .into());
                    }
                }
            }
            (None, Some(manifest)) => {
                let object = manifest.s3_object.unwrap_or_default();
                let (Some(bucket), Some(name)) = (object.bucket, object.name) else {
                    return Err(invalid());
                };
                let location = Location {
                    bucket,
                    name,
                    version: object.version,
                };
                if !self.objects.exists(&location).await {
                    return Err(InvalidS3ObjectException {
                        message: Some(
                            "Unable to get object metadata from S3. Check object key, region and/or access permissions."
                                .to_owned(),
                        ),
                        code: None,
                        logref: None,
                    }
                    .into());
                }
                (DatasetStatus::CreateInProgress, Vec::new(), Some(location))
            }
        };

        let kind = match input.dataset_type {
            DatasetType::Train => "train",
            DatasetType::Test => "test",
        };
        let arn = format!(
            "arn:aws:rekognition:{}:{}:project/{}/dataset/{kind}/{}",
            scope.region,
            scope.account,
            project.name,
            Timestamp::now().as_millis()
        );
        let dataset = NewDataset {
            arn: arn.clone(),
            project_arn: project.arn.clone(),
            dataset_type: input.dataset_type.as_str().to_owned(),
            status,
            entries,
            created_millis: Timestamp::now().as_millis(),
            tags: input.tags.unwrap_or_default().into_iter().collect(),
            source: location.as_ref().map(Location::encode),
        };
        let limit = self.quotas.max_concurrent_imports;
        match self.store.create_dataset(&scope, &dataset, limit).await {
            Ok(()) => {}
            Err(StoreError::LimitReached(limit)) => {
                return Err(LimitExceededException {
                    message: Some(format!(
                        "The account has {limit} dataset creations in progress in this Region, the most allowed; retry when one finishes"
                    )),
                    code: None,
                    logref: None,
                }
                .into());
            }
            Err(StoreError::AlreadyExists) => {
                return Err(ResourceAlreadyExistsException {
                    message: Some(format!(
                        "A {} dataset already exists in project {}",
                        input.dataset_type.as_str(),
                        project.arn
                    )),
                    code: None,
                    logref: None,
                }
                .into());
            }
            Err(error) => return Err(internal(&error).into()),
        }
        if let Some(location) = location {
            self.spawn_import(scope, arn.clone(), location);
        }
        Ok(CreateDatasetResponse {
            dataset_arn: Some(arn),
        })
    }
}
