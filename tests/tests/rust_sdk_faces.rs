//! The face and user operations driven by the official Rust SDK (`aws-sdk-rekognition`) over
//! real HTTP on loopback: the whole workflow on real photos (the face_recognition 1.3.0 test
//! images from the folder `FACE_TEST_IMAGES` names: obama.jpg, obama2.jpg and obama3.jpg of one
//! person, biden.jpg of another, 32bit.png an RGBA copy of obama2.jpg; skipped without it),
//! every modeled error matched by type, and a declared-results file whose boxes and similarities
//! come back exactly as declared.

use std::path::PathBuf;

use aws_sdk_rekognition::Client;
use aws_sdk_rekognition::primitives::Blob;
use aws_sdk_rekognition::types::{
    Attribute, BoundingBox, EmotionName, Face, GenderType, Image, LandmarkType, QualityFilter,
    Reason, S3Object, UnsuccessfulFaceAssociationReason, UnsuccessfulFaceDeletionReason,
    UnsuccessfulFaceDisassociationReason, UserStatus,
};
use integration_tests::{TempDir, failure, rekognition_client};
use rekognition_server::service::Quotas;
use rekognition_server::{Config, Running, start};

const UNKNOWN_FACE: &str = "00000000-0000-4000-8000-000000000000";
const NO_FACES: &str = "There are no faces in the image. Should be at least 1.";

async fn server(s3: &TempDir, declared: Option<PathBuf>, quotas: Quotas) -> Running {
    let mut config = Config::in_memory(s3.0.clone());
    config.declared_faces = declared;
    config.quotas = quotas;
    start(config).await.unwrap()
}

fn client(running: &Running) -> Client {
    rekognition_client(&running.url(), "AKIDTEST", "us-east-1")
}

/// The folder of test photos, or `None` (with a message) when `FACE_TEST_IMAGES` is not set.
fn photos(test: &str) -> Option<PathBuf> {
    match std::env::var_os("FACE_TEST_IMAGES") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            println!(
                "{test}: skipped: FACE_TEST_IMAGES is not set (the face_recognition 1.3.0 tests/test_images folder)"
            );
            None
        }
    }
}

fn bytes(data: Vec<u8>) -> Image {
    Image::builder().bytes(Blob::new(data)).build()
}

fn s3_image(bucket: &str, name: &str) -> Image {
    Image::builder()
        .s3_object(S3Object::builder().bucket(bucket).name(name).build())
        .build()
}

fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn sides(b: &BoundingBox) -> [f32; 4] {
    [
        b.left().unwrap(),
        b.top().unwrap(),
        b.width().unwrap(),
        b.height().unwrap(),
    ]
}

fn assert_near_box(a: &BoundingBox, b: &BoundingBox, tolerance: f32, what: &str) {
    for (x, y) in sides(a).into_iter().zip(sides(b)) {
        assert!(
            (x - y).abs() <= tolerance,
            "{what}: {a:?} is not within {tolerance} of {b:?}"
        );
    }
}

fn assert_descending(values: &[f32], what: &str) {
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "{what} not sorted: {values:?}"
    );
}

fn face_id(face: &Face) -> &str {
    face.face_id().unwrap()
}

fn external(face: &Face) -> &str {
    face.external_image_id().unwrap()
}

const DEFAULT_LANDMARKS: [LandmarkType; 5] = [
    LandmarkType::EyeLeft,
    LandmarkType::EyeRight,
    LandmarkType::Nose,
    LandmarkType::MouthLeft,
    LandmarkType::MouthRight,
];

const ALL_LANDMARKS: [&str; 30] = [
    "eyeLeft",
    "eyeRight",
    "mouthLeft",
    "mouthRight",
    "nose",
    "leftEyeBrowLeft",
    "leftEyeBrowRight",
    "leftEyeBrowUp",
    "rightEyeBrowLeft",
    "rightEyeBrowRight",
    "rightEyeBrowUp",
    "leftEyeLeft",
    "leftEyeRight",
    "leftEyeUp",
    "leftEyeDown",
    "rightEyeLeft",
    "rightEyeRight",
    "rightEyeUp",
    "rightEyeDown",
    "noseLeft",
    "noseRight",
    "mouthUp",
    "mouthDown",
    "leftPupil",
    "rightPupil",
    "upperJawlineLeft",
    "midJawlineLeft",
    "chinBottom",
    "midJawlineRight",
    "upperJawlineRight",
];

// ---- Images built byte by byte: PNG with stored (uncompressed) deflate blocks, and SHA-256 to
// name them in a declared-results file.

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                0xedb8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of `data` in stored blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// An 8-bit RGB PNG of `width` × `height` coloured by `pixel(x, y)`.
fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut rows = Vec::with_capacity((height * (width * 3 + 1)) as usize);
    for y in 0..height {
        rows.push(0);
        for x in 0..width {
            rows.extend_from_slice(&pixel(x, y));
        }
    }
    png_with_rows(width, height, &rows)
}

fn png_with_rows(width: u32, height: u32, rows: &[u8]) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib_stored(rows));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn grey_png(side: u32) -> Vec<u8> {
    png(side, side, |_, _| [128, 128, 128])
}

/// A PNG whose header announces 20000 × 20000 pixels.
fn huge_png() -> Vec<u8> {
    png_with_rows(20_000, 20_000, &[0; 64])
}

fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes(word.try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (state, value) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(value);
        }
    }
    h.iter().map(|word| format!("{word:08x}")).collect()
}

#[test]
fn the_test_helpers_build_what_they_claim() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(crc32(b"IEND"), 0xae42_6082);
    // Adler-32 of "Wikipedia" is 0x11E60398.
    assert_eq!(zlib_stored(b"Wikipedia")[16..], [0x11, 0xe6, 0x03, 0x98]);
}

// ---- The workflow on real photos.

#[tokio::test(flavor = "multi_thread")]
async fn faces_and_users_workflow_on_real_photos() {
    let Some(dir) = photos("faces_and_users_workflow_on_real_photos") else {
        return;
    };
    let photo = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let s3 = TempDir::new("sdk-faces");
    let running = server(&s3, None, Quotas::default()).await;
    let client = client(&running);
    let collection = "rust-faces";
    let created = client
        .create_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    assert_eq!(created.face_model_version(), Some("7.0"));

    // IndexFaces from Bytes, with the default attributes.
    let indexed = client
        .index_faces()
        .collection_id(collection)
        .image(bytes(photo("obama.jpg")))
        .external_image_id("obama")
        .send()
        .await
        .unwrap();
    assert_eq!(indexed.face_model_version(), Some("7.0"));
    assert_eq!(indexed.orientation_correction(), None);
    assert!(indexed.unindexed_faces.as_ref().unwrap().is_empty());
    assert_eq!(indexed.face_records().len(), 1);
    let record = &indexed.face_records()[0];
    let obama = record.face().unwrap().clone();
    assert!(is_uuid(face_id(&obama)), "{obama:?}");
    assert!(is_uuid(obama.image_id().unwrap()), "{obama:?}");
    assert_eq!(external(&obama), "obama");
    assert_eq!(obama.index_faces_model_version(), None);
    assert_eq!(obama.user_id(), None);
    let confidence = obama.confidence().unwrap();
    assert!(confidence > 90.0 && confidence <= 100.0, "{confidence}");
    let [left, top, width, _] = sides(obama.bounding_box().unwrap());
    assert!(
        (0.3..0.5).contains(&left) && (0.0..0.2).contains(&top) && (0.15..0.4).contains(&width)
    );
    let detail = record.face_detail().unwrap();
    assert_eq!(detail.bounding_box(), obama.bounding_box());
    let kinds: Vec<LandmarkType> = detail
        .landmarks()
        .iter()
        .map(|l| l.r#type().unwrap().clone())
        .collect();
    assert_eq!(kinds, DEFAULT_LANDMARKS);
    assert!(detail.age_range().is_none() && detail.emotions().is_empty());
    assert!(detail.pose().is_some() && detail.quality().is_some());

    // IndexFaces from an S3 object under the server's S3 root.
    std::fs::create_dir_all(s3.0.join("rust-photos/people")).unwrap();
    std::fs::write(
        s3.0.join("rust-photos/people/obama2.jpg"),
        photo("obama2.jpg"),
    )
    .unwrap();
    let from_s3 = client
        .index_faces()
        .collection_id(collection)
        .image(s3_image("rust-photos", "people/obama2.jpg"))
        .external_image_id("obama2")
        .send()
        .await
        .unwrap();
    assert_eq!(from_s3.face_records().len(), 1);
    let obama2 = from_s3.face_records()[0].face().unwrap().clone();
    assert_eq!(external(&obama2), "obama2");
    assert_ne!(obama2.image_id(), obama.image_id());
    let index_one = async |name: &str, external_id: &str| {
        let reply = client
            .index_faces()
            .collection_id(collection)
            .image(bytes(photo(name)))
            .external_image_id(external_id)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.face_records().len(), 1, "{name}");
        reply.face_records()[0].face().unwrap().clone()
    };
    let obama3 = index_one("obama3.jpg", "obama3").await;
    let biden = index_one("biden.jpg", "biden").await;
    let indexed_faces = [&obama, &obama2, &obama3, &biden];

    // ListFaces through the paginator, three a page, in FaceId order, boxes as stored.
    let pages = client
        .list_faces()
        .collection_id(collection)
        .into_paginator()
        .page_size(3)
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.faces().len()).collect::<Vec<_>>(),
        [3, 1]
    );
    assert!(pages.iter().all(|p| p.face_model_version() == Some("7.0")));
    let listed: Vec<&Face> = pages.iter().flat_map(|p| p.faces()).collect();
    let mut ids: Vec<&str> = indexed_faces.iter().map(|f| face_id(f)).collect();
    ids.sort();
    assert_eq!(listed.iter().map(|f| face_id(f)).collect::<Vec<_>>(), ids);
    for face in &listed {
        let original = indexed_faces
            .iter()
            .find(|f| f.face_id() == face.face_id())
            .unwrap();
        assert_eq!(face.external_image_id(), original.external_image_id());
        assert_eq!(face.image_id(), original.image_id());
        assert_eq!(face.index_faces_model_version(), Some("7.0"));
        assert_eq!(face.user_id(), None);
        assert_near_box(
            face.bounding_box().unwrap(),
            original.bounding_box().unwrap(),
            1e-5,
            external(face),
        );
    }

    // SearchFacesByImage: the RGBA copy of obama2 finds the three Obama faces, not Biden.
    let by_image = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(bytes(photo("32bit.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(by_image.face_model_version(), Some("7.0"));
    assert_near_box(
        by_image.searched_face_bounding_box().unwrap(),
        obama2.bounding_box().unwrap(),
        0.01,
        "searched face",
    );
    let mut found: Vec<&str> = by_image
        .face_matches()
        .iter()
        .map(|m| external(m.face().unwrap()))
        .collect();
    assert_eq!(found[0], "obama2");
    found.sort();
    assert_eq!(found, ["obama", "obama2", "obama3"]);
    let similarities: Vec<f32> = by_image
        .face_matches()
        .iter()
        .map(|m| m.similarity().unwrap())
        .collect();
    assert_descending(&similarities, "SearchFacesByImage");
    assert!(similarities[0] >= 99.0, "{similarities:?}");
    assert!(similarities.iter().all(|&s| s >= 90.0), "{similarities:?}");
    assert!(
        by_image
            .face_matches()
            .iter()
            .all(|m| m.face().unwrap().index_faces_model_version() == Some("7.0"))
    );
    let biden_image = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(bytes(photo("biden.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        biden_image
            .face_matches()
            .iter()
            .map(|m| face_id(m.face().unwrap()))
            .collect::<Vec<_>>(),
        [face_id(&biden)]
    );

    // SearchFaces by id: never the face itself, the other person below the default 80.
    let search = |threshold: Option<f32>, max: Option<i32>| {
        client
            .search_faces()
            .collection_id(collection)
            .face_id(face_id(&obama))
            .set_face_match_threshold(threshold)
            .set_max_faces(max)
            .send()
    };
    let by_id = search(None, None).await.unwrap();
    assert_eq!(by_id.searched_face_id(), obama.face_id());
    assert_eq!(by_id.face_model_version(), Some("7.0"));
    let mut found: Vec<&str> = by_id
        .face_matches()
        .iter()
        .map(|m| external(m.face().unwrap()))
        .collect();
    found.sort();
    assert_eq!(found, ["obama2", "obama3"]);
    let similarities: Vec<f32> = by_id
        .face_matches()
        .iter()
        .map(|m| m.similarity().unwrap())
        .collect();
    assert_descending(&similarities, "SearchFaces");
    assert!(similarities.iter().all(|&s| s >= 90.0), "{similarities:?}");
    let everyone = search(Some(0.0), None).await.unwrap();
    assert_eq!(everyone.face_matches().len(), 3);
    let last = everyone.face_matches().last().unwrap();
    assert_eq!(last.face().unwrap().face_id(), biden.face_id());
    assert!(last.similarity().unwrap() < 80.0, "{last:?}");
    let top = search(None, Some(1)).await.unwrap();
    assert_eq!(top.face_matches().len(), 1);
    assert_eq!(
        top.face_matches()[0].face().unwrap().face_id(),
        by_id.face_matches()[0].face().unwrap().face_id()
    );

    // CompareFaces: one person across two photos (one from S3), then two people.
    let same = client
        .compare_faces()
        .source_image(bytes(photo("obama.jpg")))
        .target_image(s3_image("rust-photos", "people/obama2.jpg"))
        .send()
        .await
        .unwrap();
    assert_near_box(
        same.source_image_face().unwrap().bounding_box().unwrap(),
        obama.bounding_box().unwrap(),
        1e-6,
        "source",
    );
    assert_eq!(same.face_matches().len(), 1);
    let matched = &same.face_matches()[0];
    assert!(matched.similarity().unwrap() >= 90.0, "{matched:?}");
    assert_near_box(
        matched.face().unwrap().bounding_box().unwrap(),
        obama2.bounding_box().unwrap(),
        1e-6,
        "matched",
    );
    assert_eq!(matched.face().unwrap().landmarks().len(), 5);
    assert!(same.unmatched_faces().is_empty());
    assert_eq!(same.source_image_orientation_correction(), None);
    let different = client
        .compare_faces()
        .source_image(bytes(photo("biden.jpg")))
        .target_image(bytes(photo("obama3.jpg")))
        .send()
        .await
        .unwrap();
    assert!(different.face_matches().is_empty());
    assert_eq!(different.unmatched_faces().len(), 1);
    assert_near_box(
        different.unmatched_faces()[0].bounding_box().unwrap(),
        obama3.bounding_box().unwrap(),
        1e-6,
        "unmatched",
    );

    // DetectFaces with ALL.
    let detected = client
        .detect_faces()
        .image(bytes(photo("obama3.jpg")))
        .attributes(Attribute::All)
        .send()
        .await
        .unwrap();
    assert_eq!(detected.face_details().len(), 1);
    let detail = &detected.face_details()[0];
    assert_near_box(
        detail.bounding_box().unwrap(),
        obama3.bounding_box().unwrap(),
        1e-6,
        "detected",
    );
    let names: Vec<&str> = detail
        .landmarks()
        .iter()
        .map(|l| l.r#type().unwrap().as_str())
        .collect();
    assert_eq!(names, ALL_LANDMARKS);
    let at = |kind: LandmarkType| {
        let l = detail
            .landmarks()
            .iter()
            .find(|l| l.r#type() == Some(&kind))
            .unwrap();
        (l.x().unwrap(), l.y().unwrap())
    };
    assert_eq!(at(LandmarkType::LeftPupil), at(LandmarkType::EyeLeft));
    assert_eq!(at(LandmarkType::RightPupil), at(LandmarkType::EyeRight));
    assert!(at(LandmarkType::ChinBottom).1 > at(LandmarkType::Nose).1);
    assert!(at(LandmarkType::Nose).1 > at(LandmarkType::EyeLeft).1);
    let mut emotions: Vec<&str> = detail
        .emotions()
        .iter()
        .map(|e| e.r#type().unwrap().as_str())
        .collect();
    emotions.sort();
    assert_eq!(
        emotions,
        [
            "ANGRY",
            "CALM",
            "CONFUSED",
            "DISGUSTED",
            "FEAR",
            "HAPPY",
            "SAD",
            "SURPRISED"
        ]
    );
    let confidences: Vec<f32> = detail
        .emotions()
        .iter()
        .map(|e| e.confidence().unwrap())
        .collect();
    assert_descending(&confidences, "Emotions");
    let age = detail.age_range().unwrap();
    assert!(age.low().unwrap() <= age.high().unwrap());
    assert!(detail.gender().unwrap().value().is_some());
    assert!(detail.smile().is_some() && detail.eyeglasses().is_some());
    assert!(detail.sunglasses().is_some() && detail.beard().is_some());
    assert!(detail.mustache().is_some() && detail.eyes_open().is_some());
    assert!(detail.mouth_open().is_some() && detail.face_occluded().is_some());
    assert!(detail.eye_direction().unwrap().yaw().is_some());

    // Users.
    client
        .create_user()
        .collection_id(collection)
        .user_id("barack")
        .client_request_token("rust-create-barack")
        .send()
        .await
        .unwrap();
    client
        .create_user()
        .collection_id(collection)
        .user_id("joe")
        .send()
        .await
        .unwrap();
    let users_of = async || -> Vec<(String, UserStatus)> {
        client
            .list_users()
            .collection_id(collection)
            .into_paginator()
            .page_size(1)
            .items()
            .send()
            .try_collect()
            .await
            .unwrap()
            .into_iter()
            .map(|u| {
                (
                    u.user_id().unwrap().to_owned(),
                    u.user_status().unwrap().clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        users_of().await,
        [
            ("barack".to_owned(), UserStatus::Created),
            ("joe".to_owned(), UserStatus::Created)
        ]
    );
    let associate = |user: &str, faces: &[&str]| {
        client
            .associate_faces()
            .collection_id(collection)
            .user_id(user)
            .set_face_ids(Some(faces.iter().map(|f| (*f).to_owned()).collect()))
            .send()
    };
    let first = associate("barack", &[face_id(&obama), face_id(&obama2)])
        .await
        .unwrap();
    let mut associated: Vec<&str> = first
        .associated_faces()
        .iter()
        .map(|f| f.face_id().unwrap())
        .collect();
    associated.sort();
    let mut expected = vec![face_id(&obama), face_id(&obama2)];
    expected.sort();
    assert_eq!(associated, expected);
    assert!(first.unsuccessful_face_associations().is_empty());
    assert_eq!(first.user_status(), Some(&UserStatus::Updating));
    let second = associate("barack", &[face_id(&obama3), face_id(&biden), UNKNOWN_FACE])
        .await
        .unwrap();
    assert_eq!(
        second
            .associated_faces()
            .iter()
            .map(|f| f.face_id().unwrap())
            .collect::<Vec<_>>(),
        [face_id(&obama3)]
    );
    let refusal = |id: &str| {
        second
            .unsuccessful_face_associations()
            .iter()
            .find(|u| u.face_id() == Some(id))
            .unwrap()
    };
    assert_eq!(second.unsuccessful_face_associations().len(), 2);
    let low = refusal(face_id(&biden));
    assert_eq!(
        low.reasons(),
        [UnsuccessfulFaceAssociationReason::LowMatchConfidence]
    );
    assert!(low.confidence().unwrap() < 75.0, "{low:?}");
    assert_eq!(
        refusal(UNKNOWN_FACE).reasons(),
        [UnsuccessfulFaceAssociationReason::FaceNotFound]
    );
    let joe = associate("joe", &[face_id(&biden), face_id(&obama)])
        .await
        .unwrap();
    assert_eq!(joe.associated_faces().len(), 1);
    assert_eq!(joe.associated_faces()[0].face_id(), biden.face_id());
    let taken = &joe.unsuccessful_face_associations()[0];
    assert_eq!(joe.unsuccessful_face_associations().len(), 1);
    assert_eq!(taken.face_id(), obama.face_id());
    assert_eq!(taken.user_id(), Some("barack"));
    assert_eq!(
        taken.reasons(),
        [UnsuccessfulFaceAssociationReason::AssociatedToADifferentUser]
    );
    let again = associate("barack", &[face_id(&obama)]).await.unwrap();
    assert!(again.associated_faces().is_empty());
    assert!(again.unsuccessful_face_associations().is_empty());
    assert_eq!(again.user_status(), Some(&UserStatus::Active));
    assert_eq!(
        users_of().await,
        [
            ("barack".to_owned(), UserStatus::Active),
            ("joe".to_owned(), UserStatus::Active)
        ]
    );
    let barack_faces = client
        .list_faces()
        .collection_id(collection)
        .user_id("barack")
        .send()
        .await
        .unwrap();
    let mut expected: Vec<&str> = vec![face_id(&obama), face_id(&obama2), face_id(&obama3)];
    expected.sort();
    assert_eq!(
        barack_faces.faces().iter().map(face_id).collect::<Vec<_>>(),
        expected
    );
    assert!(
        barack_faces
            .faces()
            .iter()
            .all(|f| f.user_id() == Some("barack"))
    );

    let user_by_image = client
        .search_users_by_image()
        .collection_id(collection)
        .image(bytes(photo("32bit.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(user_by_image.user_matches().len(), 1);
    let best = &user_by_image.user_matches()[0];
    assert_eq!(best.user().unwrap().user_id(), Some("barack"));
    assert_eq!(
        best.user().unwrap().user_status(),
        Some(&UserStatus::Active)
    );
    assert!(best.similarity().unwrap() >= 99.0, "{best:?}");
    assert_eq!(user_by_image.face_model_version(), Some("7.0"));
    assert_near_box(
        user_by_image
            .searched_face()
            .unwrap()
            .face_detail()
            .unwrap()
            .bounding_box()
            .unwrap(),
        obama2.bounding_box().unwrap(),
        0.01,
        "searched user face",
    );
    assert!(user_by_image.unsearched_faces().is_empty());
    let nobody = client
        .search_users_by_image()
        .collection_id(collection)
        .image(bytes(grey_png(120)))
        .send()
        .await
        .unwrap();
    assert!(nobody.user_matches().is_empty());
    assert!(nobody.searched_face().is_none());

    let by_user = client
        .search_users()
        .collection_id(collection)
        .user_id("barack")
        .send()
        .await
        .unwrap();
    assert_eq!(by_user.searched_user().unwrap().user_id(), Some("barack"));
    assert!(by_user.user_matches().is_empty());
    let loosely = client
        .search_users()
        .collection_id(collection)
        .user_id("barack")
        .user_match_threshold(0.0)
        .send()
        .await
        .unwrap();
    assert_eq!(loosely.user_matches().len(), 1);
    assert_eq!(
        loosely.user_matches()[0].user().unwrap().user_id(),
        Some("joe")
    );
    assert!(loosely.user_matches()[0].similarity().unwrap() < 80.0);
    let by_face = client
        .search_users()
        .collection_id(collection)
        .face_id(face_id(&obama3))
        .send()
        .await
        .unwrap();
    assert_eq!(by_face.searched_face().unwrap().face_id(), obama3.face_id());
    assert_eq!(by_face.user_matches().len(), 1);
    assert_eq!(
        by_face.user_matches()[0].user().unwrap().user_id(),
        Some("barack")
    );
    assert!(by_face.user_matches()[0].similarity().unwrap() >= 90.0);

    // A face bound to a user is not deleted; disassociated, it is.
    let delete = |faces: &[&str]| {
        client
            .delete_faces()
            .collection_id(collection)
            .set_face_ids(Some(faces.iter().map(|f| (*f).to_owned()).collect()))
            .send()
    };
    let bound = delete(&[face_id(&obama)]).await.unwrap();
    assert!(bound.deleted_faces().is_empty());
    let refused = &bound.unsuccessful_face_deletions()[0];
    assert_eq!(bound.unsuccessful_face_deletions().len(), 1);
    assert_eq!(refused.face_id(), obama.face_id());
    assert_eq!(refused.user_id(), Some("barack"));
    assert_eq!(
        refused.reasons(),
        [UnsuccessfulFaceDeletionReason::AssociatedToAnExistingUser]
    );
    let released = client
        .disassociate_faces()
        .collection_id(collection)
        .user_id("barack")
        .face_ids(face_id(&obama))
        .face_ids(face_id(&biden))
        .face_ids(UNKNOWN_FACE)
        .send()
        .await
        .unwrap();
    assert_eq!(released.disassociated_faces().len(), 1);
    assert_eq!(released.disassociated_faces()[0].face_id(), obama.face_id());
    assert_eq!(released.user_status(), Some(&UserStatus::Updating));
    let reasons: Vec<_> = released
        .unsuccessful_face_disassociations()
        .iter()
        .map(|u| (u.face_id().unwrap(), u.user_id(), u.reasons().to_vec()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                face_id(&biden),
                Some("joe"),
                vec![UnsuccessfulFaceDisassociationReason::AssociatedToADifferentUser]
            ),
            (
                UNKNOWN_FACE,
                None,
                vec![UnsuccessfulFaceDisassociationReason::FaceNotFound]
            ),
        ]
    );
    let deleted = delete(&[face_id(&obama), UNKNOWN_FACE]).await.unwrap();
    assert_eq!(deleted.deleted_faces(), [face_id(&obama).to_owned()]);
    let missing = &deleted.unsuccessful_face_deletions()[0];
    assert_eq!(missing.face_id(), Some(UNKNOWN_FACE));
    assert_eq!(
        missing.reasons(),
        [UnsuccessfulFaceDeletionReason::FaceNotFound]
    );
    let gone = search(None, None).await.unwrap_err().into_service_error();
    assert!(gone.is_invalid_parameter_exception(), "{gone:?}");
    assert_eq!(failure(gone).1, "faceId was not found in the collection.");

    let counts = async || {
        let described = client
            .describe_collection()
            .collection_id(collection)
            .send()
            .await
            .unwrap();
        (
            described.face_count().unwrap(),
            described.user_count().unwrap(),
        )
    };
    assert_eq!(counts().await, (3, 2));

    // Deleting a user releases its faces; the faces stay.
    client
        .delete_user()
        .collection_id(collection)
        .user_id("joe")
        .send()
        .await
        .unwrap();
    let freed = client
        .list_faces()
        .collection_id(collection)
        .face_ids(face_id(&biden))
        .send()
        .await
        .unwrap();
    assert_eq!(freed.faces().len(), 1);
    assert_eq!(freed.faces()[0].user_id(), None);
    assert_eq!(
        users_of().await,
        [("barack".to_owned(), UserStatus::Active)]
    );
    assert_eq!(counts().await, (3, 1));

    let deleted = client
        .delete_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status_code(), Some(200));
    let error = client
        .list_faces()
        .collection_id(collection)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    running.shutdown().await;
}

// ---- Errors, matched by type.

#[tokio::test(flavor = "multi_thread")]
async fn every_modeled_error_matched_by_type() {
    let s3 = TempDir::new("sdk-face-errors");
    let running = server(&s3, None, Quotas::default()).await;
    let client = client(&running);
    let collection = "rust-face-errors";
    client
        .create_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    let grey = || bytes(grey_png(120));

    // ResourceNotFoundException.
    let missing = "rust-no-such-collection";
    let error = client
        .index_faces()
        .collection_id(missing)
        .image(grey())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    assert_eq!(
        failure(error).1,
        format!("The collection id: {missing} does not exist")
    );
    let error = client
        .search_faces()
        .collection_id(missing)
        .face_id(UNKNOWN_FACE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    let error = client
        .delete_user()
        .collection_id(collection)
        .user_id("nobody")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    assert!(failure(error).1.contains("nobody"));
    let error = client
        .associate_faces()
        .collection_id(collection)
        .user_id("nobody")
        .face_ids(UNKNOWN_FACE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    // InvalidParameterException.
    let error = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(grey())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    assert_eq!(failure(error).1, NO_FACES);
    let error = client
        .compare_faces()
        .source_image(grey())
        .target_image(grey())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    assert_eq!(failure(error).1, NO_FACES);
    let error = client
        .search_faces()
        .collection_id(collection)
        .face_id(UNKNOWN_FACE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    assert_eq!(failure(error).1, "faceId was not found in the collection.");
    let error = client
        .search_users()
        .collection_id(collection)
        .user_id("u")
        .face_id(UNKNOWN_FACE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    let error = client
        .detect_faces()
        .image(bytes(grey_png(40)))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    // Stateless detection and indexing answer empty lists for a face-less image.
    let detected = client.detect_faces().image(grey()).send().await.unwrap();
    assert!(detected.face_details().is_empty());
    let indexed = client
        .index_faces()
        .collection_id(collection)
        .image(grey())
        .send()
        .await
        .unwrap();
    assert!(indexed.face_records().is_empty() && indexed.unindexed_faces().is_empty());

    // An image with both Bytes and S3Object.
    let both = Image::builder()
        .bytes(Blob::new(grey_png(120)))
        .s3_object(
            S3Object::builder()
                .bucket("rust-photos")
                .name("a.jpg")
                .build(),
        )
        .build();
    let error = client
        .detect_faces()
        .image(both)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    // InvalidImageFormatException, ImageTooLargeException, InvalidS3ObjectException.
    let error = client
        .detect_faces()
        .image(bytes(b"GIF89a this is not a photo".to_vec()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_image_format_exception(), "{error:?}");
    assert_eq!(failure(error).1, "Request has invalid image format");
    let error = client
        .index_faces()
        .collection_id(collection)
        .image(bytes(huge_png()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_image_too_large_exception(), "{error:?}");
    assert_eq!(
        failure(error).1,
        "Input image dimensions 20000 x 20000 exceed maximum dimension size of 10000 pixels"
    );
    let error = client
        .search_users_by_image()
        .collection_id(collection)
        .image(s3_image("rust-photos", "nothing-here.jpg"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_s3_object_exception(), "{error:?}");
    assert!(
        failure(error)
            .1
            .starts_with("Unable to get object metadata from S3")
    );

    // InvalidPaginationTokenException.
    let error = client
        .list_faces()
        .collection_id(collection)
        .next_token("garbage")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception(), "{error:?}");
    let error = client
        .list_users()
        .collection_id(collection)
        .next_token("garbage")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_pagination_token_exception(), "{error:?}");

    // ConflictException and IdempotentParameterMismatchException; a replay succeeds.
    let create = |user: &str, token: Option<&str>| {
        client
            .create_user()
            .collection_id(collection)
            .user_id(user)
            .set_client_request_token(token.map(str::to_owned))
            .send()
    };
    create("ann", Some("rust-token-1")).await.unwrap();
    create("ann", Some("rust-token-1")).await.unwrap();
    let error = create("ann", None).await.unwrap_err().into_service_error();
    assert!(error.is_conflict_exception(), "{error:?}");
    let error = create("bob", Some("rust-token-1"))
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        error.is_idempotent_parameter_mismatch_exception(),
        "{error:?}"
    );
    assert_eq!(
        failure(error).1,
        "The ClientRequestToken: rust-token-1 you have supplied is already in use."
    );
    let users = client
        .list_users()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    assert_eq!(users.users().len(), 1);
    assert_eq!(users.users()[0].user_id(), Some("ann"));

    // ServiceQuotaExceededException from a server allowing one user per collection.
    let capped_s3 = TempDir::new("sdk-face-quota");
    let capped = server(
        &capped_s3,
        None,
        Quotas {
            max_users_per_collection: Some(1),
            ..Quotas::default()
        },
    )
    .await;
    let capped_client = rekognition_client(&capped.url(), "AKIDTEST", "us-east-1");
    capped_client
        .create_collection()
        .collection_id("capped")
        .send()
        .await
        .unwrap();
    capped_client
        .create_user()
        .collection_id("capped")
        .user_id("only")
        .send()
        .await
        .unwrap();
    let error = capped_client
        .create_user()
        .collection_id("capped")
        .user_id("second")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_service_quota_exceeded_exception(), "{error:?}");
    capped.shutdown().await;
    running.shutdown().await;
}

// ---- Declared results: generated images with declared faces and people.

/// Two generated pictures: `ann` alone in the first (similarity 97.5); `ann` (the file's 99),
/// `bob` and a face too small to index in the second.
fn declared_file(dir: &TempDir, first: &[u8], second: &[u8]) -> PathBuf {
    let text = format!(
        r#"
similarity = 99.0

[[images]]
sha256 = "{}"

[[images.faces]]
person = "ann"
box = {{ left = 0.25, top = 0.2, width = 0.4, height = 0.5 }}
confidence = 99.5
similarity = 97.5

[images.faces.attributes]
age_range = [30, 40]
gender = "Female"
emotions = {{ HAPPY = 90.0, CALM = 8.0 }}
smile = true
eyeglasses = true
pose = {{ roll = 1.5, yaw = -10.0, pitch = 5.0 }}
quality = {{ brightness = 60.0, sharpness = 80.0 }}

[[images]]
sha256 = "{}"

[[images.faces]]
person = "ann"
box = {{ left = 0.1, top = 0.1, width = 0.3, height = 0.35 }}
attributes = {{ quality = {{ brightness = 60.0, sharpness = 80.0 }} }}

[[images.faces]]
person = "bob"
box = {{ left = 0.6, top = 0.5, width = 0.25, height = 0.3 }}
attributes = {{ quality = {{ brightness = 60.0, sharpness = 80.0 }} }}

[[images.faces]]
person = "tiny"
box = {{ left = 0.05, top = 0.8, width = 0.05, height = 0.06 }}
attributes = {{ quality = {{ brightness = 60.0, sharpness = 80.0 }} }}
"#,
        sha256_hex(first),
        sha256_hex(second)
    );
    let path = dir.0.join("declared.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn declared_box(left: f32, top: f32, width: f32, height: f32) -> BoundingBox {
    BoundingBox::builder()
        .left(left)
        .top(top)
        .width(width)
        .height(height)
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn declared_results_come_back_exactly() {
    let s3 = TempDir::new("sdk-faces-declared");
    let first = png(240, 200, |x, y| [x as u8, y as u8, ((x + y) / 2) as u8]);
    let second = png(240, 200, |x, y| [y as u8, 200 - (x % 200) as u8, 90]);
    let declared = declared_file(&s3, &first, &second);
    let running = server(&s3, Some(declared), Quotas::default()).await;
    let client = client(&running);
    let collection = "declared";
    client
        .create_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    let ann_box = declared_box(0.25, 0.2, 0.4, 0.5);
    let ann2_box = declared_box(0.1, 0.1, 0.3, 0.35);
    let bob_box = declared_box(0.6, 0.5, 0.25, 0.3);

    let indexed = client
        .index_faces()
        .collection_id(collection)
        .image(bytes(first.clone()))
        .external_image_id("first")
        .send()
        .await
        .unwrap();
    assert_eq!(indexed.face_records().len(), 1);
    let ann = indexed.face_records()[0].face().unwrap().clone();
    assert_eq!(ann.bounding_box(), Some(&ann_box));
    assert_eq!(ann.confidence(), Some(99.5));

    // The second picture: largest first, the small face left out by the default filter.
    let indexed = client
        .index_faces()
        .collection_id(collection)
        .image(bytes(second.clone()))
        .external_image_id("second")
        .send()
        .await
        .unwrap();
    let boxes: Vec<&BoundingBox> = indexed
        .face_records()
        .iter()
        .map(|r| r.face().unwrap().bounding_box().unwrap())
        .collect();
    assert_eq!(boxes, [&ann2_box, &bob_box]);
    assert_eq!(indexed.unindexed_faces().len(), 1);
    let small = &indexed.unindexed_faces()[0];
    assert_eq!(small.reasons(), [Reason::SmallBoundingBox]);
    assert_eq!(
        small.face_detail().unwrap().bounding_box(),
        Some(&declared_box(0.05, 0.8, 0.05, 0.06))
    );
    let ann2 = indexed.face_records()[0].face().unwrap().clone();
    let bob = indexed.face_records()[1].face().unwrap().clone();

    // The similarity of two faces of one person is the lower of their declarations.
    let searched = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(bytes(second.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(searched.searched_face_bounding_box(), Some(&ann2_box));
    let matches: Vec<(&str, f32)> = searched
        .face_matches()
        .iter()
        .map(|m| (face_id(m.face().unwrap()), m.similarity().unwrap()))
        .collect();
    assert_eq!(matches, [(face_id(&ann2), 99.0), (face_id(&ann), 97.5)]);
    let by_id = client
        .search_faces()
        .collection_id(collection)
        .face_id(face_id(&ann2))
        .send()
        .await
        .unwrap();
    let matches: Vec<(&str, f32)> = by_id
        .face_matches()
        .iter()
        .map(|m| (face_id(m.face().unwrap()), m.similarity().unwrap()))
        .collect();
    assert_eq!(matches, [(face_id(&ann), 97.5)]);
    let bob_matches = client
        .search_faces()
        .collection_id(collection)
        .face_id(face_id(&bob))
        .send()
        .await
        .unwrap();
    assert!(bob_matches.face_matches().is_empty());

    let compared = client
        .compare_faces()
        .source_image(bytes(first.clone()))
        .target_image(bytes(second.clone()))
        .send()
        .await
        .unwrap();
    let source = compared.source_image_face().unwrap();
    assert_eq!(source.bounding_box(), Some(&ann_box));
    assert_eq!(source.confidence(), Some(99.5));
    assert_eq!(compared.face_matches().len(), 1);
    assert_eq!(compared.face_matches()[0].similarity(), Some(97.5));
    assert_eq!(
        compared.face_matches()[0].face().unwrap().bounding_box(),
        Some(&ann2_box)
    );
    let unmatched: Vec<&BoundingBox> = compared
        .unmatched_faces()
        .iter()
        .map(|f| f.bounding_box().unwrap())
        .collect();
    assert_eq!(unmatched, [&bob_box, &declared_box(0.05, 0.8, 0.05, 0.06)]);

    // DetectFaces answers the declared attributes.
    let detected = client
        .detect_faces()
        .image(bytes(first.clone()))
        .attributes(Attribute::All)
        .send()
        .await
        .unwrap();
    let detail = &detected.face_details()[0];
    assert_eq!(detected.face_details().len(), 1);
    assert_eq!(detail.bounding_box(), Some(&ann_box));
    let age = detail.age_range().unwrap();
    assert_eq!((age.low(), age.high()), (Some(30), Some(40)));
    assert_eq!(detail.gender().unwrap().value(), Some(&GenderType::Female));
    let emotions: Vec<(EmotionName, f32)> = detail
        .emotions()
        .iter()
        .take(2)
        .map(|e| (e.r#type().unwrap().clone(), e.confidence().unwrap()))
        .collect();
    assert_eq!(
        emotions,
        [(EmotionName::Happy, 90.0), (EmotionName::Calm, 8.0)]
    );
    assert_eq!(detail.emotions().len(), 8);
    assert!(detail.smile().unwrap().value());
    assert!(detail.eyeglasses().unwrap().value());
    assert!(!detail.sunglasses().unwrap().value());
    let pose = detail.pose().unwrap();
    assert_eq!(
        (pose.roll(), pose.yaw(), pose.pitch()),
        (Some(1.5), Some(-10.0), Some(5.0))
    );
    let quality = detail.quality().unwrap();
    assert_eq!(
        (quality.brightness(), quality.sharpness()),
        (Some(60.0), Some(80.0))
    );

    // Users over declared faces: ann's second face matches her first at 97.5.
    client
        .create_user()
        .collection_id(collection)
        .user_id("ann")
        .send()
        .await
        .unwrap();
    let associated = client
        .associate_faces()
        .collection_id(collection)
        .user_id("ann")
        .face_ids(face_id(&ann))
        .send()
        .await
        .unwrap();
    assert_eq!(associated.associated_faces().len(), 1);
    let refused = client
        .associate_faces()
        .collection_id(collection)
        .user_id("ann")
        .face_ids(face_id(&ann2))
        .face_ids(face_id(&bob))
        .user_match_threshold(98.0)
        .send()
        .await
        .unwrap();
    let reasons: Vec<(&str, Option<f32>)> = refused
        .unsuccessful_face_associations()
        .iter()
        .map(|u| (u.face_id().unwrap(), u.confidence()))
        .collect();
    assert_eq!(
        reasons,
        [(face_id(&ann2), Some(97.5)), (face_id(&bob), Some(0.0))]
    );
    let users = client
        .search_users_by_image()
        .collection_id(collection)
        .image(bytes(second.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(users.user_matches().len(), 1);
    assert_eq!(users.user_matches()[0].similarity(), Some(97.5));
    assert_eq!(
        users.user_matches()[0].user().unwrap().user_id(),
        Some("ann")
    );
    let reasons: Vec<Vec<String>> = users
        .unsearched_faces()
        .iter()
        .map(|f| f.reasons().iter().map(|r| r.as_str().to_owned()).collect())
        .collect();
    assert_eq!(
        reasons,
        [
            vec!["FACE_NOT_LARGEST".to_owned()],
            vec!["FACE_NOT_LARGEST".to_owned()]
        ]
    );

    // A collection deleted and created again under the same id starts empty: no face of the
    // old one is found, counted or listed.
    client
        .delete_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    client
        .create_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    let searched = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(bytes(second.clone()))
        .send()
        .await
        .unwrap();
    assert!(searched.face_matches().is_empty(), "{searched:?}");
    let again = client
        .index_faces()
        .collection_id(collection)
        .image(bytes(first))
        .send()
        .await
        .unwrap();
    let renewed = face_id(again.face_records()[0].face().unwrap()).to_owned();
    let searched = client
        .search_faces_by_image()
        .collection_id(collection)
        .image(bytes(second))
        .send()
        .await
        .unwrap();
    let matches: Vec<(&str, f32)> = searched
        .face_matches()
        .iter()
        .map(|m| (face_id(m.face().unwrap()), m.similarity().unwrap()))
        .collect();
    assert_eq!(matches, [(renewed.as_str(), 97.5)]);
    let described = client
        .describe_collection()
        .collection_id(collection)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (described.face_count(), described.user_count()),
        (Some(1), Some(0))
    );
    let error = client
        .search_users()
        .collection_id(collection)
        .user_id("ann")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn face_quotas_with_declared_faces() {
    let s3 = TempDir::new("sdk-faces-quotas");
    let first = png(240, 200, |x, y| [x as u8, 255 - y as u8, 40]);
    let second = png(240, 200, |x, y| [(x ^ y) as u8, 30, y as u8]);
    let declared = declared_file(&s3, &first, &second);
    let running = server(
        &s3,
        Some(declared),
        Quotas {
            max_faces_per_collection: Some(2),
            max_faces_per_user: Some(1),
            ..Quotas::default()
        },
    )
    .await;
    let client = client(&running);
    client
        .create_collection()
        .collection_id("small")
        .send()
        .await
        .unwrap();
    let indexed = client
        .index_faces()
        .collection_id("small")
        .image(bytes(second))
        .quality_filter(QualityFilter::Auto)
        .send()
        .await
        .unwrap();
    assert_eq!(indexed.face_records().len(), 2);
    let error = client
        .index_faces()
        .collection_id("small")
        .image(bytes(first))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_service_quota_exceeded_exception(), "{error:?}");
    let described = client
        .describe_collection()
        .collection_id("small")
        .send()
        .await
        .unwrap();
    assert_eq!(described.face_count(), Some(2));

    // One face per user: a second is refused whole.
    client
        .create_user()
        .collection_id("small")
        .user_id("u")
        .send()
        .await
        .unwrap();
    let faces: Vec<String> = indexed
        .face_records()
        .iter()
        .map(|r| face_id(r.face().unwrap()).to_owned())
        .collect();
    let error = client
        .associate_faces()
        .collection_id("small")
        .user_id("u")
        .set_face_ids(Some(faces.clone()))
        .user_match_threshold(0.0)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_service_quota_exceeded_exception(), "{error:?}");
    let listed = client
        .list_faces()
        .collection_id("small")
        .user_id("u")
        .send()
        .await
        .unwrap();
    assert!(listed.faces().is_empty());
    let one = client
        .associate_faces()
        .collection_id("small")
        .user_id("u")
        .face_ids(&faces[0])
        .send()
        .await
        .unwrap();
    assert_eq!(one.associated_faces().len(), 1);
    running.shutdown().await;
}
