//! Persistent per-app key-value storage in SQLite: one database for the host, rows keyed by
//! (app id, key), quota checked inside the same transaction as the write.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};

/// A handle on the host's storage database; cheap to clone, shared by every app instance.
#[derive(Clone)]
pub struct Storage {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage").field("path", &self.path).finish()
    }
}

impl PartialEq for Storage {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.conn, &other.conn)
    }
}

/// A storage failure inside a host call, before it becomes a WIT `host-error`.
#[derive(Debug, PartialEq)]
pub(crate) enum StorageFault {
    /// A quota or size limit.
    Limit(String),
    /// A bad key.
    Invalid(String),
    /// SQLite failed.
    Backend(String),
}

impl From<rusqlite::Error> for StorageFault {
    fn from(e: rusqlite::Error) -> Self {
        StorageFault::Backend(format!("storage failed: {e}"))
    }
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS kv (
        app   TEXT NOT NULL,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        size  INTEGER NOT NULL,
        PRIMARY KEY (app, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS permissions (
        app     TEXT NOT NULL,
        scope   TEXT NOT NULL,
        granted INTEGER NOT NULL,
        PRIMARY KEY (app, scope)
    ) WITHOUT ROWID;
";

impl Storage {
    /// Open (creating if needed) the storage database at `path`.
    ///
    /// # Errors
    /// [`Error::Storage`] naming the file when SQLite cannot open or initialise it.
    pub fn open(path: &Path) -> Result<Storage> {
        let err = |e: rusqlite::Error| Error::Storage { path: path.display().to_string(), reason: e.to_string() };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| Error::Io { action: "creating the storage folder", path: dir.to_path_buf(), source })?;
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Storage { conn: Arc::new(Mutex::new(conn)), path: Some(path.to_path_buf()) })
    }

    /// A storage that lives in memory only (tests, `--ephemeral` runs).
    ///
    /// # Errors
    /// [`Error::Storage`] if SQLite cannot create it.
    pub fn in_memory() -> Result<Storage> {
        let err = |e: rusqlite::Error| Error::Storage { path: ":memory:".into(), reason: e.to_string() };
        let conn = Connection::open_in_memory().map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Storage { conn: Arc::new(Mutex::new(conn)), path: None })
    }

    /// SQLite's `PRAGMA integrity_check` of the database: `Ok(())` when it answers `ok`.
    ///
    /// # Errors
    /// [`Error::Storage`] with what SQLite found (or why it could not check).
    pub fn integrity_check(&self) -> Result<()> {
        let path = self.path.as_ref().map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
        let conn = self.lock();
        let mut stmt = conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| Error::Storage { path: path.clone(), reason: e.to_string() })?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(|e| Error::Storage { path: path.clone(), reason: e.to_string() })?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(Error::Storage { path, reason: format!("integrity check failed: {}", rows.join("; ")) })
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes used by `app` (keys + values).
    ///
    /// # Errors
    /// [`Error::Storage`] if the query fails.
    pub fn usage(&self, app: &str) -> Result<u64> {
        self.used(app).map_err(|e| Error::Storage { path: self.describe(), reason: format!("{e:?}") })
    }

    /// Every key `app` stored with the bytes of its value, sorted by key (the Storage panel).
    ///
    /// # Errors
    /// [`Error::Storage`] if the query fails.
    pub fn entries(&self, app: &str) -> Result<Vec<(String, usize)>> {
        let keys = self.keys(app).map_err(|e| Error::Storage { path: self.describe(), reason: format!("{e:?}") })?;
        let mut out = Vec::new();
        for k in keys {
            let v = self.get(app, &k).map_err(|e| Error::Storage { path: self.describe(), reason: format!("{e:?}") })?;
            out.push((k, v.map_or(0, |v| v.len())));
        }
        out.sort();
        Ok(out)
    }

    /// Remove everything `app` stored (the settings page's "clear data").
    ///
    /// # Errors
    /// [`Error::Storage`] if the delete fails.
    pub fn clear_app(&self, app: &str) -> Result<()> {
        self.clear(app).map_err(|e| Error::Storage { path: self.describe(), reason: format!("{e:?}") })
    }

    /// The remembered answer of the user to `app` asking for `scope`, if any.
    ///
    /// # Errors
    /// [`Error::Storage`] if the query fails.
    pub fn permission(&self, app: &str, scope: &str) -> Result<Option<bool>> {
        let conn = self.lock();
        conn.query_row("SELECT granted FROM permissions WHERE app = ?1 AND scope = ?2", params![app, scope], |r| {
            r.get::<_, bool>(0)
        })
        .optional()
        .map_err(|e| self.fault(e))
    }

    /// Every remembered answer of `app`: (scope, granted), sorted by scope.
    ///
    /// # Errors
    /// [`Error::Storage`] if the query fails.
    pub fn permissions(&self, app: &str) -> Result<Vec<(String, bool)>> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<(String, bool)>> {
            let mut stmt = conn.prepare("SELECT scope, granted FROM permissions WHERE app = ?1 ORDER BY scope")?;
            let rows = stmt.query_map([app], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        run().map_err(|e| self.fault(e))
    }

    /// Remember the user's answer to `app` asking for `scope`.
    ///
    /// # Errors
    /// [`Error::Storage`] if the write fails.
    pub fn set_permission(&self, app: &str, scope: &str, granted: bool) -> Result<()> {
        self.lock()
            .execute(
                "INSERT INTO permissions (app, scope, granted) VALUES (?1, ?2, ?3)
                 ON CONFLICT (app, scope) DO UPDATE SET granted = excluded.granted",
                params![app, scope, granted],
            )
            .map(|_| ())
            .map_err(|e| self.fault(e))
    }

    /// Remember the user's answer unless one is already stored (a denial stays denied until
    /// [`Storage::reset_permissions`]); returns the answer that holds now.
    ///
    /// # Errors
    /// [`Error::Storage`] if the write fails.
    pub fn remember_permission(&self, app: &str, scope: &str, granted: bool) -> Result<bool> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<bool> {
            conn.execute(
                "INSERT INTO permissions (app, scope, granted) VALUES (?1, ?2, ?3) ON CONFLICT (app, scope) DO NOTHING",
                params![app, scope, granted],
            )?;
            conn.query_row("SELECT granted FROM permissions WHERE app = ?1 AND scope = ?2", params![app, scope], |r| r.get(0))
        };
        run().map_err(|e| self.fault(e))
    }

    /// The data owners with permission answers for app id `app_id`: `app_id` itself and every
    /// `HOST:PORT/app_id` (one per cloud the app was launched from), sorted.
    ///
    /// # Errors
    /// [`Error::Storage`] if the query fails.
    pub fn permission_owners(&self, app_id: &str) -> Result<Vec<String>> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT app FROM permissions WHERE app = ?1 OR substr(app, -length(?1) - 1) = '/' || ?1 ORDER BY app",
            )?;
            let rows = stmt.query_map([app_id], |r| r.get(0))?;
            rows.collect()
        };
        run().map_err(|e| self.fault(e))
    }

    /// Forget the answers of `app` (one `scope`, or all): the next `authorize` prompts again.
    /// Returns how many answers were forgotten.
    ///
    /// # Errors
    /// [`Error::Storage`] if the delete fails.
    pub fn reset_permissions(&self, app: &str, scope: Option<&str>) -> Result<usize> {
        let conn = self.lock();
        let n = match scope {
            Some(scope) => conn.execute("DELETE FROM permissions WHERE app = ?1 AND scope = ?2", params![app, scope]),
            None => conn.execute("DELETE FROM permissions WHERE app = ?1", [app]),
        };
        n.map_err(|e| self.fault(e))
    }

    fn fault(&self, e: rusqlite::Error) -> Error {
        Error::Storage { path: self.describe(), reason: e.to_string() }
    }

    fn describe(&self) -> String {
        self.path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| ":memory:".into())
    }

    fn used(&self, app: &str) -> Result<u64, StorageFault> {
        let conn = self.lock();
        let n: i64 = conn.query_row("SELECT COALESCE(SUM(size), 0) FROM kv WHERE app = ?1", [app], |r| r.get(0))?;
        Ok(n as u64)
    }

    pub(crate) fn get(&self, app: &str, key: &str) -> Result<Option<String>, StorageFault> {
        let conn = self.lock();
        Ok(conn
            .query_row("SELECT value FROM kv WHERE app = ?1 AND key = ?2", params![app, key], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn set(&self, app: &str, key: &str, value: &str, quota: u64) -> Result<(), StorageFault> {
        let size = (key.len() + value.len()) as u64;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let others: i64 = tx.query_row(
            "SELECT COALESCE(SUM(size), 0) FROM kv WHERE app = ?1 AND key <> ?2",
            params![app, key],
            |r| r.get(0),
        )?;
        let total = others as u64 + size;
        if total > quota {
            return Err(StorageFault::Limit(format!(
                "storage of app {app} would be {total} bytes, over the quota of {quota} bytes"
            )));
        }
        tx.execute(
            "INSERT INTO kv (app, key, value, size) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (app, key) DO UPDATE SET value = excluded.value, size = excluded.size",
            params![app, key, value, size as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn remove(&self, app: &str, key: &str) -> Result<(), StorageFault> {
        self.lock().execute("DELETE FROM kv WHERE app = ?1 AND key = ?2", params![app, key])?;
        Ok(())
    }

    pub(crate) fn clear(&self, app: &str) -> Result<(), StorageFault> {
        self.lock().execute("DELETE FROM kv WHERE app = ?1", [app])?;
        Ok(())
    }

    pub(crate) fn keys(&self, app: &str) -> Result<Vec<String>, StorageFault> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT key FROM kv WHERE app = ?1 ORDER BY key")?;
        let keys = stmt.query_map([app], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The child of [`acknowledged_writes_survive_sigkill`]: with `MINIAPP_DURABILITY_DB` set, it
    /// writes keys from `MINIAPP_DURABILITY_FROM` on, printing `ack N` after each write returned,
    /// until it is killed. Without the variable it does nothing (a normal test run).
    #[test]
    fn durability_child() {
        let Some(db) = std::env::var_os("MINIAPP_DURABILITY_DB") else { return };
        let from: u64 = std::env::var("MINIAPP_DURABILITY_FROM").unwrap().parse().unwrap();
        let s = Storage::open(Path::new(&db)).unwrap();
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for i in from.. {
            // New keys, and every third write overwrites an older key (updates must survive too).
            let key = if i % 3 == 0 && i > 0 { format!("k{}", i / 3) } else { format!("k{i}") };
            s.set("durable", &key, &durability_value(i), u64::MAX).unwrap();
            writeln!(out, "ack {i} {key}").unwrap();
            out.flush().unwrap();
        }
    }

    fn durability_value(i: u64) -> String {
        format!("value {i} {}", "x".repeat((i % 7 * 150) as usize))
    }

    /// Storage durability (issue 12): a child process writing in a loop is SIGKILLed at a random
    /// moment, again and again; after every kill the database passes `PRAGMA integrity_check` and
    /// holds every write the child had acknowledged (WAL + `synchronous = FULL`).
    #[test]
    fn acknowledged_writes_survive_sigkill() {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        const ROUNDS: u64 = 20;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("storage.db");
        let exe = std::env::current_exe().unwrap();
        let mut acked: std::collections::BTreeMap<String, u64> = Default::default();
        let mut next = 0u64;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..ROUNDS {
            let mut child = Command::new(&exe)
                .args(["--exact", "storage::tests::durability_child", "--nocapture", "--test-threads=1"])
                .env("MINIAPP_DURABILITY_DB", &db)
                .env("MINIAPP_DURABILITY_FROM", next.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                std::io::BufReader::new(stdout)
                    .lines()
                    .map_while(|l| l.ok())
                    .filter_map(|l| {
                        let mut parts = l.strip_prefix("ack ")?.split(' ');
                        Some((parts.next()?.parse::<u64>().ok()?, parts.next()?.to_string()))
                    })
                    .collect::<Vec<_>>()
            });
            // Kill after 30..230 ms (xorshift), at whatever point of a write the child is.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            std::thread::sleep(std::time::Duration::from_millis(30 + seed % 200));
            child.kill().unwrap(); // SIGKILL on unix
            child.wait().unwrap();
            let acks = reader.join().unwrap();
            for (i, key) in &acks {
                acked.insert(key.clone(), *i);
                next = next.max(i + 1);
            }
            // A write may have landed without its ack line: the next child starts after it too.
            next += 1;
            let s = Storage::open(&db).unwrap();
            s.integrity_check().unwrap_or_else(|e| panic!("round {round}: {e}"));
            for (key, i) in &acked {
                let got = s.get("durable", key).unwrap();
                // A later unacknowledged write to the same key may have landed: it is newer.
                let ok = got.as_deref().is_some_and(|v| {
                    v == durability_value(*i) || v.split(' ').nth(1).and_then(|n| n.parse::<u64>().ok()).is_some_and(|n| n > *i)
                });
                assert!(ok, "round {round}: acknowledged write {i} of {key} is lost (found {got:?})");
            }
        }
        assert!(acked.len() > ROUNDS as usize, "the children acknowledged only {} writes", acked.len());
    }

    #[test]
    fn values_persist_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s/storage.db");
        let s = Storage::open(&path).unwrap();
        s.set("a", "k", "v", 100).unwrap();
        drop(s);
        let s = Storage::open(&path).unwrap();
        assert_eq!(s.get("a", "k").unwrap().as_deref(), Some("v"));
        assert_eq!(s.usage("a").unwrap(), 2);
    }

    #[test]
    fn apps_do_not_see_each_other() {
        let s = Storage::in_memory().unwrap();
        s.set("a", "k", "1", 100).unwrap();
        assert_eq!(s.get("b", "k").unwrap(), None);
        s.clear("b").unwrap();
        assert_eq!(s.keys("a").unwrap(), ["k"]);
    }

    #[test]
    fn over_quota_write_is_refused_and_keeps_the_old_value() {
        let s = Storage::in_memory().unwrap();
        s.set("a", "k", "12345", 10).unwrap();
        let e = s.set("a", "k", "1234567890", 10).unwrap_err();
        assert_eq!(e, StorageFault::Limit("storage of app a would be 11 bytes, over the quota of 10 bytes".into()));
        assert_eq!(s.get("a", "k").unwrap().as_deref(), Some("12345"));
        // overwriting counts the new size, not old + new
        s.set("a", "k", "123456789", 10).unwrap();
    }

    #[test]
    fn remove_and_clear_free_the_quota() {
        let s = Storage::in_memory().unwrap();
        s.set("a", "x", "1", 100).unwrap();
        s.set("a", "y", "2", 100).unwrap();
        s.remove("a", "x").unwrap();
        assert_eq!(s.keys("a").unwrap(), ["y"]);
        s.clear_app("a").unwrap();
        assert_eq!(s.usage("a").unwrap(), 0);
    }

    #[test]
    fn permissions_are_remembered_per_app_until_reset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("storage.db");
        let s = Storage::open(&path).unwrap();
        assert_eq!(s.permission("a", "scope.camera").unwrap(), None);
        s.set_permission("a", "scope.camera", false).unwrap();
        s.set_permission("a", "scope.userInfo", true).unwrap();
        drop(s);
        let s = Storage::open(&path).unwrap();
        assert_eq!(s.permission("a", "scope.camera").unwrap(), Some(false));
        assert_eq!(s.permission("b", "scope.camera").unwrap(), None);
        assert!(!s.remember_permission("a", "scope.camera", true).unwrap(), "an answer already stored holds");
        s.set_permission("127.0.0.1:4000/a", "scope.camera", true).unwrap();
        s.set_permission("127.0.0.1:4000/ba", "scope.camera", true).unwrap();
        assert_eq!(s.permission_owners("a").unwrap(), ["127.0.0.1:4000/a", "a"]);
        s.reset_permissions("127.0.0.1:4000/a", None).unwrap();
        s.reset_permissions("127.0.0.1:4000/ba", None).unwrap();
        assert_eq!(
            s.permissions("a").unwrap(),
            vec![("scope.camera".to_string(), false), ("scope.userInfo".to_string(), true)]
        );
        assert_eq!(s.reset_permissions("a", Some("scope.camera")).unwrap(), 1);
        assert_eq!(s.permission("a", "scope.camera").unwrap(), None);
        assert_eq!(s.reset_permissions("a", None).unwrap(), 1);
        assert!(s.permissions("a").unwrap().is_empty());
        // app data and permissions are separate: clearing storage keeps the answers
        s.set_permission("a", "scope.record", true).unwrap();
        s.clear_app("a").unwrap();
        assert_eq!(s.permission("a", "scope.record").unwrap(), Some(true));
    }

    #[test]
    fn unopenable_path_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = Storage::open(dir.path()).unwrap_err().to_string();
        assert!(e.starts_with(&format!("storage database {}:", dir.path().display())), "{e}");
    }
}
