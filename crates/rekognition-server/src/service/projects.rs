//! Custom Labels projects: `CreateProject`, `DescribeProjects`, `DeleteProject`, and the
//! provisioning of projects at start-up.

use rekognition_server_sdk::error::{
    CreateProjectError, DeleteProjectError, DescribeProjectsError, LimitExceededException,
    ResourceInUseException, ResourceNotFoundException,
};
use rekognition_server_sdk::model::{
    CreateProjectRequest, CreateProjectResponse, CustomizationFeature, DatasetMetadata,
    DatasetStatusMessageCode, DatasetType, DeleteProjectRequest, DeleteProjectResponse,
    DescribeProjectsRequest, DescribeProjectsResponse, ProjectAutoUpdate, ProjectDescription,
    ProjectStatus,
};
use smithy_server_runtime::{RequestContext, Timestamp};

use super::{DEFAULT_EXTENDED_PAGE_SIZE, Rekognition, internal, scope};
use crate::arn;
use crate::store::{self, NewProject, ProjectQuery, Scope, StoreError};

/// The listing of projects, as pagination tokens name it.
const LISTING: &str = "projects";

impl Rekognition {
    /// Creates the Custom Labels project `name` in `scope` if it does not exist; its ARN either
    /// way.
    pub async fn ensure_project(&self, scope: Scope, name: String) -> Result<String, StoreError> {
        let created_millis = Timestamp::now().as_millis();
        let project = NewProject {
            arn: arn::project(&scope, &name, created_millis),
            name,
            created_millis,
            feature: CustomizationFeature::CustomLabels.as_str().to_owned(),
            auto_update: None,
            tags: Vec::new(),
        };
        self.storage(move |store| store.ensure_project(&scope, &project))
            .await
            .map(|p| p.arn)
    }
}

pub(super) async fn create(
    service: &Rekognition,
    input: CreateProjectRequest,
    context: RequestContext,
) -> Result<CreateProjectResponse, CreateProjectError> {
    let scope = scope(&context);
    if input.tags.as_ref().is_some_and(|tags| !tags.is_empty()) {
        service.require(&context, "TagResource")?;
    }
    let created_millis = Timestamp::now().as_millis();
    let project = NewProject {
        arn: arn::project(&scope, &input.project_name, created_millis),
        name: input.project_name.clone(),
        created_millis,
        feature: input
            .feature
            .unwrap_or(CustomizationFeature::CustomLabels)
            .as_str()
            .to_owned(),
        auto_update: input.auto_update.map(|a| a.as_str().to_owned()),
        tags: input.tags.unwrap_or_default().into_iter().collect(),
    };
    match service
        .store
        .create_project(&scope, &project, service.quotas.max_projects)
        .await
    {
        Ok(()) => Ok(CreateProjectResponse {
            project_arn: Some(project.arn),
        }),
        Err(StoreError::AlreadyExists) => Err(ResourceInUseException::new(format!(
            "The project name {} is already in use",
            input.project_name
        ))
        .into()),
        Err(StoreError::LimitReached(limit)) => Err(LimitExceededException::new(format!(
            "The account has reached its limit of {limit} projects in this Region"
        ))
        .into()),
        Err(error) => Err(internal(&error).into()),
    }
}

/// A stored dataset as `DescribeProjects` lists it.
fn dataset_metadata(dataset: store::Dataset) -> DatasetMetadata {
    DatasetMetadata {
        creation_timestamp: Some(Timestamp::from_millis(dataset.created_millis)),
        dataset_type: dataset.dataset_type.parse::<DatasetType>().ok(),
        dataset_arn: Some(dataset.arn),
        status: Some(dataset.status),
        status_message: dataset.status_message,
        status_message_code: dataset
            .status_message_code
            .and_then(|code| code.parse::<DatasetStatusMessageCode>().ok()),
    }
}

pub(super) async fn describe(
    service: &Rekognition,
    input: DescribeProjectsRequest,
    context: RequestContext,
) -> Result<DescribeProjectsResponse, DescribeProjectsError> {
    let scope = scope(&context);
    let after = service.continue_after(&scope, LISTING, input.next_token.as_deref())?;
    let page_size = input
        .max_results
        .map_or(DEFAULT_EXTENDED_PAGE_SIZE, |n| n.max(1) as usize);
    // Without `Features`, only Custom Labels projects are described, as AWS does.
    let features = match input.features {
        Some(features) => features.iter().map(|f| f.as_str().to_owned()).collect(),
        None => vec![CustomizationFeature::CustomLabels.as_str().to_owned()],
    };
    let query = ProjectQuery {
        names: input.project_names,
        features,
        after,
        limit: page_size + 1,
    };
    let mut projects = service
        .store
        .projects(&scope, &query)
        .map_err(|e| internal(&e))?;
    let next_token = if projects.len() > page_size {
        projects.truncate(page_size);
        projects
            .last()
            .map(|(last, _)| service.tokens.issue(&scope, LISTING, last.position))
    } else {
        None
    };
    let descriptions = projects
        .into_iter()
        .map(|(project, datasets)| ProjectDescription {
            project_arn: Some(project.arn),
            creation_timestamp: Some(Timestamp::from_millis(project.created_millis)),
            status: Some(ProjectStatus::Created),
            datasets: Some(datasets.into_iter().map(dataset_metadata).collect()),
            feature: project.feature.parse::<CustomizationFeature>().ok(),
            auto_update: project
                .auto_update
                .and_then(|update| update.parse::<ProjectAutoUpdate>().ok()),
        })
        .collect();
    Ok(DescribeProjectsResponse {
        project_descriptions: Some(descriptions),
        next_token,
    })
}

pub(super) async fn delete(
    service: &Rekognition,
    input: DeleteProjectRequest,
    context: RequestContext,
) -> Result<DeleteProjectResponse, DeleteProjectError> {
    let scope = scope(&context);
    match service
        .store
        .delete_project(&scope, &input.project_arn)
        .await
    {
        Ok(()) => Ok(DeleteProjectResponse {
            status: Some(ProjectStatus::Deleting),
        }),
        Err(StoreError::NotFound) => Err(ResourceNotFoundException::new(format!(
            "The project {} does not exist",
            input.project_arn
        ))
        .into()),
        Err(StoreError::InUse(why)) => Err(ResourceInUseException::new(why).into()),
        Err(error) => Err(internal(&error).into()),
    }
}
