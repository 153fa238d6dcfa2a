//! Payloads that are not JSON are not held to JSON's rules: a blob or text payload may hold any
//! bytes, brackets nested past the JSON depth limit and repeated "keys" included, while a JSON
//! body with them is refused. Beyond the official suite, through the same service and harness.

use protocol_compliance::Request;
use protocol_compliance::rest::{Malformed, malformed_case, request_case};
use rest_json_server_sdk::model::{
    HttpPayloadTraitsInputOutput, SimpleScalarPropertiesInputOutput,
};
use rest_json_server_sdk::operation::{HttpPayloadTraits, SimpleScalarProperties};
use rest_json_server_sdk::server::ROUTES;
use smithy_server_runtime::codegen::Blob;

const DEEP: &[u8] = &[b'['; 200];
const REPEATED: &[u8] = br#"{"a":1,"a":2}"#;

#[tokio::test]
async fn a_blob_payload_may_hold_any_bytes() {
    for body in [DEEP, REPEATED] {
        request_case::<HttpPayloadTraits>(
            ROUTES,
            Request::new(
                "POST",
                "/HttpPayloadTraits",
                &[("Content-Type", "application/octet-stream")],
                body,
            ),
            HttpPayloadTraitsInputOutput {
                foo: None,
                blob: Some(Blob::new(body.to_vec())),
            },
        )
        .await;
    }
}

#[tokio::test]
async fn a_json_body_may_not() {
    let refused = Malformed {
        status: 400,
        headers: &[("x-amzn-errortype", "SerializationException")],
        body: None,
        message_regex: None,
        media_type: None,
    };
    for body in [DEEP, br#"{"stringValue":"a","stringValue":"b"}"#] {
        malformed_case::<SimpleScalarProperties>(
            ROUTES,
            Request::new(
                "PUT",
                "/SimpleScalarProperties",
                &[("Content-Type", "application/json")],
                body,
            ),
            refused,
        )
        .await;
    }
    // The same operation takes an ordinary body.
    request_case::<SimpleScalarProperties>(
        ROUTES,
        Request::new(
            "PUT",
            "/SimpleScalarProperties",
            &[("Content-Type", "application/json")],
            br#"{"stringValue":"a"}"#,
        ),
        SimpleScalarPropertiesInputOutput {
            string_value: Some("a".to_owned()),
            ..Default::default()
        },
    )
    .await;
}
