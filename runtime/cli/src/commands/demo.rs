//! `miniapp demo`: an embedded cloud on a free loopback port, the sample apps' own back ends
//! (account's login, feed's posts) on loopback, the base library and the sample apps built and
//! published to it, and the first app opened — in the window, or headless with a scripted tour
//! of every sample to PNGs.

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

/// The headless tour of the account app: a real login (code → the account back end → the
/// cloud's code2session → openid), a permission prompt, then the simulated camera shown a QR
/// code of the counter's launch URL (`{qr}` is replaced by the image's path).
const ACCOUNT_TOUR: &str = "\
tap #login
wait 1500
assert-text openid:
screenshot 06-account-signed-in.png
tap #scan
assert-text use your camera
screenshot 07-account-permission.png
allow
scan {qr}
assert-text scanned:
screenshot 08-account-scanned.png
";

/// The tours of the other samples, in order: app id, script. A sample that is not in the
/// apps folder is skipped.
const OTHER_TOURS: &[(&str, &str)] = &[
    (
        "feed",
        "wait-for text=Post 1: Sunrise\nwait-for text=Signed in\nscreenshot 09-feed-list.png\n\
         scroll page 5000\nwait-for text=Post 20: Lantern\nscreenshot 10-feed-page-2.png\n\
         scroll page -100000\ntap text=Post 2: Harbour\nwait-for #title\ntap #like\nwait-for text=Unlike\n\
         screenshot 11-feed-detail-liked.png\nback\nwait 1600\ntap #my-likes\nwait-for #count\nscreenshot 12-feed-my-likes.png\n",
    ),
    ("shop", "assert-text New this week\nscreenshot 13-shop-home.png\ntap text=Cart\nscreenshot 14-shop-cart.png\n"),
    (
        "todo",
        "assert-text Nothing to do yet\ninput #new Buy milk\ntap #add\ninput #new Walk the dog\nkey enter\n\
         screenshot 15-todo-two.png\ntap .box\nscreenshot 16-todo-ticked.png\n",
    ),
    ("tabs-demo", "assert-text Home tab\nscreenshot 17-tabs-home.png\ntap text=List\nassert-text List tab\nscreenshot 18-tabs-list.png\n"),
    (
        "policy-demo",
        "screenshot 19-policy-demo.png\ntap #undeclared\nassert-text Refused by the host\nscreenshot 20-policy-refused.png\n",
    ),
    ("counter-c", "tap #inc\ntap #inc\nassert-data count 2\nscreenshot 21-counter-c.png\n"),
];

/// The sample back ends, on free loopback ports for the embedded cloud (their secrets are set
/// once their apps are published).
struct Backends {
    account: miniapp_account_backend::Handle,
    feed: miniapp_feed_backend::Handle,
}

impl Backends {
    fn start(cloud: &url::Url) -> Result<Backends> {
        let cloud = cloud.as_str().trim_end_matches('/');
        let account = miniapp_account_backend::start(miniapp_account_backend::Config {
            cloud: cloud.to_string(),
            appid: "account".into(),
            secret: String::new(),
            addr: "127.0.0.1:0".parse()?,
        })
        .context("starting the account back end")?;
        let feed = miniapp_feed_backend::start(miniapp_feed_backend::Config::new(cloud, "feed", ""))
            .context("starting the feed back end")?;
        Ok(Backends { account, feed })
    }

    /// The origin of `appid`'s back end, if it has one.
    fn origin(&self, appid: &str) -> Option<&str> {
        match appid {
            "account" => Some(self.account.origin()),
            "feed" => Some(self.feed.origin()),
            _ => None,
        }
    }

    fn set_secret(&self, appid: &str, secret: &str) {
        match appid {
            "account" => self.account.set_secret(secret),
            "feed" => self.feed.set_secret(secret),
            _ => {}
        }
    }
}

/// Builds an app folder; an app with a back end gets the back end's origin added to its
/// `app.json` `network.request` (in the bundle only, the folder is not changed).
fn build_with_backend(app_dir: &Path, key: &Path, origin: Option<&str>) -> Result<Vec<u8>> {
    let Some(origin) = origin else { return super::build::build_app(app_dir, key) };
    let app_dir = &super::build::absolute_app_dir(app_dir)?;
    let (mut files, _warnings) = super::build::checked_sources(app_dir)?;
    for (path, bytes) in files.iter_mut().filter(|(p, _)| p == "app.json") {
        let mut manifest: serde_json::Value =
            serde_json::from_slice(bytes).with_context(|| format!("reading {}", app_dir.join(path.as_str()).display()))?;
        let request = manifest
            .pointer_mut("/network/request")
            .and_then(|r| r.as_array_mut())
            .with_context(|| format!("{}/app.json declares no network.request for its back end", app_dir.display()))?;
        request.push(origin.into());
        *bytes = serde_json::to_vec_pretty(&manifest)?;
    }
    let component = super::build::compile_logic(app_dir, false)?;
    Ok(super::build::pack_app(app_dir, files, component, key, Vec::new())?.bytes)
}

/// `backend=ORIGIN`, percent-encoded for a launch URL's `query=`.
fn backend_query(origin: &str) -> String {
    url::form_urlencoded::byte_serialize(format!("backend={origin}").as_bytes()).collect()
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (work, cloud, base) = super::embedded_dev_cloud("demo")?;
    let client = miniapp_cloud::CloudClient::new(work.join("publisher-cache"))?;
    eprintln!("demo cloud listening on {base}");
    let key = work.join("publisher.key");
    let backends = Backends::start(&base)?;
    eprintln!("back ends: account {}, feed {}", backends.account.origin(), backends.feed.origin());

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
    let mut featured = Vec::new();
    for app in &apps {
        let name = app.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let origin = backends.origin(&name);
        let bytes = build_with_backend(app, &key, origin).with_context(|| format!("building {}", app.display()))?;
        let receipt = client
            .publish(&base, &cloud.token, &bytes)
            .with_context(|| format!("publishing {}", app.display()))?;
        let mut url = base.join(&format!("apps/{}", receipt.appid))?.to_string();
        if let Some(origin) = origin {
            let secret = client
                .app_secret(&base, &cloud.token, receipt.appid.as_str())
                .with_context(|| format!("getting the secret of {}", receipt.appid))?;
            backends.set_secret(receipt.appid.as_str(), &secret);
            url = format!("{url}?query={}", backend_query(origin));
        }
        eprintln!("published {} {} → {url}", receipt.appid, receipt.version);
        featured.push(miniapp_shell::home::HomeEntry {
            name: app_name(app).unwrap_or_else(|| receipt.appid.to_string()),
            app_id: receipt.appid.to_string(),
            url: url.clone(),
            running: false,
            icon: None,
            last_opened: None,
        });
        urls.push(url);
    }
    let first = urls.first().context("no sample apps found")?.clone();
    let host_config = HostConfig { cache_dir: work.join("cache"), ..HostConfig::from_env() };

    if !args.headless {
        // The window opens on the home screen, every sample on it.
        let mut host = miniapp_shell::Host::new(host_config)?;
        eprintln!("opening the home screen: {} sample apps; ◎ on an app comes back here", featured.len());
        miniapp_shell::window::home_with(&mut host, featured, None).context("opening the window on the home screen")?;
        host.finish_updates();
        return Ok(ExitCode::SUCCESS);
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
    // The account sample: a real login through its back end, a permission prompt and the
    // camera reading a QR code.
    if let Some(account) = urls.iter().find(|u| u.contains("/apps/account")) {
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
    // Every other sample: a screenshot or two each.
    for (appid, tour) in OTHER_TOURS {
        let Some(url) = urls.iter().find(|u| u.ends_with(&format!("/apps/{appid}")) || u.contains(&format!("/apps/{appid}?"))) else {
            eprintln!("skipping the {appid} tour: no such sample in {}", args.apps.display());
            continue;
        };
        let name = format!("{appid} tour");
        let steps = script::parse_script(tour, &name)?;
        let (mut s, r) = harness.launch(url, &|_, _| {}).with_context(|| format!("launching {url}"))?;
        let mut traces = Vec::new();
        harness.run_script(&mut s, &name, &steps, &args.out, &mut traces).with_context(|| format!("the {name}"))?;
        json[*appid] = serde_json::json!({ "launch": r, "steps": traces, "logs": s.logs() });
    }
    // Last, the home screen: every sample toured is among its recent apps.
    {
        let steps = script::parse_script("home\nassert-text Recent apps\nscreenshot 22-home-screen.png\n", "home tour")?;
        let (mut s, _) = harness.launch(&first, &|_, _| {})?;
        let mut traces = Vec::new();
        harness.run_script(&mut s, "home tour", &steps, &args.out, &mut traces)?;
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

/// The `name` of an app folder's app.json, if it reads.
fn app_name(app: &Path) -> Option<String> {
    let text = std::fs::read_to_string(app.join("app.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["name"].as_str().map(str::to_string)
}
