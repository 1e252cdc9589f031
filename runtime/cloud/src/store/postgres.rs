//! [`PgMeta`]: the [`MetaStore`] for replicas, in PostgreSQL (`--database postgres://…`).
//!
//! Several cloud processes share one database; every write that checks before it inserts (a new
//! version must be newer than the others, an app id belongs to one publisher key) holds a
//! transaction-scoped advisory lock on the app id, so two replicas publishing at once cannot both
//! win. A login code is marked used by one `UPDATE … WHERE NOT used … RETURNING`, so of two
//! replicas exchanging it at once exactly one succeeds. The schema is created on first connect
//! (under an advisory lock too, so replicas starting together do not race).
//!
//! The trait is synchronous; `PgMeta` drives `tokio-postgres` on its own one-worker runtime, so
//! it may be called from any thread that is not an async task (the server calls it from
//! `spawn_blocking`). Connections: a small pool ([`DEFAULT_PG_CONNECTIONS`]); a connection that
//! broke is re-opened on next use. TLS is not built in: use `sslmode=disable` (the default
//! `prefer` falls back to plain) on a private network or a local TLS-terminating proxy.

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use tokio_postgres::{Client, NoTls, Row};

use super::{redact, refusal, version_key, AppRecord, InsertRefusal, MetaStore, NewLoginCode, NewVersion, Redemption};
use crate::api::{AppStatus, ArtifactInfo, BaseInfo, VersionInfo};
use crate::error::{Error, Result};

/// Connections each `PgMeta` keeps open (per cloud process): 4.
pub const DEFAULT_PG_CONNECTIONS: usize = 4;

/// How long connecting may take when the URL sets no `connect_timeout`: 5 s.
pub const DEFAULT_PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one store operation (a query or a publish transaction) may take: 30 s.
pub const DEFAULT_PG_QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Advisory-lock class ids (first half of the two-int key), so the cloud's locks cannot collide
/// with another application's in the same database.
const LOCK_SCHEMA: i32 = 0x6d61_0001;
const LOCK_APP: i32 = 0x6d61_0002;
const LOCK_BASE: i32 = 0x6d61_0003;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS apps (
        appid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'published',
        reason TEXT NOT NULL DEFAULT '',
        publisher_key TEXT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS versions (
        seq BIGSERIAL PRIMARY KEY,
        appid TEXT NOT NULL REFERENCES apps(appid),
        version TEXT NOT NULL,
        digest TEXT NOT NULL,
        size BIGINT NOT NULL,
        published_at BIGINT NOT NULL,
        UNIQUE (appid, version)
    );
    CREATE TABLE IF NOT EXISTS base_versions (
        seq BIGSERIAL PRIMARY KEY,
        version TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        size BIGINT NOT NULL,
        published_at BIGINT NOT NULL,
        publisher_key TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS app_secrets (
        appid TEXT PRIMARY KEY REFERENCES apps(appid),
        secret TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS login_codes (
        code_hash TEXT PRIMARY KEY,
        appid TEXT NOT NULL,
        user_key TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX IF NOT EXISTS login_codes_expires_at ON login_codes (expires_at);
    CREATE TABLE IF NOT EXISTS artifacts (
        bundle_digest TEXT NOT NULL,
        engine TEXT NOT NULL,
        component_digest TEXT NOT NULL,
        digest TEXT NOT NULL,
        size BIGINT NOT NULL,
        signature TEXT NOT NULL,
        PRIMARY KEY (bundle_digest, engine)
    );";

/// [`MetaStore`] in a PostgreSQL database, shared by cloud replicas.
pub struct PgMeta {
    location: String,
    config: tokio_postgres::Config,
    rt: Option<tokio::runtime::Runtime>,
    slots: Vec<Mutex<Option<Client>>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for PgMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgMeta").field("location", &self.location).field("connections", &self.slots.len()).finish()
    }
}

impl Drop for PgMeta {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which panics inside an async context (the server drops its
        // state there); let its worker wind down on its own instead.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// `tokio_postgres::Error`'s text, with the server's message when there is one.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
    }
}

impl PgMeta {
    /// Connects to `url` (`postgres://user:password@host:port/dbname[?options]`) and creates the
    /// schema when it is missing.
    ///
    /// # Errors
    /// [`Error::StorageUrl`] when the URL does not parse; [`Error::MetaStore`] naming the database
    /// (password hidden) when it cannot be reached or the schema cannot be created.
    pub fn connect(url: &str) -> Result<PgMeta> {
        let location = redact(url);
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| Error::StorageUrl { url: location.clone(), rule: format!("not a postgres url: {e}") })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_PG_CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("miniapp-cloud");
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("miniapp-cloud-pg")
            .enable_all()
            .build()
            .map_err(|e| Error::MetaStore { location: location.clone(), reason: format!("starting its runtime: {e}") })?;
        let store = PgMeta {
            location,
            config,
            rt: Some(rt),
            slots: (0..DEFAULT_PG_CONNECTIONS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        };
        let mut slot = store.slot()?;
        let client = slot.as_mut().expect("slot() connects");
        store.run(async {
            let tx = client.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&LOCK_SCHEMA]).await?;
            tx.batch_execute(SCHEMA).await?;
            tx.commit().await
        })?;
        drop(slot);
        tracing::info!(location = %store.location, "metadata in postgresql");
        Ok(store)
    }

    /// The database URL with its password hidden.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().expect("the runtime lives until drop")
    }

    fn err(&self, reason: String) -> Error {
        Error::MetaStore { location: self.location.clone(), reason }
    }

    /// Runs one store operation on the store's runtime, with [`DEFAULT_PG_QUERY_TIMEOUT`].
    fn run<T>(&self, fut: impl Future<Output = std::result::Result<T, tokio_postgres::Error>>) -> Result<T> {
        let timed = async { tokio::time::timeout(DEFAULT_PG_QUERY_TIMEOUT, fut).await };
        match self.rt().block_on(timed) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.err(describe(&e))),
            Err(_) => Err(self.err(format!("no answer within {} s", DEFAULT_PG_QUERY_TIMEOUT.as_secs()))),
        }
    }

    /// A free pooled connection (or the next busy one, waited for), connected.
    fn slot(&self) -> Result<MutexGuard<'_, Option<Client>>> {
        let n = self.slots.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let free = (0..n).find_map(|i| match self.slots[(start + i) % n].try_lock() {
            Ok(g) => Some(g),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        });
        let mut guard = match free {
            Some(g) => g,
            None => self.slots[start].lock().unwrap_or_else(|p| p.into_inner()),
        };
        if guard.as_ref().is_none_or(Client::is_closed) {
            let config = self.config.clone();
            let (client, connection) = self
                .rt()
                .block_on(async move { tokio::time::timeout(DEFAULT_PG_QUERY_TIMEOUT, config.connect(NoTls)).await })
                .map_err(|_| self.err("connecting timed out".into()))?
                .map_err(|e| self.err(describe(&e)))?;
            let location = self.location.clone();
            self.rt().spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(%location, error = %e, "postgresql connection closed");
                }
            });
            *guard = Some(client);
        }
        Ok(guard)
    }
}

fn row_to_app(row: &Row) -> std::result::Result<AppRecord, tokio_postgres::Error> {
    let status: String = row.try_get(2)?;
    Ok(AppRecord {
        appid: row.try_get(0)?,
        name: row.try_get(1)?,
        status: AppStatus::parse(&status).unwrap_or(AppStatus::Suspended),
        reason: row.try_get(3)?,
        publisher_key: row.try_get(4)?,
    })
}

fn row_to_version(row: &Row) -> std::result::Result<VersionInfo, tokio_postgres::Error> {
    Ok(VersionInfo {
        version: row.try_get(0)?,
        digest: row.try_get(1)?,
        size: row.try_get::<_, i64>(2)?.max(0) as u64,
        published_at: row.try_get(3)?,
    })
}

fn row_to_base(row: &Row) -> std::result::Result<BaseInfo, tokio_postgres::Error> {
    Ok(BaseInfo {
        name: row.try_get(0)?,
        version: row.try_get(1)?,
        digest: row.try_get(2)?,
        size: row.try_get::<_, i64>(3)?.max(0) as u64,
        published_at: row.try_get(4)?,
    })
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl MetaStore for PgMeta {
    fn app(&self, appid: &str) -> Result<Option<AppRecord>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let row = c.query_opt("SELECT appid, name, status, reason, publisher_key FROM apps WHERE appid = $1", &[&appid]).await?;
            row.as_ref().map(row_to_app).transpose()
        })
    }

    fn apps(&self) -> Result<Vec<AppRecord>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let rows = c.query("SELECT appid, name, status, reason, publisher_key FROM apps ORDER BY appid", &[]).await?;
            rows.iter().map(row_to_app).collect()
        })
    }

    fn versions(&self, appid: &str) -> Result<Vec<VersionInfo>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let rows = c.query("SELECT version, digest, size, published_at FROM versions WHERE appid = $1 ORDER BY seq", &[&appid]).await?;
            rows.iter().map(row_to_version).collect()
        })
    }

    fn insert_version(&self, new: &NewVersion) -> Result<std::result::Result<(), InsertRefusal>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let tx = c.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &[&LOCK_APP, &new.appid]).await?;
            let owner = tx.query_opt("SELECT publisher_key FROM apps WHERE appid = $1", &[&new.appid]).await?;
            if let Some(owner) = owner {
                let owner: String = owner.try_get(0)?;
                if owner != new.publisher_key {
                    return Ok(Err(InsertRefusal::OtherPublisher { owner }));
                }
            }
            let existing = tx.query("SELECT version FROM versions WHERE appid = $1", &[&new.appid]).await?;
            let existing = existing.iter().map(|r| r.try_get::<_, String>(0)).collect::<std::result::Result<Vec<_>, _>>()?;
            if let Some(latest) = existing.iter().max_by_key(|v| version_key(v)) {
                if version_key(&new.version.version) <= version_key(latest) {
                    return Ok(Err(InsertRefusal::NotNewer { latest: latest.clone() }));
                }
            }
            let at = new.version.published_at;
            tx.execute(
                "INSERT INTO apps (appid, name, publisher_key, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (appid) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at",
                &[&new.appid, &new.name, &new.publisher_key, &at],
            )
            .await?;
            tx.execute(
                "INSERT INTO versions (appid, version, digest, size, published_at) VALUES ($1, $2, $3, $4, $5)",
                &[&new.appid, &new.version.version, &new.version.digest, &(new.version.size as i64), &at],
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    fn set_status(&self, appid: &str, status: AppStatus, reason: &str) -> Result<bool> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        let n = self.run(async {
            c.execute("UPDATE apps SET status = $2, reason = $3, updated_at = $4 WHERE appid = $1", &[&appid, &status.as_str(), &reason, &now()]).await
        })?;
        Ok(n == 1)
    }

    fn insert_base(&self, base: &BaseInfo, publisher_key: &str) -> Result<std::result::Result<(), InsertRefusal>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let tx = c.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1, 0)", &[&LOCK_BASE]).await?;
            let existing = tx.query("SELECT version FROM base_versions", &[]).await?;
            let existing = existing.iter().map(|r| r.try_get::<_, String>(0)).collect::<std::result::Result<Vec<_>, _>>()?;
            if let Some(latest) = existing.iter().max_by_key(|v| version_key(v)) {
                if version_key(&base.version) <= version_key(latest) {
                    return Ok(Err(InsertRefusal::NotNewer { latest: latest.clone() }));
                }
            }
            tx.execute(
                "INSERT INTO base_versions (version, name, digest, size, published_at, publisher_key) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&base.version, &base.name, &base.digest, &(base.size as i64), &base.published_at, &publisher_key],
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    fn bases(&self) -> Result<Vec<BaseInfo>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let rows = c.query("SELECT name, version, digest, size, published_at FROM base_versions ORDER BY seq", &[]).await?;
            rows.iter().map(row_to_base).collect()
        })
    }

    fn insert_artifact(&self, bundle_digest: &str, a: &ArtifactInfo) -> Result<()> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            c.execute(
                "INSERT INTO artifacts (bundle_digest, engine, component_digest, digest, size, signature) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (bundle_digest, engine) DO UPDATE SET component_digest = $3, digest = $4, size = $5, signature = $6",
                &[&bundle_digest, &a.engine, &a.component_digest, &a.digest, &(a.size as i64), &a.signature],
            )
            .await?;
            Ok(())
        })
    }

    fn artifacts(&self, bundle_digest: &str) -> Result<Vec<ArtifactInfo>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let rows = c
                .query("SELECT engine, component_digest, digest, size, signature FROM artifacts WHERE bundle_digest = $1 ORDER BY engine", &[&bundle_digest])
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(ArtifactInfo {
                        engine: r.try_get(0)?,
                        component_digest: r.try_get(1)?,
                        digest: r.try_get(2)?,
                        size: r.try_get::<_, i64>(3)?.max(0) as u64,
                        signature: r.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    fn app_secret(&self, appid: &str) -> Result<Option<String>> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let row = c.query_opt("SELECT secret FROM app_secrets WHERE appid = $1", &[&appid]).await?;
            row.map(|r| r.try_get(0)).transpose()
        })
    }

    fn ensure_app_secret(&self, appid: &str, candidate: &str) -> Result<(String, bool)> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            let inserted = c
                .query_opt(
                    "INSERT INTO app_secrets (appid, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (appid) DO NOTHING RETURNING secret",
                    &[&appid, &candidate, &now()],
                )
                .await?;
            match inserted {
                Some(row) => Ok((row.try_get(0)?, true)),
                None => Ok((c.query_one("SELECT secret FROM app_secrets WHERE appid = $1", &[&appid]).await?.try_get(0)?, false)),
            }
        })
    }

    fn insert_login_code(&self, code: &NewLoginCode, purge_before_ms: i64) -> Result<()> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            c.execute("DELETE FROM login_codes WHERE expires_at < $1", &[&purge_before_ms]).await?;
            c.execute(
                "INSERT INTO login_codes (code_hash, appid, user_key, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&code.code_hash, &code.appid, &code.user, &code.issued_at_ms, &code.expires_at_ms],
            )
            .await?;
            Ok(())
        })
    }

    fn redeem_login_code(&self, code_hash: &str, appid: &str, now_ms: i64) -> Result<Redemption> {
        let mut slot = self.slot()?;
        let c = slot.as_mut().expect("slot() connects");
        self.run(async {
            // One statement: under concurrent redemptions PostgreSQL re-checks `NOT used` after
            // the first one commits, so exactly one gets the row back.
            let redeemed = c
                .query_opt(
                    "UPDATE login_codes SET used = TRUE
                     WHERE code_hash = $1 AND appid = $2 AND NOT used AND expires_at > $3
                     RETURNING user_key",
                    &[&code_hash, &appid, &now_ms],
                )
                .await?;
            if let Some(row) = redeemed {
                return Ok(Redemption::Redeemed { user: row.try_get(0)? });
            }
            let row = c.query_opt("SELECT appid, used, expires_at FROM login_codes WHERE code_hash = $1", &[&code_hash]).await?;
            let row = row.map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).transpose()?;
            Ok(refusal(row, appid, now_ms))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_database_is_named_without_its_password() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = PgMeta::connect(&format!("postgres://miniapp:hunter2@127.0.0.1:{port}/miniapp")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("metadata database postgres://miniapp:***@127.0.0.1:{port}/miniapp: ")), "{msg}");
        assert!(msg.contains("onnection refused"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
    }

    #[test]
    fn malformed_postgres_url_is_refused() {
        let e = PgMeta::connect("postgres://a@b:notaport/x").unwrap_err();
        assert!(matches!(e, Error::StorageUrl { .. }), "{e}");
        assert!(e.to_string().contains("not a postgres url"), "{e}");
    }
}
