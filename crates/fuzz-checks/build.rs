//! Generates the `Forecasts` test service (`tests/rpcv2-model`: rpcv2Cbor, rpcv2Json and
//! awsJson 1.0) that the RPC v2 request target sends its requests to.

fn main() {
    if let Err(error) = smithy_server_codegen::build::compile(&["../../tests/rpcv2-model"]) {
        panic!("tests/rpcv2-model does not generate:\n{error}");
    }
}
