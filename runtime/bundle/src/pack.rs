//! Building, verifying and countersigning bundle files: the crate's three entry points.

use std::collections::BTreeMap;

use crate::archive::{check_path, entry_names, read_archive, write_archive};
use crate::error::{Error, Result};
use crate::integrity::{sha256_hex, FileTable, FILES_JSON, META_PREFIX, PLATFORM_JSON, PUBLISHER_JSON};
use crate::limits::Limits;
use crate::locked::{is_font, BaseLibrary, LockedBundle, BASE_JSON};
use crate::manifest::{parse_json, AppManifest, BaseManifest, PageConfig};
use crate::signature::{
    sign_platform, sign_publisher, verify_platform, verify_publisher, SignatureFile, SigningKey, VerifyingKey,
};

/// What a verifier trusts and the limits it reads under.
#[derive(Debug, Clone)]
pub struct Trust {
    /// When set, the bundle must be countersigned by exactly this platform key. When `None`, a
    /// countersignature that is present is still checked (with the key it names) but not required.
    pub platform_key: Option<VerifyingKey>,
    /// Size and count limits of an app bundle ([`verify`]); default [`Limits::default`].
    pub limits: Limits,
    /// Size and count limits of a base library ([`verify_base`]); default
    /// [`Limits::base_library`].
    pub base_limits: Limits,
}

impl Default for Trust {
    fn default() -> Self {
        Trust { platform_key: None, limits: Limits::default(), base_limits: Limits::base_library() }
    }
}

impl Trust {
    /// Trust that requires a countersignature by `platform_key`, with default limits.
    pub fn platform(platform_key: VerifyingKey) -> Trust {
        Trust { platform_key: Some(platform_key), ..Trust::default() }
    }
}

/// `sha256:<hex>` of a whole bundle file: its content address in the cloud and the cache.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

/// Builds a signed bundle from `(path, bytes)` app files (`app.json`, `pages/...`, `logic.wasm`,
/// `assets/...`). The manifest is checked, every page must have its template, and the result is
/// verified before it is returned, so a bundle `pack` returns always passes [`verify`].
///
/// The output is deterministic: the same files and key give the same bytes.
pub fn pack(files: &[(String, Vec<u8>)], key: &SigningKey) -> Result<Vec<u8>> {
    let bytes = pack_with(files, key, |f| check_app(f).map(|_| ()))?;
    verify(&bytes, &Trust::default())?;
    Ok(bytes)
}

/// Builds a signed base library bundle (`base.json` plus styles, icons, fonts). Same format and
/// rules as an app bundle, with `base.json` instead of `app.json`.
pub fn pack_base(files: &[(String, Vec<u8>)], key: &SigningKey) -> Result<Vec<u8>> {
    let bytes = pack_with(files, key, |f| check_base(f).map(|_| ()))?;
    verify_base(&bytes, &Trust::default())?;
    Ok(bytes)
}

fn pack_with(
    files: &[(String, Vec<u8>)],
    key: &SigningKey,
    check: impl Fn(&BTreeMap<String, Vec<u8>>) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut app_files = BTreeMap::new();
    for (path, data) in files {
        check_path(path)?;
        if path.starts_with(META_PREFIX) {
            return Err(Error::ReservedName(path.clone()));
        }
        if app_files.insert(path.clone(), data.clone()).is_some() {
            return Err(Error::DuplicateName(path.clone()));
        }
    }
    check(&app_files)?;
    let table = FileTable::build(&app_files).to_bytes();
    let publisher = sign_publisher(key, &table).to_bytes();
    app_files.insert(FILES_JSON.to_string(), table);
    app_files.insert(PUBLISHER_JSON.to_string(), publisher);
    write_archive(&app_files)
}

/// Verifies a bundle file and unpacks it in memory. Rules, in order: package size, safe archive
/// reading (paths, links, duplicates, file count, unpacked size, compression ratio, CRC), the file
/// table (no unlisted file, no missing file, sha256 and size of each), the publisher signature,
/// the platform countersignature (required when `trust.platform_key` is set), then the manifest
/// and its pages.
pub fn verify(bytes: &[u8], trust: &Trust) -> Result<LockedBundle> {
    let o = open(bytes, trust, &trust.limits)?;
    let manifest = check_app(&o.files)?;
    Ok(LockedBundle {
        manifest,
        digest: digest(bytes),
        size: bytes.len() as u64,
        files: o.files,
        publisher_key: o.publisher_key,
        platform_key: o.platform_key,
    })
}

/// Verifies a base library bundle with the same rules as [`verify`] under the base library's
/// limits (`trust.base_limits`), then parses `base.json` and checks that every font has a
/// licence file next to it.
pub fn verify_base(bytes: &[u8], trust: &Trust) -> Result<BaseLibrary> {
    verify_base_as(bytes, trust, digest(bytes), bytes.len() as u64)
}

/// [`verify_base`] of the cache's uncompressed copy ([`repack_uncompressed`]) of the bundle
/// whose digest and size are `digest` and `size`: every file is checked against the signed
/// `files.json` and both signatures as by [`verify_base`], but the copy's own bytes are not
/// hashed into a digest (it is not the published file, and the base library is known by the
/// original's: hashing 6 MB again cost a new process about 4 ms).
pub fn verify_base_copy(bytes: &[u8], trust: &Trust, digest: &str, size: u64) -> Result<BaseLibrary> {
    verify_base_as(bytes, trust, digest.to_string(), size)
}

/// [`verify_base_copy`] of the copy as a file: its entries are read from the file straight
/// into their buffers (the archive is never held in memory whole), then checked as by
/// [`verify_base_copy`].
pub fn verify_base_copy_file(file: &mut std::fs::File, trust: &Trust, digest: &str, size: u64) -> Result<BaseLibrary> {
    let files = crate::archive::read_archive_file(file, &trust.base_limits)?;
    base_from(open_files(files, trust)?, digest.to_string(), size)
}

fn verify_base_as(bytes: &[u8], trust: &Trust, digest: String, size: u64) -> Result<BaseLibrary> {
    base_from(open(bytes, trust, &trust.base_limits)?, digest, size)
}

fn base_from(o: Opened, digest: String, size: u64) -> Result<BaseLibrary> {
    let manifest = check_base(&o.files)?;
    Ok(BaseLibrary {
        manifest,
        digest,
        size,
        files: o.files.into_iter().map(|(path, bytes)| (path, std::sync::Arc::new(bytes))).collect(),
        publisher_key: o.publisher_key,
        platform_key: o.platform_key,
    })
}

/// The same base library bundle with its entries stored uncompressed: what a host keeps in its
/// cache after verifying the original once, so that a new process reads it without inflating
/// 6 MB of fonts. It is still verified in full when used ([`verify_base`]: both signatures cover
/// `files.json`, which holds every file's sha256), so a changed cache copy is refused as any
/// bundle would be.
pub fn repack_uncompressed(bytes: &[u8], limits: &crate::Limits) -> Result<Vec<u8>> {
    let files = crate::archive::read_archive(bytes, limits)?;
    crate::archive::write_archive_stored(&files)
}

/// Adds (or replaces) the platform countersignature of an app or base library bundle that
/// verifies.
pub fn countersign(bytes: &[u8], platform: &SigningKey) -> Result<Vec<u8>> {
    // Which kind it is decides the limits it is read under: peek at the names first.
    let trust = Trust::default();
    let names = entry_names(bytes, &trust.base_limits)?;
    let is_base = names.iter().any(|n| n == BASE_JSON) && !names.iter().any(|n| n == "app.json");
    let o = open(bytes, &trust, if is_base { &trust.base_limits } else { &trust.limits })?;
    if is_base {
        check_base(&o.files)?;
    } else {
        check_app(&o.files)?;
    }
    let platform_sig = sign_platform(platform, &o.files_json, &o.publisher_json);
    let mut all = o.files;
    all.insert(FILES_JSON.to_string(), o.files_json);
    all.insert(PUBLISHER_JSON.to_string(), o.publisher_json);
    all.insert(PLATFORM_JSON.to_string(), platform_sig.to_bytes());
    write_archive(&all)
}

struct Opened {
    files: BTreeMap<String, Vec<u8>>,
    files_json: Vec<u8>,
    publisher_json: Vec<u8>,
    publisher_key: VerifyingKey,
    platform_key: Option<VerifyingKey>,
}

fn open(bytes: &[u8], trust: &Trust, limits: &Limits) -> Result<Opened> {
    open_files(read_archive(bytes, limits)?, trust)
}

/// The checks of [`open`] after the archive is read: the file table, then the signatures.
fn open_files(mut files: BTreeMap<String, Vec<u8>>, trust: &Trust) -> Result<Opened> {
    let files_json = files.remove(FILES_JSON).ok_or_else(|| Error::MissingFile(FILES_JSON.into()))?;
    let publisher_json = files.remove(PUBLISHER_JSON).ok_or_else(|| Error::MissingFile(PUBLISHER_JSON.into()))?;
    let platform_json = files.remove(PLATFORM_JSON);
    if let Some(other) = files.keys().find(|p| p.starts_with(META_PREFIX)) {
        return Err(Error::NotInManifest(other.clone()));
    }
    FileTable::parse(&files_json)?.check(&files)?;
    let publisher: SignatureFile = parse_json(PUBLISHER_JSON, &publisher_json)?;
    let publisher_key = verify_publisher(&publisher, &files_json)?;
    let platform_key = match (platform_json, &trust.platform_key) {
        (Some(json), trusted) => {
            let sig: SignatureFile = parse_json(PLATFORM_JSON, &json)?;
            Some(verify_platform(&sig, &files_json, &publisher_json, trusted.as_ref())?)
        }
        (None, Some(_)) => return Err(Error::MissingPlatformSignature),
        (None, None) => None,
    };
    Ok(Opened { files, files_json, publisher_json, publisher_key, platform_key })
}

/// Parses `base.json` and checks that every font file has a licence file in its folder.
fn check_base(files: &BTreeMap<String, Vec<u8>>) -> Result<BaseManifest> {
    let raw = files.get(BASE_JSON).ok_or_else(|| Error::MissingFile(BASE_JSON.into()))?;
    let manifest = parse_json(BASE_JSON, raw)?;
    for font in files.keys().filter(|p| is_font(p)) {
        let dir = font.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
        let licensed = files.keys().any(|p| {
            p.strip_prefix(&dir)
                .is_some_and(|name| !name.contains('/') && (name.starts_with("LICENSE") || name.starts_with("LICENCE")))
        });
        if !licensed {
            return Err(Error::FontWithoutLicence { font: font.clone(), dir });
        }
    }
    Ok(manifest)
}

/// Parses `app.json` and checks that every page has a template and a valid page config.
fn check_app(files: &BTreeMap<String, Vec<u8>>) -> Result<AppManifest> {
    let raw = files.get("app.json").ok_or_else(|| Error::MissingFile("app.json".into()))?;
    let manifest = AppManifest::parse(raw)?;
    for (index, page) in manifest.pages.iter().enumerate() {
        let file = page.file("xml");
        if !files.contains_key(&file) {
            return Err(Error::MissingPage { index, page: page.to_string(), file });
        }
        let config = page.file("json");
        if let Some(bytes) = files.get(&config) {
            parse_json::<PageConfig>(&config, bytes)?;
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncompressed_copy_of_a_base_library_verifies_and_a_changed_one_does_not() {
        let key = SigningKey::generate();
        let platform = SigningKey::generate();
        let files = vec![
            ("base.json".to_string(), br#"{"name":"miniapp-base","version":"1.0.0"}"#.to_vec()),
            ("styles/components.css".to_string(), b"button { color: red; }".repeat(200)),
        ];
        let packed = pack_base(&files, &key).unwrap();
        let signed = countersign(&packed, &platform).unwrap();
        let trust = Trust::platform(platform.verifying_key());
        let original = verify_base(&signed, &trust).unwrap();
        let stored = repack_uncompressed(&signed, &trust.base_limits).unwrap();
        assert!(stored.len() > signed.len(), "the copy is not compressed");
        let copy = verify_base_copy(&stored, &trust, &original.digest, original.size).unwrap();
        assert_eq!(copy.file("styles/components.css"), original.file("styles/components.css"));
        assert_eq!((copy.digest.as_str(), copy.size), (original.digest.as_str(), signed.len() as u64), "known by the original's digest");
        // One byte of a stored file changed: its sha256 no longer matches files.json.
        let at = stored.windows(6).position(|w| w == b"button").unwrap();
        let mut bad = stored.clone();
        bad[at] = b'B';
        let err = verify_base_copy(&bad, &trust, &original.digest, original.size).unwrap_err();
        assert!(err.to_string().contains("styles/components.css"), "{err}");
        assert!(verify_base(&bad, &trust).is_err(), "a changed cache copy verified");
        // Signed by another platform key: refused.
        let other = Trust::platform(SigningKey::generate().verifying_key());
        assert!(verify_base_copy(&stored, &other, &original.digest, original.size).is_err());
        // Read from the cache's file (as a new process does): the same answers.
        let path = std::env::temp_dir().join(format!("miniapp-base-copy-{}", std::process::id()));
        let from_file = |bytes: &[u8], trust: &Trust| {
            std::fs::write(&path, bytes).unwrap();
            verify_base_copy_file(&mut std::fs::File::open(&path).unwrap(), trust, &original.digest, original.size)
        };
        let copy = from_file(&stored, &trust).unwrap();
        assert_eq!(copy.file("styles/components.css"), original.file("styles/components.css"));
        assert_eq!((copy.digest.as_str(), copy.size), (original.digest.as_str(), original.size));
        assert_eq!(from_file(&bad, &trust).unwrap_err().to_string(), err.to_string());
        assert!(from_file(&stored, &other).is_err());
        std::fs::remove_file(&path).unwrap();
    }
}
