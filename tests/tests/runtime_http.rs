//! The runtime's HTTP behaviour around any generated service: a panicking handler becomes a 500
//! and the server keeps serving, bodies over the limit get a 413, modeled errors carry the
//! request id, and graceful shutdown lets in-flight requests finish.

use std::time::Duration;

use integration_tests::raw_exchange;
use rekognition_server_sdk::error::{
    self, CreateCollectionError, CreateDatasetError, DeleteCollectionError, ListCollectionsError,
    ResourceNotFoundException,
};
use rekognition_server_sdk::model::*;
use rekognition_server_sdk::server::{RekognitionService, RekognitionServiceServer};
use smithy_server_runtime::{FixedContext, RequestContext, Settings};

/// Panics on `boom`, takes a while on `slow`, fails on collection deletes, succeeds otherwise.
struct Quirky;

impl RekognitionService for Quirky {
    async fn create_collection(
        &self,
        input: CreateCollectionRequest,
        _context: RequestContext,
    ) -> Result<CreateCollectionResponse, CreateCollectionError> {
        match input.collection_id.as_str() {
            "boom" => panic!("handler bug"),
            "slow" => tokio::time::sleep(Duration::from_millis(600)).await,
            _ => {}
        }
        Ok(CreateCollectionResponse {
            status_code: Some(200),
            ..Default::default()
        })
    }

    async fn create_dataset(
        &self,
        _: CreateDatasetRequest,
        _: RequestContext,
    ) -> Result<CreateDatasetResponse, CreateDatasetError> {
        Ok(CreateDatasetResponse::default())
    }

    async fn delete_collection(
        &self,
        _: DeleteCollectionRequest,
        _: RequestContext,
    ) -> Result<DeleteCollectionResponse, DeleteCollectionError> {
        Err(ResourceNotFoundException {
            message: Some("gone".to_owned()),
            code: None,
            logref: None,
        }
        .into())
    }

    async fn list_collections(
        &self,
        _: ListCollectionsRequest,
        _: RequestContext,
    ) -> Result<ListCollectionsResponse, ListCollectionsError> {
        Ok(ListCollectionsResponse::default())
    }

    async fn describe_collection(
        &self,
        _: DescribeCollectionRequest,
        _: RequestContext,
    ) -> Result<DescribeCollectionResponse, error::DescribeCollectionError> {
        Ok(DescribeCollectionResponse::default())
    }

    async fn create_project(
        &self,
        _: CreateProjectRequest,
        _: RequestContext,
    ) -> Result<CreateProjectResponse, error::CreateProjectError> {
        Ok(CreateProjectResponse::default())
    }

    async fn describe_projects(
        &self,
        _: DescribeProjectsRequest,
        _: RequestContext,
    ) -> Result<DescribeProjectsResponse, error::DescribeProjectsError> {
        Ok(DescribeProjectsResponse::default())
    }

    async fn delete_project(
        &self,
        _: DeleteProjectRequest,
        _: RequestContext,
    ) -> Result<DeleteProjectResponse, error::DeleteProjectError> {
        Ok(DeleteProjectResponse::default())
    }

    async fn describe_dataset(
        &self,
        _: DescribeDatasetRequest,
        _: RequestContext,
    ) -> Result<DescribeDatasetResponse, error::DescribeDatasetError> {
        Ok(DescribeDatasetResponse::default())
    }

    async fn list_dataset_entries(
        &self,
        _: ListDatasetEntriesRequest,
        _: RequestContext,
    ) -> Result<ListDatasetEntriesResponse, error::ListDatasetEntriesError> {
        Ok(ListDatasetEntriesResponse::default())
    }

    async fn list_dataset_labels(
        &self,
        _: ListDatasetLabelsRequest,
        _: RequestContext,
    ) -> Result<ListDatasetLabelsResponse, error::ListDatasetLabelsError> {
        Ok(ListDatasetLabelsResponse::default())
    }

    async fn update_dataset_entries(
        &self,
        _: UpdateDatasetEntriesRequest,
        _: RequestContext,
    ) -> Result<UpdateDatasetEntriesResponse, error::UpdateDatasetEntriesError> {
        Ok(UpdateDatasetEntriesResponse::default())
    }

    async fn distribute_dataset_entries(
        &self,
        _: DistributeDatasetEntriesRequest,
        _: RequestContext,
    ) -> Result<DistributeDatasetEntriesResponse, error::DistributeDatasetEntriesError> {
        Ok(DistributeDatasetEntriesResponse::default())
    }

    async fn delete_dataset(
        &self,
        _: DeleteDatasetRequest,
        _: RequestContext,
    ) -> Result<DeleteDatasetResponse, error::DeleteDatasetError> {
        Ok(DeleteDatasetResponse::default())
    }

    async fn tag_resource(
        &self,
        _: TagResourceRequest,
        _: RequestContext,
    ) -> Result<TagResourceResponse, error::TagResourceError> {
        Ok(TagResourceResponse::default())
    }

    async fn untag_resource(
        &self,
        _: UntagResourceRequest,
        _: RequestContext,
    ) -> Result<UntagResourceResponse, error::UntagResourceError> {
        Ok(UntagResourceResponse::default())
    }

    async fn list_tags_for_resource(
        &self,
        _: ListTagsForResourceRequest,
        _: RequestContext,
    ) -> Result<ListTagsForResourceResponse, error::ListTagsForResourceError> {
        Ok(ListTagsForResourceResponse::default())
    }

    async fn associate_faces(
        &self,
        _: AssociateFacesRequest,
        _: RequestContext,
    ) -> Result<AssociateFacesResponse, error::AssociateFacesError> {
        Ok(AssociateFacesResponse::default())
    }

    async fn compare_faces(
        &self,
        _: CompareFacesRequest,
        _: RequestContext,
    ) -> Result<CompareFacesResponse, error::CompareFacesError> {
        Ok(CompareFacesResponse::default())
    }

    async fn create_user(
        &self,
        _: CreateUserRequest,
        _: RequestContext,
    ) -> Result<CreateUserResponse, error::CreateUserError> {
        Ok(CreateUserResponse::default())
    }

    async fn delete_faces(
        &self,
        _: DeleteFacesRequest,
        _: RequestContext,
    ) -> Result<DeleteFacesResponse, error::DeleteFacesError> {
        Ok(DeleteFacesResponse::default())
    }

    async fn delete_user(
        &self,
        _: DeleteUserRequest,
        _: RequestContext,
    ) -> Result<DeleteUserResponse, error::DeleteUserError> {
        Ok(DeleteUserResponse::default())
    }

    async fn detect_faces(
        &self,
        _: DetectFacesRequest,
        _: RequestContext,
    ) -> Result<DetectFacesResponse, error::DetectFacesError> {
        Ok(DetectFacesResponse::default())
    }

    async fn disassociate_faces(
        &self,
        _: DisassociateFacesRequest,
        _: RequestContext,
    ) -> Result<DisassociateFacesResponse, error::DisassociateFacesError> {
        Ok(DisassociateFacesResponse::default())
    }

    async fn index_faces(
        &self,
        _: IndexFacesRequest,
        _: RequestContext,
    ) -> Result<IndexFacesResponse, error::IndexFacesError> {
        Ok(IndexFacesResponse::default())
    }

    async fn list_faces(
        &self,
        _: ListFacesRequest,
        _: RequestContext,
    ) -> Result<ListFacesResponse, error::ListFacesError> {
        Ok(ListFacesResponse::default())
    }

    async fn list_users(
        &self,
        _: ListUsersRequest,
        _: RequestContext,
    ) -> Result<ListUsersResponse, error::ListUsersError> {
        Ok(ListUsersResponse::default())
    }

    async fn search_faces(
        &self,
        _: SearchFacesRequest,
        _: RequestContext,
    ) -> Result<SearchFacesResponse, error::SearchFacesError> {
        Ok(SearchFacesResponse::default())
    }

    async fn search_faces_by_image(
        &self,
        _: SearchFacesByImageRequest,
        _: RequestContext,
    ) -> Result<SearchFacesByImageResponse, error::SearchFacesByImageError> {
        Ok(SearchFacesByImageResponse::default())
    }

    async fn search_users(
        &self,
        _: SearchUsersRequest,
        _: RequestContext,
    ) -> Result<SearchUsersResponse, error::SearchUsersError> {
        Ok(SearchUsersResponse::default())
    }

    async fn search_users_by_image(
        &self,
        _: SearchUsersByImageRequest,
        _: RequestContext,
    ) -> Result<SearchUsersByImageResponse, error::SearchUsersByImageError> {
        Ok(SearchUsersByImageResponse::default())
    }
}

async fn serve(
    body_limit: usize,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let service = RekognitionServiceServer::new(Quirky)
        .context(FixedContext {
            account_id: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
        })
        .settings(Settings {
            body_limit,
            ..Settings::default()
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(smithy_server_runtime::serve::serve(
        listener,
        service,
        async move {
            let _ = stopped.await;
        },
    ));
    (address, stop, task)
}

fn post(target: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nX-Amz-Target: RekognitionService.{target}\r\nContent-Type: application/x-amz-json-1.1; charset=utf-8"
    )
}

fn body_of(response: &str) -> serde_json::Value {
    serde_json::from_str(response.split_once("\r\n\r\n").unwrap().1).unwrap()
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|line| {
        line.split_once(": ")
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_handler_is_a_500_and_the_server_keeps_serving() {
    let (address, stop, task) = serve(1024).await;
    let response = raw_exchange(
        address,
        &post("CreateCollection"),
        br#"{"CollectionId":"boom"}"#,
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 500"), "{response}");
    let body = body_of(&response);
    assert_eq!(body["__type"], "InternalServerError");
    assert_eq!(body["Message"], "Internal server error");
    let response = raw_exchange(
        address,
        &post("CreateCollection"),
        br#"{"CollectionId":"fine"}"#,
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_over_the_limit_get_a_413() {
    let (address, stop, task) = serve(64).await;
    let big = format!(r#"{{"CollectionId":"{}"}}"#, "x".repeat(100));
    let response = raw_exchange(address, &post("CreateCollection"), big.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_eq!(
        body_of(&response)["__type"],
        "RequestEntityTooLargeException"
    );
    let response = raw_exchange(address, &post("ListCollections"), b"{}").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn error_logref_is_the_request_id() {
    let (address, stop, task) = serve(1024).await;
    let response = raw_exchange(
        address,
        &post("DeleteCollection"),
        br#"{"CollectionId":"x"}"#,
    )
    .await;
    let request_id = header(&response, "x-amzn-requestid").unwrap();
    assert_eq!(request_id.len(), 36, "a UUID");
    assert_eq!(body_of(&response)["Logref"], request_id);
    assert_eq!(
        header(&response, "content-type"),
        Some("application/x-amz-json-1.1")
    );
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_lets_in_flight_requests_finish() {
    let (address, stop, task) = serve(1024).await;
    let slow = tokio::spawn(async move {
        raw_exchange(
            address,
            &post("CreateCollection"),
            br#"{"CollectionId":"slow"}"#,
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _ = stop.send(());
    let response = slow.await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    task.await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "the listener is closed after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_connection_does_not_hold_up_shutdown() {
    let (address, stop, task) = serve(1024).await;
    let silent = tokio::net::TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = stop.send(());
    // The head timeout is 10 s; shutdown must not wait for it.
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .expect("shutdown waited for a connection that never sent a byte")
        .unwrap();
    drop(silent);
}
