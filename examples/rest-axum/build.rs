//! Generates the service's Rust code from the Smithy IDL under `model/` into `OUT_DIR`.

fn main() {
    let settings = smithy_server_codegen::Settings::default();
    let generated = smithy_server_codegen::generate_from_files(&["model"], &settings)
        .unwrap_or_else(|error| panic!("model/ does not generate:\n{error}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("generated.rs");
    std::fs::write(out, generated.source).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=model");
}
