//! The generated server routes a target to the service trait and turns outputs, modeled
//! errors, validation failures and unknown targets into awsJson replies.

use rekognition_server_sdk::error::{
    self, CreateCollectionError, CreateDatasetError, DeleteCollectionError, ListCollectionsError,
    ResourceAlreadyExistsException,
};
use rekognition_server_sdk::model::{
    self, CreateCollectionRequest, CreateCollectionResponse, CreateDatasetRequest,
    CreateDatasetResponse, DeleteCollectionRequest, DeleteCollectionResponse,
    ListCollectionsRequest, ListCollectionsResponse,
};
use rekognition_server_sdk::server::{RekognitionService, RekognitionServiceServer, TARGETS};
use smithy_server_runtime::layers::RequestId;
use smithy_server_runtime::{FixedContext, RequestContext};
use tower::ServiceExt as _;

/// Answers from the request alone: a collection named `taken` already exists; the operations
/// these tests do not call answer their empty output.
struct Fixed;

impl RekognitionService for Fixed {
    async fn create_collection(
        &self,
        input: CreateCollectionRequest,
        context: RequestContext,
    ) -> Result<CreateCollectionResponse, CreateCollectionError> {
        if input.collection_id == "taken" {
            return Err(ResourceAlreadyExistsException {
                message: Some(format!(
                    "The collection id: {} already exists",
                    input.collection_id
                )),
                code: None,
                logref: None,
            }
            .into());
        }
        Ok(CreateCollectionResponse {
            status_code: Some(200),
            collection_arn: Some(format!(
                "aws:rekognition:{}:{}:collection/{}",
                context.region, context.account_id, input.collection_id
            )),
            face_model_version: Some("7.0".to_owned()),
        })
    }

    async fn create_dataset(
        &self,
        _input: CreateDatasetRequest,
        _context: RequestContext,
    ) -> Result<CreateDatasetResponse, CreateDatasetError> {
        Ok(CreateDatasetResponse::default())
    }

    async fn delete_collection(
        &self,
        _input: DeleteCollectionRequest,
        _context: RequestContext,
    ) -> Result<DeleteCollectionResponse, DeleteCollectionError> {
        Ok(DeleteCollectionResponse {
            status_code: Some(200),
        })
    }

    async fn list_collections(
        &self,
        _input: ListCollectionsRequest,
        _context: RequestContext,
    ) -> Result<ListCollectionsResponse, ListCollectionsError> {
        Ok(ListCollectionsResponse {
            collection_ids: Some(vec!["a".to_owned(), "b\"quoted\"".to_owned()]),
            next_token: None,
            face_model_versions: Some(vec!["7.0".to_owned(), "7.0".to_owned()]),
        })
    }

    async fn describe_collection(
        &self,
        _input: model::DescribeCollectionRequest,
        _context: RequestContext,
    ) -> Result<model::DescribeCollectionResponse, error::DescribeCollectionError> {
        Ok(model::DescribeCollectionResponse::default())
    }

    async fn create_project(
        &self,
        _input: model::CreateProjectRequest,
        _context: RequestContext,
    ) -> Result<model::CreateProjectResponse, error::CreateProjectError> {
        Ok(model::CreateProjectResponse::default())
    }

    async fn describe_projects(
        &self,
        _input: model::DescribeProjectsRequest,
        _context: RequestContext,
    ) -> Result<model::DescribeProjectsResponse, error::DescribeProjectsError> {
        Ok(model::DescribeProjectsResponse::default())
    }

    async fn delete_project(
        &self,
        _input: model::DeleteProjectRequest,
        _context: RequestContext,
    ) -> Result<model::DeleteProjectResponse, error::DeleteProjectError> {
        Ok(model::DeleteProjectResponse::default())
    }

    async fn describe_dataset(
        &self,
        _input: model::DescribeDatasetRequest,
        _context: RequestContext,
    ) -> Result<model::DescribeDatasetResponse, error::DescribeDatasetError> {
        Ok(model::DescribeDatasetResponse::default())
    }

    async fn list_dataset_entries(
        &self,
        _input: model::ListDatasetEntriesRequest,
        _context: RequestContext,
    ) -> Result<model::ListDatasetEntriesResponse, error::ListDatasetEntriesError> {
        Ok(model::ListDatasetEntriesResponse::default())
    }

    async fn list_dataset_labels(
        &self,
        _input: model::ListDatasetLabelsRequest,
        _context: RequestContext,
    ) -> Result<model::ListDatasetLabelsResponse, error::ListDatasetLabelsError> {
        Ok(model::ListDatasetLabelsResponse::default())
    }

    async fn update_dataset_entries(
        &self,
        _input: model::UpdateDatasetEntriesRequest,
        _context: RequestContext,
    ) -> Result<model::UpdateDatasetEntriesResponse, error::UpdateDatasetEntriesError> {
        Ok(model::UpdateDatasetEntriesResponse::default())
    }

    async fn distribute_dataset_entries(
        &self,
        _input: model::DistributeDatasetEntriesRequest,
        _context: RequestContext,
    ) -> Result<model::DistributeDatasetEntriesResponse, error::DistributeDatasetEntriesError> {
        Ok(model::DistributeDatasetEntriesResponse::default())
    }

    async fn delete_dataset(
        &self,
        _input: model::DeleteDatasetRequest,
        _context: RequestContext,
    ) -> Result<model::DeleteDatasetResponse, error::DeleteDatasetError> {
        Ok(model::DeleteDatasetResponse::default())
    }

    async fn tag_resource(
        &self,
        _input: model::TagResourceRequest,
        _context: RequestContext,
    ) -> Result<model::TagResourceResponse, error::TagResourceError> {
        Ok(model::TagResourceResponse::default())
    }

    async fn untag_resource(
        &self,
        _input: model::UntagResourceRequest,
        _context: RequestContext,
    ) -> Result<model::UntagResourceResponse, error::UntagResourceError> {
        Ok(model::UntagResourceResponse::default())
    }

    async fn list_tags_for_resource(
        &self,
        _input: model::ListTagsForResourceRequest,
        _context: RequestContext,
    ) -> Result<model::ListTagsForResourceResponse, error::ListTagsForResourceError> {
        Ok(model::ListTagsForResourceResponse::default())
    }

    async fn associate_faces(
        &self,
        _input: model::AssociateFacesRequest,
        _context: RequestContext,
    ) -> Result<model::AssociateFacesResponse, error::AssociateFacesError> {
        Ok(model::AssociateFacesResponse::default())
    }

    async fn compare_faces(
        &self,
        _input: model::CompareFacesRequest,
        _context: RequestContext,
    ) -> Result<model::CompareFacesResponse, error::CompareFacesError> {
        Ok(model::CompareFacesResponse::default())
    }

    async fn create_user(
        &self,
        _input: model::CreateUserRequest,
        _context: RequestContext,
    ) -> Result<model::CreateUserResponse, error::CreateUserError> {
        Ok(model::CreateUserResponse::default())
    }

    async fn delete_faces(
        &self,
        _input: model::DeleteFacesRequest,
        _context: RequestContext,
    ) -> Result<model::DeleteFacesResponse, error::DeleteFacesError> {
        Ok(model::DeleteFacesResponse::default())
    }

    async fn delete_user(
        &self,
        _input: model::DeleteUserRequest,
        _context: RequestContext,
    ) -> Result<model::DeleteUserResponse, error::DeleteUserError> {
        Ok(model::DeleteUserResponse::default())
    }

    async fn detect_faces(
        &self,
        _input: model::DetectFacesRequest,
        _context: RequestContext,
    ) -> Result<model::DetectFacesResponse, error::DetectFacesError> {
        Ok(model::DetectFacesResponse::default())
    }

    async fn disassociate_faces(
        &self,
        _input: model::DisassociateFacesRequest,
        _context: RequestContext,
    ) -> Result<model::DisassociateFacesResponse, error::DisassociateFacesError> {
        Ok(model::DisassociateFacesResponse::default())
    }

    async fn index_faces(
        &self,
        _input: model::IndexFacesRequest,
        _context: RequestContext,
    ) -> Result<model::IndexFacesResponse, error::IndexFacesError> {
        Ok(model::IndexFacesResponse::default())
    }

    async fn list_faces(
        &self,
        _input: model::ListFacesRequest,
        _context: RequestContext,
    ) -> Result<model::ListFacesResponse, error::ListFacesError> {
        Ok(model::ListFacesResponse::default())
    }

    async fn list_users(
        &self,
        _input: model::ListUsersRequest,
        _context: RequestContext,
    ) -> Result<model::ListUsersResponse, error::ListUsersError> {
        Ok(model::ListUsersResponse::default())
    }

    async fn search_faces(
        &self,
        _input: model::SearchFacesRequest,
        _context: RequestContext,
    ) -> Result<model::SearchFacesResponse, error::SearchFacesError> {
        Ok(model::SearchFacesResponse::default())
    }

    async fn search_faces_by_image(
        &self,
        _input: model::SearchFacesByImageRequest,
        _context: RequestContext,
    ) -> Result<model::SearchFacesByImageResponse, error::SearchFacesByImageError> {
        Ok(model::SearchFacesByImageResponse::default())
    }

    async fn search_users(
        &self,
        _input: model::SearchUsersRequest,
        _context: RequestContext,
    ) -> Result<model::SearchUsersResponse, error::SearchUsersError> {
        Ok(model::SearchUsersResponse::default())
    }

    async fn search_users_by_image(
        &self,
        _input: model::SearchUsersByImageRequest,
        _context: RequestContext,
    ) -> Result<model::SearchUsersByImageResponse, error::SearchUsersByImageError> {
        Ok(model::SearchUsersByImageResponse::default())
    }
}

/// What the service answered.
struct Reply {
    status: u16,
    error_type: Option<String>,
}

/// Sends `body` for `target` (no `X-Amz-Target` when it is empty) through the generated server,
/// with a fixed request id.
fn call(target: &str, body: &str) -> (Reply, serde_json::Value) {
    let mut request = http::Request::post("/").header("content-type", "application/x-amz-json-1.1");
    if !target.is_empty() {
        request = request.header("x-amz-target", target);
    }
    let mut request = request
        .body(http_body_util::Full::new(bytes::Bytes::from(
            body.to_owned(),
        )))
        .unwrap();
    request
        .extensions_mut()
        .insert(RequestId("0f0e0d0c-0000-4000-8000-000000000000".to_owned()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let server = RekognitionServiceServer::new(Fixed).context(FixedContext {
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
    });
    let Ok(response) = runtime.block_on(server.oneshot(request));
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned());
    let Ok(collected) = runtime.block_on(http_body_util::BodyExt::collect(response.into_body()));
    let bytes = collected.to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (Reply { status, error_type }, json)
}

#[test]
fn routes_every_operation_by_target() {
    assert_eq!(
        TARGETS,
        [
            "RekognitionService.AssociateFaces",
            "RekognitionService.CompareFaces",
            "RekognitionService.CreateCollection",
            "RekognitionService.CreateDataset",
            "RekognitionService.CreateProject",
            "RekognitionService.CreateUser",
            "RekognitionService.DeleteCollection",
            "RekognitionService.DeleteDataset",
            "RekognitionService.DeleteFaces",
            "RekognitionService.DeleteProject",
            "RekognitionService.DeleteUser",
            "RekognitionService.DescribeCollection",
            "RekognitionService.DescribeDataset",
            "RekognitionService.DescribeProjects",
            "RekognitionService.DetectFaces",
            "RekognitionService.DisassociateFaces",
            "RekognitionService.DistributeDatasetEntries",
            "RekognitionService.IndexFaces",
            "RekognitionService.ListCollections",
            "RekognitionService.ListDatasetEntries",
            "RekognitionService.ListDatasetLabels",
            "RekognitionService.ListFaces",
            "RekognitionService.ListTagsForResource",
            "RekognitionService.ListUsers",
            "RekognitionService.SearchFaces",
            "RekognitionService.SearchFacesByImage",
            "RekognitionService.SearchUsers",
            "RekognitionService.SearchUsersByImage",
            "RekognitionService.TagResource",
            "RekognitionService.UntagResource",
            "RekognitionService.UpdateDatasetEntries",
        ]
    );
    let (reply, json) = call(
        "RekognitionService.CreateCollection",
        r#"{"CollectionId":"photos"}"#,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        json,
        serde_json::json!({
            "StatusCode": 200,
            "CollectionArn": "aws:rekognition:us-east-1:123456789012:collection/photos",
            "FaceModelVersion": "7.0"
        })
    );
    let (reply, json) = call("RekognitionService.ListCollections", "");
    assert_eq!(reply.status, 200);
    assert_eq!(
        json["CollectionIds"],
        serde_json::json!(["a", "b\"quoted\""])
    );
}

#[test]
fn modeled_errors_carry_type_code_and_logref() {
    let (reply, json) = call(
        "RekognitionService.CreateCollection",
        r#"{"CollectionId":"taken"}"#,
    );
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.error_type.as_deref(),
        Some("ResourceAlreadyExistsException")
    );
    assert_eq!(
        json,
        serde_json::json!({
            "__type": "ResourceAlreadyExistsException",
            "Message": "The collection id: taken already exists",
            "Code": "ResourceAlreadyExistsException",
            "Logref": "0f0e0d0c-0000-4000-8000-000000000000"
        })
    );
}

#[test]
fn validation_failures_never_reach_the_service() {
    let (reply, json) = call(
        "RekognitionService.CreateCollection",
        r#"{"CollectionId":"taken!"}"#,
    );
    assert_eq!(reply.status, 400);
    assert_eq!(json["__type"], "ValidationException");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .starts_with("1 validation error detected: Value 'taken!'")
    );
    let (reply, json) = call(
        "RekognitionService.DeleteCollection",
        r#"{"CollectionId":7}"#,
    );
    assert_eq!(reply.status, 400);
    assert_eq!(json["__type"], "SerializationException");
}

#[test]
fn unknown_targets_get_a_json_error() {
    for target in [
        "RekognitionService.DetectLabels",
        "Other.CreateCollection",
        "",
    ] {
        let (reply, json) = call(target, "{}");
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(json["__type"], "UnknownOperationException", "{target}");
    }
}
