//! Generation scales: a synthetic awsJson model of over 2,000 shapes (structures with
//! constraints, enums, lists, maps, unions, nested and recursive references, 260 operations)
//! generates, and the time it takes is printed.

use std::time::Instant;

use smithy_server_codegen::{Settings, generate};

#[test]
fn a_model_of_over_2000_shapes_generates() {
    let model = synthetic_models::model(260).to_string();
    let started = Instant::now();
    let generated = generate(&model, &Settings::default()).unwrap();
    let elapsed = started.elapsed();
    assert!(
        generated.shape_count > 2000,
        "{} shapes",
        generated.shape_count
    );
    assert!(generated.source.contains("pub trait Large"));
    assert_eq!(
        generated
            .source
            .matches("impl rt::aws_json::Operation for")
            .count(),
        260
    );
    println!(
        "generated {} shapes ({} lines) in {elapsed:.2?}",
        generated.shape_count,
        generated.source.lines().count()
    );
}
