//! Generates the test services into `OUT_DIR`: `Objects` (`model/objects.smithy`, restJson1)
//! and `Forecasts` (`rpcv2-model/forecasts.smithy`, rpcv2Cbor, rpcv2Json and awsJson 1.0).

fn main() {
    for folder in ["model", "rpcv2-model"] {
        if let Err(error) = smithy_server_codegen::build::compile(&[folder]) {
            panic!("{folder}/ does not generate:\n{error}");
        }
    }
}
