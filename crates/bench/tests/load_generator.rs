//! The load generator counts what it claims: against the ceiling server every request is
//! answered and measured; against the reference server (in memory) create+delete pairs leave
//! nothing behind and `fill` creates exactly what it reports.

use std::time::Duration;

use bench::load::{self, Timing, Workload};

#[tokio::test(flavor = "multi_thread")]
async fn measures_the_ceiling() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(bench::ceiling::run(
        listener,
        bytes::Bytes::from_static(b"{}"),
    ));
    let timing = Timing {
        warmup: Duration::from_millis(50),
        measure: Duration::from_millis(300),
    };
    let request = load::request(address, "ListCollections", "{}");
    let measured = load::run(address, 4, &Workload::Fixed(request), timing, "t")
        .await
        .unwrap();
    assert!(measured.requests > 10, "{measured:?}");
    assert_eq!(measured.errors, 0);
    assert_eq!(measured.latency.len(), measured.requests);
    assert!(measured.percentile_ms(50.0) > 0.0);
    assert!(measured.percentile_ms(99.0) >= measured.percentile_ms(50.0));
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_writes_against_the_reference_server() {
    let s3 = std::env::temp_dir().join(format!("bench-s3-{}", std::process::id()));
    let running = rekognition_server::start(rekognition_server::Config::in_memory(s3))
        .await
        .unwrap();
    let timing = Timing {
        warmup: Duration::ZERO,
        measure: Duration::from_millis(300),
    };
    let measured = load::run(running.address, 3, &Workload::CreateDelete, timing, "pair")
        .await
        .unwrap();
    assert!(
        measured.requests > 10 && measured.errors == 0,
        "{measured:?}"
    );
    let created = load::fill(running.address, 4, 50, "filled").await.unwrap();
    assert_eq!(created, 52, "50 rounded up to whole connections");
    let listed = running
        .store
        .list_collections(
            &rekognition_server::store::Scope {
                account: "123456789012".into(),
                region: "us-east-1".into(),
            },
            None,
            1000,
        )
        .unwrap();
    assert_eq!(
        listed.len(),
        52,
        "create+delete pairs left collections behind"
    );
    running.shutdown().await;
}
