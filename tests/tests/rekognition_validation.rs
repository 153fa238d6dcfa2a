//! The generated Rekognition SDK decodes and validates requests as the real service does:
//! every violation at once, AWS's message format, Java's pattern semantics.

use rekognition_server_sdk::model::{CreateCollectionRequest, DatasetType};
use rekognition_server_sdk::operation::{
    CreateCollection, CreateDataset, DeleteCollection, ListCollections,
};
use smithy_server_runtime::codegen::aws_json::Operation;
use smithy_server_runtime::codegen::{DecodeError, Violations};
use smithy_server_runtime::validation::MAX_REPORTED;

fn violations<O: Operation>(body: &str) -> Violations {
    match O::decode_input(body.as_bytes()) {
        Err(DecodeError::Invalid(violations)) => violations,
        Err(DecodeError::Malformed(reason)) => {
            panic!("expected a validation error, got malformed: {reason}")
        }
        Ok(_) => panic!("expected a validation error for {body}"),
    }
}

fn aws_message<O: Operation>(body: &str) -> String {
    violations::<O>(body).aws_message()
}

fn malformed<O: Operation>(body: &str) -> String {
    match O::decode_input(body.as_bytes()) {
        Err(DecodeError::Malformed(reason)) => reason,
        Err(DecodeError::Invalid(violations)) => {
            panic!("expected malformed, got {}", violations.aws_message())
        }
        Ok(_) => panic!("expected malformed for {body}"),
    }
}

#[test]
fn valid_input_decodes_into_the_validated_type() {
    let input = CreateCollection::decode_input(
        br#"{"CollectionId":"my-photos_1.0","Tags":{"team":"vision"},"Unknown":1,"__type":"x"}"#,
    )
    .unwrap();
    assert_eq!(input.collection_id, "my-photos_1.0");
    assert_eq!(input.tags.unwrap()["team"], "vision");
    let empty = ListCollections::decode_input(b"").unwrap();
    assert_eq!(empty.max_results, None);
    let dataset = CreateDataset::decode_input(
        br#"{"ProjectArn":"arn:aws:rekognition:us-east-1:123456789012:project/p/1700000000000","DatasetType":"TRAIN"}"#,
    )
    .unwrap();
    assert_eq!(dataset.dataset_type, DatasetType::Train);
    assert!(dataset.dataset_source.is_none());
}

#[test]
fn pattern_violation_message() {
    assert_eq!(
        aws_message::<CreateCollection>(r#"{"CollectionId":"bad id!"}"#),
        r"1 validation error detected: Value 'bad id!' at 'collectionId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.\-]+$"
    );
}

#[test]
fn missing_and_null_required_members() {
    let expected = "1 validation error detected: Value null at 'collectionId' failed to satisfy constraint: Member must not be null";
    assert_eq!(aws_message::<DeleteCollection>("{}"), expected);
    assert_eq!(
        aws_message::<DeleteCollection>(r#"{"CollectionId":null}"#),
        expected
    );
}

#[test]
fn length_and_pattern_both_reported() {
    let long = "x".repeat(256);
    let message = aws_message::<CreateCollection>(&format!(r#"{{"CollectionId":"{long}!"}}"#));
    assert!(
        message.starts_with("2 validation errors detected: "),
        "{message}"
    );
    assert!(
        message.contains("Member must have length less than or equal to 255"),
        "{message}"
    );
    assert!(
        message.contains("Member must satisfy regular expression pattern"),
        "{message}"
    );
    let empty = aws_message::<CreateCollection>(r#"{"CollectionId":""}"#);
    assert!(empty.contains("Value '' at 'collectionId' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{empty}");
}

#[test]
fn range_violation_message() {
    assert_eq!(
        aws_message::<ListCollections>(r#"{"MaxResults":5000}"#),
        "1 validation error detected: Value '5000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 4096"
    );
    assert!(
        aws_message::<ListCollections>(r#"{"MaxResults":-1}"#)
            .contains("greater than or equal to 0")
    );
}

#[test]
fn every_violation_of_a_nested_request_with_paths() {
    let body = r#"{
        "ProjectArn": "arn:aws:rekognition:us-east-1:123:project/p/1",
        "DatasetType": "VALIDATE",
        "DatasetSource": {"GroundTruthManifest": {"S3Object": {"Bucket": "ab", "Name": ""}}}
    }"#;
    let message = aws_message::<CreateDataset>(body);
    assert!(
        message.starts_with("4 validation errors detected: "),
        "{message}"
    );
    for part in [
        "at 'projectArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
        "Value 'VALIDATE' at 'datasetType' failed to satisfy constraint: Member must satisfy enum value set: [TRAIN, TEST]",
        "Value 'ab' at 'datasetSource.groundTruthManifest.s3Object.bucket' failed to satisfy constraint: Member must have length greater than or equal to 3",
        "Value '' at 'datasetSource.groundTruthManifest.s3Object.name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ] {
        assert!(message.contains(part), "missing {part:?} in {message}");
    }
}

#[test]
fn map_key_violations_are_grouped_at_the_map() {
    let message =
        aws_message::<CreateCollection>(r#"{"CollectionId":"c","Tags":{"aws:owner":"me"}}"#);
    assert_eq!(
        message,
        r"1 validation error detected: Value '{aws:owner=me}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$]"
    );
    let value = aws_message::<CreateCollection>(r#"{"CollectionId":"c","Tags":{"k":"bad!value"}}"#);
    assert!(value.contains("at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must satisfy regular expression pattern"), "{value}");
}

#[test]
fn digits_are_ascii_as_in_java() {
    // U+0661..U+0663 are Arabic-Indic digits: Rust's Unicode `\d` would accept them.
    let body = r#"{"ProjectArn":"arn:aws:rekognition:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:project/p/1","DatasetType":"TEST"}"#;
    assert!(aws_message::<CreateDataset>(body).contains("at 'projectArn'"));
}

#[test]
fn lengths_count_unicode_scalar_values() {
    // U+10400 is a letter outside the Basic Multilingual Plane: one character, four bytes.
    let value = "\u{10400}".repeat(256);
    let input = CreateCollection::decode_input(
        format!(r#"{{"CollectionId":"c","Tags":{{"k":"{value}"}}}}"#).as_bytes(),
    );
    assert!(
        input.is_ok(),
        "256 astral letters are 256 characters, within TagValue's 256"
    );
    let too_long = "\u{10400}".repeat(257);
    let message = aws_message::<CreateCollection>(&format!(
        r#"{{"CollectionId":"c","Tags":{{"k":"{too_long}"}}}}"#
    ));
    assert!(
        message.contains("Member must have length less than or equal to 256"),
        "{message}"
    );
}

#[test]
fn wrong_types_and_bad_json_are_serialization_errors() {
    assert_eq!(
        malformed::<CreateCollection>(r#"{"CollectionId":5}"#),
        "expected a string but found a number at '/CollectionId'"
    );
    assert!(malformed::<CreateCollection>("{").starts_with("malformed JSON"));
    assert!(malformed::<CreateCollection>("[]").contains("expected an object"));
    assert!(malformed::<ListCollections>(r#"{"MaxResults":1.5}"#).contains("expected an integer"));
    assert!(
        malformed::<ListCollections>(r#"{"MaxResults":99999999999}"#)
            .contains("expected an integer")
    );
    assert!(
        malformed::<CreateCollection>(r#"{"CollectionId":"c","Tags":{"k":null}}"#)
            .contains("not sparse")
    );
}

#[test]
fn bad_keys_past_the_cap_are_still_one_message() {
    let tags: Vec<String> = (0..150).map(|i| format!(r#""aws:{i}":"v""#)).collect();
    let body = format!(r#"{{"CollectionId":"c","Tags":{{{}}}}}"#, tags.join(","));
    let violations = violations::<CreateCollection>(&body);
    assert_eq!(violations.count(), 150);
    // 150 bad keys are one grouped message, however many were kept.
    let message = violations.aws_message();
    assert!(
        message.starts_with("1 validation error detected"),
        "{}",
        &message[..80]
    );
}

#[test]
fn too_many_violations_are_counted_but_capped() {
    // Every tag has a reserved key and a value outside the value pattern. Keys and values are
    // checked in turn, so no message follows one of its own group: each violation is a message
    // of its own, 300 in all, three times the cap.
    let tags: Vec<String> = (0..150).map(|i| format!(r#""aws:{i}":"bad!""#)).collect();
    let body = format!(r#"{{"CollectionId":"c","Tags":{{{}}}}}"#, tags.join(","));
    let violations = violations::<CreateCollection>(&body);
    assert_eq!(violations.count(), 300);
    let message = violations.aws_message();
    let (count, listed) = message
        .split_once(" detected: ")
        .expect("an AWS-dialect message");
    // Only the first MAX_REPORTED messages are listed, keys and values in turn.
    let groups: Vec<&str> = listed
        .split(" at 'tags' failed to satisfy constraint: ")
        .skip(1)
        .map(|rest| rest.split_once(" must ").map_or(rest, |(group, _)| group))
        .collect();
    assert_eq!(groups.len(), MAX_REPORTED);
    assert!(
        groups
            .chunks(2)
            .all(|pair| pair == ["Map keys", "Map value"]),
        "{groups:?}"
    );
    // The count goes on past the cap with the messages there would have been: each of the 200
    // violations past it follows one of the other group, so each is a message of its own.
    assert_eq!(count, "300 validation errors");
}

#[test]
fn debug_of_input_types_is_derived() {
    let input = CreateCollectionRequest {
        collection_id: "c".to_owned(),
        tags: None,
    };
    assert_eq!(
        format!("{input:?}"),
        r#"CreateCollectionRequest { collection_id: "c", tags: None }"#
    );
}
