//! [`FsBlobs`]: the default [`BlobStore`], one file per bundle in a folder (`DATA/bundles/<hex>`).
//! A folder on a shared file system (NFS) also serves several replicas.

use std::path::{Path, PathBuf};

use super::{is_sha256_hex, Blob, BlobStore};
use crate::error::{Error, Result};

/// [`BlobStore`] as files `DIR/<hex>`, written atomically (temp file + rename).
#[derive(Debug, Clone)]
pub struct FsBlobs {
    dir: PathBuf,
}

impl FsBlobs {
    /// Uses (creating) the folder `dir`.
    pub fn open(dir: &Path) -> Result<FsBlobs> {
        std::fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
        Ok(FsBlobs { dir: dir.to_path_buf() })
    }

    fn path(&self, hex: &str) -> Result<PathBuf> {
        if is_sha256_hex(hex) {
            Ok(self.dir.join(hex))
        } else {
            Err(Error::Io {
                what: "addressing",
                path: self.dir.join(hex),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a sha256 hex digest"),
            })
        }
    }
}

impl BlobStore for FsBlobs {
    fn put(&self, hex: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(hex)?;
        if path.exists() {
            return Ok(());
        }
        let tmp = self.dir.join(format!(".{hex}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(Error::io("writing", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(Error::io("renaming", &path))
    }

    fn get(&self, hex: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path(hex)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading", path)(e)),
        }
    }

    fn open(&self, hex: &str) -> Result<Option<Blob>> {
        let path = self.path(hex)?;
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("reading", path)(e)),
        };
        let len = file.metadata().map_err(Error::io("reading", &path))?.len();
        Ok(Some(Blob::File { file, len }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_store_refuses_names_that_are_not_digests() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = FsBlobs::open(dir.path()).unwrap();
        assert!(blobs.put("../../etc/passwd", b"x").is_err());
        let hex = "a".repeat(64);
        blobs.put(&hex, b"abc").unwrap();
        assert_eq!(blobs.get(&hex).unwrap().as_deref(), Some(&b"abc"[..]));
        assert_eq!(blobs.get(&"b".repeat(64)).unwrap(), None);
        assert!(matches!(blobs.open(&hex).unwrap(), Some(Blob::File { len: 3, .. })), "a folder's bundle is opened as a file");
        assert!(blobs.open(&"b".repeat(64)).unwrap().is_none());
    }
}
