//! Replays every seed input and every input a fuzzer crashed (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' checks.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for kind in ["seeds", "regressions"] {
        let dir = root.join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|name| name == ".gitkeep") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} failed its check", path.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no inputs for {target}");
}

#[test]
fn decode_request_inputs() {
    replay("decode_request", fuzz_checks::decode_request);
}

#[test]
fn sigv4_request_inputs() {
    replay("sigv4_request", fuzz_checks::sigv4_request);
}
