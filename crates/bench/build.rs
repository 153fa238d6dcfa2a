//! Generates the restJson1 benchmark service (`model/`) into `OUT_DIR/items.rs`.

fn main() {
    let settings = smithy_server_codegen::Settings::default();
    let generated = smithy_server_codegen::generate_from_files(&["model"], &settings)
        .unwrap_or_else(|error| panic!("model/ does not generate:\n{error}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("items.rs");
    std::fs::write(out, generated.source).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=model");
}
