//! Generates the weather example's service, as a user's build script does.

fn main() {
    if let Err(error) = smithy_server_codegen::build::compile(&["../../examples/weather/model"]) {
        panic!("the weather model does not generate:\n{error}");
    }
}
