//! Custom Labels datasets: `CreateDataset` (empty, copied, or imported from a Ground Truth
//! manifest in the background), `DescribeDataset`, `ListDatasetEntries`, `ListDatasetLabels`,
//! `UpdateDatasetEntries`, `DistributeDatasetEntries`, `DeleteDataset`.

use rekognition_server_sdk::error::{
    CreateDatasetError, DeleteDatasetError, DescribeDatasetError, DistributeDatasetEntriesError,
    InternalServerError, InvalidPaginationTokenException, InvalidParameterException,
    InvalidS3ObjectException, LimitExceededException, ListDatasetEntriesError,
    ListDatasetLabelsError, ResourceAlreadyExistsException, ResourceInUseException,
    ResourceNotFoundException, ResourceNotReadyException, UpdateDatasetEntriesError,
};
use rekognition_server_sdk::model::{
    CreateDatasetRequest, CreateDatasetResponse, DatasetDescription, DatasetLabelDescription,
    DatasetLabelStats, DatasetSource, DatasetStats, DatasetStatusMessageCode, DatasetType,
    DeleteDatasetRequest, DeleteDatasetResponse, DescribeDatasetRequest, DescribeDatasetResponse,
    DistributeDatasetEntriesRequest, DistributeDatasetEntriesResponse, GroundTruthManifest,
    ListDatasetEntriesRequest, ListDatasetEntriesResponse, ListDatasetLabelsRequest,
    ListDatasetLabelsResponse, UpdateDatasetEntriesRequest, UpdateDatasetEntriesResponse,
};
use smithy_server_runtime::{RequestContext, Timestamp};

use super::{DEFAULT_EXTENDED_PAGE_SIZE, Rekognition, internal, scope};
use crate::arn;
use crate::entries::{self, Entry, Terminal};
use crate::manifest::Location;
use crate::store::{self, EntryChange, EntryFilter, NewDataset, Scope, StatusReason, StoreError};

/// The status message of a dataset created from a manifest.
const CREATED_FROM_MANIFEST: &str = "The dataset was successfully created from the manifest file.";

/// The status message of a dataset created empty.
const CREATED_EMPTY: &str = "The dataset was created without entries.";

/// The status message of a dataset created as a copy.
const CREATED_AS_COPY: &str = "The dataset was created from the entries of another dataset.";

/// Why entries could not be distributed: too few to move one to the test dataset.
const TOO_FEW_TO_DISTRIBUTE: &str =
    "The manifest file doesn't have enough labeled images to distribute the dataset.";

/// `DistributeDatasetEntries` moves one training entry in this many (20%) to the test dataset.
const DISTRIBUTION_SHARE: i64 = 5;

fn not_found(dataset_arn: &str) -> ResourceNotFoundException {
    ResourceNotFoundException::new(format!("The dataset {dataset_arn} does not exist"))
}

fn invalid(message: impl Into<String>) -> InvalidParameterException {
    InvalidParameterException::new(message)
}

/// A terminal manifest problem as a dataset's status reason.
fn refused(terminal: Terminal) -> StatusReason {
    StatusReason::client_error(terminal.message)
}

impl Rekognition {
    /// Restarts the imports of datasets a previous run left in progress.
    pub async fn resume_imports(&self) -> Result<usize, StoreError> {
        let pending = self.storage(|store| store.datasets_in_progress()).await?;
        let count = pending.len();
        for (scope, dataset) in pending {
            match dataset.source.as_deref().and_then(Location::decode) {
                Some(location) => self.spawn_import(scope, dataset.arn, location),
                None => {
                    let reason =
                        StatusReason::service_error("The dataset creation was interrupted.");
                    self.store
                        .finish_dataset(
                            &scope,
                            &dataset.arn,
                            store::DatasetStatus::CreateFailed,
                            &reason,
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
            let analysed = match this.objects.read(&location).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || entries::analyze(&bytes))
                    .await
                    .unwrap_or(Err(Terminal::UNSUPPORTED_FORMAT)),
                Err(error) => {
                    tracing::warn!(dataset = %arn, %error, "the manifest could not be read");
                    Err(Terminal::UNSUPPORTED_FORMAT)
                }
            };
            let (status, reason, kept) = match analysed {
                Ok(analysis) => (
                    store::DatasetStatus::CreateComplete,
                    StatusReason::success(CREATED_FROM_MANIFEST),
                    analysis.entries,
                ),
                Err(terminal) => (
                    store::DatasetStatus::CreateFailed,
                    refused(terminal),
                    Vec::new(),
                ),
            };
            match this
                .store
                .finish_dataset(&scope, &arn, status, &reason, &kept)
                .await
            {
                Ok(()) => {
                    tracing::info!(dataset = %arn, status = status.as_str(), "dataset import finished")
                }
                Err(error) => {
                    tracing::error!(dataset = %arn, %error, "dataset import could not be recorded")
                }
            }
        });
    }

    /// The dataset `dataset_arn` of `scope`, or `None`.
    fn find_dataset(
        &self,
        scope: &Scope,
        dataset_arn: &str,
    ) -> Result<Option<store::Dataset>, StoreError> {
        // A short read that never waits for a write: on the executor (see `Store`).
        self.store.dataset(scope, dataset_arn)
    }
}

/// Why a dataset's entries or labels cannot be listed.
enum Unlistable {
    InvalidToken(InvalidPaginationTokenException),
    NotFound(ResourceNotFoundException),
    NotReady(ResourceNotReadyException),
    InUse(ResourceInUseException),
    Internal(InternalServerError),
}

impl From<Unlistable> for ListDatasetEntriesError {
    fn from(why: Unlistable) -> Self {
        match why {
            Unlistable::InvalidToken(error) => error.into(),
            Unlistable::NotFound(error) => error.into(),
            Unlistable::NotReady(error) => error.into(),
            Unlistable::InUse(error) => error.into(),
            Unlistable::Internal(error) => error.into(),
        }
    }
}

impl From<Unlistable> for ListDatasetLabelsError {
    fn from(why: Unlistable) -> Self {
        match why {
            Unlistable::InvalidToken(error) => error.into(),
            Unlistable::NotFound(error) => error.into(),
            Unlistable::NotReady(error) => error.into(),
            Unlistable::InUse(error) => error.into(),
            Unlistable::Internal(error) => error.into(),
        }
    }
}

/// Where a page of a dataset's `listing` starts (after the position `token` names), once the
/// dataset is known to be listable: `NotReady` until it is created, `InUse` while it changes.
async fn listing_start(
    service: &Rekognition,
    scope: &Scope,
    listing: &str,
    dataset_arn: &str,
    token: Option<&str>,
) -> Result<Option<i64>, Unlistable> {
    let after = service
        .continue_after(scope, listing, token)
        .map_err(Unlistable::InvalidToken)?;
    let dataset = service
        .find_dataset(scope, dataset_arn)
        .map_err(|e| Unlistable::Internal(internal(&e)))?
        .ok_or_else(|| Unlistable::NotFound(not_found(dataset_arn)))?;
    match dataset.status {
        status if store::is_ready(status) => Ok(after),
        store::DatasetStatus::CreateInProgress | store::DatasetStatus::CreateFailed => {
            Err(Unlistable::NotReady(ResourceNotReadyException::new(
                format!("The dataset {dataset_arn} is {}", dataset.status.as_str()),
            )))
        }
        _ => Err(Unlistable::InUse(ResourceInUseException::new(format!(
            "The dataset {dataset_arn} is {}",
            dataset.status.as_str()
        )))),
    }
}

pub(super) async fn create(
    service: &Rekognition,
    input: CreateDatasetRequest,
    context: RequestContext,
) -> Result<CreateDatasetResponse, CreateDatasetError> {
    let scope = scope(&context);
    if input.tags.as_ref().is_some_and(|tags| !tags.is_empty()) {
        service.require(&context, "TagResource")?;
    }
    let project = service
        .store
        .project(&scope, &input.project_arn)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| {
            ResourceNotFoundException::new(format!(
                "The project {} does not exist",
                input.project_arn
            ))
        })?;
    let start = start_from_source(service, &scope, &context, input.dataset_source).await?;

    let kind = match input.dataset_type {
        DatasetType::Train => "train",
        DatasetType::Test => "test",
    };
    let created_millis = Timestamp::now().as_millis();
    let dataset_arn = arn::dataset(&scope, &project.name, kind, created_millis);
    let dataset = NewDataset {
        arn: dataset_arn.clone(),
        project_arn: project.arn.clone(),
        dataset_type: input.dataset_type.as_str().to_owned(),
        status: start.status,
        reason: start.reason,
        entries: start.entries,
        created_millis,
        tags: input.tags.unwrap_or_default().into_iter().collect(),
        source: start.manifest.as_ref().map(Location::encode),
    };
    let limit = service.quotas.max_concurrent_imports;
    service
        .store
        .create_dataset(&scope, &dataset, limit)
        .await
        .map_err(|error| creation_refused(error, input.dataset_type.as_str(), &project.arn))?;
    if let Some(location) = start.manifest {
        service.spawn_import(scope, dataset_arn.clone(), location);
    }
    Ok(CreateDatasetResponse {
        dataset_arn: Some(dataset_arn),
    })
}

/// How a new dataset starts: its status and why, the entries it starts with, and the manifest
/// its import reads when it is imported in the background.
struct Start {
    status: store::DatasetStatus,
    reason: Option<StatusReason>,
    entries: Vec<Entry>,
    manifest: Option<Location>,
}

/// How a dataset created from `source` starts: empty without one, else a copy of another
/// dataset's entries or an import of a Ground Truth manifest (a source gives exactly one).
async fn start_from_source(
    service: &Rekognition,
    scope: &Scope,
    context: &RequestContext,
    source: Option<DatasetSource>,
) -> Result<Start, CreateDatasetError> {
    let source = source.map(|source| (source.dataset_arn, source.ground_truth_manifest));
    match source {
        None => Ok(Start {
            status: store::DatasetStatus::CreateComplete,
            reason: Some(StatusReason::success(CREATED_EMPTY)),
            entries: Vec::new(),
            manifest: None,
        }),
        Some((Some(_), Some(_))) => Err(invalid(
            "A dataset source gives either DatasetArn or GroundTruthManifest, not both",
        )
        .into()),
        Some((None, None)) => {
            Err(invalid("A dataset source gives either DatasetArn or GroundTruthManifest").into())
        }
        Some((Some(source_arn), None)) => copy(service, scope, context, source_arn).await,
        Some((None, Some(manifest))) => import(service, manifest).await,
    }
}

/// A dataset starting with the entries of the ready dataset `source_arn`, analyzed again: complete,
/// or failed when they no longer form a valid manifest.
async fn copy(
    service: &Rekognition,
    scope: &Scope,
    context: &RequestContext,
    source_arn: String,
) -> Result<Start, CreateDatasetError> {
    service.require(context, "ListDatasetEntries")?;
    let source = service
        .find_dataset(scope, &source_arn)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&source_arn))?;
    if !store::is_ready(source.status) {
        return Err(invalid(format!(
            "The dataset {source_arn} is {} and cannot be copied",
            source.status.as_str()
        ))
        .into());
    }
    let lookup = scope.clone();
    let lines = service
        .storage(move |store| store.dataset_entries(&lookup, &source_arn))
        .await
        .map_err(|e| internal(&e))?;
    let copied = tokio::task::spawn_blocking(move || entries::reanalyze(&lines))
        .await
        .unwrap_or(Err(Terminal::UNSUPPORTED_FORMAT));
    Ok(match copied {
        Ok(copied) => Start {
            status: store::DatasetStatus::CreateComplete,
            reason: Some(StatusReason::success(CREATED_AS_COPY)),
            entries: copied,
            manifest: None,
        },
        Err(terminal) => Start {
            status: store::DatasetStatus::CreateFailed,
            reason: Some(refused(terminal)),
            entries: Vec::new(),
            manifest: None,
        },
    })
}

/// A dataset in progress, imported in the background from a Ground Truth manifest that exists.
async fn import(
    service: &Rekognition,
    manifest: GroundTruthManifest,
) -> Result<Start, CreateDatasetError> {
    let object = manifest.s3_object.unwrap_or_default();
    let (Some(bucket), Some(name)) = (object.bucket, object.name) else {
        return Err(invalid("A Ground Truth manifest names its S3 bucket and object").into());
    };
    let location = Location {
        bucket,
        name,
        version: object.version,
    };
    if !service.objects.exists(&location).await {
        return Err(InvalidS3ObjectException::new(
            "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
        )
        .into());
    }
    Ok(Start {
        status: store::DatasetStatus::CreateInProgress,
        reason: None,
        entries: Vec::new(),
        manifest: Some(location),
    })
}

/// The error answering a dataset the store would not create.
fn creation_refused(
    error: StoreError,
    dataset_type: &str,
    project_arn: &str,
) -> CreateDatasetError {
    match error {
        StoreError::LimitReached(limit) => LimitExceededException::new(format!(
            "The account has {limit} dataset creations in progress in this Region, the most allowed; retry when one finishes"
        ))
        .into(),
        StoreError::AlreadyExists => ResourceAlreadyExistsException::new(format!(
            "A {dataset_type} dataset already exists in project {project_arn}"
        ))
        .into(),
        StoreError::NotFound => ResourceNotFoundException::new(format!(
            "The project {project_arn} does not exist"
        ))
        .into(),
        error => internal(&error).into(),
    }
}

/// A count as the model's `UInteger` carries it.
fn count(value: i64) -> Option<i32> {
    Some(i32::try_from(value).unwrap_or(i32::MAX))
}

pub(super) async fn describe(
    service: &Rekognition,
    input: DescribeDatasetRequest,
    context: RequestContext,
) -> Result<DescribeDatasetResponse, DescribeDatasetError> {
    let scope = scope(&context);
    let dataset = service
        .find_dataset(&scope, &input.dataset_arn)
        .map_err(|e| internal(&e))?
        .ok_or_else(|| not_found(&input.dataset_arn))?;
    let stats = dataset.stats;
    Ok(DescribeDatasetResponse {
        dataset_description: Some(DatasetDescription {
            creation_timestamp: Some(Timestamp::from_millis(dataset.created_millis)),
            last_updated_timestamp: Some(Timestamp::from_millis(dataset.updated_millis)),
            status: Some(dataset.status),
            status_message: dataset.status_message,
            status_message_code: dataset
                .status_message_code
                .and_then(|code| code.parse::<DatasetStatusMessageCode>().ok()),
            dataset_stats: Some(DatasetStats {
                labeled_entries: count(stats.labeled_entries),
                total_entries: count(stats.total_entries),
                total_labels: count(stats.total_labels),
                error_entries: count(stats.error_entries),
            }),
        }),
    })
}

/// Page size of a listing: `MaxResults` (validated to 1..=100) or the default.
fn page_size(max_results: Option<i32>) -> usize {
    max_results.map_or(DEFAULT_EXTENDED_PAGE_SIZE, |n| n.max(1) as usize)
}

pub(super) async fn list_entries(
    service: &Rekognition,
    input: ListDatasetEntriesRequest,
    context: RequestContext,
) -> Result<ListDatasetEntriesResponse, ListDatasetEntriesError> {
    let scope = scope(&context);
    // A token pages one dataset's entries.
    let listing = format!("entries {}", input.dataset_arn);
    let token = input.next_token.as_deref();
    let after = listing_start(service, &scope, &listing, &input.dataset_arn, token).await?;
    let page_size = page_size(input.max_results);
    let filter = EntryFilter {
        contains_labels: input.contains_labels,
        labeled: input.labeled,
        source_ref_contains: input.source_ref_contains,
        has_errors: input.has_errors,
    };
    let mut listed = service
        .store
        .list_entries(&scope, &input.dataset_arn, &filter, after, page_size + 1)
        .map_err(|e| internal(&e))?;
    let next_token = if listed.len() > page_size {
        listed.truncate(page_size);
        listed
            .last()
            .map(|(line, _)| service.tokens.issue(&scope, &listing, *line))
    } else {
        None
    };
    Ok(ListDatasetEntriesResponse {
        dataset_entries: Some(listed.into_iter().map(|(_, entry)| entry).collect()),
        next_token,
    })
}

pub(super) async fn list_labels(
    service: &Rekognition,
    input: ListDatasetLabelsRequest,
    context: RequestContext,
) -> Result<ListDatasetLabelsResponse, ListDatasetLabelsError> {
    let scope = scope(&context);
    let listing = format!("labels {}", input.dataset_arn);
    let token = input.next_token.as_deref();
    let after = listing_start(service, &scope, &listing, &input.dataset_arn, token).await?;
    // A dataset has at most `entries::MAX_LABELS` labels: they are paged in memory, by their
    // place in name order.
    let labels = service
        .store
        .dataset_labels(&scope, &input.dataset_arn)
        .map_err(|e| internal(&e))?;
    let first = after.map_or(0, |position| position.max(0) as usize);
    let page_size = page_size(input.max_results);
    let end = labels.len().min(first.saturating_add(page_size));
    let next_token =
        (end < labels.len()).then(|| service.tokens.issue(&scope, &listing, end as i64));
    let descriptions = labels
        .into_iter()
        .skip(first)
        .take(page_size)
        .map(|label| DatasetLabelDescription {
            label_name: Some(label.name),
            label_stats: Some(DatasetLabelStats {
                entry_count: count(label.entry_count),
                bounding_box_count: (label.bounding_box_count > 0)
                    .then(|| count(label.bounding_box_count))
                    .flatten(),
            }),
        })
        .collect();
    Ok(ListDatasetLabelsResponse {
        dataset_label_descriptions: Some(descriptions),
        next_token,
    })
}

pub(super) async fn update_entries(
    service: &Rekognition,
    input: UpdateDatasetEntriesRequest,
    context: RequestContext,
) -> Result<UpdateDatasetEntriesResponse, UpdateDatasetEntriesError> {
    let scope = scope(&context);
    let ground_truth = input.changes.ground_truth.into_inner();
    let analysed = tokio::task::spawn_blocking(move || entries::analyze(&ground_truth))
        .await
        .unwrap_or(Err(Terminal::UNSUPPORTED_FORMAT));
    // A change the service cannot apply is accepted, and fails the update as AWS does.
    let change = match analysed {
        Ok(analysis) => EntryChange::Upsert(analysis.entries),
        Err(terminal) => EntryChange::Refused(refused(terminal)),
    };
    match service
        .store
        .update_entries(&scope, &input.dataset_arn, change, entries::MAX_LABELS)
        .await
    {
        Ok(()) => Ok(UpdateDatasetEntriesResponse {}),
        Err(StoreError::NotFound) => Err(not_found(&input.dataset_arn).into()),
        Err(StoreError::InUse(why)) => Err(ResourceInUseException::new(why).into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn distribute_entries(
    service: &Rekognition,
    input: DistributeDatasetEntriesRequest,
    context: RequestContext,
) -> Result<DistributeDatasetEntriesResponse, DistributeDatasetEntriesError> {
    let scope = scope(&context);
    // The list holds exactly two ARNs (the model says so); which is which comes from the store.
    let arns: Vec<&str> = input.datasets.iter().map(|d| d.arn.as_str()).collect();
    let [first, second] = arns.as_slice() else {
        return Err(
            invalid("Datasets holds the training and the test dataset of a project").into(),
        );
    };
    let mut found = Vec::with_capacity(2);
    for dataset_arn in [first, second] {
        let dataset = service
            .find_dataset(&scope, dataset_arn)
            .map_err(|e| internal(&e))?
            .ok_or_else(|| not_found(dataset_arn))?;
        found.push(dataset);
    }
    let (train, test) = match (
        found[0].dataset_type.as_str(),
        found[1].dataset_type.as_str(),
    ) {
        ("TRAIN", "TEST") => (&found[0], &found[1]),
        ("TEST", "TRAIN") => (&found[1], &found[0]),
        _ => {
            return Err(
                invalid("Datasets holds the training and the test dataset of a project").into(),
            );
        }
    };
    let refusal = StatusReason::client_error(TOO_FEW_TO_DISTRIBUTE);
    match service
        .store
        .distribute_entries(&scope, &train.arn, &test.arn, DISTRIBUTION_SHARE, &refusal)
        .await
    {
        Ok(()) => Ok(DistributeDatasetEntriesResponse {}),
        Err(StoreError::NotFound) => {
            Err(ResourceNotFoundException::new("A dataset to distribute does not exist").into())
        }
        Err(StoreError::NotReady(why)) => Err(ResourceNotReadyException::new(why).into()),
        Err(StoreError::Invalid(why)) => Err(invalid(why).into()),
        Err(error) => Err(internal(&error).into()),
    }
}

pub(super) async fn delete(
    service: &Rekognition,
    input: DeleteDatasetRequest,
    context: RequestContext,
) -> Result<DeleteDatasetResponse, DeleteDatasetError> {
    let scope = scope(&context);
    match service
        .store
        .delete_dataset(&scope, &input.dataset_arn)
        .await
    {
        Ok(()) => Ok(DeleteDatasetResponse {}),
        Err(StoreError::NotFound) => Err(not_found(&input.dataset_arn).into()),
        Err(StoreError::InUse(why)) => Err(ResourceInUseException::new(why).into()),
        Err(error) => Err(internal(&error).into()),
    }
}
