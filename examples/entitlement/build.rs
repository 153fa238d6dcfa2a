//! Generates the service's Rust code from the Smithy JSON AST under `model/` into
//! `OUT_DIR/entitlement.rs`.

fn main() {
    let built = smithy_server_codegen::build::configure()
        .file_name("entitlement.rs")
        .compile(&["model"]);
    if let Err(error) = built {
        panic!("model/ does not generate:\n{error}");
    }
}
