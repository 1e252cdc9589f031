//! `miniapp dev [APP_DIR]`: the developer loop. Builds the app (the fast guest profile),
//! starts an embedded dev cloud on loopback (the production review, limits and domain checks;
//! `--dev` allows plain-http loopback back ends, and says so), publishes, opens the window (or
//! runs `--headless --script`), then watches the folder:
//!
//! - a template, style or page/component json change reloads the pages in place, keeping their
//!   data (no rebuild, no publish);
//! - an app.json change relaunches (the sandbox's pages, origins and permissions come from it);
//! - a logic change rebuilds incrementally, publishes the next version and relaunches, opening
//!   the same pages again;
//! - an error (template, style, json, compile) is printed and shown over the page, and cleared
//!   by the next good reload.

use anyhow::{Context, Result};
use miniapp_shell::{BaseLibrarySource, Harness, Host, HostConfig, Reloader, Session};
use notify::Watcher;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// Arguments of `miniapp dev`.
#[derive(clap::Args)]
pub struct Args {
    /// The app folder (with app.json, pages/, and logic/ or logic.wasm).
    #[arg(default_value = ".")]
    pub app_dir: PathBuf,
    /// No window: run `--script` (or, without one, keep reloading until interrupted).
    #[arg(long)]
    pub headless: bool,
    /// With --headless: the steps to run (see `miniapp run --help`); file changes apply
    /// between steps and while a step waits.
    #[arg(long, value_name = "FILE", requires = "headless")]
    pub script: Option<PathBuf>,
    /// The simulated device.
    #[arg(long, value_enum, value_name = "NAME", default_value = "iPhone SE", ignore_case = true)]
    pub device: super::launch::DeviceArg,
    /// The publisher's ed25519 key (created on first use).
    #[arg(long, env = "MINIAPP_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
}

/// How long the watcher waits for an editor's burst of writes to end before reloading.
const SETTLE: Duration = Duration::from_millis(40);

pub fn run(args: Args) -> Result<ExitCode> {
    let app_dir = super::build::absolute_app_dir(&args.app_dir)?;
    let key = args.key.clone().unwrap_or_else(super::build::default_key_path);
    let (work, cloud, cloud_url) = super::embedded_dev_cloud("dev")?;
    eprintln!(
        "dev cloud on {cloud_url}: the production review and limits; as a --dev cloud it lets apps reach \
         plain-http back ends on loopback (declare them in app.json's network.request)"
    );
    let client = miniapp_cloud::CloudClient::new(work.join("publisher-cache"))?;

    let (files, warnings) = super::build::checked_sources(&app_dir)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let t = Instant::now();
    let component = super::build::compile_logic(&app_dir, true)?;
    eprintln!("logic built in {:.1} s", t.elapsed().as_secs_f64());
    let mut dev = Dev { app_dir: app_dir.clone(), key, cloud, cloud_url, client, component, published: 0, url: String::new(), rx: None, watcher: None };
    dev.url = dev.publish(files)?;

    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("starting the file watcher")?;
    watcher.watch(&app_dir, notify::RecursiveMode::Recursive).with_context(|| format!("watching {}", app_dir.display()))?;
    dev.rx = Some(rx);
    dev.watcher = Some(watcher);

    let host_config = HostConfig {
        device: args.device.device(),
        latest: true,
        base_library: BaseLibrarySource::Embedded,
        cache_dir: work.join("cache"),
        ..HostConfig::from_env()
    };
    let url = dev.url.clone();
    if !args.headless {
        let mut host = Host::new(host_config).context("starting the host")?;
        eprintln!("watching {} for changes", app_dir.display());
        let r = miniapp_shell::window::launch_with(&mut host, &url, None, Some(Box::new(dev)));
        let report = r.with_context(|| format!("opening the window on {url}"))?;
        return Ok(match report.launch_error {
            Some(e) => return Err(anyhow::Error::new(e).context(format!("launching {url}"))),
            None => ExitCode::SUCCESS,
        });
    }

    let mut harness = Harness::new(host_config).context("starting the headless host")?;
    let (mut session, report) = harness.launch(&url, &|_, _| {}).with_context(|| format!("launching {url}"))?;
    eprintln!("{} {} started", report.app, report.version);
    harness.set_reloader(Box::new(dev));
    eprintln!("watching {} for changes", app_dir.display());
    match &args.script {
        Some(path) => {
            let src = std::fs::read_to_string(path).with_context(|| format!("reading script {}", path.display()))?;
            let name = path.display().to_string();
            let steps = miniapp_shell::script::parse_script(&src, &name)?;
            let out_dir = path.parent().filter(|d| !d.as_os_str().is_empty()).map(Path::to_path_buf).unwrap_or_else(|| ".".into());
            let mut traces = Vec::new();
            let result = harness.run_script(&mut session, &name, &steps, &out_dir, &mut traces);
            super::run::print_run(&traces, &session);
            result?;
            Ok(ExitCode::SUCCESS)
        }
        None => loop {
            harness.poll_reloader(&mut session);
            let next = session.pump(Instant::now());
            let wait = next.map(|n| n.saturating_duration_since(Instant::now())).unwrap_or(miniapp_shell::RELOAD_POLL);
            std::thread::sleep(wait.min(miniapp_shell::RELOAD_POLL));
        },
    }
}

/// The dev loop's state: the app folder, its current logic component, the dev cloud.
struct Dev {
    app_dir: PathBuf,
    key: PathBuf,
    /// The dev cloud (it stops when this is dropped).
    cloud: miniapp_cloud::RunningCloud,
    cloud_url: url::Url,
    client: miniapp_cloud::CloudClient,
    component: Vec<u8>,
    /// Versions published so far (each logic change publishes the next patch version).
    published: u64,
    url: String,
    rx: Option<Receiver<notify::Result<notify::Event>>>,
    /// Keeps the watcher running.
    #[allow(dead_code)]
    watcher: Option<notify::RecommendedWatcher>,
}

/// What a changed file asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    None,
    Views,
    Logic,
}

/// What changing `rel` (a path relative to the app folder) needs: the logic's sources (a Rust
/// crate's `.rs`/`Cargo.*`, a C app's `.c`/`.h`/`Makefile`) or a prebuilt `logic.wasm` → a rebuild; what a bundle packs → a view reload; build output,
/// hidden and editor files → nothing.
fn classify(rel: &Path) -> Change {
    let s = rel.to_string_lossy().replace('\\', "/");
    let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if s.split('/').any(|c| c == "target" || (c.starts_with('.') && c.len() > 1)) || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".mapp") {
        return Change::None;
    }
    // app.json is also the sandbox's (pages, tab bar, network origins, permissions are fixed
    // when an instance starts): a change to it relaunches, like a logic change.
    if s == "app.json" || s == "logic.wasm" || (s.starts_with("logic/") && is_logic_source(&name)) {
        return Change::Logic;
    }
    let top = s.split('/').next().unwrap_or_default();
    if s == "app.css" || super::build::BUNDLE_FOLDERS.contains(&top) {
        return Change::Views;
    }
    Change::None
}

/// A file name under `logic/` that the logic build reads: Rust (`.rs`, `Cargo.toml`,
/// `Cargo.lock`) or C (`.c`, `.h`, `Makefile`).
fn is_logic_source(name: &str) -> bool {
    name.ends_with(".rs")
        || name == "Cargo.toml"
        || name == "Cargo.lock"
        || name.ends_with(".c")
        || name.ends_with(".h")
        || name == "Makefile"
}

/// The app folder's templates, styles and json, checked (warnings returned) and packed with the
/// current `component` into a verified bundle, for [`Session::reload_views`]: the work of a view
/// reload, which `miniapp bench` measures as `dev.reload_views_counter`.
pub(crate) fn views_bundle(app_dir: &Path, component: Vec<u8>, key: &Path) -> Result<(miniapp_bundle::LockedBundle, Vec<String>)> {
    let (files, warnings) = super::build::checked_sources(app_dir)?;
    let built = super::build::pack_app(app_dir, files, component, key, Vec::new())?;
    Ok((miniapp_bundle::verify(&built.bytes, &miniapp_bundle::Trust::default())?, warnings))
}

impl Dev {
    /// Publishes `files` with the current logic as the next version; returns the launch URL.
    fn publish(&mut self, mut files: Vec<(String, Vec<u8>)>) -> Result<String> {
        if self.published > 0 {
            // The cloud wants a growing version: the app's own, plus one patch per republish.
            if let Some((_, bytes)) = files.iter_mut().find(|(p, _)| p == "app.json") {
                let mut manifest: serde_json::Value = serde_json::from_slice(bytes).context("app.json")?;
                let v = manifest["version"].as_str().unwrap_or("0.0.0").to_string();
                let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
                parts.resize(3, 0);
                parts[2] += self.published;
                manifest["version"] = format!("{}.{}.{}", parts[0], parts[1], parts[2]).into();
                *bytes = serde_json::to_vec_pretty(&manifest)?;
            }
        }
        let built = super::build::pack_app(&self.app_dir, files, self.component.clone(), &self.key, Vec::new())?;
        let receipt = self.client.publish(&self.cloud_url, &self.cloud.token, &built.bytes).context("publishing to the dev cloud")?;
        self.published += 1;
        let url = self.cloud_url.join(&format!("apps/{}", receipt.appid))?.to_string();
        eprintln!("published {} {} → {url}", receipt.appid, receipt.version);
        Ok(url)
    }

    /// The pending change, after the burst of events has settled.
    fn pending(&mut self) -> Change {
        let Some(rx) = &self.rx else { return Change::None };
        let mut change = Change::None;
        let drain = |change: &mut Change| loop {
            match rx.try_recv() {
                Ok(Ok(ev)) => {
                    use notify::EventKind;
                    if matches!(ev.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)) {
                        for p in &ev.paths {
                            if let Ok(rel) = p.strip_prefix(&self.app_dir) {
                                *change = (*change).max(classify(rel));
                            }
                        }
                    }
                }
                Ok(Err(e)) => tracing::warn!("file watcher: {e}"),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        };
        drain(&mut change);
        if change != Change::None {
            std::thread::sleep(SETTLE);
            drain(&mut change);
        }
        change
    }

    /// Prints the error and shows it over the page: a first line `Reload failed` (or
    /// `Rebuild failed`), then the error with its file:line:column.
    fn fail(&self, session: &mut Session, what: &str, e: &anyhow::Error) {
        let message = format!("{e:#}");
        eprintln!("error: {what}: {message}");
        let mut title = what.to_string();
        if let Some(first) = title.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        session.set_dev_error(Some(format!("{title}\n{message}")));
    }

    /// Templates, styles or json changed: pack them with the current logic and swap the views.
    fn reload_views(&mut self, session: &mut Session) {
        let t = Instant::now();
        let r = (|| -> Result<()> {
            let (bundle, warnings) = views_bundle(&self.app_dir, self.component.clone(), &self.key)?;
            for w in &warnings {
                eprintln!("warning: {w}");
            }
            session.reload_views(bundle)?;
            Ok(())
        })();
        match r {
            Ok(()) => {
                session.set_dev_error(None);
                eprintln!("reloaded the pages in {:.0} ms (page data kept)", t.elapsed().as_secs_f64() * 1000.0);
            }
            Err(e) => self.fail(session, "reload failed", &e),
        }
    }

    /// The logic changed: rebuild, publish the next version, relaunch, open the same pages.
    fn relaunch(&mut self, host: &mut Host, session: &mut Session) {
        let t = Instant::now();
        eprintln!("logic changed: rebuilding…");
        let r = (|| -> Result<Session> {
            let (files, _) = super::build::checked_sources(&self.app_dir)?;
            self.component = super::build::compile_logic(&self.app_dir, true)?;
            let url = self.publish(files)?;
            // The relaunch opens the page that was at the bottom (a tab switched to, a
            // redirect) with its query, then the pages above it.
            let stack = session.page_stack();
            let launch_url = match stack.first() {
                Some((route, query)) => {
                    let mut u = url::Url::parse(&url)?;
                    u.query_pairs_mut().append_pair("path", route);
                    if !query.is_empty() {
                        u.query_pairs_mut().append_pair("query", query);
                    }
                    u.to_string()
                }
                None => url.clone(),
            };
            let (mut fresh, _) = host.launch(&launch_url, &|_, _| {}).context("relaunching")?;
            fresh.restore_stack(stack.get(1..).unwrap_or_default());
            Ok(fresh)
        })();
        match r {
            Ok(fresh) => {
                *session = fresh;
                eprintln!("rebuilt and relaunched in {:.1} s", t.elapsed().as_secs_f64());
            }
            Err(e) => self.fail(session, "rebuild failed", &e),
        }
    }
}

impl Reloader for Dev {
    fn poll(&mut self, host: &mut Host, session: &mut Session) -> bool {
        match self.pending() {
            Change::None => false,
            Change::Views => {
                self.reload_views(session);
                true
            }
            Change::Logic => {
                self.relaunch(host, session);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified_by_what_they_need() {
        for (path, want) in [
            ("pages/index/index.xml", Change::Views),
            ("pages/index/index.css", Change::Views),
            ("components/card/card.json", Change::Views),
            ("app.json", Change::Logic),
            ("app.css", Change::Views),
            ("assets/logo.png", Change::Views),
            ("logic/src/lib.rs", Change::Logic),
            ("logic/Cargo.toml", Change::Logic),
            ("logic.wasm", Change::Logic),
            ("logic/src/app.c", Change::Logic),
            ("logic/src/app.h", Change::Logic),
            ("logic/Makefile", Change::Logic),
            ("logic/src/app.o", Change::None),
            ("logic/target/release/x.wasm", Change::None),
            ("pages/index/.index.xml.swp", Change::None),
            ("pages/index/index.xml~", Change::None),
            ("backend/db.json", Change::None),
            ("notes/todo.txt", Change::None),
            ("counter.mapp", Change::None),
        ] {
            assert_eq!(classify(Path::new(path)), want, "{path}");
        }
    }
}
