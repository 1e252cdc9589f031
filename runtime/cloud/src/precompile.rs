//! Logic compiled before the user asks: at publish the cloud compiles an app's `logic.wasm` for
//! each engine it supports ([`Precompile`], supplied by whoever runs the cloud: the `miniapp`
//! binary passes its own sandbox), stores the artifact beside the bundles and signs (component
//! digest, engine fingerprint, artifact digest) with the platform key. Hosts with that engine
//! download the artifact with the bundle and load it instead of compiling
//! ([`crate::CloudClient::artifact`]); `docs/bundle-format.md` has the format.

use std::sync::Arc;

use miniapp_bundle::artifact::{sha256_digest, sign_artifact, ArtifactClaim};
use miniapp_bundle::SigningKey;

use crate::api::ArtifactInfo;
use crate::store::{BlobStore, MetaStore};

/// The largest artifact a cloud stores or a host downloads: 64 MiB (a compiled 2 MiB component
/// is a few MiB of native code).
pub const MAX_ARTIFACT_BYTES: u64 = 64 << 20;

/// Compiles components ahead of time for one engine.
pub trait Precompile: Send + Sync + 'static {
    /// The engine fingerprint the output is for (a host loads only artifacts for its own).
    fn engine(&self) -> String;
    /// The compiled artifact of `component`, or why it cannot be compiled.
    fn precompile(&self, component: &[u8]) -> std::result::Result<Vec<u8>, String>;
}

/// The precompilers a cloud runs at publish, one per engine it supports.
pub type Precompilers = Vec<Arc<dyn Precompile>>;

/// Compiles `component` (the logic of bundle `bundle_digest`) with every precompiler, stores and
/// signs each artifact, and records it. A failure leaves that engine without an artifact (hosts
/// compile locally then) and is returned as a warning: publishing never fails for it.
pub(crate) fn precompile_all(
    precompilers: &[Arc<dyn Precompile>],
    platform: &SigningKey,
    meta: &dyn MetaStore,
    blobs: &dyn BlobStore,
    bundle_digest: &str,
    component: &[u8],
) -> Vec<String> {
    let component_digest = sha256_digest(component);
    let mut warnings = Vec::new();
    for p in precompilers {
        let engine = p.engine();
        let started = std::time::Instant::now();
        let outcome = (|| -> std::result::Result<ArtifactInfo, String> {
            let artifact = p.precompile(component)?;
            if artifact.len() as u64 > MAX_ARTIFACT_BYTES {
                return Err(format!("the artifact is {} bytes, over the {MAX_ARTIFACT_BYTES}-byte limit", artifact.len()));
            }
            let digest = sha256_digest(&artifact);
            let claim = ArtifactClaim { component_digest: &component_digest, engine: &engine, artifact_digest: &digest };
            let signature = sign_artifact(platform, &claim).map_err(|e| e.to_string())?;
            blobs.put(digest.trim_start_matches("sha256:"), &artifact).map_err(|e| e.to_string())?;
            let info = ArtifactInfo { engine: engine.clone(), component_digest: component_digest.clone(), digest, size: artifact.len() as u64, signature };
            meta.insert_artifact(bundle_digest, &info).map_err(|e| e.to_string())?;
            Ok(info)
        })();
        match outcome {
            Ok(info) => tracing::info!(%engine, digest = %info.digest, size = info.size, ms = started.elapsed().as_secs_f64() * 1e3, "precompiled"),
            Err(reason) => {
                tracing::warn!(%engine, %reason, "precompiling failed; hosts with this engine compile locally");
                warnings.push(format!("precompiling for {engine} failed: {reason}"));
            }
        }
    }
    warnings
}
