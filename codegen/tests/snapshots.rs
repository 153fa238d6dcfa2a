//! One snapshot of generated code per fixture model: adding a test is adding a JSON file to
//! `fixtures/` (each is also compiled under the workspace lints by the `fixtures_compile` test).

use smithy_server_codegen::{Settings, generate};

#[test]
fn generated_code_of_each_fixture() {
    insta::glob!("fixtures/*.json", |path| {
        let model = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let settings = Settings {
            source: format!("fixtures/{name}"),
            command: "smithy-server-codegen".to_owned(),
            ..Settings::default()
        };
        let generated =
            generate(&model, &settings).unwrap_or_else(|error| panic!("{name}: {error}"));
        insta::assert_snapshot!(generated.source);
    });
}

#[test]
fn generation_is_byte_identical_from_run_to_run() {
    let model = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/shape_types.json"
    ))
    .unwrap();
    let first = generate(&model, &Settings::default()).unwrap().source;
    for _ in 0..5 {
        assert_eq!(
            generate(&model, &Settings::default()).unwrap().source,
            first
        );
    }
}
