//! The host's cache: bundles by digest, the pinned platform key and last-known metadata of
//! each app per cloud (for offline starts and remembering bans).
//!
//! Layout under the cache dir:
//!
//! ```text
//! bundles/<sha256hex>          complete bundle files (mtime = last use, for LRU eviction)
//! bundles/<sha256hex>.part     a download in progress (resumed with Range)
//! clouds/<cloud-slug>/platform-key        pinned platform public key (hex)
//! clouds/<cloud-slug>/apps/<appid>.json   last metadata seen + the digest launched last
//! clouds/<cloud-slug>/base.json           the base library version cached last
//! ```

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use miniapp_bundle::VerifyingKey;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::api::{AppMeta, BaseInfo};
use crate::error::{Error, Result};

/// Default cap on the total size of cached bundles: 256 MiB. Least recently used bundles are
/// evicted beyond it.
pub const DEFAULT_CACHE_CAP_BYTES: u64 = 256 * 1024 * 1024;

/// What the cache remembers about one app on one cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedApp {
    /// The cloud, `http://host:port`.
    pub cloud: String,
    /// The last metadata the cloud sent (status included: a known ban survives going offline).
    pub meta: AppMeta,
    /// The digest launched last (what a hot or offline start runs).
    pub current: Option<String>,
    /// Unix seconds of the last successful metadata fetch.
    pub checked_at: i64,
}

/// One cached bundle, as `miniapp cache ls` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    /// `sha256:<hex>`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// Last time it was launched (or stored).
    pub last_used: SystemTime,
    /// `appid version` of every cached app record pointing at it.
    pub apps: Vec<String>,
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    cap: u64,
}

fn hex_of(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))).then_some(hex)
}

/// A file-name-safe slug of a cloud URL: `http_127.0.0.1_4000`.
fn slug(cloud: &Url) -> String {
    let raw = format!(
        "{}_{}_{}{}",
        cloud.scheme(),
        cloud.host_str().unwrap_or("nohost"),
        cloud.port_or_known_default().unwrap_or(0),
        cloud.path().trim_end_matches('/')
    );
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect()
}

impl Cache {
    /// Opens (creating) a cache at `root` with the default cap.
    pub fn new(root: impl Into<PathBuf>) -> Result<Cache> {
        let root = root.into();
        let bundles = root.join("bundles");
        std::fs::create_dir_all(&bundles).map_err(Error::io("creating", &bundles))?;
        Ok(Cache { root, cap: DEFAULT_CACHE_CAP_BYTES })
    }

    /// The user's cache dir for miniapp (`~/.cache/miniapp` on Linux), if the OS has one.
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "miniapp").map(|d| d.cache_dir().to_path_buf())
    }

    /// Sets the size cap in bytes.
    pub fn with_cap(mut self, cap: u64) -> Cache {
        self.cap = cap;
        self
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn bundle_path(&self, digest: &str) -> Option<PathBuf> {
        hex_of(digest).map(|h| self.root.join("bundles").join(h))
    }

    pub(crate) fn part_path(&self, digest: &str) -> Option<PathBuf> {
        hex_of(digest).map(|h| self.root.join("bundles").join(format!("{h}.part")))
    }

    /// Whether a complete bundle with this digest is cached.
    pub fn has_bundle(&self, digest: &str) -> bool {
        self.bundle_path(digest).is_some_and(|p| p.is_file())
    }

    /// The cached bundle bytes (marking it used), if present.
    pub fn bundle(&self, digest: &str) -> Result<Option<Vec<u8>>> {
        let Some(path) = self.bundle_path(digest) else { return Ok(None) };
        match std::fs::read(&path) {
            Ok(bytes) => {
                if let Ok(f) = std::fs::File::options().write(true).open(&path) {
                    let _ = f.set_modified(SystemTime::now());
                }
                Ok(Some(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading", path)(e)),
        }
    }

    /// Moves a finished download into place and evicts old bundles over the cap.
    pub(crate) fn commit_part(&self, digest: &str) -> Result<()> {
        let (Some(part), Some(path)) = (self.part_path(digest), self.bundle_path(digest)) else { return Ok(()) };
        std::fs::rename(&part, &path).map_err(Error::io("renaming", &path))?;
        self.evict(digest)
    }

    /// Stores bundle bytes under their digest and evicts old bundles over the cap.
    pub fn store_bundle(&self, digest: &str, bytes: &[u8]) -> Result<()> {
        let Some(path) = self.bundle_path(digest) else { return Ok(()) };
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes).map_err(Error::io("writing", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(Error::io("renaming", &path))?;
        self.evict(digest)
    }

    /// Removes a cached bundle (one that failed verification), its uncompressed copy and its
    /// precompiled artifact.
    pub fn remove_bundle(&self, digest: &str) {
        if let Some(p) = self.bundle_path(digest) {
            let _ = std::fs::remove_file(&p);
            let _ = std::fs::remove_file(p.with_extension("stored"));
            let _ = std::fs::remove_file(p.with_extension("artifact"));
        }
    }

    /// The cached precompiled artifact of bundle `digest` (for this host's engine), unchecked:
    /// [`crate::CloudClient::artifact`] checks its digest and signature before every use.
    pub(crate) fn artifact(&self, digest: &str) -> Option<Vec<u8>> {
        self.read_beside(digest, "artifact")
    }

    /// Keeps the precompiled artifact of bundle `digest` next to it (evicted with it).
    pub(crate) fn store_artifact(&self, digest: &str, bytes: &[u8]) -> Result<()> {
        self.write_beside(digest, "artifact", bytes)
    }

    /// The size of a cached bundle in bytes.
    pub(crate) fn bundle_len(&self, digest: &str) -> Option<u64> {
        std::fs::metadata(self.bundle_path(digest)?).ok().map(|m| m.len())
    }

    /// The uncompressed copy of a cached base library
    /// ([`miniapp_bundle::repack_uncompressed`]), if one was kept, opened (not read: its
    /// entries are read from the file straight into their own buffers).
    pub(crate) fn stored_copy(&self, digest: &str) -> Option<std::fs::File> {
        std::fs::File::open(self.bundle_path(digest)?.with_extension("stored")).ok()
    }

    /// Keeps an uncompressed copy of a cached base library next to it.
    pub(crate) fn store_copy(&self, digest: &str, bytes: &[u8]) -> Result<()> {
        self.write_beside(digest, "stored", bytes)
    }

    /// The file `<bundle>.<ext>` kept next to cached bundle `digest` (removed with it).
    fn read_beside(&self, digest: &str, ext: &str) -> Option<Vec<u8>> {
        std::fs::read(self.bundle_path(digest)?.with_extension(ext)).ok()
    }

    /// Writes `<bundle>.<ext>` next to cached bundle `digest`: to a temporary name, then renamed,
    /// so a reader never sees half of it.
    fn write_beside(&self, digest: &str, ext: &str, bytes: &[u8]) -> Result<()> {
        let Some(path) = self.bundle_path(digest).map(|p| p.with_extension(ext)) else { return Ok(()) };
        let tmp = path.with_extension(format!("{ext}-tmp"));
        std::fs::write(&tmp, bytes).map_err(Error::io("writing", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(Error::io("renaming", &path))
    }

    fn bundles(&self) -> Result<Vec<(String, u64, SystemTime)>> {
        let dir = self.root.join("bundles");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(Error::io("listing", &dir))? {
            let entry = entry.map_err(Error::io("listing", &dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if hex_of(&name).is_none() {
                continue;
            }
            let md = entry.metadata().map_err(Error::io("reading", entry.path()))?;
            out.push((format!("sha256:{name}"), md.len(), md.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        }
        Ok(out)
    }

    /// Evicts least recently used bundles until the total is within the cap (never `keep`).
    pub fn evict(&self, keep: &str) -> Result<()> {
        let mut all = self.bundles()?;
        let mut total: u64 = all.iter().map(|b| b.1).sum();
        all.sort_by_key(|b| b.2);
        for (digest, size, _) in all {
            if total <= self.cap {
                break;
            }
            if digest == keep || hex_of(&digest) == hex_of(keep) {
                continue;
            }
            self.remove_bundle(&digest);
            tracing::debug!(%digest, size, "evicted from cache");
            total -= size;
        }
        Ok(())
    }

    fn cloud_dir(&self, cloud: &Url) -> PathBuf {
        self.root.join("clouds").join(slug(cloud))
    }

    /// The platform key pinned for `cloud`, if any.
    pub fn pinned_key(&self, cloud: &Url) -> Result<Option<VerifyingKey>> {
        let path = self.cloud_dir(cloud).join("platform-key");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(VerifyingKey::from_hex(&text)?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading", path)(e)),
        }
    }

    /// Pins `key` as the platform key of `cloud`.
    pub fn pin_key(&self, cloud: &Url, key: &VerifyingKey) -> Result<()> {
        let dir = self.cloud_dir(cloud);
        std::fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        let path = dir.join("platform-key");
        std::fs::write(&path, format!("{}\n", key.to_hex())).map_err(Error::io("writing", path))
    }

    /// What the cache knows about `appid` on `cloud`.
    pub fn app_record(&self, cloud: &Url, appid: &str) -> Option<CachedApp> {
        let path = self.cloud_dir(cloud).join("apps").join(format!("{appid}.json"));
        let bytes = std::fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Saves what the cache knows about an app.
    pub fn save_app_record(&self, cloud: &Url, record: &CachedApp) -> Result<()> {
        let dir = self.cloud_dir(cloud).join("apps");
        std::fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        let path = dir.join(format!("{}.json", record.meta.appid));
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(record).expect("plain struct serializes");
        std::fs::write(&tmp, bytes).map_err(Error::io("writing", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(Error::io("renaming", path))
    }

    /// The base library cached last for `cloud`.
    pub fn base_record(&self, cloud: &Url) -> Option<BaseInfo> {
        let bytes = std::fs::read(self.cloud_dir(cloud).join("base.json")).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Remembers the base library cached for `cloud`.
    pub fn save_base_record(&self, cloud: &Url, info: &BaseInfo) -> Result<()> {
        let dir = self.cloud_dir(cloud);
        std::fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        let path = dir.join("base.json");
        std::fs::write(&path, serde_json::to_vec_pretty(info).expect("plain struct serializes")).map_err(Error::io("writing", path))
    }

    fn records(&self) -> Vec<CachedApp> {
        let mut out = Vec::new();
        let Ok(clouds) = std::fs::read_dir(self.root.join("clouds")) else { return out };
        for cloud in clouds.flatten() {
            let Ok(apps) = std::fs::read_dir(cloud.path().join("apps")) else { continue };
            for app in apps.flatten() {
                if let Ok(rec) = std::fs::read(app.path()).map_err(|_| ()).and_then(|b| serde_json::from_slice(&b).map_err(|_| ())) {
                    out.push(rec);
                }
            }
        }
        out
    }

    /// Every app this cache knows (launched at least once), most recently opened first: the
    /// home screen's recent list.
    pub fn recent_apps(&self) -> Vec<CachedApp> {
        let mut out = self.records();
        // Newest first; apps checked in the same second by id, so the order is stable.
        out.sort_by(|a, b| b.checked_at.cmp(&a.checked_at).then_with(|| a.meta.appid.cmp(&b.meta.appid)));
        out
    }

    /// Every cached bundle, most recently used first.
    pub fn ls(&self) -> Result<Vec<CacheEntry>> {
        let records = self.records();
        let mut out: Vec<CacheEntry> = self
            .bundles()?
            .into_iter()
            .map(|(digest, size, last_used)| {
                let apps = records
                    .iter()
                    .flat_map(|r| {
                        r.meta.versions.iter().filter(|v| v.digest == digest).map(move |v| format!("{} {}", r.meta.appid, v.version))
                    })
                    .collect();
                CacheEntry { digest, size, last_used, apps }
            })
            .collect();
        out.sort_by_key(|e| std::cmp::Reverse(e.last_used));
        Ok(out)
    }

    /// Removes everything (bundles, pins, app records); returns the bundle bytes freed.
    pub fn clear(&self) -> Result<u64> {
        let freed = self.bundles()?.iter().map(|b| b.1).sum();
        for sub in ["bundles", "clouds"] {
            let dir = self.root.join(sub);
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(Error::io("removing", &dir))?;
            }
        }
        std::fs::create_dir_all(self.root.join("bundles")).map_err(Error::io("creating", &self.root))?;
        Ok(freed)
    }
}
