//! The AWS protocol-test suite written in IDL, with the trait definitions it uses, must load
//! to the same shapes as the suite's published JSON AST.

mod common;

use common::{canonical, corpus, files_under, first_difference, read};

/// Shapes known not to load equal yet, each with the reason. Each must still differ.
/// The published JSON AST is a slightly older build of the suite than the 1.73.0 IDL sources.
const EXPECTED_TO_DIFFER: &[(&str, &str)] = &[
    (
        "aws.protocols#awsQueryCompatible",
        "the IDL's trait selector also names smithy.protocols#rpcv2Json, newer than the JSON AST",
    ),
    (
        "aws.protocoltests.restjson#MyUnion",
        "the IDL has a `unionValue` member the older JSON AST lacks",
    ),
    (
        "aws.protocoltests.restjson#JsonUnions",
        "the IDL has request tests for `unionValue` that the older JSON AST lacks",
    ),
];

#[test]
fn protocol_test_idl_loads_to_the_published_json_ast() {
    let root = corpus();
    let mut paths = Vec::new();
    files_under(&root.join("aws-protocol-tests"), "smithy", &mut paths);
    files_under(&root.join("traits"), "smithy", &mut paths);
    let files: Vec<(String, String)> = paths.iter().map(|p| read(p)).collect();
    let started = std::time::Instant::now();
    let loaded = smithy_idl::load(&files);
    let elapsed = started.elapsed();
    let loaded = match loaded {
        Ok(model) => model,
        Err(errors) => {
            for error in errors.iter().take(20) {
                println!("{error}");
            }
            panic!(
                "the protocol-test IDL was refused with {} errors",
                errors.len()
            );
        }
    };
    let json_path = root.join("../protocol-tests/aws-protocol-tests.json");
    let (name, text) = read(&json_path);
    let expected = smithy_idl::load(&[(name, text)]).unwrap_or_else(|e| panic!("{:?}", e.first()));
    let actual = canonical(&loaded);
    let expected = canonical(&expected);
    let (Some(actual_shapes), Some(expected_shapes)) =
        (actual["shapes"].as_object(), expected["shapes"].as_object())
    else {
        panic!("no shapes");
    };
    let mut equal = 0;
    let mut differ = Vec::new();
    for (id, want) in expected_shapes {
        match actual_shapes.get(id) {
            Some(got) if got == want => equal += 1,
            Some(got) => differ.push((id.clone(), first_difference(got, want))),
            None => differ.push((id.clone(), "missing".into())),
        }
    }
    for (id, why) in &differ {
        println!("protocol-test shape differs: {id}: {}", truncate(why));
    }
    println!(
        "protocol-test IDL: {} files loaded in {:.1} ms ({} build), {equal} of {} shapes equal",
        files.len(),
        elapsed.as_secs_f64() * 1000.0,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        expected_shapes.len()
    );
    for (id, _) in &differ {
        assert!(
            EXPECTED_TO_DIFFER.iter().any(|(n, _)| n == id),
            "{id} does not load equal"
        );
    }
    for (id, _) in EXPECTED_TO_DIFFER {
        assert!(
            differ.iter().any(|(n, _)| n == id),
            "{id} now loads equal: take it off the list"
        );
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}
