//! Every fixture model's generated crate compiles and passes clippy under the workspace's lint
//! policy with `-D warnings`; and a crate generated for a model outside the workspace (the
//! standalone `--out` form) builds on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use smithy_server_codegen::{CrateSettings, Settings};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `[workspace.lints]` table of the root manifest, so the fixtures obey the same policy.
fn workspace_lints() -> toml::Table {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("lints"))
        .and_then(toml::Value::as_table)
        .expect("the root manifest has a lint policy")
        .clone()
}

/// The manifest of a workspace of `members` under `lints`.
fn workspace_manifest(members: Vec<String>, lints: toml::Table) -> String {
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".to_owned(), "2".into());
    workspace.insert("members".to_owned(), members.into());
    workspace.insert("lints".to_owned(), lints.into());
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".to_owned(), workspace.into());
    toml::to_string(&manifest).unwrap()
}

fn write_crate(dir: &Path, model: &Path, package: &str, in_workspace: bool) {
    let json = std::fs::read_to_string(model).unwrap();
    let settings = Settings {
        source: model.file_name().unwrap().to_string_lossy().into_owned(),
        ..Settings::default()
    };
    let generated = smithy_server_codegen::generate(&json, &settings).unwrap();
    let krate = CrateSettings {
        package: package.to_owned(),
        runtime_path: root().join("crates/runtime").display().to_string(),
        in_workspace,
    };
    for (relative, contents) in smithy_server_codegen::crate_files(&generated, &settings, &krate) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        // A target folder of its own: the outer `cargo test` may hold the workspace's.
        .env(
            "CARGO_TARGET_DIR",
            root().join("target").join("fixture-crates"),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_fixture_compiles_clippy_clean_and_one_builds_standalone() {
    let base = root().join("target").join("fixture-crates").join("src");
    let _ = std::fs::remove_dir_all(&base);
    let workspace = base.join("fixtures");
    let mut members = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("codegen/tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 10,
        "the fixtures folder is where the feature coverage lives"
    );
    for fixture in &fixtures {
        let stem = fixture
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        write_crate(
            &workspace.join(&stem),
            fixture,
            &format!("fixture-{stem}"),
            true,
        );
        members.push(stem);
    }
    let lints = workspace_lints();
    let manifest = workspace_manifest(members, lints.clone());
    // The policy arrives whole: the written manifest reads back to the same lints.
    let written: toml::Table = manifest.parse().unwrap();
    assert_eq!(written["workspace"]["lints"].as_table(), Some(&lints));
    std::fs::write(workspace.join("Cargo.toml"), manifest).unwrap();
    let _ = std::fs::copy(root().join("Cargo.lock"), workspace.join("Cargo.lock"));
    cargo(
        &workspace,
        &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"],
    );

    let standalone = base.join("standalone");
    write_crate(
        &standalone,
        &root().join("codegen/tests/fixtures/aws_json_1_0.json"),
        "standalone-sdk",
        false,
    );
    let _ = std::fs::copy(root().join("Cargo.lock"), standalone.join("Cargo.lock"));
    cargo(&standalone, &["build", "--quiet"]);
}
