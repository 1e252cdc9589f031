//! [`SqliteMeta`]: the default [`MetaStore`], one SQLite file in the data dir (`DATA/meta.db`).
//! WAL mode with a busy timeout, so several processes on one machine may share the file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use super::{refusal, version_key, AppRecord, InsertRefusal, MetaStore, NewLoginCode, NewVersion, Redemption};
use crate::api::{AppStatus, ArtifactInfo, BaseInfo, VersionInfo};
use crate::error::{Error, Result};

/// [`MetaStore`] in one SQLite file.
pub struct SqliteMeta {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteMeta").field("path", &self.path).finish()
    }
}

impl SqliteMeta {
    /// Opens (creating when needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteMeta> {
        let db = |e: rusqlite::Error| Error::Database { path: path.to_path_buf(), reason: e.to_string() };
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS apps (
                 appid TEXT PRIMARY KEY,
                 name TEXT NOT NULL,
                 status TEXT NOT NULL DEFAULT 'published',
                 reason TEXT NOT NULL DEFAULT '',
                 publisher_key TEXT NOT NULL,
                 updated_at INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS versions (
                 appid TEXT NOT NULL REFERENCES apps(appid),
                 version TEXT NOT NULL,
                 digest TEXT NOT NULL,
                 size INTEGER NOT NULL,
                 published_at INTEGER NOT NULL,
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 UNIQUE (appid, version)
             );
             CREATE TABLE IF NOT EXISTS base_versions (
                 version TEXT NOT NULL UNIQUE,
                 name TEXT NOT NULL,
                 digest TEXT NOT NULL,
                 size INTEGER NOT NULL,
                 published_at INTEGER NOT NULL,
                 publisher_key TEXT NOT NULL,
                 seq INTEGER PRIMARY KEY AUTOINCREMENT
             );
             CREATE TABLE IF NOT EXISTS app_secrets (
                 appid TEXT PRIMARY KEY REFERENCES apps(appid),
                 secret TEXT NOT NULL,
                 created_at INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS login_codes (
                 code_hash TEXT PRIMARY KEY,
                 appid TEXT NOT NULL,
                 user_key TEXT NOT NULL,
                 issued_at INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL,
                 used INTEGER NOT NULL DEFAULT 0
             );
             CREATE INDEX IF NOT EXISTS login_codes_expires_at ON login_codes (expires_at);
             CREATE TABLE IF NOT EXISTS artifacts (
                 bundle_digest TEXT NOT NULL,
                 engine TEXT NOT NULL,
                 component_digest TEXT NOT NULL,
                 digest TEXT NOT NULL,
                 size INTEGER NOT NULL,
                 signature TEXT NOT NULL,
                 PRIMARY KEY (bundle_digest, engine)
             );",
        )
        .map_err(db)?;
        Ok(SqliteMeta { path: path.to_path_buf(), conn: Mutex::new(conn) })
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| Error::Database { path: self.path.clone(), reason: e.to_string() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn row_to_app(row: &rusqlite::Row<'_>) -> rusqlite::Result<AppRecord> {
    let status: String = row.get(2)?;
    Ok(AppRecord {
        appid: row.get(0)?,
        name: row.get(1)?,
        status: AppStatus::parse(&status).unwrap_or(AppStatus::Suspended),
        reason: row.get(3)?,
        publisher_key: row.get(4)?,
    })
}

impl MetaStore for SqliteMeta {
    fn app(&self, appid: &str) -> Result<Option<AppRecord>> {
        self.lock()
            .query_row(
                "SELECT appid, name, status, reason, publisher_key FROM apps WHERE appid = ?1",
                params![appid],
                row_to_app,
            )
            .optional()
            .map_err(self.db())
    }

    fn apps(&self) -> Result<Vec<AppRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT appid, name, status, reason, publisher_key FROM apps ORDER BY appid")
            .map_err(self.db())?;
        let rows = stmt.query_map([], row_to_app).map_err(self.db())?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.db())
    }

    fn versions(&self, appid: &str) -> Result<Vec<VersionInfo>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT version, digest, size, published_at FROM versions WHERE appid = ?1 ORDER BY seq")
            .map_err(self.db())?;
        let rows = stmt
            .query_map(params![appid], |r| {
                Ok(VersionInfo { version: r.get(0)?, digest: r.get(1)?, size: r.get::<_, i64>(2)? as u64, published_at: r.get(3)? })
            })
            .map_err(self.db())?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.db())
    }

    fn insert_version(&self, new: &NewVersion) -> Result<std::result::Result<(), InsertRefusal>> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(self.db())?;
        let owner: Option<String> = tx
            .query_row("SELECT publisher_key FROM apps WHERE appid = ?1", params![new.appid], |r| r.get(0))
            .optional()
            .map_err(self.db())?;
        if let Some(owner) = &owner {
            if owner != &new.publisher_key {
                return Ok(Err(InsertRefusal::OtherPublisher { owner: owner.clone() }));
            }
        }
        let existing: Vec<String> = {
            let mut stmt = tx.prepare("SELECT version FROM versions WHERE appid = ?1").map_err(self.db())?;
            let rows = stmt.query_map(params![new.appid], |r| r.get(0)).map_err(self.db())?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(self.db())?
        };
        if let Some(latest) = existing.iter().max_by_key(|v| version_key(v)) {
            if version_key(&new.version.version) <= version_key(latest) {
                return Ok(Err(InsertRefusal::NotNewer { latest: latest.clone() }));
            }
        }
        let now = new.version.published_at;
        tx.execute(
            "INSERT INTO apps (appid, name, publisher_key, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(appid) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
            params![new.appid, new.name, new.publisher_key, now],
        )
        .map_err(self.db())?;
        tx.execute(
            "INSERT INTO versions (appid, version, digest, size, published_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.appid, new.version.version, new.version.digest, new.version.size as i64, now],
        )
        .map_err(self.db())?;
        tx.commit().map_err(self.db())?;
        Ok(Ok(()))
    }

    fn set_status(&self, appid: &str, status: AppStatus, reason: &str) -> Result<bool> {
        let n = self
            .lock()
            .execute(
                "UPDATE apps SET status = ?2, reason = ?3, updated_at = strftime('%s','now') WHERE appid = ?1",
                params![appid, status.as_str(), reason],
            )
            .map_err(self.db())?;
        Ok(n == 1)
    }

    fn insert_base(&self, base: &BaseInfo, publisher_key: &str) -> Result<std::result::Result<(), InsertRefusal>> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(self.db())?;
        let existing: Vec<String> = {
            let mut stmt = tx.prepare("SELECT version FROM base_versions").map_err(self.db())?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(self.db())?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(self.db())?
        };
        if let Some(latest) = existing.iter().max_by_key(|v| version_key(v)) {
            if version_key(&base.version) <= version_key(latest) {
                return Ok(Err(InsertRefusal::NotNewer { latest: latest.clone() }));
            }
        }
        tx.execute(
            "INSERT INTO base_versions (version, name, digest, size, published_at, publisher_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![base.version, base.name, base.digest, base.size as i64, base.published_at, publisher_key],
        )
        .map_err(self.db())?;
        tx.commit().map_err(self.db())?;
        Ok(Ok(()))
    }

    fn bases(&self) -> Result<Vec<BaseInfo>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT name, version, digest, size, published_at FROM base_versions ORDER BY seq")
            .map_err(self.db())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BaseInfo { name: r.get(0)?, version: r.get(1)?, digest: r.get(2)?, size: r.get::<_, i64>(3)? as u64, published_at: r.get(4)? })
            })
            .map_err(self.db())?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.db())
    }

    fn insert_artifact(&self, bundle_digest: &str, a: &ArtifactInfo) -> Result<()> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO artifacts (bundle_digest, engine, component_digest, digest, size, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![bundle_digest, a.engine, a.component_digest, a.digest, a.size as i64, a.signature],
            )
            .map_err(self.db())?;
        Ok(())
    }

    fn artifacts(&self, bundle_digest: &str) -> Result<Vec<ArtifactInfo>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT engine, component_digest, digest, size, signature FROM artifacts WHERE bundle_digest = ?1 ORDER BY engine")
            .map_err(self.db())?;
        let rows = stmt
            .query_map(params![bundle_digest], |r| {
                Ok(ArtifactInfo { engine: r.get(0)?, component_digest: r.get(1)?, digest: r.get(2)?, size: r.get::<_, i64>(3)? as u64, signature: r.get(4)? })
            })
            .map_err(self.db())?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.db())
    }

    fn app_secret(&self, appid: &str) -> Result<Option<String>> {
        self.lock()
            .query_row("SELECT secret FROM app_secrets WHERE appid = ?1", params![appid], |r| r.get(0))
            .optional()
            .map_err(self.db())
    }

    fn ensure_app_secret(&self, appid: &str, candidate: &str) -> Result<(String, bool)> {
        let conn = self.lock();
        let created = conn
            .execute(
                "INSERT INTO app_secrets (appid, secret, created_at) VALUES (?1, ?2, strftime('%s','now')) ON CONFLICT(appid) DO NOTHING",
                params![appid, candidate],
            )
            .map_err(self.db())?
            == 1;
        let secret = conn.query_row("SELECT secret FROM app_secrets WHERE appid = ?1", params![appid], |r| r.get(0)).map_err(self.db())?;
        Ok((secret, created))
    }

    fn insert_login_code(&self, code: &NewLoginCode, purge_before_ms: i64) -> Result<()> {
        let conn = self.lock();
        conn.execute("DELETE FROM login_codes WHERE expires_at < ?1", params![purge_before_ms]).map_err(self.db())?;
        conn.execute(
            "INSERT INTO login_codes (code_hash, appid, user_key, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code.code_hash, code.appid, code.user, code.issued_at_ms, code.expires_at_ms],
        )
        .map_err(self.db())?;
        Ok(())
    }

    fn redeem_login_code(&self, code_hash: &str, appid: &str, now_ms: i64) -> Result<Redemption> {
        let conn = self.lock();
        let user: Option<String> = conn
            .query_row(
                "UPDATE login_codes SET used = 1
                 WHERE code_hash = ?1 AND appid = ?2 AND used = 0 AND expires_at > ?3
                 RETURNING user_key",
                params![code_hash, appid, now_ms],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.db())?;
        if let Some(user) = user {
            return Ok(Redemption::Redeemed { user });
        }
        let row = conn
            .query_row("SELECT appid, used, expires_at FROM login_codes WHERE code_hash = ?1", params![code_hash], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? != 0, r.get::<_, i64>(2)?))
            })
            .optional()
            .map_err(self.db())?;
        Ok(refusal(row, appid, now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: &str) -> NewVersion {
        NewVersion {
            appid: "counter".into(),
            name: "Counter".into(),
            publisher_key: "k1".into(),
            version: VersionInfo { version: version.into(), digest: format!("sha256:{version}"), size: 10, published_at: 1 },
        }
    }

    #[test]
    fn versions_must_grow_numerically_and_belong_to_one_publisher() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteMeta::open(&dir.path().join("meta.db")).unwrap();
        assert_eq!(db.insert_version(&v("1.9.0")).unwrap(), Ok(()));
        assert_eq!(db.insert_version(&v("1.10.0")).unwrap(), Ok(()));
        assert_eq!(db.insert_version(&v("1.10.0")).unwrap(), Err(InsertRefusal::NotNewer { latest: "1.10.0".into() }));
        assert_eq!(db.insert_version(&v("1.2.0")).unwrap(), Err(InsertRefusal::NotNewer { latest: "1.10.0".into() }));
        let mut other = v("2.0.0");
        other.publisher_key = "k2".into();
        assert_eq!(db.insert_version(&other).unwrap(), Err(InsertRefusal::OtherPublisher { owner: "k1".into() }));
        let versions: Vec<String> = db.versions("counter").unwrap().into_iter().map(|v| v.version).collect();
        assert_eq!(versions, ["1.9.0", "1.10.0"]);
        assert!(db.set_status("counter", AppStatus::Banned, "fraud").unwrap());
        assert!(!db.set_status("nope", AppStatus::Banned, "x").unwrap());
        let app = db.app("counter").unwrap().unwrap();
        assert_eq!((app.status, app.reason.as_str()), (AppStatus::Banned, "fraud"));
    }

    #[test]
    fn a_registry_from_before_login_gains_its_tables_and_keeps_its_apps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.db");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(
                "CREATE TABLE apps (appid TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'published',
                     reason TEXT NOT NULL DEFAULT '', publisher_key TEXT NOT NULL, updated_at INTEGER NOT NULL);
                 INSERT INTO apps (appid, name, publisher_key, updated_at) VALUES ('counter', 'Counter', 'k1', 1);",
            )
            .unwrap();
        }
        let db = SqliteMeta::open(&path).unwrap();
        assert_eq!(db.app("counter").unwrap().unwrap().name, "Counter");
        assert_eq!(db.app_secret("counter").unwrap(), None);
        assert_eq!(db.ensure_app_secret("counter", "s").unwrap(), ("s".into(), true));
        drop(db);
        let db = SqliteMeta::open(&path).unwrap();
        assert_eq!(db.app_secret("counter").unwrap().as_deref(), Some("s"), "kept across a reopen");
    }
}
