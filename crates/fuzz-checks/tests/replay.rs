//! Replays every seed input and every input a fuzzer crashed (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' checks. The IDL loader's target is
//! also seeded by Smithy's own loader tests, read where they are kept beside the repository
//! (`../shared/smithy-idl/loader/`), never copied in.

use std::path::{Path, PathBuf};

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let replayed = replay_folders(
        &[
            root.join("seeds").join(target),
            root.join("regressions").join(target),
        ],
        check,
    );
    assert!(replayed > 0, "no inputs for {target}");
}

/// Runs the check on every file directly in the folders; returns how many it ran.
fn replay_folders(folders: &[PathBuf], check: fn(&[u8])) -> usize {
    let mut replayed = 0;
    for dir in folders {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() || path.file_name().is_some_and(|name| name == ".gitkeep") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} failed its check", path.display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn decode_request_inputs() {
    replay("decode_request", fuzz_checks::decode_request);
}

#[test]
fn rest_request_inputs() {
    replay("rest_request", fuzz_checks::rest_request);
}

#[test]
fn sigv4_request_inputs() {
    replay("sigv4_request", fuzz_checks::sigv4_request);
}

#[test]
fn cbor_decode_inputs() {
    replay("cbor_decode", fuzz_checks::cbor_decode);
}

#[test]
fn rpcv2_request_inputs() {
    replay("rpcv2_request", fuzz_checks::rpcv2_request);
}

#[test]
fn image_decode_inputs() {
    replay("image_decode", fuzz_checks::image_decode);
}

#[test]
fn idl_loader_inputs() {
    replay("idl_loader", fuzz_checks::idl_loader);
    let loader = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/smithy-idl/loader");
    let mut folders = Vec::new();
    folders_under(&loader, &mut folders);
    let replayed = replay_folders(&folders, fuzz_checks::idl_loader);
    assert!(
        replayed > 250,
        "Smithy's loader tests are missing from {}",
        loader.display()
    );
}

/// The folder and every folder under it, sorted.
fn folders_under(folder: &Path, out: &mut Vec<PathBuf>) {
    out.push(folder.to_path_buf());
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    for child in children {
        folders_under(&child, out);
    }
}

/// Without a fuzzer at hand, mutations of the restJson1 seeds: bytes replaced, inserted and
/// removed at positions a fixed pseudo-random sequence picks, each mutant through the check.
#[test]
fn rest_request_mutations() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/rest_request");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const ALPHABET: &[u8] = b"/?&=%{}+ :\n\"\\[],.-_0123456789azAZ\x00\xff\xc3";
    let mut mutants = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let seed = std::fs::read(entry.unwrap().path()).unwrap();
        for _ in 0..150 {
            let mut data = seed.clone();
            for _ in 0..=(next() % 4) {
                let at = (next() as usize) % (data.len() + 1);
                let byte = ALPHABET[(next() as usize) % ALPHABET.len()];
                match next() % 3 {
                    0 if at < data.len() => data[at] = byte,
                    1 if at < data.len() => {
                        data.remove(at);
                    }
                    _ => data.insert(at, byte),
                }
            }
            let outcome = std::panic::catch_unwind(|| fuzz_checks::rest_request(&data));
            assert!(
                outcome.is_ok(),
                "mutant failed its check: {:?}",
                String::from_utf8_lossy(&data)
            );
            mutants += 1;
        }
    }
    assert!(mutants >= 1000, "only {mutants} mutants");
}

/// Without a fuzzer at hand, mutations of the image seeds: bytes flipped, inserted, removed or
/// the file cut, at positions a fixed pseudo-random sequence picks, each mutant through the
/// check.
#[test]
fn image_decode_mutations() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/image_decode");
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut mutants = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let seed = std::fs::read(entry.unwrap().path()).unwrap();
        for _ in 0..80 {
            let mut data = seed.clone();
            for _ in 0..=(next() % 3) {
                let at = (next() as usize) % (data.len() + 1);
                let byte = next() as u8;
                match next() % 4 {
                    0 if at < data.len() => data[at] ^= byte | 1,
                    1 if at < data.len() => {
                        data.remove(at);
                    }
                    2 => data.truncate(at),
                    _ => data.insert(at, byte),
                }
            }
            let outcome = std::panic::catch_unwind(|| fuzz_checks::image_decode(&data));
            assert!(outcome.is_ok(), "mutant failed its check: {data:02X?}");
            mutants += 1;
        }
    }
    assert!(mutants >= 1000, "only {mutants} mutants");
}
