//! Why this crate writes its own codec: decodes one representative rpcv2Cbor request (ten
//! members: strings, integers, a double, a boolean, a timestamp, a 1 KiB blob, a list of five
//! strings and a list of 100 small structures) into typed Rust values three ways, and times
//! them:
//!
//! - `smithy-cbor`: this crate's [`Decoder`], driven by a hand-written reader of the shape a
//!   generator will emit (duplicate check, null as absent, unknown members skipped);
//! - `ciborium`: serde derive into the same types, as a crate user would;
//! - `minicbor`: minicbor's own pull decoder, driven by the same kind of hand-written reader.
//!
//! Structures are written as indefinite-length maps, as smithy-rs clients write them. Also
//! times encoding the same value with [`Encoder`] and with ciborium's serde serializer. Run:
//! `cargo run --release -p smithy-cbor --example decode_bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use minicbor::data::Type;
use serde::{Deserialize, Deserializer, Serialize};
use smithy_cbor::{Decoder, Encoder, Error, SeenMembers};

#[derive(Debug, Default, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    score: f32,
    size: i64,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    name: String,
    description: Option<String>,
    count: Option<i32>,
    limit: Option<i64>,
    ratio: Option<f64>,
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "timestamp_millis")]
    created: Option<i64>,
    #[serde(default, deserialize_with = "blob")]
    payload: Option<Vec<u8>>,
    tags: Option<Vec<String>>,
    items: Option<Vec<Item>>,
}

fn sample() -> Request {
    Request {
        name: "collection-benchmark-0001".into(),
        description: Some("A representative request body with a bit of everything.".into()),
        count: Some(42),
        limit: Some(1 << 40),
        ratio: Some(0.731_2),
        enabled: Some(true),
        created: Some(1_714_000_000_123),
        payload: Some((0..1024u32).map(|i| (i * 31 % 251) as u8).collect()),
        tags: Some((0..5).map(|i| format!("tag-{i}")).collect()),
        items: Some(
            (0..100)
                .map(|i| Item {
                    id: format!("item-{i:04}"),
                    score: i as f32 / 8.0,
                    size: i * 1000,
                })
                .collect(),
        ),
    }
}

/// The body as a server receives it from a smithy-rs client: structures as indefinite maps.
fn encode(request: &Request, out: &mut Vec<u8>) {
    let mut e = Encoder::new(out);
    e.begin_map().str("name").str(&request.name);
    if let Some(description) = &request.description {
        e.str("description").str(description);
    }
    e.str("count").i64(i64::from(request.count.unwrap_or(0)));
    e.str("limit").i64(request.limit.unwrap_or(0));
    e.str("ratio").f64(request.ratio.unwrap_or(0.0));
    e.str("enabled").bool(request.enabled.unwrap_or(false));
    e.str("created")
        .timestamp_millis(request.created.unwrap_or(0));
    e.str("payload")
        .bytes(request.payload.as_deref().unwrap_or_default());
    let tags = request.tags.as_deref().unwrap_or_default();
    e.str("tags").array(tags.len());
    for tag in tags {
        e.str(tag);
    }
    let items = request.items.as_deref().unwrap_or_default();
    e.str("items").array(items.len());
    for item in items {
        e.begin_map()
            .str("id")
            .str(&item.id)
            .str("score")
            .f32(item.score);
        e.str("size").i64(item.size).end();
    }
    e.end();
}

// ---- smithy-cbor: the shape of a generated reader ----

fn read_request(d: &mut Decoder<'_>) -> Result<Request, Error> {
    let mut r = Request::default();
    let mut seen = SeenMembers::<1>::new();
    let mut map = d.map()?;
    while d.has_next(&mut map)? {
        let at = d.position();
        let key = d.str()?;
        let index = match &*key {
            "name" => 0,
            "description" => 1,
            "count" => 2,
            "limit" => 3,
            "ratio" => 4,
            "enabled" => 5,
            "created" => 6,
            "payload" => 7,
            "tags" => 8,
            "items" => 9,
            _ => {
                d.skip()?;
                continue;
            }
        };
        seen.insert(index, at)?;
        if d.try_null()? {
            continue;
        }
        match index {
            0 => r.name = d.str()?.into_owned(),
            1 => r.description = Some(d.str()?.into_owned()),
            2 => r.count = Some(d.i32()?),
            3 => r.limit = Some(d.i64()?),
            4 => r.ratio = Some(d.f64()?),
            5 => r.enabled = Some(d.bool()?),
            6 => r.created = d.timestamp()?.to_millis(),
            7 => r.payload = Some(d.bytes()?.into_owned()),
            8 => {
                let mut list = d.array()?;
                let mut tags = Vec::with_capacity(list.capacity_for::<String>());
                while d.has_next(&mut list)? {
                    tags.push(d.str()?.into_owned());
                }
                r.tags = Some(tags);
            }
            _ => {
                let mut list = d.array()?;
                let mut items = Vec::with_capacity(list.capacity_for::<Item>());
                while d.has_next(&mut list)? {
                    items.push(read_item(d)?);
                }
                r.items = Some(items);
            }
        }
    }
    Ok(r)
}

fn read_item(d: &mut Decoder<'_>) -> Result<Item, Error> {
    let mut item = Item::default();
    let mut seen = SeenMembers::<1>::new();
    let mut map = d.map()?;
    while d.has_next(&mut map)? {
        let at = d.position();
        let key = d.str()?;
        let index = match &*key {
            "id" => 0,
            "score" => 1,
            "size" => 2,
            _ => {
                d.skip()?;
                continue;
            }
        };
        seen.insert(index, at)?;
        if d.try_null()? {
            continue;
        }
        match index {
            0 => item.id = d.str()?.into_owned(),
            1 => item.score = d.f32()?,
            _ => item.size = d.i64()?,
        }
    }
    Ok(item)
}

fn smithy_cbor(body: &[u8]) -> Request {
    let mut d = Decoder::new(body);
    let request = read_request(&mut d).unwrap();
    d.finish().unwrap();
    request
}

// ---- ciborium: serde ----

fn timestamp_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let seconds = ciborium::tag::Required::<f64, 1>::deserialize(d)?.0;
    Ok(Some((seconds * 1000.0).round() as i64))
}

fn blob<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
    struct Bytes;
    impl serde::de::Visitor<'_> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a byte string")
        }
        fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
            Ok(bytes.to_vec())
        }
        fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(bytes)
        }
    }
    d.deserialize_byte_buf(Bytes).map(Some)
}

fn ciborium(body: &[u8]) -> Request {
    ciborium::from_reader(body).unwrap()
}

// ---- minicbor: its pull decoder, by hand ----

type MiniResult<T> = Result<T, minicbor::decode::Error>;

/// Calls `each` for every element (or key-value pair) of a container of length `len`.
fn mini_each(
    d: &mut minicbor::Decoder<'_>,
    len: Option<u64>,
    mut each: impl FnMut(&mut minicbor::Decoder<'_>) -> MiniResult<()>,
) -> MiniResult<()> {
    match len {
        Some(n) => (0..n).try_for_each(|_| each(d)),
        None => {
            while d.datatype()? != Type::Break {
                each(d)?;
            }
            d.set_position(d.position() + 1);
            Ok(())
        }
    }
}

fn mini_request(d: &mut minicbor::Decoder<'_>) -> MiniResult<Request> {
    let mut r = Request::default();
    let len = d.map()?;
    mini_each(d, len, |d| {
        match d.str()? {
            "name" => r.name = d.str()?.to_owned(),
            "description" => r.description = Some(d.str()?.to_owned()),
            "count" => r.count = Some(d.i32()?),
            "limit" => r.limit = Some(d.i64()?),
            "ratio" => r.ratio = Some(d.f64()?),
            "enabled" => r.enabled = Some(d.bool()?),
            "created" => {
                d.tag()?;
                r.created = Some((d.f64()? * 1000.0).round() as i64);
            }
            "payload" => r.payload = Some(d.bytes()?.to_vec()),
            "tags" => {
                let mut tags = Vec::new();
                let len = d.array()?;
                mini_each(d, len, |d| d.str().map(|tag| tags.push(tag.to_owned())))?;
                r.tags = Some(tags);
            }
            "items" => {
                let mut items = Vec::new();
                let len = d.array()?;
                mini_each(d, len, |d| mini_item(d).map(|item| items.push(item)))?;
                r.items = Some(items);
            }
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(r)
}

fn mini_item(d: &mut minicbor::Decoder<'_>) -> MiniResult<Item> {
    let mut item = Item::default();
    let len = d.map()?;
    mini_each(d, len, |d| {
        match d.str()? {
            "id" => item.id = d.str()?.to_owned(),
            "score" => item.score = d.f32()?,
            "size" => item.size = d.i64()?,
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(item)
}

fn minicbor(body: &[u8]) -> Request {
    mini_request(&mut minicbor::Decoder::new(body)).unwrap()
}

/// A way to decode the request.
type Decode = fn(&[u8]) -> Request;

/// Nanoseconds per call of each of `runs`: the best of 25 rounds of 200 ms each, the runs
/// taking turns within every round so that load from elsewhere on the machine falls on all of
/// them alike.
fn time(runs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let mut best = vec![f64::INFINITY; runs.len()];
    for _ in 0..25 {
        for (run, best) in runs.iter_mut().zip(&mut best) {
            let start = Instant::now();
            let mut calls = 0u32;
            while start.elapsed() < Duration::from_millis(200) {
                for _ in 0..20 {
                    run();
                }
                calls += 20;
            }
            *best = best.min(start.elapsed().as_nanos() as f64 / f64::from(calls));
        }
    }
    best
}

fn main() {
    let request = sample();
    let mut body = Vec::new();
    encode(&request, &mut body);
    let decoders: [(&str, Decode); 3] = [
        ("smithy-cbor", smithy_cbor),
        ("ciborium (serde)", ciborium),
        ("minicbor", minicbor),
    ];
    for (name, decode) in decoders {
        assert_eq!(decode(&body), request, "{name} reads the request");
    }
    let [mut a, mut b, mut c] = decoders.map(|(_, decode)| {
        let body = &body;
        move || drop(black_box(decode(black_box(body))))
    });
    let decoding = time(&mut [&mut a, &mut b, &mut c]);
    println!(
        "decoding one {}-byte request into typed structs (best of 25 rounds):",
        body.len()
    );
    for ((name, _), ns) in decoders.iter().zip(decoding) {
        let mb_s = body.len() as f64 / ns * 1000.0;
        println!("  {name:<18} {ns:>9.0} ns/op  {mb_s:>6.0} MB/s");
    }
    let serializable = SerdeRequest::from(&request);
    let (mut ours, mut theirs) = (
        Vec::with_capacity(body.len()),
        Vec::with_capacity(body.len()),
    );
    let encoding = time(&mut [
        &mut || {
            ours.clear();
            encode(black_box(&request), &mut ours);
            black_box(&ours);
        },
        &mut || {
            theirs.clear();
            ciborium::into_writer(black_box(&serializable), &mut theirs).unwrap();
            black_box(&theirs);
        },
    ]);
    println!("encoding it:");
    println!("  {:<18} {:>9.0} ns/op", "smithy-cbor", encoding[0]);
    let note = "(definite-length maps, shortest floats)";
    println!(
        "  {:<18} {:>9.0} ns/op  {note}",
        "ciborium (serde)", encoding[1]
    );
}

/// The request as serde writes it: the blob as a byte string, the timestamp under tag 1.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SerdeRequest<'a> {
    name: &'a str,
    description: Option<&'a str>,
    count: Option<i32>,
    limit: Option<i64>,
    ratio: Option<f64>,
    enabled: Option<bool>,
    created: ciborium::tag::Required<f64, 1>,
    payload: ciborium::value::Value,
    tags: Option<&'a [String]>,
    items: Option<&'a [Item]>,
}

impl<'a> From<&'a Request> for SerdeRequest<'a> {
    fn from(r: &'a Request) -> Self {
        Self {
            name: &r.name,
            description: r.description.as_deref(),
            count: r.count,
            limit: r.limit,
            ratio: r.ratio,
            enabled: r.enabled,
            created: ciborium::tag::Required(r.created.unwrap_or(0) as f64 / 1000.0),
            payload: ciborium::value::Value::Bytes(r.payload.clone().unwrap_or_default()),
            tags: r.tags.as_deref(),
            items: r.items.as_deref(),
        }
    }
}
