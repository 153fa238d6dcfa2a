//! The reference server, driven over real HTTP on loopback by the official Rust SDK
//! (`aws-sdk-rekognition`) with only an endpoint URL and dummy credentials.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_rekognition::Client;
use aws_sdk_rekognition::primitives::{Blob, DateTime};
use aws_sdk_rekognition::types::{
    CustomizationFeature, DatasetChanges, DatasetDescription, DatasetSource, DatasetStatus,
    DatasetStatusMessageCode, DatasetType, DistributeDataset, GroundTruthManifest,
    ProjectAutoUpdate, ProjectDescription, ProjectStatus, S3Object,
};
use integration_tests::{TempDir, failure, rekognition_client};
use rekognition_server::context::AuthMode;
use rekognition_server::{Config, Running, Storage, start};

const ACCOUNT: &str = "123456789012";

async fn server(s3: &TempDir, projects: &[&str]) -> Running {
    let mut config = Config::in_memory(s3.0.clone());
    config.projects = projects.iter().map(|p| (*p).to_owned()).collect();
    config.auth = AuthMode::Development {
        access_keys: [("AKIDOTHER".to_owned(), "210987654321".to_owned())].into(),
    };
    start(config).await.unwrap()
}

fn client(running: &Running) -> aws_sdk_rekognition::Client {
    rekognition_client(&running.url(), "AKIDTEST", "us-east-1")
}

#[tokio::test(flavor = "multi_thread")]
async fn collection_lifecycle() {
    let s3 = TempDir::new("sdk-lifecycle");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    let created = client
        .create_collection()
        .collection_id("photos")
        .tags("team", "vision")
        .send()
        .await
        .unwrap();
    assert_eq!(created.status_code(), Some(200));
    assert_eq!(
        created.collection_arn(),
        Some("aws:rekognition:us-east-1:123456789012:collection/photos")
    );
    assert_eq!(created.face_model_version(), Some("7.0"));
    let listed = client.list_collections().send().await.unwrap();
    assert_eq!(listed.collection_ids(), ["photos"]);
    assert_eq!(listed.face_model_versions(), ["7.0"]);
    assert_eq!(listed.next_token(), None);
    let deleted = client
        .delete_collection()
        .collection_id("photos")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), Some(200));
    assert!(
        client
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids()
            .is_empty()
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn modeled_errors_with_the_real_messages() {
    let s3 = TempDir::new("sdk-errors");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    client
        .create_collection()
        .collection_id("dup")
        .send()
        .await
        .unwrap();
    let error = client
        .create_collection()
        .collection_id("dup")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_already_exists_exception());
    assert_eq!(failure(error).1, "The collection id: dup already exists");
    let error = client
        .delete_collection()
        .collection_id("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception());
    assert_eq!(
        failure(error).1,
        "The collection id: missing does not exist"
    );
    let error = client
        .list_collections()
        .next_token("garbage")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception());
    assert_eq!(failure(error).1, "Invalid Pagination Token");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_class_of_constraint_violation_is_a_validation_exception() {
    let s3 = TempDir::new("sdk-validation");
    let running = server(&s3, &["demo"]).await;
    let client = client(&running);
    let (code, message) = failure(
        client
            .create_collection()
            .collection_id("bad id!")
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("Value 'bad id!' at 'collectionId' failed to satisfy constraint: Member must satisfy regular expression pattern"), "{message}");

    let long = "x".repeat(300);
    let (code, message) = failure(
        client
            .create_collection()
            .collection_id(long)
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("Member must have length less than or equal to 255"),
        "{message}"
    );

    let (code, message) = failure(
        client
            .list_collections()
            .max_results(5000)
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("Value '5000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 4096"), "{message}");

    let (code, message) = failure(
        client
            .create_collection()
            .collection_id("c")
            .tags("aws:owner", "me")
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("Map keys must satisfy constraint"),
        "{message}"
    );

    let project = &running.projects[0].1;
    let (code, message) = failure(
        client
            .create_dataset()
            .project_arn(project)
            .dataset_type(DatasetType::from("VALIDATE"))
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("Member must satisfy enum value set: [TRAIN, TEST]"),
        "{message}"
    );

    let (code, message) = failure(
        client
            .delete_collection()
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains(
            "Value null at 'collectionId' failed to satisfy constraint: Member must not be null"
        ),
        "{message}"
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_never_repeats_or_skips_while_collections_change() {
    let s3 = TempDir::new("sdk-pages");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    for i in 0..40 {
        client
            .create_collection()
            .collection_id(format!("c{i:02}"))
            .send()
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_collections()
            .max_results(7)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            page.collection_ids().len(),
            page.face_model_versions().len()
        );
        seen.extend(page.collection_ids().iter().cloned());
        pages += 1;
        // Churn between pages: delete one collection created earlier and add a new one.
        if pages == 2 {
            client
                .delete_collection()
                .collection_id("c39")
                .send()
                .await
                .unwrap();
            client
                .create_collection()
                .collection_id("late")
                .send()
                .await
                .unwrap();
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert!(pages >= 6, "{pages} pages");
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a collection was listed twice");
    for i in 0..39 {
        assert!(
            seen.contains(&format!("c{i:02}")),
            "c{i:02} existed throughout but was skipped"
        );
    }
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_and_regions_are_isolated() {
    let s3 = TempDir::new("sdk-isolation");
    let running = server(&s3, &[]).await;
    let mine = client(&running);
    let other_account = rekognition_client(&running.url(), "AKIDOTHER", "us-east-1");
    let other_region = rekognition_client(&running.url(), "AKIDTEST", "eu-west-1");
    for i in 0..3 {
        mine.create_collection()
            .collection_id(format!("mine{i}"))
            .send()
            .await
            .unwrap();
    }
    assert!(
        other_account
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids()
            .is_empty()
    );
    assert!(
        other_region
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids()
            .is_empty()
    );
    let error = other_account
        .delete_collection()
        .collection_id("mine0")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception());
    let created = other_region
        .create_collection()
        .collection_id("mine0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.collection_arn(),
        Some("aws:rekognition:eu-west-1:123456789012:collection/mine0")
    );
    let created = other_account
        .create_collection()
        .collection_id("mine0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.collection_arn(),
        Some("aws:rekognition:us-east-1:210987654321:collection/mine0")
    );
    // A token is bound to the account and region it was issued to.
    let page = mine.list_collections().max_results(1).send().await.unwrap();
    let token = page.next_token().unwrap().to_owned();
    let error = other_account
        .list_collections()
        .next_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception());
    let error = other_region
        .list_collections()
        .next_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception());
    assert_eq!(
        mine.list_collections()
            .next_token(&token)
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["mine1", "mine2"]
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_duplicate_creates_exactly_one_wins() {
    let s3 = TempDir::new("sdk-race");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    let attempts: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .create_collection()
                    .collection_id("contested")
                    .send()
                    .await
            })
        })
        .collect();
    let mut wins = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => wins += 1,
            Err(error) => assert!(
                error
                    .into_service_error()
                    .is_resource_already_exists_exception()
            ),
        }
    }
    assert_eq!(wins, 1);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_a_restart() {
    let data = TempDir::new("sdk-restart-data");
    let s3 = TempDir::new("sdk-restart-s3");
    let config = || {
        let mut config = Config::in_memory(s3.0.clone());
        config.storage = Storage::Directory(data.0.clone());
        config.projects = vec!["demo".to_owned()];
        config
    };
    let running = start(config()).await.unwrap();
    let project = running.projects[0].1.clone();
    let client = client(&running);
    for id in ["a", "b", "c"] {
        client
            .create_collection()
            .collection_id(id)
            .send()
            .await
            .unwrap();
    }
    let token = client
        .list_collections()
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    running.shutdown().await;

    let running = start(config()).await.unwrap();
    assert_eq!(
        running.projects[0].1, project,
        "a project's ARN is stable across restarts"
    );
    let client = rekognition_client(&running.url(), "AKIDTEST", "us-east-1");
    assert_eq!(
        client
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["a", "b", "c"]
    );
    assert_eq!(
        client
            .list_collections()
            .next_token(token)
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["b", "c"]
    );
    running.shutdown().await;
}

/// Polls `DescribeDataset` until the dataset's last operation has finished; its description.
async fn wait_for_dataset(client: &Client, arn: &str) -> DatasetDescription {
    for _ in 0..200 {
        let described = client
            .describe_dataset()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap()
            .dataset_description
            .expect("a dataset description");
        let busy = matches!(
            described.status(),
            Some(DatasetStatus::CreateInProgress | DatasetStatus::UpdateInProgress) | None
        );
        if !busy {
            return described;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("dataset {arn} stayed in progress");
}

/// Every entry of a dataset, in order, through the SDK's paginator.
async fn dataset_entries(client: &Client, arn: &str) -> Vec<String> {
    client
        .list_dataset_entries()
        .dataset_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn datasets_from_a_manifest_and_from_another_dataset() {
    let s3 = TempDir::new("sdk-datasets");
    std::fs::create_dir_all(s3.0.join("bucket/manifests")).unwrap();
    std::fs::write(
        s3.0.join("bucket/manifests/train.manifest"),
        "{\"source-ref\":\"s3://bucket/images/1.jpg\",\"cat\":1}\n{\"source-ref\":\"s3://bucket/images/2.jpg\",\"cat\":0}\n{\"source-ref\":\"s3://bucket/images/3.jpg\"}\n{\"source-ref\":\"s3://bucket/images/4.jpg\"}\nnot json\n",
    )
    .unwrap();
    let running = server(&s3, &["demo"]).await;
    let project = running.projects[0].1.clone();
    let client = client(&running);
    let manifest = DatasetSource::builder()
        .ground_truth_manifest(
            GroundTruthManifest::builder()
                .s3_object(
                    S3Object::builder()
                        .bucket("bucket")
                        .name("manifests/train.manifest")
                        .build(),
                )
                .build(),
        )
        .build();
    let train = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .dataset_source(manifest.clone())
        .send()
        .await
        .unwrap();
    let train_arn = train.dataset_arn().unwrap().to_owned();
    assert!(
        train_arn
            .starts_with("arn:aws:rekognition:us-east-1:123456789012:project/demo/dataset/train/"),
        "{train_arn}"
    );
    let described = wait_for_dataset(&client, &train_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::CreateComplete));
    let entries = dataset_entries(&client, &train_arn).await;
    // The line that is not JSON is dropped (one line in five is within AWS's tolerance).
    assert_eq!(entries.len(), 4);
    assert!(entries[0].starts_with("{\"source-ref\":\"s3://bucket/images/1.jpg\""));

    // One TRAIN dataset per project.
    let error = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_already_exists_exception());

    // The TEST dataset copies the TRAIN dataset's entries.
    let test = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .dataset_source(DatasetSource::builder().dataset_arn(&train_arn).build())
        .send()
        .await
        .unwrap();
    let test_arn = test.dataset_arn().unwrap();
    let described = wait_for_dataset(&client, test_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::CreateComplete));
    assert_eq!(dataset_entries(&client, test_arn).await, entries);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dataset_errors() {
    let s3 = TempDir::new("sdk-dataset-errors");
    let running = server(&s3, &["demo"]).await;
    let project = running.projects[0].1.clone();
    let client = client(&running);
    let missing_object = DatasetSource::builder()
        .ground_truth_manifest(
            GroundTruthManifest::builder()
                .s3_object(
                    S3Object::builder()
                        .bucket("bucket")
                        .name("nope.manifest")
                        .build(),
                )
                .build(),
        )
        .build();
    let error = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .dataset_source(missing_object.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_s3_object_exception(), "{error:?}");

    let both = DatasetSource::builder()
        .dataset_arn(format!(
            "{}/dataset/train/1",
            project.rsplit_once('/').unwrap().0
        ))
        .set_ground_truth_manifest(missing_object.ground_truth_manifest().cloned())
        .build();
    let error = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .dataset_source(both)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    let error = client
        .create_dataset()
        .project_arn("arn:aws:rekognition:us-east-1:123456789012:project/unknown/1")
        .dataset_type(DatasetType::Train)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let error = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .dataset_source(
            DatasetSource::builder()
                .dataset_arn(
                    "arn:aws:rekognition:us-east-1:123456789012:project/demo/dataset/train/1",
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    // No source: an empty dataset, complete at once.
    let empty = client
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .send()
        .await
        .unwrap();
    let empty_arn = empty.dataset_arn().unwrap();
    let described = wait_for_dataset(&client, empty_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::CreateComplete));
    assert!(dataset_entries(&client, empty_arn).await.is_empty());
    running.shutdown().await;
}

const CLASSIFICATION_METADATA: &str = r#""confidence":0.95,"job-name":"labeling-job/flowers","type":"groundtruth/image-classification","human-annotated":"yes","creation-date":"2024-03-01T10:00:00.000""#;

/// A manifest line giving `image` the image-level label `label`.
fn classified(image: &str, label: &str) -> String {
    format!(
        r#"{{"source-ref":"s3://bucket/images/{image}","flower":1,"flower-metadata":{{"class-name":"{label}",{CLASSIFICATION_METADATA}}}}}"#
    )
}

/// A manifest line with only an image.
fn unlabeled(image: &str) -> String {
    format!(r#"{{"source-ref":"s3://bucket/images/{image}"}}"#)
}

/// A manifest line with two `dog` boxes and one `cat` box.
fn boxed(image: &str) -> String {
    let annotation =
        |class: u32| format!(r#"{{"class_id":{class},"top":10,"left":20,"width":30,"height":40}}"#);
    format!(
        r#"{{"source-ref":"s3://bucket/images/{image}","boxes":{{"image_size":[{{"width":640,"height":480,"depth":3}}],"annotations":[{},{},{}]}},"boxes-metadata":{{"objects":[{{"confidence":0.9}},{{"confidence":0.9}},{{"confidence":0.9}}],"class-map":{{"0":"dog","1":"cat"}},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2024-03-01T10:00:00.000"}}}}"#,
        annotation(0),
        annotation(1),
        annotation(0)
    )
}

/// The line `classified(image, label)` is stored as: the service's `cl-metadata` appended.
fn stored_classified(image: &str, label: &str) -> String {
    let line = classified(image, label);
    format!(
        "{},\"cl-metadata\":{{\"is_labeled\":true}}}}",
        &line[..line.len() - 1]
    )
}

fn manifest(bucket: &str, name: &str) -> DatasetSource {
    DatasetSource::builder()
        .ground_truth_manifest(
            GroundTruthManifest::builder()
                .s3_object(S3Object::builder().bucket(bucket).name(name).build())
                .build(),
        )
        .build()
}

/// The image names (`N.jpg`) of entries, in order.
fn images(entries: &[String]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| {
            let line: serde_json::Value = serde_json::from_str(entry).unwrap();
            let source_ref = line["source-ref"].as_str().unwrap();
            source_ref.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

/// Milliseconds since 1970 of a timestamp as the SDK read it (epoch seconds with a fraction).
fn millis(time: &DateTime) -> i64 {
    (time.as_secs_f64() * 1000.0).round() as i64
}

/// The creation time an ARN ends with.
fn arn_millis(arn: &str) -> i64 {
    arn.rsplit('/').next().unwrap().parse().unwrap()
}

/// A dataset's counts: labeled entries, entries, labels, entries with errors.
fn stats(described: &DatasetDescription) -> (i32, i32, i32, i32) {
    let stats = described.dataset_stats().expect("dataset stats");
    (
        stats.labeled_entries().unwrap(),
        stats.total_entries().unwrap(),
        stats.total_labels().unwrap(),
        stats.error_entries().unwrap(),
    )
}

/// A dataset's labels through the SDK's paginator: name, entries, entries with boxes.
async fn dataset_labels(client: &Client, arn: &str) -> Vec<(String, i32, Option<i32>)> {
    client
        .list_dataset_labels()
        .dataset_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap()
        .into_iter()
        .map(|label| {
            let stats = label.label_stats().unwrap();
            (
                label.label_name().unwrap().to_owned(),
                stats.entry_count().unwrap(),
                stats.bounding_box_count(),
            )
        })
        .collect()
}

fn label(name: &str, entries: i32, boxes: Option<i32>) -> (String, i32, Option<i32>) {
    (name.to_owned(), entries, boxes)
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_labels_workflow() {
    let s3 = TempDir::new("sdk-workflow");
    std::fs::create_dir_all(s3.0.join("bucket/manifests")).unwrap();
    // Image-level labels, boxes, an image without labels, a label attribute of an unknown type,
    // and a repeated image (dropped: the first line naming an image wins).
    let error_line = r#"{"source-ref":"s3://bucket/images/4.jpg","flower":1,"flower-metadata":{"class-name":"camellia","type":"groundtruth/unknown","confidence":0.5}}"#;
    let lines = [
        classified("1.jpg", "camellia"),
        classified("2.jpg", "with_leaves"),
        unlabeled("3.jpg"),
        error_line.to_owned(),
        boxed("5.jpg"),
        classified("1.jpg", "rose"),
    ];
    std::fs::write(
        s3.0.join("bucket/manifests/train.manifest"),
        lines.join("\n"),
    )
    .unwrap();
    let running = server(&s3, &[]).await;
    let client = client(&running);

    let project_arn = client
        .create_project()
        .project_name("flowers")
        .send()
        .await
        .unwrap()
        .project_arn()
        .unwrap()
        .to_owned();
    let prefix = format!("arn:aws:rekognition:us-east-1:{ACCOUNT}:project/flowers/");
    assert!(project_arn.starts_with(&prefix), "{project_arn}");
    let project_millis = arn_millis(&project_arn);

    let train_arn = client
        .create_dataset()
        .project_arn(&project_arn)
        .dataset_type(DatasetType::Train)
        .dataset_source(manifest("bucket", "manifests/train.manifest"))
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    assert!(
        train_arn.starts_with(&format!("{prefix}dataset/train/")),
        "{train_arn}"
    );
    let described = wait_for_dataset(&client, &train_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::CreateComplete));
    assert_eq!(
        described.status_message(),
        Some("The dataset was successfully created from the manifest file.")
    );
    assert_eq!(
        described.status_message_code(),
        Some(&DatasetStatusMessageCode::Success)
    );
    assert_eq!(stats(&described), (3, 5, 4, 1));
    let created = millis(described.creation_timestamp().unwrap());
    assert_eq!(created, arn_millis(&train_arn));
    assert!(created >= project_millis);
    let imported = millis(described.last_updated_timestamp().unwrap());
    assert!(imported >= created);

    // Every entry as stored: the input line with the service's keys appended.
    let entries = dataset_entries(&client, &train_arn).await;
    assert_eq!(
        images(&entries),
        ["1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg"]
    );
    assert_eq!(entries[0], stored_classified("1.jpg", "camellia"));
    assert_eq!(
        entries[2],
        r#"{"source-ref":"s3://bucket/images/3.jpg","cl-metadata":{"is_labeled":false}}"#
    );
    assert_eq!(
        entries[3],
        r#"{"source-ref":"s3://bucket/images/4.jpg","flower":1,"flower-metadata":{"class-name":"camellia","type":"groundtruth/unknown","confidence":0.5,"cl-errors":[{"code":"ERROR_UNSUPPORTED_USE_CASE_TYPE","message":"The use case type of the flower-metadata label attribute metadata is unsupported. Check the type field."}]},"cl-errors":[{"code":"ERROR_NO_VALID_LABEL_ATTRIBUTES","message":"No valid label attributes found."}],"cl-metadata":{"is_labeled":false}}"#
    );
    let boxes: serde_json::Value = serde_json::from_str(&entries[4]).unwrap();
    assert_eq!(boxes["cl-metadata"]["is_labeled"], true);
    assert_eq!(boxes["boxes"]["annotations"].as_array().unwrap().len(), 3);

    // Each filter of ListDatasetEntries, alone and combined.
    let filtered = |build: fn(
        aws_sdk_rekognition::operation::list_dataset_entries::builders::ListDatasetEntriesFluentBuilder,
    ) -> aws_sdk_rekognition::operation::list_dataset_entries::builders::ListDatasetEntriesFluentBuilder| {
        let request = build(client.list_dataset_entries().dataset_arn(&train_arn));
        async move {
            images(
                &request
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(
        filtered(|r| r.labeled(true)).await,
        ["1.jpg", "2.jpg", "5.jpg"]
    );
    assert_eq!(filtered(|r| r.labeled(false)).await, ["3.jpg", "4.jpg"]);
    assert_eq!(filtered(|r| r.has_errors(true)).await, ["4.jpg"]);
    assert_eq!(
        filtered(|r| r.has_errors(false)).await,
        ["1.jpg", "2.jpg", "3.jpg", "5.jpg"]
    );
    assert_eq!(filtered(|r| r.contains_labels("dog")).await, ["5.jpg"]);
    // The unknown-type attribute of image 4 names camellia too, but gives no label.
    assert_eq!(
        filtered(|r| r.contains_labels("camellia").contains_labels("cat")).await,
        ["1.jpg", "5.jpg"]
    );
    assert_eq!(
        filtered(|r| r.source_ref_contains("images/2")).await,
        ["2.jpg"]
    );
    assert!(
        filtered(|r| r.source_ref_contains("elsewhere"))
            .await
            .is_empty()
    );
    assert_eq!(
        filtered(|r| r.labeled(false).has_errors(true)).await,
        ["4.jpg"]
    );
    assert_eq!(
        filtered(|r| r
            .labeled(true)
            .contains_labels("with_leaves")
            .source_ref_contains("2"))
        .await,
        ["2.jpg"]
    );

    // The SDK's paginator follows NextToken page by page.
    let pages = client
        .list_dataset_entries()
        .dataset_arn(&train_arn)
        .max_results(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.dataset_entries().len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(pages.last().unwrap().next_token(), None);
    let paged: Vec<String> = pages
        .iter()
        .flat_map(|p| p.dataset_entries().iter().cloned())
        .collect();
    assert_eq!(paged, entries);
    let labeled_pages = client
        .list_dataset_entries()
        .dataset_arn(&train_arn)
        .labeled(true)
        .into_paginator()
        .page_size(1)
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(labeled_pages.len(), 3);
    // A token pages the listing it came from, not another one.
    let token = pages[0].next_token().unwrap();
    let error = client
        .list_dataset_labels()
        .dataset_arn(&train_arn)
        .next_token(token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception(), "{error:?}");

    // Labels by name; BoundingBoxCount counts images with boxes, and is absent without any.
    assert_eq!(
        dataset_labels(&client, &train_arn).await,
        [
            label("camellia", 1, None),
            label("cat", 1, Some(1)),
            label("dog", 1, Some(1)),
            label("with_leaves", 1, None),
        ]
    );
    let label_pages = client
        .list_dataset_labels()
        .dataset_arn(&train_arn)
        .max_results(3)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = label_pages
        .iter()
        .map(|p| p.dataset_label_descriptions().len())
        .collect();
    assert_eq!(sizes, [3, 1]);

    // UpdateDatasetEntries: image 1 is replaced in place (camellia goes), five images are added.
    let changes = [
        classified("1.jpg", "rose"),
        classified("6.jpg", "rose"),
        classified("7.jpg", "tulip"),
        unlabeled("8.jpg"),
        classified("9.jpg", "rose"),
        classified("10.jpg", "with_leaves"),
    ]
    .join("\n");
    client
        .update_dataset_entries()
        .dataset_arn(&train_arn)
        .changes(
            DatasetChanges::builder()
                .ground_truth(Blob::new(changes.into_bytes()))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let described = wait_for_dataset(&client, &train_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::UpdateComplete));
    assert_eq!(
        described.status_message_code(),
        Some(&DatasetStatusMessageCode::Success)
    );
    assert_eq!(stats(&described), (7, 10, 5, 1));
    assert_eq!(millis(described.creation_timestamp().unwrap()), created);
    let updated = millis(described.last_updated_timestamp().unwrap());
    assert!(updated >= imported);
    let entries = dataset_entries(&client, &train_arn).await;
    assert_eq!(
        images(&entries),
        [
            "1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg", "6.jpg", "7.jpg", "8.jpg", "9.jpg",
            "10.jpg"
        ]
    );
    assert_eq!(entries[0], stored_classified("1.jpg", "rose"));
    assert_eq!(
        dataset_labels(&client, &train_arn).await,
        [
            label("cat", 1, Some(1)),
            label("dog", 1, Some(1)),
            label("rose", 3, None),
            label("tulip", 1, None),
            label("with_leaves", 2, None),
        ]
    );

    // Changes the service cannot apply are accepted, then fail the update and change nothing.
    for (change, message) in [
        (
            r#"{"source-ref":"s3://other-bucket/11.jpg"}"#,
            "The manifest file contains images from multiple S3 buckets.",
        ),
        (" \n", "The manifest file is empty."),
    ] {
        client
            .update_dataset_entries()
            .dataset_arn(&train_arn)
            .changes(
                DatasetChanges::builder()
                    .ground_truth(Blob::new(change))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        let described = wait_for_dataset(&client, &train_arn).await;
        assert_eq!(described.status(), Some(&DatasetStatus::UpdateFailed));
        assert_eq!(described.status_message(), Some(message));
        assert_eq!(
            described.status_message_code(),
            Some(&DatasetStatusMessageCode::ClientError)
        );
        assert_eq!(stats(&described), (7, 10, 5, 1));
        assert_eq!(dataset_entries(&client, &train_arn).await, entries);
    }

    // An empty TEST dataset, complete at once.
    let test_arn = client
        .create_dataset()
        .project_arn(&project_arn)
        .dataset_type(DatasetType::Test)
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    assert!(
        test_arn.starts_with(&format!("{prefix}dataset/test/")),
        "{test_arn}"
    );
    let described = wait_for_dataset(&client, &test_arn).await;
    assert_eq!(described.status(), Some(&DatasetStatus::CreateComplete));
    assert_eq!(
        described.status_message_code(),
        Some(&DatasetStatusMessageCode::Success)
    );
    assert_eq!(stats(&described), (0, 0, 0, 0));
    assert!(dataset_entries(&client, &test_arn).await.is_empty());
    assert!(dataset_labels(&client, &test_arn).await.is_empty());

    // DescribeProjects shows both datasets, oldest first, with their last status.
    let described = client
        .describe_projects()
        .project_names("flowers")
        .send()
        .await
        .unwrap();
    let [project] = described.project_descriptions() else {
        panic!("{described:?}");
    };
    assert_eq!(project.project_arn(), Some(project_arn.as_str()));
    assert_eq!(project.status(), Some(&ProjectStatus::Created));
    assert_eq!(
        project.creation_timestamp().map(millis),
        Some(project_millis)
    );
    let datasets: Vec<_> = project
        .datasets()
        .iter()
        .map(|d| {
            (
                d.dataset_arn().unwrap().to_owned(),
                d.dataset_type().cloned().unwrap(),
                d.status().cloned().unwrap(),
                d.status_message_code().cloned().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        datasets,
        [
            (
                train_arn.clone(),
                DatasetType::Train,
                DatasetStatus::UpdateFailed,
                DatasetStatusMessageCode::ClientError
            ),
            (
                test_arn.clone(),
                DatasetType::Test,
                DatasetStatus::CreateComplete,
                DatasetStatusMessageCode::Success
            ),
        ]
    );

    // DistributeDatasetEntries moves every fifth training entry, labels and all, to the test
    // dataset.
    let distribute = |arns: [&str; 2]| {
        client.distribute_dataset_entries().set_datasets(Some(
            arns.iter()
                .map(|arn| DistributeDataset::builder().arn(*arn).build().unwrap())
                .collect(),
        ))
    };
    distribute([&train_arn, &test_arn]).send().await.unwrap();
    let train = wait_for_dataset(&client, &train_arn).await;
    let test = wait_for_dataset(&client, &test_arn).await;
    for described in [&train, &test] {
        assert_eq!(described.status(), Some(&DatasetStatus::UpdateComplete));
        assert_eq!(
            described.status_message_code(),
            Some(&DatasetStatusMessageCode::Success)
        );
    }
    assert_eq!(stats(&train), (5, 8, 3, 1));
    assert_eq!(stats(&test), (2, 2, 3, 0));
    let train_entries = dataset_entries(&client, &train_arn).await;
    let test_entries = dataset_entries(&client, &test_arn).await;
    assert_eq!(
        images(&train_entries),
        [
            "1.jpg", "2.jpg", "3.jpg", "4.jpg", "6.jpg", "7.jpg", "8.jpg", "9.jpg"
        ]
    );
    assert_eq!(test_entries, [entries[4].clone(), entries[9].clone()]);
    assert_eq!(
        dataset_labels(&client, &test_arn).await,
        [
            label("cat", 1, Some(1)),
            label("dog", 1, Some(1)),
            label("with_leaves", 1, None),
        ]
    );
    assert_eq!(
        dataset_labels(&client, &train_arn).await,
        [
            label("rose", 3, None),
            label("tulip", 1, None),
            label("with_leaves", 1, None),
        ]
    );
    // The test dataset must be empty to receive entries.
    let error = distribute([&train_arn, &test_arn])
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    // A project goes only after its datasets.
    let error = client
        .delete_project()
        .project_arn(&project_arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_in_use_exception(), "{error:?}");
    for arn in [&train_arn, &test_arn] {
        client
            .delete_dataset()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap();
        let error = client
            .describe_dataset()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
        let error = client
            .list_dataset_entries()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
        let error = client
            .delete_dataset()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
    }
    let described = client.describe_projects().send().await.unwrap();
    assert!(described.project_descriptions()[0].datasets().is_empty());
    let deleted = client
        .delete_project()
        .project_arn(&project_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), Some(&ProjectStatus::Deleting));
    assert!(
        client
            .describe_projects()
            .project_names("flowers")
            .send()
            .await
            .unwrap()
            .project_descriptions()
            .is_empty()
    );
    let error = client
        .delete_project()
        .project_arn(&project_arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_projects_filters_and_pages() {
    let s3 = TempDir::new("sdk-projects");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    let mut custom_labels = Vec::new();
    for i in 0..7 {
        let arn = client
            .create_project()
            .project_name(format!("p{i}"))
            .send()
            .await
            .unwrap()
            .project_arn()
            .unwrap()
            .to_owned();
        custom_labels.push(arn);
    }
    let mut adapters = Vec::new();
    for name in ["moderation-a", "moderation-b"] {
        let arn = client
            .create_project()
            .project_name(name)
            .feature(CustomizationFeature::ContentModeration)
            .auto_update(ProjectAutoUpdate::Enabled)
            .send()
            .await
            .unwrap()
            .project_arn()
            .unwrap()
            .to_owned();
        adapters.push(arn);
    }
    let arns = |described: &[ProjectDescription]| -> Vec<String> {
        described
            .iter()
            .map(|p| p.project_arn().unwrap().to_owned())
            .collect()
    };

    // Without Features, only Custom Labels projects, oldest first.
    let described = client.describe_projects().send().await.unwrap();
    assert_eq!(arns(described.project_descriptions()), custom_labels);
    assert_eq!(described.next_token(), None);
    for project in described.project_descriptions() {
        assert_eq!(project.feature(), Some(&CustomizationFeature::CustomLabels));
        assert_eq!(project.status(), Some(&ProjectStatus::Created));
        assert_eq!(project.auto_update(), None);
        assert!(project.datasets().is_empty());
        assert_eq!(
            project.creation_timestamp().map(millis),
            Some(arn_millis(project.project_arn().unwrap()))
        );
    }
    let described = client
        .describe_projects()
        .features(CustomizationFeature::ContentModeration)
        .send()
        .await
        .unwrap();
    assert_eq!(arns(described.project_descriptions()), adapters);
    for project in described.project_descriptions() {
        assert_eq!(
            project.feature(),
            Some(&CustomizationFeature::ContentModeration)
        );
        assert_eq!(project.auto_update(), Some(&ProjectAutoUpdate::Enabled));
    }
    let both = client
        .describe_projects()
        .features(CustomizationFeature::CustomLabels)
        .features(CustomizationFeature::ContentModeration)
        .send()
        .await
        .unwrap();
    assert_eq!(
        arns(both.project_descriptions()),
        [custom_labels.clone(), adapters.clone()].concat()
    );

    // ProjectNames: names that do not exist are no error, and Features still apply.
    let named = client
        .describe_projects()
        .project_names("p3")
        .project_names("p1")
        .project_names("nobody")
        .send()
        .await
        .unwrap();
    assert_eq!(
        arns(named.project_descriptions()),
        [custom_labels[1].clone(), custom_labels[3].clone()]
    );
    assert!(
        client
            .describe_projects()
            .project_names("moderation-a")
            .send()
            .await
            .unwrap()
            .project_descriptions()
            .is_empty()
    );

    // Pages of three through the paginator, with and without filters.
    let pages = client
        .describe_projects()
        .max_results(3)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.project_descriptions().len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    let listed: Vec<ProjectDescription> = client
        .describe_projects()
        .features(CustomizationFeature::CustomLabels)
        .features(CustomizationFeature::ContentModeration)
        .into_paginator()
        .page_size(2)
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(arns(&listed), arns(both.project_descriptions()));

    // A page continues after the last project it saw, even when that project is gone.
    let first = client
        .describe_projects()
        .max_results(2)
        .send()
        .await
        .unwrap();
    let token = first.next_token().unwrap().to_owned();
    client
        .delete_project()
        .project_arn(&custom_labels[1])
        .send()
        .await
        .unwrap();
    let late = client
        .create_project()
        .project_name("late")
        .send()
        .await
        .unwrap()
        .project_arn()
        .unwrap()
        .to_owned();
    let rest: Vec<ProjectDescription> = client
        .describe_projects()
        .next_token(&token)
        .send()
        .await
        .unwrap()
        .project_descriptions()
        .to_vec();
    assert_eq!(
        arns(&rest),
        [custom_labels[2..].to_vec(), vec![late]].concat()
    );

    // Errors: a forged token, a page too large, a name taken.
    let error = client
        .describe_projects()
        .next_token("forged")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception(), "{error:?}");
    let (code, message) = failure(
        client
            .describe_projects()
            .max_results(101)
            .send()
            .await
            .unwrap_err()
            .into_service_error(),
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("Member must have value less than or equal to 100"),
        "{message}"
    );
    let error = client
        .create_project()
        .project_name("p0")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_in_use_exception(), "{error:?}");
    assert_eq!(failure(error).1, "The project name p0 is already in use");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_of_collections_projects_and_datasets() {
    let s3 = TempDir::new("sdk-tags");
    let running = server(&s3, &[]).await;
    let client = client(&running);
    let tags_of = |arn: String| {
        let client = client.clone();
        async move {
            let mut tags: Vec<(String, String)> = client
                .list_tags_for_resource()
                .resource_arn(arn)
                .send()
                .await
                .unwrap()
                .tags()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            tags.sort();
            tags
        }
    };
    let pairs = |tags: &[(&str, &str)]| -> Vec<(String, String)> {
        tags.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };

    // A collection: DescribeCollection gives the full ARN the tagging operations take.
    let before = DateTime::from(std::time::SystemTime::now());
    let created = client
        .create_collection()
        .collection_id("faces")
        .tags("team", "vision")
        .send()
        .await
        .unwrap();
    let described = client
        .describe_collection()
        .collection_id("faces")
        .send()
        .await
        .unwrap();
    let collection_arn = described.collection_arn().unwrap().to_owned();
    assert_eq!(
        collection_arn,
        format!("arn:aws:rekognition:us-east-1:{ACCOUNT}:collection/faces")
    );
    assert_eq!(
        Some(format!("arn:{}", created.collection_arn().unwrap()).as_str()),
        Some(collection_arn.as_str())
    );
    assert_eq!(described.face_count(), Some(0));
    assert_eq!(described.user_count(), Some(0));
    assert_eq!(described.face_model_version(), Some("7.0"));
    let creation = described.creation_timestamp().unwrap();
    assert!(millis(creation) >= millis(&before) - 1, "{creation:?}");
    assert!(
        millis(creation) <= millis(&DateTime::from(std::time::SystemTime::now())),
        "{creation:?}"
    );

    assert_eq!(
        tags_of(collection_arn.clone()).await,
        pairs(&[("team", "vision")])
    );
    client
        .tag_resource()
        .resource_arn(&collection_arn)
        .tags("team", "faces")
        .tags("env", "prod")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(collection_arn.clone()).await,
        pairs(&[("env", "prod"), ("team", "faces")])
    );
    client
        .untag_resource()
        .resource_arn(&collection_arn)
        .tag_keys("team")
        .tag_keys("never-set")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(collection_arn.clone()).await,
        pairs(&[("env", "prod")])
    );
    // CreateCollection's ARN lacks the `arn:` prefix: it is not an ARN the tagging operations
    // take.
    let error = client
        .list_tags_for_resource()
        .resource_arn(created.collection_arn().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    // A deleted collection's tags go with it: the same id is created again without them.
    client
        .delete_collection()
        .collection_id("faces")
        .send()
        .await
        .unwrap();
    let error = client
        .list_tags_for_resource()
        .resource_arn(&collection_arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    let error = client
        .describe_collection()
        .collection_id("faces")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    assert_eq!(failure(error).1, "The collection id: faces does not exist");
    client
        .create_collection()
        .collection_id("faces")
        .send()
        .await
        .unwrap();
    assert!(tags_of(collection_arn.clone()).await.is_empty());

    // A project and its dataset.
    let project_arn = client
        .create_project()
        .project_name("tagged")
        .tags("owner", "ana")
        .send()
        .await
        .unwrap()
        .project_arn()
        .unwrap()
        .to_owned();
    let dataset_arn = client
        .create_dataset()
        .project_arn(&project_arn)
        .dataset_type(DatasetType::Train)
        .tags("split", "train")
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    assert_eq!(
        tags_of(project_arn.clone()).await,
        pairs(&[("owner", "ana")])
    );
    assert_eq!(
        tags_of(dataset_arn.clone()).await,
        pairs(&[("split", "train")])
    );
    client
        .tag_resource()
        .resource_arn(&project_arn)
        .tags("cost-center", "42")
        .send()
        .await
        .unwrap();
    client
        .untag_resource()
        .resource_arn(&project_arn)
        .tag_keys("owner")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(project_arn.clone()).await,
        pairs(&[("cost-center", "42")])
    );
    assert_eq!(
        tags_of(dataset_arn.clone()).await,
        pairs(&[("split", "train")]),
        "a project's tags are its own"
    );

    // At most 200 tags on a resource.
    let mut many = client.tag_resource().resource_arn(&dataset_arn);
    for i in 0..199 {
        many = many.tags(format!("k{i:03}"), "v");
    }
    many.send().await.unwrap();
    let error = client
        .tag_resource()
        .resource_arn(&dataset_arn)
        .tags("one-too-many", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_service_quota_exceeded_exception(), "{error:?}");
    assert_eq!(tags_of(dataset_arn.clone()).await.len(), 200);

    // Unknown resources and ARNs of things that are not tagged here.
    let missing_project = format!("arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/1");
    let error = client
        .tag_resource()
        .resource_arn(&missing_project)
        .tags("k", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    let error = client
        .untag_resource()
        .resource_arn(format!(
            "arn:aws:rekognition:us-east-1:{ACCOUNT}:collection/none"
        ))
        .tag_keys("k")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    let error = client
        .list_tags_for_resource()
        .resource_arn("arn:aws:s3:::some-bucket-name")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    // Deleting the dataset and the project takes their tags.
    client
        .delete_dataset()
        .dataset_arn(&dataset_arn)
        .send()
        .await
        .unwrap();
    client
        .delete_project()
        .project_arn(&project_arn)
        .send()
        .await
        .unwrap();
    for arn in [&dataset_arn, &project_arn] {
        let error = client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
    }
    running.shutdown().await;
}
