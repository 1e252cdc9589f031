//! [`S3Blobs`]: the [`BlobStore`] for replicas, in an S3-compatible bucket (`--blobs s3://bucket`).
//!
//! Bundles are immutable and named by their sha256, so replicas need no coordination: a put of a
//! key that exists is skipped, and any replica can serve any bundle. Built on the `object_store`
//! crate (AWS S3, MinIO, Ceph RGW, Cloudflare R2, moto, … — anything that speaks the S3 API).
//! Like the PostgreSQL store it drives its own one-worker tokio runtime behind the synchronous
//! trait.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, RetryConfig};

use super::{is_sha256_hex, BlobStore};
use crate::error::{Error, Result};

/// Retries of a failed S3 request before the error reaches the publisher or downloader: 3.
pub const DEFAULT_S3_RETRIES: usize = 3;

/// Total time a request and its retries may take: 20 s (object_store's own default is 3 min,
/// far longer than any client waits).
pub const DEFAULT_S3_RETRY_TIMEOUT: Duration = Duration::from_secs(20);

/// [`BlobStore`] in an S3-compatible bucket, keys `<prefix>/<sha256 hex>`.
pub struct S3Blobs {
    location: String,
    prefix: String,
    store: Arc<dyn ObjectStore>,
    rt: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for S3Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Blobs").field("location", &self.location).finish()
    }
}

impl Drop for S3Blobs {
    fn drop(&mut self) {
        // See `PgMeta`'s drop: never block while dropping, the server drops its state in async code.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl S3Blobs {
    /// Uses the bucket of `url` (`s3://bucket[/prefix]`). Endpoint, region and credentials come
    /// from the `AWS_*` environment variables, then from `options`, which win. Options are
    /// object_store's S3 config keys: `aws_endpoint` (for example `http://127.0.0.1:9000`),
    /// `aws_region`, `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`,
    /// `aws_allow_http` (`true` for a plain-http endpoint), `aws_virtual_hosted_style_request`, ….
    /// Nothing is contacted until the first put or get.
    ///
    /// # Errors
    /// [`Error::StorageUrl`] for a URL without a bucket or an unknown option key;
    /// [`Error::BlobStore`] when the client cannot be built (a missing region with no endpoint, …).
    pub fn open(url: &str, options: &[(String, String)]) -> Result<S3Blobs> {
        let parsed = url::Url::parse(url).map_err(|e| Error::StorageUrl { url: url.to_string(), rule: format!("not a url: {e}") })?;
        let bucket = parsed.host_str().filter(|b| !b.is_empty()).ok_or_else(|| Error::StorageUrl {
            url: url.to_string(),
            rule: "s3 storage needs a bucket: s3://bucket[/prefix]".into(),
        })?;
        let prefix = parsed.path().trim_matches('/').to_string();
        let location = if prefix.is_empty() { format!("s3://{bucket}") } else { format!("s3://{bucket}/{prefix}") };
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket).with_retry(RetryConfig {
            max_retries: DEFAULT_S3_RETRIES,
            retry_timeout: DEFAULT_S3_RETRY_TIMEOUT,
            ..RetryConfig::default()
        });
        for (key, value) in options {
            let key = AmazonS3ConfigKey::from_str(key).map_err(|_| Error::StorageUrl {
                url: location.clone(),
                rule: format!("unknown s3 option {key:?} (expected object_store's aws_* keys such as aws_endpoint, aws_region, aws_access_key_id, aws_secret_access_key, aws_allow_http)"),
            })?;
            builder = builder.with_config(key, value);
        }
        let store = builder.build().map_err(|e| Error::BlobStore { location: location.clone(), reason: e.to_string() })?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("miniapp-cloud-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::BlobStore { location: location.clone(), reason: format!("starting its runtime: {e}") })?;
        tracing::info!(%location, "bundles in object storage");
        Ok(S3Blobs { location, prefix, store: Arc::new(store), rt: Some(rt) })
    }

    /// `s3://bucket[/prefix]`.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn key(&self, hex: &str) -> Result<ObjectPath> {
        if !is_sha256_hex(hex) {
            return Err(Error::BlobStore { location: self.location.clone(), reason: format!("key {hex:?} is not a sha256 hex digest") });
        }
        Ok(if self.prefix.is_empty() { ObjectPath::from(hex) } else { ObjectPath::from(format!("{}/{hex}", self.prefix)) })
    }

    fn block_on<T>(&self, fut: impl std::future::Future<Output = T>) -> T {
        self.rt.as_ref().expect("the runtime lives until drop").block_on(fut)
    }

    fn err(&self, what: &str, key: &ObjectPath, e: object_store::Error) -> Error {
        Error::BlobStore { location: self.location.clone(), reason: format!("{what} {key}: {e}") }
    }
}

impl BlobStore for S3Blobs {
    fn put(&self, hex: &str, bytes: &[u8]) -> Result<()> {
        let key = self.key(hex)?;
        let store = self.store.clone();
        let payload = PutPayload::from(bytes.to_vec());
        self.block_on(async {
            match store.head(&key).await {
                Ok(_) => return Ok(()),
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(self.err("checking", &key, e)),
            }
            store.put(&key, payload).await.map(|_| ()).map_err(|e| self.err("writing", &key, e))
        })
    }

    fn get(&self, hex: &str) -> Result<Option<Vec<u8>>> {
        let key = self.key(hex)?;
        let store = self.store.clone();
        self.block_on(async {
            match store.get(&key).await {
                Ok(found) => found.bytes().await.map(|b| Some(b.to_vec())).map_err(|e| self.err("reading", &key, e)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(self.err("reading", &key, e)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(endpoint: &str) -> Vec<(String, String)> {
        [
            ("aws_endpoint", endpoint),
            ("aws_allow_http", "true"),
            ("aws_region", "us-east-1"),
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn bucket_and_prefix_come_from_the_url_and_bad_options_are_named() {
        let s = S3Blobs::open("s3://bundles/prod/v1/", &opts("http://127.0.0.1:1")).unwrap();
        assert_eq!(s.location(), "s3://bundles/prod/v1");
        assert_eq!(s.key(&"a".repeat(64)).unwrap().as_ref(), format!("prod/v1/{}", "a".repeat(64)));
        assert!(s.key("../etc/passwd").is_err());
        let e = S3Blobs::open("s3:///nobucket", &[]).unwrap_err();
        assert!(e.to_string().contains("s3 storage needs a bucket"), "{e}");
        let e = S3Blobs::open("s3://b", &[("aws_endpiont".into(), "x".into())]).unwrap_err();
        assert!(e.to_string().contains("unknown s3 option \"aws_endpiont\""), "{e}");
    }

    #[test]
    fn unreachable_endpoint_is_an_error_naming_the_bucket_not_a_hang() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = S3Blobs::open("s3://bundles", &opts(&format!("http://127.0.0.1:{port}"))).unwrap();
        let started = std::time::Instant::now();
        let e = s.get(&"a".repeat(64)).unwrap_err();
        assert!(e.to_string().starts_with("bundle store s3://bundles: reading "), "{e}");
        assert!(started.elapsed() < DEFAULT_S3_RETRY_TIMEOUT + Duration::from_secs(5));
    }
}
