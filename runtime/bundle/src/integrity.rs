//! `_meta/files.json`: the sha256 and size of every app file, sorted by path; building it when
//! packing and checking the archive against it when verifying.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::manifest::parse_json;

/// Name of the file table inside the archive.
pub const FILES_JSON: &str = "_meta/files.json";
/// Name of the publisher signature inside the archive.
pub const PUBLISHER_JSON: &str = "_meta/publisher.json";
/// Name of the platform countersignature inside the archive.
pub const PLATFORM_JSON: &str = "_meta/platform.json";
/// Prefix reserved for bundle metadata.
pub const META_PREFIX: &str = "_meta/";

/// The file table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileTable {
    /// Format version, 1.
    pub format: u32,
    /// Every app file, sorted by path, each once.
    pub files: Vec<FileEntry>,
}

/// One row of the file table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileEntry {
    /// Path inside the bundle.
    pub path: String,
    /// sha256 of the content, 64 hex digits.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Lower-case hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl FileTable {
    /// The table of the given app files (already sorted by the map).
    pub fn build(files: &BTreeMap<String, Vec<u8>>) -> FileTable {
        FileTable {
            format: 1,
            files: files
                .iter()
                .map(|(path, data)| FileEntry { path: path.clone(), sha256: sha256_hex(data), size: data.len() as u64 })
                .collect(),
        }
    }

    /// The exact bytes stored (and signed): pretty JSON plus a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("plain struct serializes");
        v.push(b'\n');
        v
    }

    /// Parses the stored table, refusing unsorted or duplicate rows.
    pub fn parse(bytes: &[u8]) -> Result<FileTable> {
        let table: FileTable = parse_json(FILES_JSON, bytes)?;
        if table.format != 1 {
            return Err(Error::Schema {
                file: FILES_JSON.into(),
                path: "format".into(),
                message: format!("unsupported format {}, expected 1", table.format),
            });
        }
        for (i, pair) in table.files.windows(2).enumerate() {
            if pair[0].path >= pair[1].path {
                return Err(Error::Schema {
                    file: FILES_JSON.into(),
                    path: format!("files[{}].path", i + 1),
                    message: format!("{} is duplicated or out of order", pair[1].path),
                });
            }
        }
        Ok(table)
    }

    /// Checks the app files of the archive against the table: same set of paths, same sizes,
    /// same hashes, in that order of rules.
    pub fn check(&self, app_files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
        let listed: BTreeMap<&str, &FileEntry> = self.files.iter().map(|e| (e.path.as_str(), e)).collect();
        if let Some(extra) = app_files.keys().find(|p| !listed.contains_key(p.as_str())) {
            return Err(Error::NotInManifest(extra.clone()));
        }
        if let Some(missing) = listed.keys().find(|p| !app_files.contains_key(**p)) {
            return Err(Error::MissingFile((*missing).to_string()));
        }
        for (path, data) in app_files {
            let entry = listed[path.as_str()];
            if entry.size != data.len() as u64 {
                return Err(Error::HashMismatch {
                    path: path.clone(),
                    detail: Some(format!("size {} but files.json says {}", data.len(), entry.size)),
                });
            }
            if entry.sha256 != sha256_hex(data) {
                return Err(Error::HashMismatch { path: path.clone(), detail: None });
            }
        }
        Ok(())
    }
}
