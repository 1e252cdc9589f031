//! Login for mini programs, like WeChat's `wx.login` / `code2Session` (`docs/auth.md`).
//!
//! 1. The host holds the simulated user's identity, an ed25519 key ([`UserKey`]). For an app it
//!    signs [`login_message`] and posts it to `POST /auth/login`; the cloud answers a one-time
//!    [`LoginCode`], valid for [`LOGIN_CODE_TTL`].
//! 2. The app's logic hands the code to the developer's back end, which exchanges it with the
//!    app secret at `POST /auth/code2session` for an [`AuthSession`]: the user's `openid` (stable
//!    per app and user, different between apps) and a fresh `session_key`.
//!
//! The app secret is made when an app is first published (in the publish receipt once, and at
//! `GET /apps/{appid}/secret` with the cloud's token).

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use ed25519_dalek::{Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// How long a login code stays valid: 5 minutes. A code is also good for one exchange only.
pub const LOGIN_CODE_TTL: Duration = Duration::from_secs(5 * 60);

/// How far a login request's `ts` may be from the cloud's clock, either way: 5 minutes.
pub const LOGIN_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// How long used and expired codes are kept (so their refusals can say "expired" or "already
/// used" rather than "unknown") before a later login deletes them: 1 hour.
pub const LOGIN_CODE_RETENTION: Duration = Duration::from_secs(60 * 60);

/// The first line of every signed login message (domain separation).
pub const LOGIN_CONTEXT: &str = "miniapp-login";

/// The bytes a login request signs: `miniapp-login\n{appid}\n{user}\n{ts}` (user = public key
/// hex, ts = unix milliseconds).
pub fn login_message(appid: &str, user_hex: &str, ts_ms: u64) -> Vec<u8> {
    format!("{LOGIN_CONTEXT}\n{appid}\n{user_hex}\n{ts_ms}").into_bytes()
}

/// A user's `openid` in an app: base64url (no padding) of
/// `sha256("openid\n" + appid + "\n" + user public key hex)`, first 28 characters. The same for
/// one user in one app, different between apps, and not the public key itself.
pub fn openid(appid: &str, user_hex: &str) -> String {
    let digest = Sha256::digest(format!("openid\n{appid}\n{user_hex}").as_bytes());
    let mut id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    id.truncate(28);
    id
}

/// The simulated user's identity on this host: an ed25519 key kept in a file.
#[derive(Clone)]
pub struct UserKey {
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UserKey(public {})", self.public_hex())
    }
}

impl UserKey {
    /// Reads the key at `path`, or makes one and writes it there when the file does not exist:
    /// the 32-byte secret, readable by the owner only (0600 on unix), parent folders created.
    /// The file holds the 32 raw bytes; 64 hex digits are accepted on input too.
    ///
    /// # Errors
    /// [`Error::UserKey`] naming the path when the file is not a key; [`Error::Io`] when it
    /// cannot be read or written.
    pub fn load_or_create(path: &Path) -> Result<UserKey> {
        match std::fs::read(path) {
            Ok(bytes) => return UserKey::parse(&bytes, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::Io { what: "reading", path: path.to_path_buf(), source: e }),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
        }
        let key = UserKey::generate();
        // Written whole to a temp file, then linked into place: never a half-written key, and
        // two hosts starting at once end up with the same identity (the loser reads the winner's).
        let tmp = temp_sibling(path);
        write_private(&tmp, &key.key.to_bytes())?;
        let placed = match std::fs::hard_link(&tmp, path) {
            // A file system without hard links: rename (which would replace a racing winner's key).
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && !path.exists() => std::fs::rename(&tmp, path),
            other => other,
        };
        let _ = std::fs::remove_file(&tmp);
        match placed {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = std::fs::read(path).map_err(Error::io("reading", path))?;
                UserKey::parse(&bytes, path)
            }
            Err(e) => Err(Error::Io { what: "writing", path: path.to_path_buf(), source: e }),
        }
    }

    /// A fresh random key from the OS random source (not saved).
    pub fn generate() -> UserKey {
        UserKey { key: ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng) }
    }

    /// The key from its 32-byte secret.
    pub fn from_secret(secret: [u8; 32]) -> UserKey {
        UserKey { key: ed25519_dalek::SigningKey::from_bytes(&secret) }
    }

    /// The public key, 64 lower-case hex digits (the `user` of a login request).
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// The hex signature of [`login_message`] for `appid` at `ts_ms` (the `sig` of a login request).
    pub fn sign_login(&self, appid: &str, ts_ms: u64) -> String {
        hex::encode(self.key.sign(&login_message(appid, &self.public_hex(), ts_ms)).to_bytes())
    }

    fn parse(bytes: &[u8], path: &Path) -> Result<UserKey> {
        let corrupt = |reason: String| Error::UserKey {
            path: path.to_path_buf(),
            reason: format!("{reason} (delete the file to make a new identity; its users' openids change)"),
        };
        let secret: [u8; 32] = match bytes.len() {
            32 => bytes.try_into().expect("length checked"),
            _ => {
                let text = std::str::from_utf8(bytes).unwrap_or("").trim();
                match hex::decode(text).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) {
                    Some(s) if text.len() == 64 => s,
                    _ => return Err(corrupt(format!("corrupt: expected the 32-byte secret (or 64 hex digits), found {} bytes", bytes.len()))),
                }
            }
        };
        Ok(UserKey::from_secret(secret))
    }
}

fn temp_sibling(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "user.key".into());
    name.push(format!(".{}.{}.tmp", std::process::id(), hex::encode(rand::random::<[u8; 6]>())));
    path.with_file_name(name)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(Error::io("writing", path))?;
    std::io::Write::write_all(&mut file, bytes).map_err(Error::io("writing", path))?;
    file.sync_all().map_err(Error::io("writing", path))
}

/// Why a login request's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadLogin {
    /// `user` or `sig` is not even the right shape.
    Malformed(String),
    /// Well-formed, but the signature does not verify.
    Signature(String),
}

/// Checks a login request's signature: `user` is 64 hex digits of an ed25519 public key, `sig`
/// 128 hex digits of a signature over [`login_message`]. `Err` says which part is wrong.
pub(crate) fn verify_login(appid: &str, user_hex: &str, ts_ms: u64, sig_hex: &str) -> std::result::Result<(), BadLogin> {
    let key = hex::decode(user_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .filter(|_| user_hex.bytes().all(|b| !b.is_ascii_uppercase()))
        .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| BadLogin::Malformed("user must be an ed25519 public key as 64 lower-case hex digits".into()))?;
    let sig = hex::decode(sig_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
        .ok_or_else(|| BadLogin::Malformed("sig must be an ed25519 signature as 128 hex digits".into()))?;
    let message = login_message(appid, user_hex, ts_ms);
    if key.verify_strict(&message, &sig).is_ok() && key.verify(&message, &sig).is_ok() {
        Ok(())
    } else {
        Err(BadLogin::Signature(format!(
            "bad signature: sig does not verify for user {user_hex} over \"{LOGIN_CONTEXT}\\n{{appid}}\\n{{user}}\\n{{ts}}\""
        )))
    }
}

/// What code2session returns.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct AuthSession {
    /// The user's id in this app: stable for one user and app, different between apps.
    pub openid: String,
    /// A random key for this session (base64 of 16 bytes), new on every exchange.
    pub session_key: String,
}

/// What `/auth/login` returns.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LoginCode {
    /// The one-time code, 64 hex digits (32 random bytes).
    pub code: String,
    /// Seconds the code stays valid (300).
    pub expires_in: u64,
}

/// `POST /auth/login` body.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The app being logged in to.
    pub appid: String,
    /// The user's public key, 64 hex digits.
    pub user: String,
    /// The host's clock, unix milliseconds; within [`LOGIN_CLOCK_SKEW`] of the cloud's.
    pub ts: u64,
    /// Hex ed25519 signature of [`login_message`]`(appid, user, ts)`.
    pub sig: String,
}

/// `POST /auth/code2session` body (sent by the developer's back end).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Code2SessionRequest {
    /// The app.
    pub appid: String,
    /// The app secret.
    pub secret: String,
    /// The login code the app's logic got from `/auth/login`.
    pub code: String,
}

/// `GET /apps/{appid}/secret` reply.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct AppSecret {
    /// The app.
    pub appid: String,
    /// Its secret, 32 hex digits.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_its_file_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/user.key");
        let made = UserKey::load_or_create(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let again = UserKey::load_or_create(&path).unwrap();
        assert_eq!(made.public_hex(), again.public_hex());
        assert_eq!(made.public_hex().len(), 64);
        assert_ne!(made.public_hex(), UserKey::generate().public_hex());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.key");
        std::fs::write(&path, b"not a key").unwrap();
        let e = UserKey::load_or_create(&path).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("user key {}: corrupt: ", path.display())), "{msg}");
        assert!(msg.contains("found 9 bytes"), "{msg}");
        assert_eq!(std::fs::read(&path).unwrap(), b"not a key", "a corrupt key is never overwritten");
        std::fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
        assert_eq!(UserKey::load_or_create(&path).unwrap().public_hex(), UserKey::from_secret([0xab; 32]).public_hex());
    }

    #[test]
    fn login_signatures_verify_only_for_their_own_message() {
        let user = UserKey::from_secret([7; 32]);
        let sig = user.sign_login("counter", 1_700_000_000_000);
        let bad_sig = |r| matches!(r, Err(BadLogin::Signature(m)) if m.starts_with("bad signature: "));
        let malformed = |r, start: &str| matches!(r, Err(BadLogin::Malformed(m)) if m.starts_with(start));
        assert_eq!(verify_login("counter", &user.public_hex(), 1_700_000_000_000, &sig), Ok(()));
        assert!(bad_sig(verify_login("counter", &user.public_hex(), 1_700_000_000_001, &sig)));
        assert!(bad_sig(verify_login("other", &user.public_hex(), 1_700_000_000_000, &sig)));
        let stranger = UserKey::from_secret([8; 32]).public_hex();
        assert!(bad_sig(verify_login("counter", &stranger, 1_700_000_000_000, &sig)));
        assert!(malformed(verify_login("counter", "zz", 1, &sig), "user must be"));
        assert!(malformed(verify_login("counter", &user.public_hex().to_uppercase(), 1, &sig), "user must be"));
        assert!(malformed(verify_login("counter", &user.public_hex(), 1, "00"), "sig must be"));
    }

    #[test]
    fn openids_are_28_url_safe_characters_per_app_and_user() {
        let a = openid("counter", &"ab".repeat(32));
        assert_eq!(a.len(), 28);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{a}");
        assert_eq!(a, openid("counter", &"ab".repeat(32)));
        assert_ne!(a, openid("todo", &"ab".repeat(32)));
        assert_ne!(a, openid("counter", &"cd".repeat(32)));
    }
}
