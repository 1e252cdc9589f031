//! Helpers for the end-to-end tests: the real `miniapp` binary, a real cloud on a loopback port,
//! a built sample app, temp folders. Every helper drives the binary as a user would.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf()
}

/// The cargo target folder of this checkout (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The `miniapp` binary, built once (by `cargo xtask test` already, or here).
pub fn miniapp_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet", "-p", "miniapp-cli"])
            .current_dir(root())
            .status()
            .expect("running cargo build");
        assert!(status.success(), "building the miniapp binary failed");
        target_dir().join("debug").join("miniapp")
    })
    .clone()
}

/// A `miniapp` command with an isolated cache and config, and guests built into one shared dir.
pub fn miniapp(home: &Path) -> Command {
    let mut c = Command::new(miniapp_bin());
    c.env("MINIAPP_CACHE_DIR", home.join("cache"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("xdg-cache"))
        .env("MINIAPP_GUEST_TARGET_DIR", target_dir().join("guests"))
        .env_remove("MINIAPP_CLOUD_TOKEN")
        .stdin(Stdio::null());
    c
}

/// Output of a finished command, with both streams as text.
pub struct Run {
    /// Exit status code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs a command to completion.
pub fn run(cmd: &mut Command) -> Run {
    cmd.output().expect("spawning miniapp").into()
}

/// A cloud server process on 127.0.0.1 with a known token; killed on drop.
pub struct Cloud {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The publishing token.
    pub token: String,
    /// Its data folder.
    pub data: PathBuf,
    /// The digest of the base library published by [`Cloud::start`] (not by `start_bare`).
    pub base_digest: Option<String>,
}

impl Cloud {
    /// Starts `miniapp cloud serve --addr 127.0.0.1:0 --dev`, waits for its `listening on` line,
    /// and publishes the repository's base library (`base-library/`), as the platform does
    /// before any app can run.
    pub fn start(home: &Path) -> Result<Cloud> {
        let mut cloud = Cloud::start_bare(home)?;
        let r = cloud.publish_base(home, &root().join("base-library"));
        if r.code != 0 {
            bail!("publishing the base library failed:\n{}\n{}", r.stdout, r.stderr);
        }
        cloud.base_digest = r.stdout.split_once("(sha256:").map(|(_, d)| format!("sha256:{}", d.trim().trim_end_matches(')')));
        Ok(cloud)
    }

    /// Starts a cloud with no base library.
    pub fn start_bare(home: &Path) -> Result<Cloud> {
        Cloud::start_at(home, "127.0.0.1:0")
    }

    /// Starts (or restarts, on the same data) a cloud on a given address.
    pub fn start_at(home: &Path, addr: &str) -> Result<Cloud> {
        let data = home.join("cloud-data");
        let token = "test-token-123".to_string();
        let mut child = miniapp(home)
            .args(["cloud", "serve", "--addr", addr, "--dev", "--token", &token, "--data"])
            .arg(&data)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("spawning the cloud")?;
        let stdout = child.stdout.take().expect("piped");
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first)?;
        let Some(url) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            bail!("the cloud's first line was {first:?}, expected `listening on http://...`");
        };
        Ok(Cloud { url: url.to_string(), child, token, data, base_digest: None })
    }

    /// Publishes a bundle file through the CLI.
    pub fn publish(&self, home: &Path, bundle: &Path) -> Run {
        run(miniapp(home).arg("publish").arg(bundle).args(["--cloud", &self.url, "--token", &self.token]))
    }

    /// Publishes a base library folder through the CLI (`miniapp publish-base DIR`).
    pub fn publish_base(&self, home: &Path, dir: &Path) -> Run {
        run(miniapp(home).arg("publish-base").arg(dir).args(["--cloud", &self.url, "--token", &self.token]))
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Runs `miniapp admin <action> APPID --reason ...` against this cloud.
    pub fn admin(&self, home: &Path, action: &str, appid: &str, reason: &str) -> Run {
        run(miniapp(home).args(["admin", action, appid, "--reason", reason, "--cloud", &self.url, "--token", &self.token]))
    }

    /// The cloud's request counters (`GET /stats`).
    pub fn stats(&self) -> serde_json::Value {
        http_get_json(&format!("{}/stats", self.url))
    }

    /// Stops the server now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Cloud {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Builds a sample app (or any app folder) into `out` with the home's publisher key.
pub fn build_app(home: &Path, app_dir: &Path, out: &Path) -> Run {
    run(miniapp(home).arg("build").arg(app_dir).arg("-o").arg(out))
}

/// Builds `sample-apps/NAME` with the home's publisher key and publishes it to `cloud` (both must
/// succeed); returns its launch URL, `http://127.0.0.1:PORT/apps/NAME`.
pub fn publish_sample(home: &Path, cloud: &Cloud, name: &str) -> String {
    let bundle = home.join(format!("{name}.mapp"));
    let r = build_app(home, &root().join("sample-apps").join(name), &bundle);
    assert_eq!(r.code, 0, "building {name}: {}", r.stderr);
    let p = cloud.publish(home, &bundle);
    assert_eq!(p.code, 0, "publishing {name}: {}", p.stderr);
    format!("{}/apps/{name}", cloud.url)
}

/// Builds the counter sample once per test process and returns a copy of its bundle bytes.
pub fn counter_bundle(home: &Path) -> PathBuf {
    let out = home.join("counter.mapp");
    let r = build_app(home, &root().join("sample-apps/counter"), &out);
    assert_eq!(r.code, 0, "miniapp build failed:\n{}\n{}", r.stdout, r.stderr);
    out
}

/// Copies a base library folder (`base.json`, `styles/`, `fonts/`) into `to`, to be changed.
pub fn copy_base_library(from: &Path, to: &Path) {
    for dir in ["", "styles", "fonts"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        for entry in std::fs::read_dir(from.join(dir)).unwrap().flatten() {
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), to.join(dir).join(entry.file_name())).unwrap();
            }
        }
    }
}

/// Copies an app folder's manifest, global style and pages (not its logic) into `to`.
pub fn copy_app_files(from: &Path, to: &Path) {
    for f in ["app.json", "app.css", "pages/index/index.xml", "pages/index/index.css", "pages/index/index.json"] {
        if from.join(f).exists() {
            std::fs::create_dir_all(to.join(f).parent().expect("has a parent")).unwrap();
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
    }
}

/// Builds the app folder `app_dir` into `out` with the logic component of an already built
/// `bundle` (copied in as `logic.wasm`), so a test can change an app's manifest, pages or
/// styles without compiling its logic again. Panics with the build's stderr if it fails.
pub fn build_with_logic_of(home: &Path, bundle: &Path, app_dir: &Path, out: &Path) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut wasm = Vec::new();
    zip.by_name("logic.wasm").unwrap().read_to_end(&mut wasm).unwrap();
    std::fs::write(app_dir.join("logic.wasm"), wasm).unwrap();
    let r = build_app(home, app_dir, out);
    assert_eq!(r.code, 0, "building {}: {}", app_dir.display(), r.stderr);
}

/// Reads a PNG.
pub fn load_png(path: &Path) -> image::RgbaImage {
    image::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display())).to_rgba8()
}

/// Pixels of `img` within `tol` of `rgb` (opaque), at or below row `from_y`.
pub fn count_colour(img: &image::RgbaImage, rgb: [u8; 3], tol: u8, from_y: u32) -> usize {
    img.enumerate_pixels().filter(|(_, y, p)| *y >= from_y && close(p.0, [rgb[0], rgb[1], rgb[2], 255], tol)).count()
}

/// Whether two colours are within `tol` on every channel.
pub fn close(a: [u8; 4], b: [u8; 4], tol: u8) -> bool {
    a.iter().zip(b.iter()).all(|(x, y)| x.abs_diff(*y) <= tol)
}

/// A minimal HTTP/1.1 GET of a JSON document on loopback (no client library needed).
pub fn http_get_json(url: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (addr, path) = rest.split_once('/').map(|(a, p)| (a, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("GET {url}: {e}: {body}"))
}

/// Runs an app headless (at scale 1) with a script and a trace; returns the run and the parsed
/// trace (if any).
pub fn run_headless(home: &Path, url: &str, script: &str) -> (Run, Option<serde_json::Value>) {
    let script_path = home.join("step.script");
    std::fs::write(&script_path, script).unwrap();
    let trace = home.join("step-trace.json");
    let _ = std::fs::remove_file(&trace);
    // One PNG pixel per logical px, so tests read pixels at screen coordinates.
    let r = run(miniapp(home).args(["run", url, "--headless", "--scale", "1", "--script"]).arg(&script_path).arg("--trace").arg(&trace));
    let t = std::fs::read(&trace).ok().and_then(|b| serde_json::from_slice(&b).ok());
    (r, t)
}

/// Copies an app folder (manifest, styles, pages, components, assets; not `logic/`) into `to`,
/// to be changed and rebuilt with [`build_with_logic_of`].
pub fn copy_app_tree(from: &Path, to: &Path) {
    fn walk(from: &Path, to: &Path, top: bool) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let name = entry.file_name();
            let kind = entry.file_type().unwrap();
            if top && (name == "logic" || name == "backend") {
                continue;
            }
            if kind.is_dir() {
                walk(&entry.path(), &to.join(&name), false);
            } else if kind.is_file() {
                std::fs::copy(entry.path(), to.join(&name)).unwrap();
            }
        }
    }
    walk(from, to, true);
}

/// Adds `origin` to `app.json`'s `network.request` in the app folder `app_dir` and sets its
/// `version` (a second publish of an app needs a new one).
pub fn declare_origin(app_dir: &Path, origin: &str, version: &str) {
    let path = app_dir.join("app.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["network"]["request"].as_array_mut().expect("app.json declares network.request").push(origin.into());
    manifest["version"] = version.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

/// `s` with everything but ASCII letters, digits and `.` percent-encoded (for a launch URL's
/// `query=`).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

impl Cloud {
    /// The app secret of `appid` (`GET /apps/APPID/secret` with the token); panics if refused.
    pub fn app_secret(&self, appid: &str) -> String {
        let r = reqwest::blocking::Client::new()
            .get(format!("{}/apps/{appid}/secret", self.url))
            .bearer_auth(&self.token)
            .send()
            .expect("asking the cloud for the app secret");
        assert!(r.status().is_success(), "the secret of {appid}: {}", r.status());
        let body: serde_json::Value = r.json().unwrap();
        body["secret"].as_str().expect("a secret").to_string()
    }
}
