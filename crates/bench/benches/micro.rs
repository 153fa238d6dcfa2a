//! Criterion benches: decoding plus validating each operation's input (valid and invalid; from
//! bytes, and from parsed JSON),
//! serializing each output, and matching every pattern of the Rekognition model.
#![expect(
    missing_docs,
    reason = "criterion_group! defines an undocumented `benches` function"
)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rekognition_server_sdk::model::{
    CreateCollectionResponse, CreateDatasetResponse, DeleteCollectionResponse,
    ListCollectionsResponse,
};
use rekognition_server_sdk::operation::{
    CreateCollection, CreateDataset, DeleteCollection, ListCollections,
};
use smithy_server_runtime::codegen::aws_json::Operation;

/// The allocator the reference server runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROJECT: &str = "arn:aws:rekognition:us-east-1:123456789012:project/demo/1700000000000";

/// Two figures per input: from the body's bytes (JSON parsing included), and from the parsed
/// JSON (the typed conversion and every constraint check: validation proper).
fn decode<O: Operation>(c: &mut Criterion, name: &str, body: &str, valid: bool) {
    assert_eq!(O::decode_input(body.as_bytes()).is_ok(), valid, "{name}");
    c.bench_function(&format!("decode+validate/{name}"), |b| {
        b.iter(|| O::decode_input(black_box(body.as_bytes())).is_ok())
    });
    let parsed = smithy_server_runtime::json::parse_body(body.as_bytes()).unwrap();
    c.bench_function(&format!("validate/{name}"), |b| {
        b.iter_batched(
            || parsed.clone(),
            |value| O::decode_value(black_box(value)).is_ok(),
            BatchSize::SmallInput,
        )
    });
}

fn decoding(c: &mut Criterion) {
    decode::<CreateCollection>(
        c,
        "CreateCollection with tags",
        r#"{"CollectionId":"family-photos","Tags":{"team":"vision","env":"prod","owner":"alice"}}"#,
        true,
    );
    decode::<CreateCollection>(
        c,
        "CreateCollection invalid (3 violations)",
        r#"{"CollectionId":"bad id!","Tags":{"aws:team":"vision","env":"prod","":"x"}}"#,
        false,
    );
    decode::<DeleteCollection>(
        c,
        "DeleteCollection",
        r#"{"CollectionId":"family-photos"}"#,
        true,
    );
    decode::<DeleteCollection>(
        c,
        "DeleteCollection invalid",
        r#"{"CollectionId":""}"#,
        false,
    );
    decode::<ListCollections>(
        c,
        "ListCollections",
        r#"{"MaxResults":100,"NextToken":"abc"}"#,
        true,
    );
    decode::<ListCollections>(
        c,
        "ListCollections invalid",
        r#"{"MaxResults":5000}"#,
        false,
    );
    let dataset = format!(
        r#"{{"ProjectArn":"{PROJECT}","DatasetType":"TRAIN","DatasetSource":{{"GroundTruthManifest":{{"S3Object":{{"Bucket":"bucket","Name":"train.manifest","Version":"1"}}}}}},"Tags":{{"team":"vision"}}}}"#
    );
    decode::<CreateDataset>(c, "CreateDataset from a manifest", &dataset, true);
    decode::<CreateDataset>(
        c,
        "CreateDataset invalid",
        r#"{"ProjectArn":"nope","DatasetType":"VALIDATION"}"#,
        false,
    );
}

fn serializing(c: &mut Criterion) {
    let created = CreateCollectionResponse {
        status_code: Some(200),
        collection_arn: Some(
            "aws:rekognition:us-east-1:123456789012:collection/family-photos".into(),
        ),
        face_model_version: Some("7.0".into()),
    };
    c.bench_function("serialize/CreateCollection", |b| {
        b.iter(|| CreateCollection::encode_output(black_box(&created)))
    });
    let deleted = DeleteCollectionResponse {
        status_code: Some(200),
    };
    c.bench_function("serialize/DeleteCollection", |b| {
        b.iter(|| DeleteCollection::encode_output(black_box(&deleted)))
    });
    let listed = ListCollectionsResponse {
        collection_ids: Some((0..100).map(|i| format!("collection-{i}")).collect()),
        next_token: Some("token".into()),
        face_model_versions: Some(vec!["7.0".to_owned(); 100]),
    };
    c.bench_function("serialize/ListCollections (100 collections)", |b| {
        b.iter(|| ListCollections::encode_output(black_box(&listed)))
    });
    let dataset = CreateDatasetResponse {
        dataset_arn: Some(format!("{PROJECT}/dataset/train/1700000000001")),
    };
    c.bench_function("serialize/CreateDataset", |b| {
        b.iter(|| CreateDataset::encode_output(black_box(&dataset)))
    });
}

/// Every `@pattern` of the model, on a matching and a failing input.
fn patterns(c: &mut Criterion) {
    let model: serde_json::Value =
        serde_json::from_str(include_str!("../../../model/rekognition.json")).unwrap();
    let mut sources: Vec<String> = model["shapes"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|shape| {
            shape["traits"]["smithy.api#pattern"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    sources.sort();
    sources.dedup();
    for source in sources {
        let translated = smithy_server_codegen::internal::pattern::translate(&source).unwrap();
        let pattern = smithy_server_runtime::codegen::Pattern::from_translation(&translated);
        let input = if source.contains("arn:") {
            format!("{PROJECT}/dataset/train/1700000000001")
        } else {
            "family-photos_2024.v1".to_owned()
        };
        c.bench_function(&format!("pattern/{source}"), |b| {
            b.iter(|| pattern.is_match(black_box(&input)))
        });
    }
}

criterion_group!(benches, decoding, serializing, patterns);
criterion_main!(benches);
