//! ed25519 keys and the two signatures of a bundle.
//!
//! - The **publisher** signs the exact bytes of `_meta/files.json` (domain-separated), proving who
//!   built the bundle and that no file changed since.
//! - The **platform** (the cloud, on publish) countersigns the sha256 of `files.json` and the
//!   sha256 of `_meta/publisher.json`, proving the bundle passed review on that platform.
//!
//! Keys are stored as PKCS#8 PEM; a bare 64-digit hex seed is accepted on input too.

use std::fmt;
use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const PUBLISHER_CONTEXT: &[u8] = b"miniapp bundle publisher signature v1\n";
const PLATFORM_CONTEXT: &[u8] = b"miniapp bundle platform signature v1\n";

/// A secret ed25519 key: a publisher's or the platform's.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

/// A public ed25519 key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

/// The brief's name for a generated key: a [`SigningKey`] holds both halves.
pub type KeyPair = SigningKey;

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {})", self.verifying_key().fingerprint())
    }
}

impl SigningKey {
    /// A fresh random key from the OS random source.
    pub fn generate() -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// The key from its 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pem(&self) -> String {
        self.0
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map(|pem| pem.to_string())
            .expect("an ed25519 key always encodes")
    }

    /// Parses PKCS#8 PEM or a 64-digit hex seed; `source_name` names the input in errors.
    pub fn parse(text: &str, source_name: &str) -> Result<SigningKey> {
        let text = text.trim();
        let key_err = |reason: String| Error::Key { source_name: source_name.to_string(), reason };
        if text.starts_with("-----BEGIN") {
            return ed25519_dalek::SigningKey::from_pkcs8_pem(text)
                .map(SigningKey)
                .map_err(|e| key_err(format!("not an ed25519 PKCS#8 PEM key ({e})")));
        }
        let bytes = hex::decode(text).map_err(|e| key_err(format!("neither PEM nor hex ({e})")))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| key_err(format!("a hex seed must be 32 bytes, got {}", b.len())))?;
        Ok(SigningKey::from_seed(seed))
    }

    /// Writes the key as PEM, readable by the owner only (0600 on unix); creates parent folders.
    pub fn save(&self, path: &Path) -> Result<()> {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io)?;
        std::io::Write::write_all(&mut file, self.to_pem().as_bytes()).map_err(io)
    }

    /// Reads a key file written by [`SigningKey::save`] (or holding a hex seed).
    pub fn load(path: &Path) -> Result<SigningKey> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        SigningKey::parse(&text, &path.display().to_string())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// Loads the key at `path`, or generates one and saves it there (0600) when the file does not
/// exist. The CLI uses `~/.config/miniapp/publisher.key` by default; the cloud `DATA/platform.key`.
pub fn load_or_create_key(path: &Path) -> Result<SigningKey> {
    if path.exists() {
        SigningKey::load(path)
    } else {
        let key = SigningKey::generate();
        key.save(path)?;
        Ok(key)
    }
}

impl VerifyingKey {
    /// The 32 public bytes as 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Result<VerifyingKey> {
        let key_err = |reason: String| Error::Key { source_name: "public key hex".into(), reason };
        let bytes = hex::decode(text.trim()).map_err(|e| key_err(format!("not hex ({e})")))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| key_err(format!("must be 32 bytes, got {}", b.len())))?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(VerifyingKey)
            .map_err(|e| key_err(format!("not an ed25519 point ({e})")))
    }

    /// A short id: the first 16 hex digits of the key's sha256.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else { return false };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes) else { return false };
        let sig = ed25519_dalek::Signature::from_bytes(&bytes);
        self.0.verify_strict(message, &sig).is_ok() && self.0.verify(message, &sig).is_ok()
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.to_hex())
    }
}

impl fmt::Display for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// `_meta/publisher.json` and `_meta/platform.json`: who signed, and the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SignatureFile {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The signer's public key, 64 hex digits.
    pub public_key: String,
    /// The signature, 128 hex digits.
    pub signature: String,
}

impl SignatureFile {
    fn new(key: &SigningKey, message: &[u8]) -> SignatureFile {
        SignatureFile {
            algorithm: "ed25519".into(),
            public_key: key.verifying_key().to_hex(),
            signature: hex::encode(key.sign(message)),
        }
    }

    fn key(&self, file: &str) -> Result<VerifyingKey> {
        if self.algorithm != "ed25519" {
            return Err(Error::Schema {
                file: file.into(),
                path: "algorithm".into(),
                message: format!("must be ed25519, got {:?}", self.algorithm),
            });
        }
        VerifyingKey::from_hex(&self.public_key).map_err(|e| Error::Schema {
            file: file.into(),
            path: "publicKey".into(),
            message: e.to_string(),
        })
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("plain struct serializes");
        v.push(b'\n');
        v
    }
}

fn publisher_message(files_json: &[u8]) -> Vec<u8> {
    [PUBLISHER_CONTEXT, files_json].concat()
}

fn platform_message(files_json: &[u8], publisher_json: &[u8]) -> Vec<u8> {
    [PLATFORM_CONTEXT, &Sha256::digest(files_json)[..], &Sha256::digest(publisher_json)[..]].concat()
}

/// The publisher's signature over `files.json`.
pub(crate) fn sign_publisher(key: &SigningKey, files_json: &[u8]) -> SignatureFile {
    SignatureFile::new(key, &publisher_message(files_json))
}

/// The platform's countersignature over `files.json` and `publisher.json`.
pub(crate) fn sign_platform(key: &SigningKey, files_json: &[u8], publisher_json: &[u8]) -> SignatureFile {
    SignatureFile::new(key, &platform_message(files_json, publisher_json))
}

/// Checks the publisher signature; returns the publisher's key.
pub(crate) fn verify_publisher(sig: &SignatureFile, files_json: &[u8]) -> Result<VerifyingKey> {
    let key = sig.key("_meta/publisher.json")?;
    if key.verify(&publisher_message(files_json), &sig.signature) {
        Ok(key)
    } else {
        Err(Error::BadPublisherSignature)
    }
}

/// Checks the platform countersignature (against `trusted` when given); returns the signer.
pub(crate) fn verify_platform(
    sig: &SignatureFile,
    files_json: &[u8],
    publisher_json: &[u8],
    trusted: Option<&VerifyingKey>,
) -> Result<VerifyingKey> {
    let key = sig.key("_meta/platform.json")?;
    if let Some(trusted) = trusted {
        if &key != trusted {
            return Err(Error::UntrustedPlatformKey { found: key.fingerprint(), trusted: trusted.fingerprint() });
        }
    }
    if key.verify(&platform_message(files_json, publisher_json), &sig.signature) {
        Ok(key)
    } else {
        Err(Error::BadPlatformSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_keeps_the_key() {
        let key = SigningKey::generate();
        let pem = key.to_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
        let back = SigningKey::parse(&pem, "test").unwrap();
        assert_eq!(back.verifying_key(), key.verifying_key());
    }

    #[test]
    fn hex_seed_is_accepted_and_short_hex_is_refused() {
        let key = SigningKey::parse(&"11".repeat(32), "seed").unwrap();
        assert_eq!(key.verifying_key(), SigningKey::from_seed([0x11; 32]).verifying_key());
        let e = SigningKey::parse("abcd", "seed").unwrap_err().to_string();
        assert_eq!(e, "key seed: a hex seed must be 32 bytes, got 2");
    }

    #[test]
    fn load_or_create_creates_once_then_loads_the_same_key() {
        let dir = std::env::temp_dir().join(format!("miniapp-key-test-{}", std::process::id()));
        let path = dir.join("sub/publisher.key");
        let a = load_or_create_key(&path).unwrap();
        let b = load_or_create_key(&path).unwrap();
        assert_eq!(a.verifying_key(), b.verifying_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn signature_over_other_bytes_is_refused() {
        let key = SigningKey::generate();
        let sig = sign_publisher(&key, b"files");
        assert!(verify_publisher(&sig, b"files").is_ok());
        assert!(matches!(verify_publisher(&sig, b"filez"), Err(Error::BadPublisherSignature)));
    }
}
