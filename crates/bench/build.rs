//! Generates the restJson1 benchmark service (`model/`) into `OUT_DIR/items.rs`.

fn main() {
    if let Err(error) = smithy_server_codegen::build::compile(&["model"]) {
        panic!("model/ does not generate:\n{error}");
    }
}
