//! Representative raw HTTP exchanges with the reference server, byte for byte (run-to-run
//! values redacted): a success and an error for each operation, and the protocol's own errors.

use integration_tests::{TempDir, raw_exchange, redact};
use rekognition_server::{Config, start};

fn post(target: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nX-Amz-Target: RekognitionService.{target}\r\nContent-Type: application/x-amz-json-1.1"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn exchanges() {
    let s3 = TempDir::new("exchanges");
    std::fs::create_dir_all(s3.0.join("bucket")).unwrap();
    std::fs::write(
        s3.0.join("bucket/m.manifest"),
        "{\"source-ref\":\"s3://bucket/1.jpg\"}\n",
    )
    .unwrap();
    let mut config = Config::in_memory(s3.0.clone());
    config.projects = vec!["demo".to_owned()];
    let running = start(config).await.unwrap();
    let project = running.projects[0].1.clone();
    let address = running.address;
    let dataset = format!(
        r#"{{"ProjectArn":"{project}","DatasetType":"TRAIN","DatasetSource":{{"GroundTruthManifest":{{"S3Object":{{"Bucket":"bucket","Name":"m.manifest"}}}}}}}}"#
    );
    let cases: Vec<(&str, String, String)> = vec![
        ("create_collection_ok", post("CreateCollection"), r#"{"CollectionId":"photos"}"#.to_owned()),
        ("create_collection_exists", post("CreateCollection"), r#"{"CollectionId":"photos"}"#.to_owned()),
        ("create_collection_invalid", post("CreateCollection"), r#"{"CollectionId":"bad id!","Tags":{"aws:k":"v"}}"#.to_owned()),
        ("list_collections_ok", post("ListCollections"), "{}".to_owned()),
        ("list_collections_bad_token", post("ListCollections"), r#"{"NextToken":"nope"}"#.to_owned()),
        ("delete_collection_ok", post("DeleteCollection"), r#"{"CollectionId":"photos"}"#.to_owned()),
        ("delete_collection_missing", post("DeleteCollection"), r#"{"CollectionId":"photos"}"#.to_owned()),
        ("create_dataset_ok", post("CreateDataset"), dataset.clone()),
        ("create_dataset_exists", post("CreateDataset"), dataset),
        ("malformed_json", post("CreateCollection"), "{\"CollectionId\":".to_owned()),
        ("wrong_type", post("CreateCollection"), r#"{"CollectionId":42}"#.to_owned()),
        ("unknown_operation", post("DetectLabels"), "{}".to_owned()),
        ("wrong_method", "GET / HTTP/1.1".to_owned(), String::new()),
        ("wrong_path", "POST /2016-06-27/collections HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1".to_owned(), "{}".to_owned()),
        ("wrong_content_type", "POST / HTTP/1.1\r\nX-Amz-Target: RekognitionService.ListCollections\r\nContent-Type: text/plain".to_owned(), "{}".to_owned()),
        ("health", "GET /health HTTP/1.1".to_owned(), String::new()),
    ];
    for (name, head, body) in cases {
        let response = raw_exchange(address, &head, body.as_bytes()).await;
        insta::assert_snapshot!(
            name,
            format!("{}\n\n{}", head.replace("\r\n", "\n"), redact(&response))
        );
    }
    running.shutdown().await;
}
