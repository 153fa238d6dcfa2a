//! Generation from Smithy IDL files and folders: a model split across files generates the same
//! code as its JSON AST, and load errors name the file, line and column.

use std::path::{Path, PathBuf};

use smithy_server_codegen::{Error, Settings, generate, generate_from_files, model_json};

fn weather() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/idl/weather")
}

#[test]
fn a_folder_of_idl_files_generates_what_its_json_ast_does() {
    let settings = Settings::default();
    let from_folder = generate_from_files(&[weather()], &settings).expect("the folder generates");
    let files = [
        weather().join("service.smithy"),
        weather().join("shapes.smithy"),
    ];
    let from_files = generate_from_files(&files, &settings).expect("the files generate");
    let json = model_json(&[weather()]).expect("the folder loads");
    let from_json = generate(&json, &settings).expect("its JSON AST generates");
    assert_eq!(from_folder.source, from_json.source);
    assert_eq!(from_files.source, from_json.source);
    assert_eq!(from_folder.service_id, "example.weather#Weather");
    // The constraints written in IDL are enforced by the generated validators.
    assert!(
        from_folder.source.contains("^[a-z-]+$"),
        "the pattern is checked"
    );
    // A JSON AST file given alone is read as it is.
    let dir = std::env::temp_dir().join(format!("codegen-idl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("weather.json");
    std::fs::write(&file, &json).unwrap();
    let from_json_file = generate_from_files(&[&file], &settings).expect("the JSON file generates");
    assert_eq!(from_json_file.source, from_json.source);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn idl_errors_name_the_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("codegen-idl-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.smithy");
    std::fs::write(
        &file,
        "$version: \"2\"\nnamespace x\n\nstructure A {\n    b: String\n",
    )
    .unwrap();
    let error = generate_from_files(&[&file], &Settings::default()).expect_err("refused");
    let Error::Load(errors) = &error else {
        panic!("not a load error: {error}");
    };
    let first = &errors[0];
    assert_eq!(first.file, file.display().to_string());
    assert_eq!(first.line, 6, "{error}");
    let missing = generate_from_files(&[dir.join("absent.smithy")], &Settings::default());
    assert!(matches!(missing, Err(Error::Load(_))));
    let _ = std::fs::remove_dir_all(dir);
}

/// Members and enum values keep the order the IDL declares, as the JSON AST keeps it: the
/// generated fields and the values a validation message lists follow the model.
#[test]
fn idl_keeps_the_declared_order_of_members_and_values() {
    let idl = r#"$version: "2"
namespace example.order

use aws.protocols#awsJson1_1

@awsJson1_1
service Orders {
    version: "1"
    operations: [Paint]
}

operation Paint {
    input := {
        zulu: String
        alpha: Shade
    }
}

enum Shade {
    DARK
    BRIGHT
    AMBER
}
"#;
    let json = r#"{
  "smithy": "2.0",
  "shapes": {
    "example.order#Orders": {
      "type": "service", "version": "1",
      "operations": [{ "target": "example.order#Paint" }],
      "traits": { "aws.protocols#awsJson1_1": {} }
    },
    "example.order#Paint": {
      "type": "operation",
      "input": { "target": "example.order#PaintInput" },
      "output": { "target": "smithy.api#Unit" }
    },
    "example.order#PaintInput": {
      "type": "structure",
      "members": {
        "zulu": { "target": "smithy.api#String" },
        "alpha": { "target": "example.order#Shade" }
      },
      "traits": { "smithy.api#input": {} }
    },
    "example.order#Shade": {
      "type": "enum",
      "members": {
        "DARK": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "DARK" } },
        "BRIGHT": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "BRIGHT" } },
        "AMBER": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "AMBER" } }
      }
    }
  }
}"#;
    let dir = std::env::temp_dir().join(format!("codegen-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("order.smithy");
    std::fs::write(&file, idl).unwrap();
    let settings = Settings::default();
    let from_idl = generate_from_files(&[&file], &settings).expect("the IDL generates");
    let from_json = generate(json, &settings).expect("the JSON AST generates");
    let _ = std::fs::remove_dir_all(dir);
    assert_eq!(from_idl.source, from_json.source);
    let dark = from_idl.source.find("\"DARK\"").unwrap_or(usize::MAX);
    let bright = from_idl.source.find("\"BRIGHT\"").unwrap_or(0);
    assert!(dark < bright, "the enum's values keep their order");
}
