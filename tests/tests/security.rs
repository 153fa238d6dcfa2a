//! The reference server in strict mode, driven by the Rust SDK's real SigV4 signing: each
//! authentication failure answered as AWS answers it, per-key allowed actions, isolation of
//! accounts and Regions for every operation, the per-account rate limit and the quotas.

use std::time::{Duration, SystemTime};

use aws_sdk_rekognition::error::ProvideErrorMetadata;
use aws_sdk_rekognition::types::{DatasetSource, DatasetType, GroundTruthManifest, S3Object};
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
