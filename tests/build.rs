//! Generates the test service `Objects` (`model/objects.smithy`) into `OUT_DIR`.

fn main() {
    if let Err(error) = smithy_server_codegen::build::compile(&["model"]) {
        panic!("model/ does not generate:\n{error}");
    }
}
