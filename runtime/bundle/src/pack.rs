//! Building, verifying and countersigning bundle files: the crate's three entry points.

use std::collections::BTreeMap;

use crate::archive::{check_path, read_archive, write_archive};
use crate::error::{Error, Result};
use crate::integrity::{sha256_hex, FileTable, FILES_JSON, META_PREFIX, PLATFORM_JSON, PUBLISHER_JSON};
use crate::limits::Limits;
use crate::locked::LockedBundle;
use crate::manifest::{parse_json, AppManifest, PageConfig};
use crate::signature::{
    sign_platform, sign_publisher, verify_platform, verify_publisher, SignatureFile, SigningKey, VerifyingKey,
};

/// What a verifier trusts and the limits it reads under.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// When set, the bundle must be countersigned by exactly this platform key. When `None`, a
    /// countersignature that is present is still checked (with the key it names) but not required.
    pub platform_key: Option<VerifyingKey>,
    /// Size and count limits.
    pub limits: Limits,
}

impl Trust {
    /// Trust that requires a countersignature by `platform_key`, with default limits.
    pub fn platform(platform_key: VerifyingKey) -> Trust {
        Trust { platform_key: Some(platform_key), limits: Limits::default() }
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
    check_app(&app_files)?;
    let table = FileTable::build(&app_files).to_bytes();
    let publisher = sign_publisher(key, &table).to_bytes();
    app_files.insert(FILES_JSON.to_string(), table);
    app_files.insert(PUBLISHER_JSON.to_string(), publisher);
    let bytes = write_archive(&app_files)?;
    verify(&bytes, &Trust::default())?;
    Ok(bytes)
}

/// Verifies a bundle file and unpacks it in memory. Rules, in order: package size, safe archive
/// reading (paths, links, duplicates, file count, unpacked size, compression ratio, CRC), the file
/// table (no unlisted file, no missing file, sha256 and size of each), the publisher signature,
/// the platform countersignature (required when `trust.platform_key` is set), then the manifest
/// and its pages.
pub fn verify(bytes: &[u8], trust: &Trust) -> Result<LockedBundle> {
    open(bytes, trust).map(|(locked, _)| locked)
}

/// Adds (or replaces) the platform countersignature of a bundle that verifies.
pub fn countersign(bytes: &[u8], platform: &SigningKey) -> Result<Vec<u8>> {
    let (locked, meta) = open(bytes, &Trust::default())?;
    let platform_sig = sign_platform(platform, &meta.files_json, &meta.publisher_json);
    let mut all = locked.files;
    all.insert(FILES_JSON.to_string(), meta.files_json);
    all.insert(PUBLISHER_JSON.to_string(), meta.publisher_json);
    all.insert(PLATFORM_JSON.to_string(), platform_sig.to_bytes());
    write_archive(&all)
}

struct Meta {
    files_json: Vec<u8>,
    publisher_json: Vec<u8>,
}

fn open(bytes: &[u8], trust: &Trust) -> Result<(LockedBundle, Meta)> {
    let mut files = read_archive(bytes, &trust.limits)?;
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
    let manifest = check_app(&files)?;
    let locked = LockedBundle {
        manifest,
        digest: digest(bytes),
        size: bytes.len() as u64,
        files,
        publisher_key,
        platform_key,
    };
    Ok((locked, Meta { files_json, publisher_json }))
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
