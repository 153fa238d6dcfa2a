//! Generates the service's Rust code from the Smithy IDL under `model/` into `OUT_DIR`.

fn main() {
    if let Err(error) = smithy_server_codegen::build::compile(&["model"]) {
        panic!("model/ does not generate:\n{error}");
    }
}
