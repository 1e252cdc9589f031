//! `miniapp demo`: an embedded cloud on a free loopback port, the base library and the sample apps
//! built and published to it, and the first app opened — in the window, or headless with a
//! scripted tour to PNGs.

use anyhow::{Context, Result};
use miniapp_shell::{script, Harness, HostConfig, Trace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `miniapp demo`.
#[derive(clap::Args)]
pub struct Args {
    /// No window: run a scripted tour and write screenshots and trace.json to --out.
    #[arg(long)]
    pub headless: bool,
    /// Output folder of the headless tour.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// The folder of sample apps to build and publish.
    #[arg(long, default_value_os_t = default_apps_dir())]
    pub apps: PathBuf,
    /// The base library folder to publish first (component styles and fonts).
    #[arg(long, default_value_os_t = super::publish::default_base_dir())]
    pub base_library: PathBuf,
}

fn default_apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-apps")
}

/// The headless tour of the counter app.
const TOUR: &str = "\
screenshot 01-counter-launched.png
tap #inc
tap #inc
assert-text 2
screenshot 02-counter-after-two-taps.png
";

/// The headless tour of the notes app.
const NOTES_TOUR: &str = "\
tap #add
screenshot 04-notes-saved-toast.png
tap .row
assert-text Viewing note #1
screenshot 05-notes-detail.png
";

/// The headless tour of the account app: a permission prompt, then the simulated camera shown a
/// QR code of the counter's launch URL (`{qr}` is replaced by the image's path).
const ACCOUNT_TOUR: &str = "\
tap #scan
assert-text use your camera
screenshot 06-account-permission.png
allow
scan {qr}
assert-text scanned:
screenshot 07-account-scanned.png
";

pub fn run(args: Args) -> Result<ExitCode> {
    let (work, cloud, base) = super::embedded_dev_cloud("demo")?;
    let client = miniapp_cloud::CloudClient::new(work.join("publisher-cache"))?;
    eprintln!("demo cloud listening on {base}");
    let key = work.join("publisher.key");

    // The base library first: every app runs on it.
    let base_bytes = super::publish::pack_base_dir(&args.base_library, &key)?;
    let info = client
        .publish_base(&base, &cloud.token, &base_bytes)
        .with_context(|| format!("publishing the base library {}", args.base_library.display()))?;
    eprintln!("published base library {} {}", info.name, info.version);

    // Build and publish every sample app (the counter first).
    let mut apps: Vec<PathBuf> = std::fs::read_dir(&args.apps)
        .with_context(|| format!("reading the sample apps in {}", args.apps.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("app.json").is_file())
        .collect();
    apps.sort_by_key(|p| (p.file_name().map(|n| n != "counter"), p.clone()));
    let mut urls = Vec::new();
    for app in &apps {
        let bytes = super::build::build_app(app, &key)?;
        let receipt = client
            .publish(&base, &cloud.token, &bytes)
            .with_context(|| format!("publishing {}", app.display()))?;
        let url = base.join(&format!("apps/{}", receipt.appid))?.to_string();
        eprintln!("published {} {} → {url}", receipt.appid, receipt.version);
        urls.push(url);
    }
    let first = urls.first().context("no sample apps found")?.clone();
    let host_config = HostConfig { cache_dir: work.join("cache"), ..HostConfig::from_env() };

    if !args.headless {
        let mut host = miniapp_shell::Host::new(host_config)?;
        return super::launch::window(&mut host, &first, None);
    }

    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut harness = Harness::new(host_config).context("starting the headless host")?;
    let steps = script::parse_script(TOUR, "demo tour")?;
    let (mut session, report) = harness.launch(&first, &|_, _| {}).with_context(|| format!("launching {first}"))?;
    let mut step_traces = Vec::new();
    harness.run_script(&mut session, "demo tour", &steps, &args.out, &mut step_traces)?;
    // A second launch of the same app is a hot start from the cache.
    let (mut hot, hot_report) = harness.launch(&first, &|_, _| {})?;
    harness.screenshot(&mut hot, &args.out.join("03-counter-hot-start.png"))?;
    let trace = Trace::new(harness.started(), report, harness.adapter(), step_traces, &session);
    let mut json = serde_json::to_value(&trace)?;
    json["hot_launch"] = serde_json::to_value(&hot_report)?;
    // The notes sample: storage, a toast, navigation to a detail page.
    if let Some(notes) = urls.iter().find(|u| u.ends_with("/apps/notes")) {
        let steps = script::parse_script(NOTES_TOUR, "notes tour")?;
        let (mut s, r) = harness.launch(notes, &|_, _| {}).with_context(|| format!("launching {notes}"))?;
        let mut traces = Vec::new();
        harness.run_script(&mut s, "notes tour", &steps, &args.out, &mut traces)?;
        json["notes"] = serde_json::json!({ "launch": r, "steps": traces, "logs": s.logs() });
    }
    // The account sample: a permission prompt and the camera reading a QR code (its login needs
    // a developer back end, which the demo does not run; tests/e2e/account.rs does).
    if let Some(account) = urls.iter().find(|u| u.ends_with("/apps/account")) {
        let qr = args.out.join("counter-qr.png");
        let png = miniapp_cloud::qr_png(&first, 240).map_err(|e| anyhow::anyhow!("encoding the QR code: {e}"))?;
        std::fs::write(&qr, png).with_context(|| format!("writing {}", qr.display()))?;
        let qr_path = std::path::absolute(&qr).unwrap_or(qr);
        let tour = ACCOUNT_TOUR.replace("{qr}", &qr_path.display().to_string());
        let steps = script::parse_script(&tour, "account tour")?;
        let (mut s, r) = harness.launch(account, &|_, _| {}).with_context(|| format!("launching {account}"))?;
        let mut traces = Vec::new();
        harness.run_script(&mut s, "account tour", &steps, &args.out, &mut traces)?;
        json["account"] = serde_json::json!({ "launch": r, "steps": traces, "logs": s.logs() });
    }
    let trace_path = args.out.join("trace.json");
    std::fs::write(&trace_path, serde_json::to_vec_pretty(&json)?)
        .with_context(|| format!("writing {}", trace_path.display()))?;
    println!("demo tour written to {} (adapter: {})", args.out.display(), harness.adapter());
    for entry in std::fs::read_dir(&args.out)?.flatten() {
        println!("  {}", entry.path().display());
    }
    Ok(ExitCode::SUCCESS)
}
