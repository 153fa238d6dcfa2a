//! Generates the benchmark services into `OUT_DIR`: the restJson1 `Items` (`model/`, as
//! `items.rs`) and the `Forecasts` test service served in rpcv2Cbor, rpcv2Json and awsJson 1.0
//! (`tests/rpcv2-model`, as `forecasts.rs`).

fn main() {
    for folder in ["model", "../../tests/rpcv2-model"] {
        if let Err(error) = smithy_server_codegen::build::compile(&[folder]) {
            panic!("{folder} does not generate:\n{error}");
        }
    }
}
