//! Face figures: inference time per image (decoding, detection, one descriptor, expressions) on
//! the face_recognition test photos, and searching a collection of 10,000 and 100,000 stored
//! faces through the reference server's store (the in-memory index a search reads), with the
//! memory each stored face takes in that index and on disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rekognition_faces::{DecodeLimits, EMBEDDING_LEN, Embedding, FaceModels};
use rekognition_server::store::{
    FaceStore, Identity, NewCollection, NewFace, Ratios, Scope, SearchLimits, SqliteStore, Store,
};

/// How long each stage of one image's analysis takes (median over the photos).
#[derive(Debug, Clone, Copy)]
pub struct Inference {
    /// Photos measured.
    pub photos: usize,
    /// Loading the three networks (once per process).
    pub load: Duration,
    /// JPEG or PNG to upright RGB.
    pub decode: Duration,
    /// RetinaFace over the image (scaled to at most 1024 px a side).
    pub detect: Duration,
    /// Aligning one face and computing its descriptor.
    pub embed: Duration,
    /// The expression network on one face.
    pub expressions: Duration,
}

/// Searching one collection of `faces` faces.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Faces stored.
    pub faces: usize,
    /// Storing them (group commits of 1,000 faces).
    pub store: Duration,
    /// The first search, which loads the collection into memory.
    pub first: Duration,
    /// A search once loaded: median and 99th percentile of the runs.
    pub median: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Heap bytes the search index holds per face.
    pub bytes_per_face: f64,
    /// Database size on disk per face.
    pub disk_per_face: f64,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Times the networks on every JPEG and PNG in `photos`.
pub fn inference(photos: &Path) -> Result<Inference> {
    let started = Instant::now();
    let models = FaceModels::load()?;
    let load = started.elapsed();
    let mut decode = Vec::new();
    let mut detect = Vec::new();
    let mut embed = Vec::new();
    let mut expressions = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(photos)
        .with_context(|| format!("reading {}", photos.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "jpg" || e == "png"))
        .collect();
    files.sort();
    for file in &files {
        let bytes = std::fs::read(file)?;
        let started = Instant::now();
        let image = rekognition_faces::decode(&bytes, &DecodeLimits::REKOGNITION)?.image;
        decode.push(started.elapsed());
        let started = Instant::now();
        let faces = models.detect(&image);
        detect.push(started.elapsed());
        if let Some(face) = faces.first() {
            let started = Instant::now();
            std::hint::black_box(models.embed(&image, face));
            embed.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(models.expressions(&image, face));
            expressions.push(started.elapsed());
        }
    }
    Ok(Inference {
        photos: files.len(),
        load,
        decode: median(decode),
        detect: median(detect),
        embed: median(embed),
        expressions: median(expressions),
    })
}

/// A pseudo-random descriptor of a real descriptor's scale (components of about ±0.12, norm
/// about 1.4), from a small xorshift generator so every run stores the same faces.
fn descriptor(state: &mut u64) -> Embedding {
    let mut values = [0.0; EMBEDDING_LEN];
    for value in &mut values {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *value = ((*state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.42;
    }
    Embedding(values)
}

/// Stores `count` faces in a fresh on-disk collection, then searches it `runs` times with a
/// probe that ten stored faces resemble.
pub fn search(dir: &Path, count: usize, runs: usize) -> Result<Search> {
    let _ = std::fs::remove_dir_all(dir);
    let store = SqliteStore::open(dir)?;
    let scope = Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    };
    let collection = NewCollection {
        id: "bench".into(),
        arn: "arn:aws:rekognition:us-east-1:123456789012:collection/bench".into(),
        face_model_version: "7.0".into(),
        created_millis: 0,
        tags: Vec::new(),
    };
    store.create_collection(&scope, &collection, None).wait()?;
    let mut state = 0x2545_f491_4f6c_dd1d;
    let probe = descriptor(&mut state);
    let started = Instant::now();
    let mut stored = 0;
    while stored < count {
        let batch = (count - stored).min(1000);
        let faces = (0..batch)
            .map(|i| {
                let n = stored + i;
                let mut embedding = descriptor(&mut state);
                if n % (count / 10).max(1) == 0 {
                    // A near copy of the probe: a match to rank.
                    embedding =
                        Embedding(std::array::from_fn(|k| probe.0[k] + embedding.0[k] * 0.1));
                }
                NewFace {
                    face_id: format!("{n:08x}-0000-4000-8000-000000000000"),
                    image_id: "00000000-0000-4000-8000-000000000000".into(),
                    external_image_id: Some(format!("photo-{n}")),
                    bounding_box: Ratios {
                        left: 0.25,
                        top: 0.2,
                        width: 0.3,
                        height: 0.4,
                    },
                    confidence: 99.9,
                    identity: Identity::Embedding(Box::new(embedding)),
                }
            })
            .collect();
        store.index_faces(&scope, "bench", faces, None).wait()?;
        stored += batch;
    }
    let store_time = started.elapsed();
    let limits = SearchLimits {
        threshold: 80.0,
        max: 4096,
    };
    let probe = Identity::Embedding(Box::new(probe));
    let started = Instant::now();
    let found = store
        .search_faces(&scope, "bench", &probe, None, limits)?
        .context("the collection is missing")?;
    let first = started.elapsed();
    let index_bytes = store.face_index_bytes();
    anyhow::ensure!(found.len() >= 10, "the probe's near copies were not found");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(store.search_faces(&scope, "bench", &probe, None, limits)?);
        times.push(started.elapsed());
    }
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let disk: u64 = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|meta| meta.len())
        .sum();
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    Ok(Search {
        faces: count,
        store: store_time,
        first,
        median: median(times),
        p99,
        bytes_per_face: index_bytes as f64 / count as f64,
        disk_per_face: disk as f64 / count as f64,
    })
}
