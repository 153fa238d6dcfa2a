//! Shared helpers for the end-to-end tests: a blocking executor for in-memory dispatch, and a
//! reference server with an AWS SDK client pointed at it.

use std::future::Future;
use std::path::PathBuf;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future that never waits on I/O (the generated dispatch over an in-memory service) to
/// completion on the current thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// A fresh, empty folder under the target directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `target/test-tmp/<name>-<pid>-<n>`.
    pub fn new(name: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../target/test-tmp")
            .join(format!(
                "{name}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An `aws-sdk-rekognition` client for `endpoint`, signing with `access_key` for `region`, over
/// plain HTTP.
pub fn rekognition_client(
    endpoint: &str,
    access_key: &str,
    region: &str,
) -> aws_sdk_rekognition::Client {
    let credentials =
        aws_credential_types::Credentials::new(access_key, "secret", None, None, "tests");
    let config = aws_sdk_rekognition::Config::builder()
        .behavior_version(aws_sdk_rekognition::config::BehaviorVersion::latest())
        .region(aws_sdk_rekognition::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_rekognition::Client::from_conf(config)
}
