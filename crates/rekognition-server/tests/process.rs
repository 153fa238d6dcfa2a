//! The server binary as a process: killed with SIGKILL under concurrent create/delete load it
//! loses no acknowledged write and keeps nothing half-written; sent SIGTERM during slow requests
//! it lets them finish before it exits.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A fresh folder under the target directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the server on a free port with its store in `data`; returns it and its address.
fn spawn_server(data: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rekognition-server"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let banner = lines.next().unwrap().unwrap();
    let url = banner
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {banner:?}"));
    let address = url.trim_start_matches("http://").parse().unwrap();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// One request on its own connection; the status, or `None` if no full answer came.
async fn call(address: SocketAddr, operation: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).await.ok()?;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: RekognitionService.{operation}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let response = String::from_utf8(response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    Some((status, body.to_owned()))
}

/// Every collection id in the default account and region, following pagination.
async fn all_collections(address: SocketAddr) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let body = match &token {
            Some(token) => serde_json::json!({ "NextToken": token, "MaxResults": 500 }),
            None => serde_json::json!({ "MaxResults": 500 }),
        };
        let (status, text) = call(address, "ListCollections", &body.to_string())
            .await
            .unwrap();
        assert_eq!(status, 200, "{text}");
        let page: serde_json::Value = serde_json::from_str(&text).unwrap();
        for id in page["CollectionIds"].as_array().unwrap() {
            ids.push(id.as_str().unwrap().to_owned());
        }
        match page["NextToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return ids,
        }
    }
}

/// What a client was told about one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// The create was acknowledged (and no delete was).
    Created,
    /// The delete was acknowledged.
    Deleted,
    /// A call about it got no answer: either outcome is allowed.
    Unknown,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_under_load_loses_no_acknowledged_write() {
    let data = temp_dir("crash");
    let (mut child, address) = spawn_server(&data);
    let known: Arc<Mutex<BTreeMap<String, Known>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..8 {
        let known = Arc::clone(&known);
        let stop = Arc::clone(&stop);
        workers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let id = format!("w{worker}-{i}");
                known.lock().unwrap().insert(id.clone(), Known::Unknown);
                let body = format!(
                    r#"{{"CollectionId":"{id}","Tags":{{"worker":"{worker}","n":"{i}"}}}}"#
                );
                match call(address, "CreateCollection", &body).await {
                    Some((200, _)) => {
                        known.lock().unwrap().insert(id.clone(), Known::Created);
                    }
                    Some((status, text)) => panic!("create {id}: {status} {text}"),
                    None => {}
                }
                // Delete every third collection made so far.
                if i % 3 == 2 {
                    let victim = format!("w{worker}-{}", i - 1);
                    if known.lock().unwrap().get(&victim) == Some(&Known::Created) {
                        known.lock().unwrap().insert(victim.clone(), Known::Unknown);
                        let body = format!(r#"{{"CollectionId":"{victim}"}}"#);
                        match call(address, "DeleteCollection", &body).await {
                            Some((200, _)) => {
                                known.lock().unwrap().insert(victim, Known::Deleted);
                            }
                            Some((status, text)) => panic!("delete {victim}: {status} {text}"),
                            None => {}
                        }
                    }
                }
                i += 1;
            }
        }));
    }
    // Let the load run, then kill the server in the middle of it.
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let known = known.lock().unwrap().clone();
    let acknowledged = known.values().filter(|k| **k != Known::Unknown).count();
    eprintln!(
        "{acknowledged} writes acknowledged before SIGKILL, {} in flight",
        known.len() - acknowledged
    );
    assert!(
        acknowledged > 50,
        "only {acknowledged} writes were acknowledged before the kill"
    );

    // The store file is sound, and every collection has all of its tags.
    {
        let connection = rusqlite::Connection::open(data.join("rekognition.sqlite3")).unwrap();
        let check: String = connection
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let half_written: i64 = connection
            .query_row(
                "SELECT COUNT(*) FROM collections c WHERE (SELECT COUNT(*) FROM tags t WHERE t.arn = c.arn) != 2",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(half_written, 0, "collections without all their tags");
        let orphans: i64 = connection
            .query_row(
                "SELECT COUNT(*) FROM tags t WHERE NOT EXISTS (SELECT 1 FROM collections c WHERE c.arn = t.arn)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0, "tags of collections that are gone");
    }

    let (mut child, address) = spawn_server(&data);
    let present: std::collections::BTreeSet<String> =
        all_collections(address).await.into_iter().collect();
    for (id, state) in &known {
        match state {
            Known::Created => assert!(present.contains(id), "acknowledged create of {id} was lost"),
            Known::Deleted => assert!(
                !present.contains(id),
                "acknowledged delete of {id} was lost"
            ),
            Known::Unknown => {}
        }
    }
    for id in &present {
        assert!(known.contains_key(id), "{id} was never created");
    }
    signal(&child, "TERM");
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_slow_requests_finish() {
    let data = temp_dir("graceful");
    let (mut child, address) = spawn_server(&data);
    // Two requests whose bodies arrive slowly: half now, the rest after the signal.
    let mut slow = Vec::new();
    for id in ["slow-a", "slow-b"] {
        let body = format!(r#"{{"CollectionId":"{id}"}}"#);
        let mut stream = TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
             X-Amz-Target: RekognitionService.CreateCollection\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(first.as_bytes()).await.unwrap();
        slow.push((stream, rest.to_owned()));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    signal(&child, "TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The listener is closed: no new request is served.
    let refused = call(address, "ListCollections", "{}").await;
    assert!(
        refused.is_none(),
        "served a new request after SIGTERM: {refused:?}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited with requests in flight"
    );
    for (mut stream, rest) in slow {
        stream.write_all(rest.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        let response = String::from_utf8_lossy(&response);
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "did not exit after its requests finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
    // What the slow requests wrote is there after a restart.
    let (mut child, address) = spawn_server(&data);
    assert_eq!(all_collections(address).await, ["slow-a", "slow-b"]);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data);
}
