//! The reference server in strict mode, driven by the Rust SDK's real SigV4 signing: each
//! authentication failure answered as AWS answers it, per-key allowed actions, isolation of
//! accounts and Regions for every operation, the per-account rate limit and the quotas.

use std::time::{Duration, SystemTime};

use aws_sdk_rekognition::error::ProvideErrorMetadata;
use aws_sdk_rekognition::primitives::Blob;
use aws_sdk_rekognition::types::{
    DatasetChanges, DatasetSource, DatasetType, DistributeDataset, GroundTruthManifest, S3Object,
};
use integration_tests::{Signer, TempDir, failure, raw_exchange, signed_client};
use rekognition_server::auth::Credentials;
use rekognition_server::context::AuthMode;
use rekognition_server::service::Quotas;
use rekognition_server::store::{DatasetStatus, NewDataset, Scope};
use rekognition_server::throttle::RateLimit;
use rekognition_server::{Config, Running, start};

const ALICE: &str = "111122223333";
const BOB: &str = "444455556666";

const CREDENTIALS: &str = r#"
[[credential]]
access_key_id = "AKIDALICE"
secret_access_key = "alice-secret"
account_id = "111122223333"
user = "alice"
allowed_actions = ["rekognition:*"]

[[credential]]
access_key_id = "AKIDBOB"
secret_access_key = "bob-secret"
account_id = "444455556666"
user = "bob"
allowed_actions = ["rekognition:*"]

[[credential]]
access_key_id = "AKIDREADER"
secret_access_key = "reader-secret"
account_id = "111122223333"
user = "reader"
allowed_actions = ["rekognition:List*"]

[[credential]]
access_key_id = "AKIDTEMP"
secret_access_key = "temp-secret"
account_id = "111122223333"
session_token = "the-session-token"
allowed_actions = ["rekognition:ListCollections"]

[[credential]]
access_key_id = "AKIDCREATOR"
secret_access_key = "creator-secret"
account_id = "111122223333"
user = "creator"
allowed_actions = ["rekognition:Create*", "rekognition:Describe*"]

[[credential]]
access_key_id = "AKIDTAGGER"
secret_access_key = "tagger-secret"
account_id = "111122223333"
user = "tagger"
allowed_actions = ["rekognition:Create*", "rekognition:TagResource", "rekognition:ListDatasetEntries"]
"#;

async fn strict_server(s3: &TempDir, configure: impl FnOnce(&mut Config)) -> Running {
    let mut config = Config::in_memory(s3.0.clone());
    config.auth = AuthMode::Strict(Credentials::parse(CREDENTIALS).unwrap());
    config.projects = vec![
        format!("{ALICE}:us-east-1:alice-project"),
        format!("{BOB}:us-east-1:bob-project"),
        format!("{ALICE}:eu-west-1:alice-project"),
    ];
    configure(&mut config);
    start(config).await.unwrap()
}

fn client(
    running: &Running,
    access_key: &str,
    secret: &str,
    region: &str,
) -> aws_sdk_rekognition::Client {
    signed_client(
        &running.url(),
        &Signer {
            access_key,
            secret,
            session_token: None,
            region,
            clock: None,
        },
    )
}

fn alice(running: &Running) -> aws_sdk_rekognition::Client {
    client(running, "AKIDALICE", "alice-secret", "us-east-1")
}

fn bob(running: &Running) -> aws_sdk_rekognition::Client {
    client(running, "AKIDBOB", "bob-secret", "us-east-1")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_authentication_failure_is_answered_as_aws_answers_it() {
    let s3 = TempDir::new("strict-auth");
    let running = strict_server(&s3, |_| {}).await;

    // A valid signature is served.
    alice(&running)
        .create_collection()
        .collection_id("faces")
        .send()
        .await
        .unwrap();

    // Wrong secret: the signature does not match.
    let (code, message) = failure(
        client(&running, "AKIDALICE", "not-the-secret", "us-east-1")
            .list_collections()
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "InvalidSignatureException");
    assert!(
        message.starts_with("The request signature we calculated does not match"),
        "{message}"
    );

    // A key nobody issued.
    let (code, message) = failure(
        client(&running, "AKIDNOBODY", "whatever", "us-east-1")
            .list_collections()
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "UnrecognizedClientException");
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );

    // Clocks 20 minutes off either way.
    for (offset_behind, expected) in [
        (true, "Signature expired"),
        (false, "Signature not yet current"),
    ] {
        let skew = Duration::from_secs(20 * 60);
        let clock = if offset_behind {
            SystemTime::now() - skew
        } else {
            SystemTime::now() + skew
        };
        let skewed = signed_client(
            &running.url(),
            &Signer {
                access_key: "AKIDALICE",
                secret: "alice-secret",
                session_token: None,
                region: "us-east-1",
                clock: Some(clock),
            },
        );
        let (code, message) = failure(skewed.list_collections().send().await.unwrap_err());
        assert_eq!(code, "InvalidSignatureException");
        assert!(message.starts_with(expected), "{message}");
    }

    // Temporary credentials need their session token.
    let with_token = |token: Option<&'static str>| {
        signed_client(
            &running.url(),
            &Signer {
                access_key: "AKIDTEMP",
                secret: "temp-secret",
                session_token: token,
                region: "us-east-1",
                clock: None,
            },
        )
    };
    with_token(Some("the-session-token"))
        .list_collections()
        .send()
        .await
        .unwrap();
    for token in [None, Some("another-token")] {
        let (code, _) = failure(
            with_token(token)
                .list_collections()
                .send()
                .await
                .unwrap_err(),
        );
        assert_eq!(code, "UnrecognizedClientException", "{token:?}");
    }

    // No signature at all, and a malformed one, over raw HTTP.
    let head = "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: RekognitionService.ListCollections";
    let response = raw_exchange(running.address, head, b"{}").await;
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    assert!(
        response.contains(r#""__type":"MissingAuthenticationTokenException""#),
        "{response}"
    );
    for (authorization, expected) in [
        (
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abcd",
            "requires 'Credential' parameter",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIDALICE/20260101/us-east-1/rekognition/aws4_request, SignedHeaders=host, Signature=abcd",
            "requires existence of either a 'X-Amz-Date' or a 'Date' header",
        ),
        ("Bearer token", "AWS4-HMAC-SHA256"),
    ] {
        let response = raw_exchange(
            running.address,
            &format!("{head}\r\nAuthorization: {authorization}"),
            b"{}",
        )
        .await;
        assert!(response.starts_with("HTTP/1.1 400"), "{response}");
        assert!(
            response.contains(r#""__type":"IncompleteSignatureException""#),
            "{response}"
        );
        assert!(response.contains(expected), "{response}");
    }

    // A signature made for another service.
    let stamp = "20260101T000000Z";
    let response = raw_exchange(
        running.address,
        &format!("{head}\r\nX-Amz-Date: {stamp}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDALICE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd"),
        b"{}",
    )
    .await;
    assert!(
        response.contains(r#""__type":"InvalidSignatureException""#),
        "{response}"
    );
    assert!(response.contains("'rekognition'"), "{response}");

    // And nothing of that changed what a valid caller sees.
    assert_eq!(
        alice(&running)
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["faces"]
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_may_only_call_their_allowed_actions() {
    let s3 = TempDir::new("strict-authz");
    let running = strict_server(&s3, |_| {}).await;
    let reader = client(&running, "AKIDREADER", "reader-secret", "us-east-1");
    alice(&running)
        .create_collection()
        .collection_id("alices")
        .send()
        .await
        .unwrap();
    // The reader acts in Alice's account, and may list.
    assert_eq!(
        reader
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["alices"]
    );
    let error = reader
        .create_collection()
        .collection_id("readers")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some(
            "User: arn:aws:iam::111122223333:user/reader is not authorized to perform: rekognition:CreateCollection"
        )
    );
    let error = reader
        .delete_collection()
        .collection_id("alices")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    // Denied before validation: even an invalid input is an access-denied answer.
    let error = reader
        .create_collection()
        .collection_id("not valid!")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    let project = running.projects[0].1.clone();
    let error = reader
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    // Nothing was changed by the denied calls.
    assert_eq!(
        alice(&running)
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["alices"]
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_operation_reaches_another_accounts_or_regions_data() {
    let s3 = TempDir::new("strict-isolation");
    let running = strict_server(&s3, |_| {}).await;
    let alice_east = alice(&running);
    let alice_west = client(&running, "AKIDALICE", "alice-secret", "eu-west-1");
    let bob = bob(&running);
    let alice_project = running.projects[0].1.clone();
    let bob_project = running.projects[1].1.clone();
    let alice_west_project = running.projects[2].1.clone();
    assert!(alice_project.contains(ALICE) && bob_project.contains(BOB));

    // CreateCollection: the same id in every scope, each its own.
    for (who, expected_arn) in [
        (
            &alice_east,
            format!("aws:rekognition:us-east-1:{ALICE}:collection/c1"),
        ),
        (
            &alice_west,
            format!("aws:rekognition:eu-west-1:{ALICE}:collection/c1"),
        ),
        (
            &bob,
            format!("aws:rekognition:us-east-1:{BOB}:collection/c1"),
        ),
    ] {
        let created = who
            .create_collection()
            .collection_id("c1")
            .send()
            .await
            .unwrap();
        assert_eq!(created.collection_arn(), Some(expected_arn.as_str()));
    }
    alice_east
        .create_collection()
        .collection_id("c2")
        .send()
        .await
        .unwrap();

    // ListCollections and its tokens: each scope sees only its own.
    assert_eq!(
        alice_east
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["c1", "c2"]
    );
    assert_eq!(
        alice_west
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["c1"]
    );
    assert_eq!(
        bob.list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["c1"]
    );
    let page = alice_east
        .list_collections()
        .max_results(1)
        .send()
        .await
        .unwrap();
    let token = page.next_token().unwrap().to_owned();
    for other in [&bob, &alice_west] {
        let error = other
            .list_collections()
            .next_token(&token)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_invalid_pagination_token_exception(), "{error:?}");
    }

    // DeleteCollection: Bob cannot delete Alice's c2; deleting his own c1 leaves hers.
    let error = bob
        .delete_collection()
        .collection_id("c2")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    bob.delete_collection()
        .collection_id("c1")
        .send()
        .await
        .unwrap();
    alice_west
        .delete_collection()
        .collection_id("c1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        alice_east
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["c1", "c2"]
    );

    // CreateDataset: another account's project, or the same account's in another Region, is
    // not found.
    for (who, project) in [
        (&bob, &alice_project),
        (&alice_west, &alice_project),
        (&alice_east, &bob_project),
    ] {
        let error = who
            .create_dataset()
            .project_arn(project)
            .dataset_type(DatasetType::Train)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
    }
    // ... nor can a dataset be copied from another account's or Region's dataset.
    let alice_dataset = alice_east
        .create_dataset()
        .project_arn(&alice_project)
        .dataset_type(DatasetType::Train)
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    let copy_source = DatasetSource::builder().dataset_arn(&alice_dataset).build();
    for (who, project) in [(&bob, &bob_project), (&alice_west, &alice_west_project)] {
        let error = who
            .create_dataset()
            .project_arn(project)
            .dataset_type(DatasetType::Test)
            .dataset_source(copy_source.clone())
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
    }
    // The owner can.
    alice_east
        .create_dataset()
        .project_arn(&alice_project)
        .dataset_type(DatasetType::Test)
        .dataset_source(copy_source)
        .send()
        .await
        .unwrap();
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_account_has_its_own_request_rate() {
    let s3 = TempDir::new("strict-throttle");
    let running = strict_server(&s3, |config| {
        config.rate_limit = Some(RateLimit {
            per_second: 1.0,
            burst: 3.0,
        });
    })
    .await;
    let alice = alice(&running);
    for _ in 0..3 {
        alice.list_collections().send().await.unwrap();
    }
    let error = alice
        .list_collections()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        error.is_provisioned_throughput_exceeded_exception(),
        "{error:?}"
    );
    // Another account is not slowed by Alice's calls.
    bob(&running).list_collections().send().await.unwrap();
    // The bucket refills at the configured rate.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    alice.list_collections().send().await.unwrap();
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quotas_are_answered_with_their_modeled_errors() {
    let s3 = TempDir::new("strict-quotas");
    std::fs::create_dir_all(s3.0.join("bucket")).unwrap();
    std::fs::write(
        s3.0.join("bucket/manifest.json"),
        "{\"source-ref\":\"s3://bucket/a.jpg\"}\n",
    )
    .unwrap();
    let running = strict_server(&s3, |config| {
        config.quotas = Quotas {
            max_collections: Some(2),
            max_projects: None,
            max_concurrent_imports: Some(1),
            ..Quotas::default()
        };
    })
    .await;
    let alice = alice(&running);
    for id in ["q1", "q2"] {
        alice
            .create_collection()
            .collection_id(id)
            .send()
            .await
            .unwrap();
    }
    let error = alice
        .create_collection()
        .collection_id("q3")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_service_quota_exceeded_exception(), "{error:?}");
    assert!(error.message().unwrap().contains("quota of 2 collections"));
    // The quota is per account: Bob still has his own.
    bob(&running)
        .create_collection()
        .collection_id("q3")
        .send()
        .await
        .unwrap();
    // Freeing a place lets the next one in.
    alice
        .delete_collection()
        .collection_id("q1")
        .send()
        .await
        .unwrap();
    alice
        .create_collection()
        .collection_id("q3")
        .send()
        .await
        .unwrap();

    // One import already in progress in Alice's account fills the quota of concurrent imports.
    let project = running.projects[0].1.clone();
    let scope = Scope {
        account: ALICE.to_owned(),
        region: "us-east-1".to_owned(),
    };
    running
        .store
        .create_dataset(
            &scope,
            &NewDataset {
                arn: format!("{project}/dataset/test/1"),
                project_arn: project.clone(),
                dataset_type: "TEST".to_owned(),
                status: DatasetStatus::CreateInProgress,
                reason: None,
                entries: Vec::new(),
                created_millis: 1,
                tags: Vec::new(),
                source: None,
            },
            None,
        )
        .await
        .unwrap();
    let manifest = GroundTruthManifest::builder()
        .s3_object(
            S3Object::builder()
                .bucket("bucket")
                .name("manifest.json")
                .build(),
        )
        .build();
    let error = alice
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .dataset_source(
            DatasetSource::builder()
                .ground_truth_manifest(manifest.clone())
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_limit_exceeded_exception(), "{error:?}");
    // Bob's imports are his own.
    bob(&running)
        .create_dataset()
        .project_arn(running.projects[1].1.clone())
        .dataset_type(DatasetType::Train)
        .dataset_source(
            DatasetSource::builder()
                .ground_truth_manifest(manifest)
                .build(),
        )
        .send()
        .await
        .unwrap();
    running.shutdown().await;
}

/// Polls `DescribeDataset` until the dataset is no longer being created; its status.
async fn wait_for_dataset(
    client: &aws_sdk_rekognition::Client,
    arn: &str,
) -> aws_sdk_rekognition::types::DatasetStatus {
    use aws_sdk_rekognition::types::DatasetStatus;
    for _ in 0..200 {
        let status = client
            .describe_dataset()
            .dataset_arn(arn)
            .send()
            .await
            .unwrap()
            .dataset_description
            .and_then(|d| d.status)
            .expect("a status");
        if status != DatasetStatus::CreateInProgress {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("dataset {arn} stayed in progress");
}

/// The tags of a resource, sorted.
async fn tags_of(client: &aws_sdk_rekognition::Client, arn: &str) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags
        .unwrap_or_default()
        .into_iter()
        .collect();
    tags.sort();
    tags
}

fn tag(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

/// Asserts that an SDK call failed with ResourceNotFoundException.
macro_rules! not_found {
    ($call:expr, $what:expr) => {{
        let error = $call.send().await.unwrap_err().into_service_error();
        assert!(
            error.is_resource_not_found_exception(),
            "{}: {error:?}",
            $what
        );
    }};
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_labels_resources_and_tags_stay_in_their_account_and_region() {
    let s3 = TempDir::new("strict-isolation-custom-labels");
    std::fs::create_dir_all(s3.0.join("bucket")).unwrap();
    std::fs::write(
        s3.0.join("bucket/train.manifest"),
        concat!(
            r#"{"source-ref":"s3://bucket/1.jpg","flower":1,"flower-metadata":{"class-name":"rose","type":"groundtruth/image-classification","confidence":1,"human-annotated":"yes","creation-date":"2024-03-01T10:00:00"}}"#,
            "\n",
            r#"{"source-ref":"s3://bucket/2.jpg"}"#,
            "\n"
        ),
    )
    .unwrap();
    let running = strict_server(&s3, |_| {}).await;
    let alice_east = alice(&running);
    let alice_west = client(&running, "AKIDALICE", "alice-secret", "eu-west-1");
    let bob = bob(&running);

    // Alice's project, datasets, collection and tags in us-east-1.
    let project = alice_east
        .create_project()
        .project_name("shared-name")
        .tags("owner", "alice")
        .send()
        .await
        .unwrap()
        .project_arn()
        .unwrap()
        .to_owned();
    let manifest = GroundTruthManifest::builder()
        .s3_object(
            S3Object::builder()
                .bucket("bucket")
                .name("train.manifest")
                .build(),
        )
        .build();
    let train = alice_east
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .dataset_source(
            DatasetSource::builder()
                .ground_truth_manifest(manifest)
                .build(),
        )
        .tags("split", "train")
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    assert_eq!(
        wait_for_dataset(&alice_east, &train).await,
        aws_sdk_rekognition::types::DatasetStatus::CreateComplete
    );
    let test = alice_east
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    alice_east
        .create_collection()
        .collection_id("alices-faces")
        .tags("team", "vision")
        .send()
        .await
        .unwrap();
    let collection = alice_east
        .describe_collection()
        .collection_id("alices-faces")
        .send()
        .await
        .unwrap()
        .collection_arn()
        .unwrap()
        .to_owned();
    assert_eq!(
        collection,
        format!("arn:aws:rekognition:us-east-1:{ALICE}:collection/alices-faces")
    );
    let entries = alice_east
        .list_dataset_entries()
        .dataset_arn(&train)
        .max_results(1)
        .send()
        .await
        .unwrap();
    let entries_token = entries.next_token().unwrap().to_owned();
    let projects_token = alice_east
        .describe_projects()
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    let snapshot = |who: aws_sdk_rekognition::Client| {
        let (project, train, test, collection) = (
            project.clone(),
            train.clone(),
            test.clone(),
            collection.clone(),
        );
        async move {
            let described = who
                .describe_projects()
                .project_names("shared-name")
                .send()
                .await
                .unwrap();
            let mut state = format!("{:?}", described.project_descriptions());
            for arn in [&train, &test] {
                let dataset = who
                    .describe_dataset()
                    .dataset_arn(arn)
                    .send()
                    .await
                    .unwrap();
                state.push_str(&format!("{:?}", dataset.dataset_description()));
                let listed = who
                    .list_dataset_entries()
                    .dataset_arn(arn)
                    .send()
                    .await
                    .unwrap();
                state.push_str(&format!("{:?}", listed.dataset_entries()));
                let labels = who
                    .list_dataset_labels()
                    .dataset_arn(arn)
                    .send()
                    .await
                    .unwrap();
                state.push_str(&format!("{:?}", labels.dataset_label_descriptions()));
            }
            for arn in [&project, &train, &collection] {
                state.push_str(&format!("{:?}", tags_of(&who, arn).await));
            }
            state
        }
    };
    let before = snapshot(alice_east.clone()).await;

    for (who, name) in [(&bob, "another account"), (&alice_west, "another region")] {
        // Nothing of Alice's us-east-1 projects is described.
        let described = who.describe_projects().send().await.unwrap();
        assert!(
            described
                .project_descriptions()
                .iter()
                .all(|p| p.project_arn() != Some(project.as_str())),
            "{name}: {described:?}"
        );
        assert!(
            who.describe_projects()
                .project_names("shared-name")
                .send()
                .await
                .unwrap()
                .project_descriptions()
                .is_empty(),
            "{name}"
        );
        // Her tokens page nothing for anyone else.
        let error = who
            .describe_projects()
            .next_token(&projects_token)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(error.is_invalid_pagination_token_exception(), "{name}");
        let error = who
            .list_dataset_entries()
            .dataset_arn(&train)
            .next_token(&entries_token)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(
            error.is_invalid_pagination_token_exception()
                || error.is_resource_not_found_exception(),
            "{name}: {error:?}"
        );

        // Every operation on her project, datasets, entries, labels and tags: not found.
        not_found!(who.describe_dataset().dataset_arn(&train), name);
        not_found!(who.list_dataset_entries().dataset_arn(&train), name);
        not_found!(
            who.list_dataset_entries()
                .dataset_arn(&train)
                .labeled(true)
                .contains_labels("rose"),
            name
        );
        not_found!(who.list_dataset_labels().dataset_arn(&train), name);
        not_found!(
            who.update_dataset_entries().dataset_arn(&train).changes(
                DatasetChanges::builder()
                    .ground_truth(Blob::new(r#"{"source-ref":"s3://bucket/3.jpg"}"#))
                    .build()
                    .unwrap()
            ),
            name
        );
        not_found!(
            who.distribute_dataset_entries()
                .datasets(DistributeDataset::builder().arn(&train).build().unwrap())
                .datasets(DistributeDataset::builder().arn(&test).build().unwrap()),
            name
        );
        not_found!(who.delete_dataset().dataset_arn(&test), name);
        not_found!(who.delete_project().project_arn(&project), name);
        not_found!(
            who.create_dataset()
                .project_arn(&project)
                .dataset_type(DatasetType::Train),
            name
        );
        not_found!(
            who.describe_collection().collection_id("alices-faces"),
            name
        );
        for arn in [&project, &train, &collection] {
            not_found!(who.list_tags_for_resource().resource_arn(arn), name);
            not_found!(
                who.tag_resource()
                    .resource_arn(arn)
                    .tags("owner", "mallory"),
                name
            );
            not_found!(
                who.untag_resource().resource_arn(arn).tag_keys("owner"),
                name
            );
        }

        // The same name is free in every other scope, and is that scope's own.
        let own = who
            .create_project()
            .project_name("shared-name")
            .tags("owner", "someone-else")
            .send()
            .await
            .unwrap()
            .project_arn()
            .unwrap()
            .to_owned();
        assert_ne!(own, project);
        let [described] = who
            .describe_projects()
            .project_names("shared-name")
            .send()
            .await
            .unwrap()
            .project_descriptions()
            .to_vec()
            .try_into()
            .unwrap();
        assert_eq!(described.project_arn(), Some(own.as_str()));
        assert!(described.datasets().is_empty(), "{name}");
        assert_eq!(
            tags_of(who, &own).await,
            [tag("owner", "someone-else")],
            "{name}"
        );
    }
    assert!(running.projects[1].1.contains(BOB));
    assert!(running.projects[2].1.contains(":eu-west-1:"));

    // Alice sees exactly what she had.
    assert_eq!(snapshot(alice_east.clone()).await, before);
    assert_eq!(
        tags_of(&alice_east, &project).await,
        [tag("owner", "alice")]
    );
    assert_eq!(tags_of(&alice_east, &train).await, [tag("split", "train")]);
    assert_eq!(
        tags_of(&alice_east, &collection).await,
        [tag("team", "vision")]
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tagging_or_copying_while_creating_needs_those_actions_too() {
    let s3 = TempDir::new("strict-extra-actions");
    let running = strict_server(&s3, |_| {}).await;
    let alice = alice(&running);
    let creator = client(&running, "AKIDCREATOR", "creator-secret", "us-east-1");
    let tagger = client(&running, "AKIDTAGGER", "tagger-secret", "us-east-1");
    let project = running.projects[0].1.clone();
    let denied = |action: &str| {
        format!(
            "User: arn:aws:iam::{ALICE}:user/creator is not authorized to perform: rekognition:{action}"
        )
    };

    // Creating with tags also needs rekognition:TagResource.
    let error = creator
        .create_collection()
        .collection_id("tagged")
        .tags("k", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    assert_eq!(error.message(), Some(denied("TagResource").as_str()));
    let error = creator
        .create_project()
        .project_name("tagged")
        .tags("k", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    assert_eq!(error.message(), Some(denied("TagResource").as_str()));
    let error = creator
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .tags("k", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    assert_eq!(error.message(), Some(denied("TagResource").as_str()));

    // Without tags the same calls succeed.
    creator
        .create_collection()
        .collection_id("plain")
        .send()
        .await
        .unwrap();
    creator
        .create_project()
        .project_name("plain")
        .send()
        .await
        .unwrap();
    let train = creator
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Train)
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();

    // Copying a dataset also needs rekognition:ListDatasetEntries.
    let copy = DatasetSource::builder().dataset_arn(&train).build();
    let error = creator
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .dataset_source(copy.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_access_denied_exception(), "{error:?}");
    assert_eq!(error.message(), Some(denied("ListDatasetEntries").as_str()));

    // The refused calls created nothing.
    assert_eq!(
        alice
            .list_collections()
            .send()
            .await
            .unwrap()
            .collection_ids(),
        ["plain"]
    );
    assert!(
        alice
            .describe_projects()
            .project_names("tagged")
            .send()
            .await
            .unwrap()
            .project_descriptions()
            .is_empty()
    );
    let described = alice
        .describe_projects()
        .project_names("alice-project")
        .send()
        .await
        .unwrap();
    let datasets: Vec<&str> = described.project_descriptions()[0]
        .datasets()
        .iter()
        .filter_map(|d| d.dataset_arn())
        .collect();
    assert_eq!(datasets, [train.as_str()]);

    // A key allowed those actions may do all of it.
    tagger
        .create_collection()
        .collection_id("tagged")
        .tags("k", "collection")
        .send()
        .await
        .unwrap();
    let tagged_project = tagger
        .create_project()
        .project_name("tagged")
        .tags("k", "project")
        .send()
        .await
        .unwrap()
        .project_arn()
        .unwrap()
        .to_owned();
    let test = tagger
        .create_dataset()
        .project_arn(&project)
        .dataset_type(DatasetType::Test)
        .dataset_source(copy)
        .tags("k", "dataset")
        .send()
        .await
        .unwrap()
        .dataset_arn()
        .unwrap()
        .to_owned();
    let collection = alice
        .describe_collection()
        .collection_id("tagged")
        .send()
        .await
        .unwrap()
        .collection_arn()
        .unwrap()
        .to_owned();
    assert_eq!(tags_of(&alice, &collection).await, [tag("k", "collection")]);
    assert_eq!(
        tags_of(&alice, &tagged_project).await,
        [tag("k", "project")]
    );
    assert_eq!(tags_of(&alice, &test).await, [tag("k", "dataset")]);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arns_in_china_and_govcloud_name_their_partition() {
    let s3 = TempDir::new("strict-partitions");
    let running = strict_server(&s3, |config| {
        config
            .projects
            .push(format!("{ALICE}:cn-north-1:provisioned"));
        config
            .projects
            .push(format!("{ALICE}:us-gov-west-1:provisioned"));
    })
    .await;
    for (index, region, partition) in [
        (3, "cn-north-1", "aws-cn"),
        (4, "us-gov-west-1", "aws-us-gov"),
    ] {
        let prefix = format!("arn:{partition}:rekognition:{region}:{ALICE}:");
        let provisioned = &running.projects[index].1;
        assert!(
            provisioned.starts_with(&format!("{prefix}project/provisioned/")),
            "{provisioned}"
        );
        let alice = client(&running, "AKIDALICE", "alice-secret", region);

        let project = alice
            .create_project()
            .project_name("p")
            .send()
            .await
            .unwrap()
            .project_arn()
            .unwrap()
            .to_owned();
        assert!(
            project.starts_with(&format!("{prefix}project/p/")),
            "{project}"
        );
        let dataset = alice
            .create_dataset()
            .project_arn(&project)
            .dataset_type(DatasetType::Train)
            .send()
            .await
            .unwrap()
            .dataset_arn()
            .unwrap()
            .to_owned();
        assert!(
            dataset.starts_with(&format!("{prefix}project/p/dataset/train/")),
            "{dataset}"
        );
        alice
            .describe_dataset()
            .dataset_arn(&dataset)
            .send()
            .await
            .unwrap();
        let described = alice.describe_projects().send().await.unwrap();
        let arns: Vec<&str> = described
            .project_descriptions()
            .iter()
            .filter_map(|p| p.project_arn())
            .collect();
        assert_eq!(arns, [provisioned.as_str(), project.as_str()]);

        let created = alice
            .create_collection()
            .collection_id("c")
            .send()
            .await
            .unwrap();
        assert_eq!(
            created.collection_arn(),
            Some(format!("{partition}:rekognition:{region}:{ALICE}:collection/c").as_str())
        );
        let collection = alice
            .describe_collection()
            .collection_id("c")
            .send()
            .await
            .unwrap()
            .collection_arn()
            .unwrap()
            .to_owned();
        assert_eq!(collection, format!("{prefix}collection/c"));

        // The tagging operations take these ARNs, and not the same ones in the `aws` partition.
        for arn in [&collection, &project, &dataset] {
            alice
                .tag_resource()
                .resource_arn(arn)
                .tags("partition", partition)
                .send()
                .await
                .unwrap();
            assert_eq!(tags_of(&alice, arn).await, [tag("partition", partition)]);
            let elsewhere = arn.replacen(&format!("arn:{partition}:"), "arn:aws:", 1);
            not_found!(alice.list_tags_for_resource().resource_arn(&elsewhere), arn);
        }
    }
    running.shutdown().await;
}
