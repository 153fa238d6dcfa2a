//! The reference server, driven over real HTTP on loopback by the official Rust SDK
//! (`aws-sdk-rekognition`) with only an endpoint URL and dummy credentials.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_rekognition::types::{DatasetSource, DatasetType, GroundTruthManifest, S3Object};
use integration_tests::{TempDir, failure, rekognition_client};
use rekognition_server::context::AuthMode;
use rekognition_server::store::{DatasetStatus, Scope};
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

async fn wait_for_dataset(running: &Running, arn: &str) -> (DatasetStatus, Vec<String>) {
    let scope = Scope {
        account: ACCOUNT.to_owned(),
        region: "us-east-1".to_owned(),
    };
    for _ in 0..200 {
        let dataset = running
            .store
            .dataset(&scope, arn)
            .unwrap()
            .expect("the dataset exists");
        if dataset.status != DatasetStatus::CreateInProgress {
            return (
                dataset.status,
                running.store.dataset_entries(&scope, arn).unwrap(),
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("dataset {arn} stayed in progress");
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
    let (status, entries) = wait_for_dataset(&running, &train_arn).await;
    assert_eq!(status, DatasetStatus::CreateComplete);
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
    let (status, copied) = wait_for_dataset(&running, test.dataset_arn().unwrap()).await;
    assert_eq!(status, DatasetStatus::CreateComplete);
    assert_eq!(copied, entries);
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
    let (status, entries) = wait_for_dataset(&running, empty.dataset_arn().unwrap()).await;
    assert_eq!(status, DatasetStatus::CreateComplete);
    assert!(entries.is_empty());
    running.shutdown().await;
}
