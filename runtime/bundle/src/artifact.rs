//! Precompiled logic: the platform's signature over a compiled artifact.
//!
//! At publish the cloud compiles an app's `logic.wasm` for the engines it supports and signs, per
//! engine, the triple (component digest, engine fingerprint, artifact digest) with the platform
//! key. A host whose engine has that fingerprint downloads the artifact with the bundle and loads
//! it instead of compiling, but only after [`verify_artifact`] succeeds with the platform key it
//! pinned and the two digests it computed itself: a compiled artifact is native code, so it is
//! trusted only as far as that signature reaches. Anything else (a bad signature, another
//! engine, a digest mismatch) means compiling locally.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::signature::{SigningKey, VerifyingKey};

const ARTIFACT_CONTEXT: &[u8] = b"miniapp precompiled artifact platform signature v1\n";

/// The longest engine fingerprint accepted, in bytes.
pub const MAX_ENGINE_FINGERPRINT: usize = 200;

/// What the platform signs for one compiled artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArtifactClaim<'a> {
    /// `sha256:<hex>` of the component the artifact was compiled from (the bundle's `logic.wasm`).
    pub component_digest: &'a str,
    /// The engine the artifact is for: runtime version, settings and target (see the sandbox's
    /// `Sandbox::engine_fingerprint`).
    pub engine: &'a str,
    /// `sha256:<hex>` of the artifact's bytes.
    pub artifact_digest: &'a str,
}

impl ArtifactClaim<'_> {
    fn message(&self) -> Result<Vec<u8>> {
        check_digest("component digest", self.component_digest)?;
        check_digest("artifact digest", self.artifact_digest)?;
        check_engine(self.engine)?;
        Ok([ARTIFACT_CONTEXT, self.component_digest.as_bytes(), b"\n", self.engine.as_bytes(), b"\n", self.artifact_digest.as_bytes(), b"\n"].concat())
    }
}

/// `sha256:<hex>` of `bytes`, the form [`ArtifactClaim`] digests take.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn check_digest(what: &'static str, digest: &str) -> Result<()> {
    let ok = digest
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    if ok {
        Ok(())
    } else {
        Err(Error::BadArtifact { reason: format!("{what} {digest:?} must be sha256:<64 lower-case hex digits>") })
    }
}

/// An engine fingerprint is printable ASCII without spaces, at most [`MAX_ENGINE_FINGERPRINT`]
/// bytes (it is one line of the signed message).
fn check_engine(engine: &str) -> Result<()> {
    if engine.is_empty() || engine.len() > MAX_ENGINE_FINGERPRINT || !engine.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::BadArtifact {
            reason: format!("engine fingerprint {engine:?} must be 1–{MAX_ENGINE_FINGERPRINT} printable ASCII characters without spaces"),
        });
    }
    Ok(())
}

/// The platform's signature (128 hex digits) over `claim`.
///
/// # Errors
/// [`Error::BadArtifact`] when a digest or the engine fingerprint is malformed.
pub fn sign_artifact(key: &SigningKey, claim: &ArtifactClaim<'_>) -> Result<String> {
    Ok(hex::encode(key.sign(&claim.message()?)))
}

/// Checks the platform's `signature` over `claim` with the pinned platform `key`.
///
/// # Errors
/// [`Error::BadArtifact`] for a malformed claim, [`Error::BadArtifactSignature`] when the
/// signature is not the platform's over exactly these digests and this engine.
pub fn verify_artifact(key: &VerifyingKey, claim: &ArtifactClaim<'_>, signature: &str) -> Result<()> {
    if key.verify(&claim.message()?, signature) {
        Ok(())
    } else {
        Err(Error::BadArtifactSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim<'a>(component: &'a str, engine: &'a str, artifact: &'a str) -> ArtifactClaim<'a> {
        ArtifactClaim { component_digest: component, engine, artifact_digest: artifact }
    }

    #[test]
    fn a_signature_covers_both_digests_and_the_engine() {
        let key = SigningKey::from_seed([7; 32]);
        let (c, a) = (sha256_digest(b"component"), sha256_digest(b"artifact"));
        let sig = sign_artifact(&key, &claim(&c, "wasmtime-48/x86_64/abc", &a)).unwrap();
        let pinned = key.verifying_key();
        verify_artifact(&pinned, &claim(&c, "wasmtime-48/x86_64/abc", &a), &sig).unwrap();
        let other = sha256_digest(b"other");
        for bad in [claim(&other, "wasmtime-48/x86_64/abc", &a), claim(&c, "wasmtime-48/x86_64/abd", &a), claim(&c, "wasmtime-48/x86_64/abc", &other)] {
            assert!(matches!(verify_artifact(&pinned, &bad, &sig), Err(Error::BadArtifactSignature)), "{bad:?}");
        }
        let stranger = SigningKey::from_seed([8; 32]).verifying_key();
        assert!(matches!(verify_artifact(&stranger, &claim(&c, "wasmtime-48/x86_64/abc", &a), &sig), Err(Error::BadArtifactSignature)));
        assert!(matches!(verify_artifact(&pinned, &claim(&c, "wasmtime-48/x86_64/abc", &a), "zz"), Err(Error::BadArtifactSignature)));
    }

    #[test]
    fn malformed_claims_are_refused_naming_the_field() {
        let key = SigningKey::from_seed([7; 32]);
        let a = sha256_digest(b"artifact");
        let e = sign_artifact(&key, &claim("sha256:ABC", "e", &a)).unwrap_err().to_string();
        assert!(e.contains("component digest \"sha256:ABC\" must be sha256:<64 lower-case hex digits>"), "{e}");
        let e = sign_artifact(&key, &claim(&a, "two words", &a)).unwrap_err().to_string();
        assert!(e.contains("engine fingerprint \"two words\" must be"), "{e}");
        let e = sign_artifact(&key, &claim(&a, "e\nsha256:", &a)).unwrap_err().to_string();
        assert!(e.contains("engine fingerprint"), "{e}");
    }
}
