//! Real servers on loopback, started by the tests: PostgreSQL from Debian's packages and moto's
//! S3-compatible server from PyPI. Each is shared by the tests that run at the same time and
//! stopped when the last one lets go (also when a test panics).
//!
//! When a server is not installed the test fails (it does not skip) and says what to install:
//! `apt-get install -y postgresql` and `pip install 'moto[server]'`. `MINIAPP_PG_BINDIR` (folder
//! of `initdb` and `postgres`) and `MINIAPP_MOTO_SERVER` (the `moto_server` program) override
//! the search.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub const INSTALL_POSTGRES: &str = "install them with `apt-get install -y postgresql` (Debian/Ubuntu), or set MINIAPP_PG_BINDIR to the folder holding initdb and postgres";
pub const INSTALL_MOTO: &str =
    "install it with `pip install 'moto[server]'`, or set MINIAPP_MOTO_SERVER to the moto_server program";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn shared<T>(cell: &'static Mutex<Weak<T>>, start: impl FnOnce() -> T) -> Arc<T> {
    let mut current = cell.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(running) = current.upgrade() {
        return running;
    }
    let started = Arc::new(start());
    *current = Arc::downgrade(&started);
    started
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn is_program(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The folder holding `initdb` and `postgres`: `override_dir`, else Debian's
/// `/usr/lib/postgresql/<newest>/bin`, else the first `PATH` entry that has both.
pub fn find_pg_bindir(override_dir: Option<PathBuf>, debian_root: &Path, path: Option<OsString>) -> Result<PathBuf, String> {
    let has_both = |d: &Path| is_program(&d.join("initdb")) && is_program(&d.join("postgres")) && is_program(&d.join("pg_ctl"));
    if let Some(dir) = override_dir {
        return if has_both(&dir) {
            Ok(dir)
        } else {
            Err(format!("MINIAPP_PG_BINDIR={} holds no initdb, postgres and pg_ctl: {INSTALL_POSTGRES}", dir.display()))
        };
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir(debian_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<u32>().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| has_both(bin))
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Ok(bin);
    }
    if let Some(dir) = path.iter().flat_map(std::env::split_paths).find(|d| has_both(d)) {
        return Ok(dir);
    }
    Err(format!(
        "the PostgreSQL server binaries (initdb, postgres, pg_ctl) are not in {}/*/bin nor on PATH; these tests need a real PostgreSQL: {INSTALL_POSTGRES}",
        debian_root.display()
    ))
}

/// The `(uid, gid)` to run PostgreSQL as: ourselves, or the `postgres` user when we are root
/// (PostgreSQL refuses to run as root).
fn pg_user() -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
    if me != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let line = passwd.lines().find(|l| l.starts_with("postgres:")).unwrap_or_else(|| {
        panic!("running as root, but PostgreSQL refuses to run as root and there is no `postgres` user to run it as; {INSTALL_POSTGRES} (the package creates the user)")
    });
    let f: Vec<&str> = line.split(':').collect();
    Some((f[2].parse().expect("uid in /etc/passwd"), f[3].parse().expect("gid in /etc/passwd")))
}

/// A PostgreSQL server in a temp dir, listening on 127.0.0.1 with trust authentication.
pub struct Postgres {
    bindir: PathBuf,
    user: Option<(u32, u32)>,
    child: Mutex<Child>,
    port: u16,
    next_db: AtomicUsize,
    dir: TempDir,
}

fn pg_command(bindir: &Path, user: Option<(u32, u32)>, dir: &Path, program: &str) -> Command {
    let mut c = Command::new(bindir.join(program));
    if let Some((uid, gid)) = user {
        std::os::unix::process::CommandExt::uid(&mut c, uid);
        std::os::unix::process::CommandExt::gid(&mut c, gid);
    }
    c.env("LC_ALL", "C").current_dir(dir);
    c
}

impl Postgres {
    fn start() -> Postgres {
        let bindir = find_pg_bindir(std::env::var_os("MINIAPP_PG_BINDIR").map(PathBuf::from), Path::new("/usr/lib/postgresql"), std::env::var_os("PATH"))
            .unwrap_or_else(|e| panic!("{e}"));
        let user = pg_user();
        let dir = tempfile::Builder::new().prefix("miniapp-pg-").tempdir().unwrap();
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let port = free_port();
        let log = dir.path().join("postgres.log");
        let data = dir.path().join("data");
        let out = pg_command(&bindir, user, dir.path(), "initdb")
            .args(["-U", "miniapp", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .unwrap_or_else(|e| panic!("running {}/initdb: {e}", bindir.display()));
        assert!(out.status.success(), "initdb failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let log_file = File::create(&log).unwrap();
        let child = pg_command(&bindir, user, dir.path(), "postgres")
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}/postgres: {e}", bindir.display()));
        let pg = Postgres { bindir, user, child: Mutex::new(child), port, next_db: AtomicUsize::new(0), dir };
        let started = Instant::now();
        loop {
            if pg.admin("SELECT 1").is_ok() {
                break;
            }
            if let Ok(Some(status)) = pg.child.lock().unwrap().try_wait() {
                panic!("postgres exited ({status}) before accepting connections:\n{}", log_tail(&log));
            }
            assert!(started.elapsed() < START_TIMEOUT, "postgres did not accept connections on port {port} within {START_TIMEOUT:?}:\n{}", log_tail(&log));
            std::thread::sleep(Duration::from_millis(100));
        }
        pg
    }

    /// Runs one statement in the `postgres` database.
    fn admin(&self, sql: &str) -> Result<(), String> {
        let url = self.url("postgres");
        let sql = sql.to_string();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.map_err(|e| e.to_string())?;
            let conn = tokio::spawn(conn);
            let result = client.batch_execute(&sql).await.map_err(|e| format!("{sql}: {e:?}"));
            drop(client);
            let _ = conn.await;
            result
        })
    }

    /// `postgres://miniapp@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://miniapp@127.0.0.1:{}/{db}", self.port)
    }

    /// A new, empty database's URL.
    pub fn fresh_database(&self) -> String {
        let name = format!("t{}", self.next_db.fetch_add(1, Ordering::SeqCst));
        self.admin(&format!("CREATE DATABASE {name}")).unwrap();
        self.url(&name)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = pg_command(&self.bindir, self.user, self.dir.path(), "pg_ctl").args(["stop", "-m", "fast", "-w", "-t", "10", "-D"]).arg(self.dir.path().join("data")).output();
        let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
        if !matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

static POSTGRES: Mutex<Weak<Postgres>> = Mutex::new(Weak::new());

/// The running PostgreSQL (started now when none is).
pub fn postgres() -> Arc<Postgres> {
    shared(&POSTGRES, Postgres::start)
}

/// The `moto_server` command: `override_program`, else `moto_server` on `PATH`, else
/// `python3 -m moto.server` when that module imports.
pub fn find_moto(override_program: Option<PathBuf>, path: Option<OsString>) -> Result<Command, String> {
    if let Some(p) = override_program {
        return if is_program(&p) {
            Ok(Command::new(p))
        } else {
            Err(format!("MINIAPP_MOTO_SERVER={} is not a program: {INSTALL_MOTO}", p.display()))
        };
    }
    if let Some(p) = path.iter().flat_map(std::env::split_paths).map(|d| d.join("moto_server")).find(|p| is_program(p)) {
        return Ok(Command::new(p));
    }
    let module = Command::new("python3").args(["-c", "import moto.server, flask"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    if module.is_ok_and(|s| s.success()) {
        let mut c = Command::new("python3");
        c.args(["-m", "moto.server"]);
        return Ok(c);
    }
    Err(format!(
        "moto_server (an S3-compatible server) is not on PATH and python3 cannot import moto.server; these tests need a real S3 endpoint: {INSTALL_MOTO}"
    ))
}

/// moto's S3-compatible server on 127.0.0.1.
pub struct Moto {
    child: Mutex<Child>,
    port: u16,
    next_bucket: AtomicUsize,
    _dir: TempDir,
}

impl Moto {
    fn start() -> Moto {
        let mut command =
            find_moto(std::env::var_os("MINIAPP_MOTO_SERVER").map(PathBuf::from), std::env::var_os("PATH")).unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::Builder::new().prefix("miniapp-moto-").tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let log_file = File::create(&log).unwrap();
        let port = free_port();
        let child = command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting moto_server: {e}: {INSTALL_MOTO}"));
        let moto = Moto { child: Mutex::new(child), port, next_bucket: AtomicUsize::new(0), _dir: dir };
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
        let started = Instant::now();
        loop {
            if http.get(moto.endpoint()).send().is_ok() {
                break;
            }
            if let Ok(Some(status)) = moto.child.lock().unwrap().try_wait() {
                panic!("moto_server exited ({status}) before accepting connections:\n{}", log_tail(&log));
            }
            assert!(started.elapsed() < START_TIMEOUT, "moto_server did not answer on port {port} within {START_TIMEOUT:?}:\n{}", log_tail(&log));
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A new, empty bucket's name (created through the S3 API).
    pub fn fresh_bucket(&self) -> String {
        let name = format!("bundles-{}", self.next_bucket.fetch_add(1, Ordering::SeqCst));
        let resp = reqwest::blocking::Client::new().put(format!("{}/{name}", self.endpoint())).send().unwrap();
        assert!(resp.status().is_success(), "creating bucket {name}: {} {}", resp.status(), resp.text().unwrap_or_default());
        name
    }

    /// object_store options that reach this server.
    pub fn options(&self) -> Vec<(String, String)> {
        [
            ("aws_endpoint", self.endpoint()),
            ("aws_allow_http", "true".into()),
            ("aws_region", "us-east-1".into()),
            ("aws_access_key_id", "testing".into()),
            ("aws_secret_access_key", "testing".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

static MOTO: Mutex<Weak<Moto>> = Mutex::new(Weak::new());

/// The running moto server (started now when none is).
pub fn moto() -> Arc<Moto> {
    shared(&MOTO, Moto::start)
}
