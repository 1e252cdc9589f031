//! `miniapp bench`: what a launch, a handler call, a layout and a frame cost, measured in one run
//! so that ratios between them mean something. Each benchmark runs a few warm-up iterations, then
//! N measured ones, and reports median / p10 / p90; `--json FILE` keeps the raw summary.
//!
//! Everything is set up in-process: an embedded cloud on a loopback port (the real server, the
//! real HTTP client), the counter sample built with `miniapp build`'s code, a 1 MiB bundle made in
//! memory, a small benchmark guest (written to a temp crate and built for wasm32 with the SDK) for
//! the set-data and storage paths, and the headless renderer (lavapipe where there is no GPU).
//! Set-up is lazy: `--filter verify` builds only what the verify benchmark needs.
//! `docs/performance.md` says what each number measures and records one run.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use miniapp_bundle::{SigningKey, Trust};
use miniapp_sandbox::{AppComponent, AppContext, AppInstance, Limits, PageRef, Sandbox, Storage};
use miniapp_shell::{frame, Harness, Host, HostConfig, Session};
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{Page, Viewport};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

mod peers;

/// Iterations of every benchmark under `--quick`.
pub const QUICK_ITERATIONS: usize = 3;
/// The size of the bundle verified by `bundle.verify_1mib`, and of the big app's asset.
pub const BIG_BUNDLE_BYTES: usize = 1 << 20;
/// Rows of the list page used by the layout and render benchmarks.
pub const LIST_ROWS: usize = 1000;
/// The sandbox's goal for one instantiation (issue 5): 50 µs.
pub const INSTANTIATE_GOAL: Duration = Duration::from_micros(50);

/// Arguments of `miniapp bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Measured iterations of every benchmark (after warm-up); each has its own default.
    #[arg(long, short = 'n')]
    pub iterations: Option<usize>,
    /// Run only the benchmarks whose name contains this text (e.g. `launch`, `sandbox.`).
    #[arg(long)]
    pub filter: Option<String>,
    /// A few iterations only (a smoke test of the benchmarks, not a measurement).
    #[arg(long)]
    pub quick: bool,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// The folder of sample apps (the counter is taken from there).
    #[arg(long, default_value_os_t = default_apps_dir())]
    pub apps: PathBuf,
    /// Also measure the peers in the same run (headless Chromium on the H5 pages of `bench/h5`,
    /// the logic handler on Node.js and QuickJS) and miniapp's memory with 1, 5 and 20 apps, and
    /// print them side by side with the goals. Needs `node`, `npm` and `chromium`.
    #[arg(long)]
    pub peers: bool,
    /// The folder of the peers' sources (`h5/`, `logic/`, `peers/`).
    #[arg(long, value_name = "DIR", default_value_os_t = peers::default_dir())]
    pub peers_dir: PathBuf,
}

fn default_apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-apps")
}

/// One benchmark: a stable name, what it measures, and its default number of iterations.
struct Spec {
    name: &'static str,
    what: &'static str,
    iterations: usize,
    run: fn(&mut Fixture, &Plan) -> Result<Outcome>,
}

const SPECS: &[Spec] = &[
    Spec { name: "bundle.verify_1mib", what: "verify + unpack a 1 MiB countersigned bundle (zip, sha256 of every file, 2 ed25519 signatures, manifest)", iterations: 30, run: bench_verify },
    Spec { name: "launch.cold", what: "new host (engine, fonts) + launch of the counter with an empty cache: metadata + download over loopback, verify, compile, instantiate, on-launch/load/ready, first layout", iterations: 10, run: bench_launch_cold },
    Spec { name: "launch.cold_1mib", what: "launch.cold of the counter with a 1 MiB asset (1 MiB download)", iterations: 10, run: bench_launch_cold_big },
    Spec { name: "launch.hot", what: "new host + launch of the counter with a warm cache (bundle and compiled component cached; metadata still asked over loopback)", iterations: 20, run: bench_launch_hot },
    Spec { name: "launch.hot_same_host", what: "second launch of the counter in a running host (cache warm)", iterations: 20, run: bench_launch_hot_same_host },
    Spec { name: "launch.to_first_frame_cold", what: "new headless harness (GPU device, renderer) + cold launch + first frame read back as an image", iterations: 5, run: bench_first_frame_cold },
    Spec { name: "launch.to_first_frame_hot", what: "launch of the counter in a running harness (cache warm) + first frame read back", iterations: 20, run: bench_first_frame_hot },
    Spec { name: "sandbox.instantiate", what: "Sandbox::instantiate of the compiled counter component (pooling allocator, InstancePre)", iterations: 1000, run: bench_instantiate },
    Spec { name: "sandbox.event_noop", what: "host→guest handle-event to a handler that does nothing (event JSON in, no effects)", iterations: 1000, run: bench_event_noop },
    Spec { name: "sandbox.event_counter", what: "host→guest handle-event(onIncrement) on the counter: the guest counts and calls set-data {count}", iterations: 1000, run: bench_event_counter },
    Spec { name: "sandbox.set_data_1k", what: "handle-event whose handler calls set-data with a prebuilt 1 KiB patch (guest→host copy, JSON parse and checks, effect back)", iterations: 1000, run: bench_set_data_1k },
    Spec { name: "sandbox.set_data_100k", what: "as set_data_1k with a 100 KiB patch", iterations: 300, run: bench_set_data_100k },
    Spec { name: "view.apply_set_data_1k", what: "the shell's side of a 1 KiB set-data: Page::set_data of the patch on the 1000-row page (no re-render: key not in the template)", iterations: 1000, run: bench_apply_1k },
    Spec { name: "view.apply_set_data_100k", what: "as apply_set_data_1k with the 100 KiB patch", iterations: 300, run: bench_apply_100k },
    Spec { name: "logic.filter_sort_10k", what: "handle-event whose handler filters and sorts 10,000 records and sends the top 50 as a set-data patch (the handler of bench/logic/handler.js, in the wasm guest)", iterations: 100, run: bench_filter_sort },
    Spec { name: "storage.set_1k", what: "handle-event whose handler calls storage.set of a 1 KiB value (SQLite on disk, WAL, synchronous=FULL)", iterations: 100, run: bench_storage_set },
    Spec { name: "storage.get_1k", what: "handle-event whose handler calls storage.get of a 1 KiB value", iterations: 1000, run: bench_storage_get },
    Spec { name: "view.list_1000_first_layout", what: "first render of a 1000-row list page: expand template, style, taffy layout, text shaping, display list", iterations: 10, run: bench_list_first },
    Spec { name: "view.list_1000_after_set_data", what: "set-data of one row's title + re-render of the 1000-row list (incremental)", iterations: 30, run: bench_list_after_set_data },
    Spec { name: "view.list_1000_scroll_step", what: "one wheel step (SCROLL_STEP_PX down, back up at the bottom) of the 1000-row list page → new display list", iterations: 30, run: bench_list_scroll_step },
    Spec { name: "view.list_1000_tap_to_display_list", what: "tap the first row of the 1000-row list → hit test → guest handler toggles it (set-data rows[0].done) → new display list (no GPU frame)", iterations: 30, run: bench_tap_list_display },
    Spec { name: "render.frame_counter", what: "one frame of the counter screen: compose chrome, draw with wgpu, read back to an RGBA image", iterations: 30, run: bench_frame_counter },
    Spec { name: "render.frame_list_1000", what: "one frame of the 1000-row list screen (the renderer culls the rows outside the page area), read back", iterations: 20, run: bench_frame_list },
    Spec { name: "render.tap_to_frame_counter", what: "tap #inc → hit test → guest handler → set-data → relayout → frame read back", iterations: 30, run: bench_tap_counter },
    Spec { name: "dev.reload_views_counter", what: "miniapp dev's reload after a template edit of the counter: read and check the app folder's templates, styles and json, pack with the current logic, verify, swap the views of the running session (page data kept), relayout, frame read back (the file watcher waits its 40 ms settle before this)", iterations: 20, run: bench_dev_reload },
    Spec { name: "render.tap_to_frame_list", what: "tap the first row of the 1000-row list → handler toggles it → relayout → frame read back", iterations: 20, run: bench_tap_list },
];

/// How many warm-up and measured iterations a benchmark runs, and its progress bar.
struct Plan {
    warmup: usize,
    iterations: usize,
    bar: ProgressBar,
}

impl Plan {
    /// Runs `f` warm-up + measured times; `f` returns the time of the part it measures.
    fn sample(&self, mut f: impl FnMut(usize) -> Result<Duration>) -> Result<Vec<Duration>> {
        for i in 0..self.warmup {
            f(i)?;
            self.bar.inc(1);
        }
        let mut samples = Vec::with_capacity(self.iterations);
        for i in 0..self.iterations {
            samples.push(f(self.warmup + i)?);
            self.bar.inc(1);
        }
        Ok(samples)
    }
}

/// What one benchmark produced.
#[derive(Default)]
struct Outcome {
    samples: Vec<Duration>,
    /// Sub-stage times in ms (launch stages), per measured iteration.
    stages: BTreeMap<String, Vec<f64>>,
    /// Why it did not run.
    skipped: Option<String>,
    note: Option<String>,
}

impl Outcome {
    fn of(samples: Vec<Duration>) -> Outcome {
        Outcome { samples, ..Default::default() }
    }

    fn skipped(reason: String) -> Outcome {
        Outcome { skipped: Some(reason), ..Default::default() }
    }
}

/// Median / p10 / p90 / min / max of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Summary {
    median: Duration,
    p10: Duration,
    p90: Duration,
    min: Duration,
    max: Duration,
}

/// The `p` quantile (0..=1) of sorted samples, interpolated between neighbours.
fn quantile(sorted: &[Duration], p: f64) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        1 => sorted[0],
        n => {
            let pos = p.clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            let w = pos - lo as f64;
            Duration::from_secs_f64(sorted[lo].as_secs_f64() * (1.0 - w) + sorted[hi].as_secs_f64() * w)
        }
    }
}

fn summarize(samples: &[Duration]) -> Option<Summary> {
    let mut s = samples.to_vec();
    s.sort();
    Some(Summary {
        median: quantile(&s, 0.5),
        p10: quantile(&s, 0.1),
        p90: quantile(&s, 0.9),
        min: *s.first()?,
        max: *s.last()?,
    })
}

fn median_f64(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// A duration in a unit that suits `scale` (µs under 1 ms, else ms).
fn fmt_in(d: Duration, scale: Duration) -> String {
    if scale < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

fn us(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6 * 10.0).round() / 10.0
}

pub fn run(args: Args) -> Result<ExitCode> {
    let specs: Vec<&Spec> = SPECS
        .iter()
        .filter(|s| args.filter.as_deref().is_none_or(|f| s.name.contains(f)))
        .collect();
    if specs.is_empty() {
        let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        bail!(
            "no benchmark name contains `{}`; the benchmarks are: {}",
            args.filter.as_deref().unwrap_or_default(),
            names.join(", ")
        );
    }
    if args.iterations == Some(0) {
        bail!("--iterations must be at least 1, got 0");
    }
    let mut fx = Fixture::new(args.apps.clone())?;
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    eprintln!(
        "miniapp bench: {} benchmark(s), {profile} build, {} CPU(s){}",
        specs.len(),
        cpus(),
        if args.quick { ", --quick (not a measurement)" } else { "" }
    );

    let mut results = Vec::new();
    for spec in &specs {
        let iterations = match (args.quick, args.iterations) {
            (_, Some(n)) => n,
            (true, None) => QUICK_ITERATIONS,
            (false, None) => spec.iterations,
        };
        let warmup = if args.quick { 1 } else { (iterations / 10).clamp(1, 50) };
        let bar = ProgressBar::new((warmup + iterations) as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:32} [{bar:30}] {pos}/{len} {elapsed}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(spec.name);
        let plan = Plan { warmup, iterations, bar };
        let outcome = (spec.run)(&mut fx, &plan).with_context(|| format!("benchmark {}", spec.name))?;
        plan.bar.finish_and_clear();
        if let Some(reason) = &outcome.skipped {
            eprintln!("{}: skipped: {reason}", spec.name);
        }
        results.push((*spec, iterations, warmup, outcome));
    }

    print_table(&results);
    print_ratios(&results);
    let side_by_side = if args.peers { Some(side_by_side(&mut fx, &args, &results)?) } else { None };
    if let Some(path) = &args.json {
        let mut doc = json!({
            "machine": peers::machine(),
            "profile": profile,
            "quick": args.quick,
            "cpus": cpus(),
            "adapter": fx.harness.as_mut().map(|h| h.adapter()),
            "benchmarks": results.iter().map(|(spec, iterations, warmup, o)| {
                let s = summarize(&o.samples);
                json!({
                    "name": spec.name,
                    "what": spec.what,
                    "iterations": iterations,
                    "warmup": warmup,
                    "skipped": o.skipped,
                    "note": o.note,
                    "median_us": s.map(|s| us(s.median)),
                    "p10_us": s.map(|s| us(s.p10)),
                    "p90_us": s.map(|s| us(s.p90)),
                    "min_us": s.map(|s| us(s.min)),
                    "max_us": s.map(|s| us(s.max)),
                    "stages_median_ms": o.stages.iter().map(|(k, v)| (k.clone(), json!(median_f64(v)))).collect::<serde_json::Map<_, _>>(),
                })
            }).collect::<Vec<_>>(),
        });
        if let Some(extra) = side_by_side {
            doc.as_object_mut().expect("an object").extend(extra.as_object().expect("an object").clone());
        }
        std::fs::write(path, serde_json::to_vec_pretty(&doc)?).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("results written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--peers`: miniapp's memory, the peers' figures, and the side-by-side table with the goals;
/// returns the JSON keys it adds (`comparison`, `memory`, `chromium`, `node`, `quickjs`).
fn side_by_side(fx: &mut Fixture, args: &Args, results: &[Row]) -> Result<Value> {
    let load_before = peers::load_average();
    // miniapp's memory: a child host with 1, 5 and 20 apps alive (the cache warmed first).
    let most = *peers::PSS_APP_COUNTS.iter().max().expect("not empty");
    let urls = fx.counter_copies(most)?;
    let exe = std::env::current_exe().context("finding the miniapp binary")?;
    let cache = fx.work.join("pss-cache");
    let bar = crate::progress::spinner("measuring miniapp's memory with 1, 5 and 20 apps alive");
    peers::host_pss(&exe, &urls, &cache, &fx.work).context("warming the memory benchmark's cache")?;
    let (mut memory, mut private) = (BTreeMap::new(), BTreeMap::new());
    for n in peers::PSS_APP_COUNTS {
        let (pss, uss) = peers::host_pss(&exe, &urls[..n], &cache, &fx.work).with_context(|| format!("measuring the memory with {n} apps"))?;
        memory.insert(n, pss);
        private.insert(n, uss);
    }
    bar.finish_and_clear();
    let peer = peers::run_peers(&args.peers_dir, args.iterations, args.quick, &fx.work)?;
    // The handlers must have computed the same patch, or the comparison means nothing.
    if let (Some(ours), Some(theirs)) = (&fx.handler_patch, peer["handler_patch"].as_str()) {
        let theirs: Value = serde_json::from_str(theirs).context("parsing the JavaScript handler's patch")?;
        if ours != &theirs {
            bail!("the wasm and the JavaScript filterSort handlers computed different patches: {} vs {}", ours, theirs);
        }
    }
    let ms = |name: &str| median_secs(results, name).map(|s| s * 1e3);
    let chromium = |k: &str| peers::median_of(&peer["chromium"][k]);
    let mib = |n: usize| memory.get(&n).map(|k| *k as f64 / 1024.0);
    let each_more = |n: usize| Some((mib(n)? - mib(1)?) / (n - 1) as f64);
    use peers::Pair;
    let pairs = vec![
        Pair { key: "cold", what: "cold open → first frame / first paint", ours: ms("launch.to_first_frame_cold"), ours_from: "launch.to_first_frame_cold", theirs: chromium("cold_counter_ms"), peer: "chromium", unit: "ms", goal: Some(1.0 / 5.0) },
        Pair { key: "hot", what: "hot open, running host / new tab", ours: ms("launch.to_first_frame_hot"), ours_from: "launch.to_first_frame_hot", theirs: chromium("new_tab_counter_ms"), peer: "chromium", unit: "ms", goal: Some(1.0 / 20.0) },
        Pair { key: "hot_new_process", what: "hot open, new host / new tab", ours: ms("launch.hot"), ours_from: "launch.hot", theirs: chromium("new_tab_counter_ms"), peer: "chromium", unit: "ms", goal: Some(1.0 / 10.0) },
        Pair { key: "click_counter", what: "click → next frame, counter", ours: ms("render.tap_to_frame_counter"), ours_from: "render.tap_to_frame_counter", theirs: chromium("click_counter_ms"), peer: "chromium", unit: "ms", goal: None },
        Pair { key: "click_list", what: "click → next frame, 1000-row list", ours: ms("render.tap_to_frame_list"), ours_from: "render.tap_to_frame_list", theirs: chromium("click_list_ms"), peer: "chromium", unit: "ms", goal: None },
        Pair { key: "pss", what: "memory (PSS), one app / one tab", ours: mib(1), ours_from: "memory.pss_kib.1", theirs: chromium("pss_one_tab_kib").map(|k| k / 1024.0), peer: "chromium", unit: "MiB", goal: Some(1.0 / 4.0) },
        Pair { key: "pss_each_more_app_5", what: "memory of each further app (5 alive)", ours: each_more(5), ours_from: "memory.pss_kib.5", theirs: Some(10.0), peer: "budget", unit: "MiB", goal: Some(1.0) },
        Pair { key: "pss_each_more_app_20", what: "memory of each further app (20 alive)", ours: each_more(20), ours_from: "memory.pss_kib.20", theirs: Some(10.0), peer: "budget", unit: "MiB", goal: Some(1.0) },
        Pair { key: "node", what: "filter + sort 10k records: wasm / Node.js", ours: ms("logic.filter_sort_10k"), ours_from: "logic.filter_sort_10k", theirs: peers::median_of(&peer["node"]["handler_ms"]), peer: "node", unit: "ms", goal: Some(1.0) },
        Pair { key: "quickjs", what: "filter + sort 10k records: wasm / QuickJS", ours: ms("logic.filter_sort_10k"), ours_from: "logic.filter_sort_10k", theirs: peers::median_of(&peer["quickjs"]["handler_ms"]), peer: "quickjs", unit: "ms", goal: Some(1.0 / 5.0) },
    ];
    peers::print_pairs(&pairs);
    // PSS moves with what else maps the same libraries (lavapipe's LLVM); USS does not.
    let uss: Vec<String> = private.iter().map(|(n, k)| format!("{n} app(s) {:.1} MiB", *k as f64 / 1024.0)).collect();
    println!("miniapp's private memory (USS): {}", uss.join(", "));
    let load_after = peers::load_average();
    println!(
        "load average {} → {} on {} CPU(s); {} build",
        load_before.map(|l| format!("{l:.2}")).unwrap_or_else(|| "?".into()),
        load_after.map(|l| format!("{l:.2}")).unwrap_or_else(|| "?".into()),
        cpus(),
        if cfg!(debug_assertions) { "debug (not what users get: use `cargo xtask bench`)" } else { "release" }
    );
    Ok(json!({
        "comparison": pairs.iter().map(|p| (p.key.to_string(), p.to_json())).collect::<serde_json::Map<_, _>>(),
        "memory": {
            "pss_kib": memory.iter().map(|(n, k)| (n.to_string(), json!(k))).collect::<serde_json::Map<_, _>>(),
            "uss_kib": private.iter().map(|(n, k)| (n.to_string(), json!(k))).collect::<serde_json::Map<_, _>>(),
        },
        "load_average_before": load_before,
        "load_average_after": load_after,
        "chromium": peer["chromium"],
        "node": peer["node"],
        "quickjs": peer["quickjs"],
    }))
}

fn cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

type Row<'a> = (&'a Spec, usize, usize, Outcome);

fn print_table(results: &[Row]) {
    println!("{:<32} {:>12} {:>12} {:>12} {:>6}", "benchmark", "median", "p10", "p90", "n");
    for (spec, iterations, _, o) in results {
        match summarize(&o.samples) {
            Some(s) if o.skipped.is_none() => println!(
                "{:<32} {:>12} {:>12} {:>12} {:>6}",
                spec.name,
                fmt_in(s.median, s.median),
                fmt_in(s.p10, s.median),
                fmt_in(s.p90, s.median),
                iterations
            ),
            _ => println!("{:<32} skipped: {}", spec.name, o.skipped.as_deref().unwrap_or("no samples")),
        }
        if !o.stages.is_empty() {
            let stages: Vec<String> =
                o.stages.iter().map(|(k, v)| format!("{k} {:.2}", median_f64(v))).collect();
            println!("{:<32}   stages (median ms): {}", "", stages.join(", "));
        }
        if let Some(note) = &o.note {
            println!("{:<32}   note: {note}", "");
        }
    }
}

/// The median of benchmark `name` in seconds, if it ran (and was not skipped).
fn median_secs(results: &[Row], name: &str) -> Option<f64> {
    results
        .iter()
        .find(|(s, ..)| s.name == name)
        .filter(|(.., o)| o.skipped.is_none())
        .and_then(|(.., o)| summarize(&o.samples))
        .map(|s| s.median.as_secs_f64())
}

fn print_ratios(results: &[Row]) {
    let median = |name: &str| median_secs(results, name);
    let mut lines = Vec::new();
    if let (Some(cold), Some(hot)) = (median("launch.cold"), median("launch.hot")) {
        lines.push(format!("hot launch (new host) is {:.1}x faster than cold", cold / hot));
    }
    if let (Some(cold), Some(hot)) = (median("launch.cold"), median("launch.hot_same_host")) {
        lines.push(format!("hot launch (running host) is {:.1}x faster than cold", cold / hot));
    }
    if let Some(i) = median("sandbox.instantiate") {
        lines.push(format!(
            "instantiate is {:.2}x the {} µs goal ({})",
            i / INSTANTIATE_GOAL.as_secs_f64(),
            INSTANTIATE_GOAL.as_micros(),
            if i <= INSTANTIATE_GOAL.as_secs_f64() { "met" } else { "missed" }
        ));
    }
    if let (Some(small), Some(big)) = (median("sandbox.set_data_1k"), median("sandbox.set_data_100k")) {
        lines.push(format!("set-data 100 KiB costs {:.1}x set-data 1 KiB", big / small));
    }
    if let (Some(first), Some(after)) = (median("view.list_1000_first_layout"), median("view.list_1000_after_set_data")) {
        lines.push(format!("re-render after one row's set-data is {:.1}x faster than the first layout", first / after));
    }
    if !lines.is_empty() {
        println!();
        for l in lines {
            println!("{l}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixture: everything the benchmarks share, made on first use.

/// The counter's route (its only page).
const COUNTER_PAGE: &str = "pages/index/index";
/// The list app's page.
const LIST_PAGE: &str = "pages/list/list";
const LIST_XML: &str = r#"<view class="list"><view m:for="{{rows}}" m:key="id" class="row {{item.done ? 'done' : ''}}" bind:tap="onTap" data-id="{{item.id}}"><text>{{index + 1}}. {{item.title}}</text></view></view>"#;
const LIST_CSS: &str = ".row { display: flex; padding: 8px; border-bottom: 1px solid #eee; } .done { opacity: 0.5; }";

/// The benchmark guest: a list page of `LIST_ROWS` rows, and handlers that exercise one host call
/// each with prebuilt payloads, so that a handler's time is the call's time. A failed host call
/// panics (a trap), so a refused call cannot pass for a fast one.
const GUEST_SOURCE: &str = r##"//! miniapp bench guest (written by `miniapp bench`).
use miniapp_sdk::{export_app, json, App, Event, Page};

#[derive(Default)]
struct Bench { small: String, large: String, value: String, flip: bool, records: Vec<Rec> }

/// One record of the logic benchmark: the same as bench/logic/handler.js makes.
struct Rec { id: u32, name: String, score: u32, tag: u32 }

/// xorshift32, the same sequence as `makeRecords` in bench/logic/handler.js.
fn records() -> Vec<Rec> {
    let mut x: u32 = 2463534242;
    (0..10000u32)
        .map(|id| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            Rec { id, name: format!("item {:05}", (x >> 4) % 100000), score: x % 100000, tag: (x >> 8) % 8 }
        })
        .collect()
}

/// `filterSort` of bench/logic/handler.js: filter, sort, and the patch of the first 50.
fn filter_sort(records: &[Rec]) -> String {
    let mut kept: Vec<&Rec> = records.iter().filter(|r| r.tag != 0 && r.score % 3 != 0).collect();
    kept.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)).then(a.id.cmp(&b.id)));
    let top: Vec<_> = kept.iter().take(50).map(|r| json!({"id": r.id, "name": r.name, "score": r.score})).collect();
    json!({"total": kept.len(), "top": top}).to_string()
}

fn patch(bytes: usize) -> String {
    let filler = bytes - r#"{"blob":""}"#.len();
    format!(r#"{{"blob":"{}"}}"#, "x".repeat(filler))
}

impl App for Bench {
    fn page_load(&mut self, page: &Page, _query: &str) {
        self.small = patch(1024);
        self.large = patch(100 * 1024);
        self.value = "v".repeat(1024);
        self.records = records();
        let rows: Vec<_> = (0..ROWS).map(|i| json!({"id": i, "title": format!("Row number {i}"), "done": false})).collect();
        page.set_data(json!({ "rows": rows })).unwrap();
    }
    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "noop" => {}
            "set1k" => page.set_data_raw(&self.small).unwrap(),
            "set100k" => page.set_data_raw(&self.large).unwrap(),
            "filterSort" => page.set_data_raw(&filter_sort(&self.records)).unwrap(),
            "onTap" => {
                let id = event["currentTarget"]["dataset"]["id"].as_str().and_then(|s| s.parse::<u32>().ok())
                    .or_else(|| event["currentTarget"]["dataset"]["id"].as_u64().map(|n| n as u32)).unwrap_or(0);
                self.flip = !self.flip;
                page.set_data(json!({ format!("rows[{id}].done"): self.flip })).unwrap();
            }
            //STORAGE "store-set" => miniapp_sdk::storage::set("bench", &self.value).unwrap(),
            //STORAGE "store-get" => assert_eq!(miniapp_sdk::storage::get("bench").unwrap().map(|v| v.len()), Some(1024)),
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

export_app!(Bench);
"##;

/// The benchmark guest as built: its component and whether it has the storage handlers.
struct BenchGuest {
    component: Vec<u8>,
    storage: bool,
}

struct Fixture {
    work: PathBuf,
    apps_dir: PathBuf,
    counter_files: Option<Vec<(String, Vec<u8>)>>,
    platform: SigningKey,
    guest: Option<std::result::Result<BenchGuest, String>>,
    cloud: Option<(miniapp_cloud::RunningCloud, BTreeMap<String, String>)>,
    sandbox: Option<Sandbox>,
    counter_compiled: Option<AppComponent>,
    guest_compiled: Option<AppComponent>,
    storage: Option<Storage>,
    fonts: Option<FontSystem>,
    harness: Option<Harness>,
    counter_session: Option<Session>,
    list_session: Option<Session>,
    /// The patch the guest's filterSort handler sent (compared with the JavaScript one's).
    handler_patch: Option<Value>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Sessions and hosts first (they hold files in `work`), then the folder.
        self.counter_session = None;
        self.list_session = None;
        self.harness = None;
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

/// Incompressible bytes (xorshift), so that a "1 MiB bundle" is 1 MiB on the wire.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn with_manifest(files: &[(String, Vec<u8>)], f: impl FnOnce(&mut Value)) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = files.to_vec();
    let entry = out.iter_mut().find(|(p, _)| p == "app.json").context("the counter bundle has no app.json")?;
    let mut manifest: Value = serde_json::from_slice(&entry.1).context("parsing the counter's app.json")?;
    f(&mut manifest);
    entry.1 = serde_json::to_vec_pretty(&manifest)?;
    Ok(out)
}

impl Fixture {
    fn new(apps_dir: PathBuf) -> Result<Fixture> {
        let work = std::env::temp_dir().join(format!("miniapp-bench-{}", std::process::id()));
        std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
        Ok(Fixture {
            work,
            apps_dir,
            counter_files: None,
            platform: SigningKey::generate(),
            guest: None,
            cloud: None,
            sandbox: None,
            counter_compiled: None,
            guest_compiled: None,
            storage: None,
            fonts: None,
            harness: None,
            counter_session: None,
            list_session: None,
            handler_patch: None,
        })
    }

    fn key_path(&self) -> PathBuf {
        self.work.join("publisher.key")
    }

    fn key(&self) -> Result<SigningKey> {
        miniapp_bundle::load_or_create_key(&self.key_path()).context("loading the bench publisher key")
    }

    /// The counter sample's files as `miniapp build` packs them (logic compiled to a component).
    fn counter_files(&mut self) -> Result<&[(String, Vec<u8>)]> {
        if self.counter_files.is_none() {
            let dir = self.apps_dir.join("counter");
            let bytes = super::build::build_app(&dir, &self.key_path())?;
            let locked = miniapp_bundle::verify(&bytes, &Trust::default()).context("verifying the counter bundle")?;
            let files = locked
                .paths()
                .filter_map(|p| locked.file(p).map(|b| (p.to_string(), b.to_vec())))
                .collect();
            self.counter_files = Some(files);
        }
        Ok(self.counter_files.as_deref().expect("set above"))
    }

    fn counter_component(&mut self) -> Result<Vec<u8>> {
        let files = self.counter_files()?;
        files
            .iter()
            .find(|(p, _)| p == miniapp_bundle::LOGIC_WASM)
            .map(|(_, b)| b.clone())
            .context("the counter bundle has no logic.wasm")
    }

    /// The counter plus a 1 MiB incompressible asset, as app `appid`.
    fn big_files(&mut self, appid: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let files = self.counter_files()?.to_vec();
        let mut files = with_manifest(&files, |m| m["appid"] = json!(appid))?;
        // Size the noise so that the packed bundle comes out at about BIG_BUNDLE_BYTES.
        let packed = miniapp_bundle::pack(&files, &self.key()?)?.len();
        let entry_overhead = 200;
        files.push(("assets/noise.bin".to_string(), noise(BIG_BUNDLE_BYTES.saturating_sub(packed + entry_overhead).max(1))));
        Ok(files)
    }

    /// The benchmark guest, built once (an error message when it cannot be built here).
    fn guest(&mut self) -> std::result::Result<&BenchGuest, String> {
        if self.guest.is_none() {
            self.guest = Some(build_guest());
        }
        self.guest.as_ref().expect("set above").as_ref().map_err(Clone::clone)
    }

    /// The list app: the list page and the benchmark guest.
    fn list_files(&mut self) -> Result<std::result::Result<Files, String>> {
        let component = match self.guest() {
            Ok(g) => g.component.clone(),
            Err(e) => return Ok(Err(e)),
        };
        let manifest = json!({
            "appid": "benchlist",
            "name": "Bench list",
            "version": "1.0.0",
            "pages": [LIST_PAGE],
            "window": { "navigationBarTitleText": "1000 rows" }
        });
        Ok(Ok(vec![
            ("app.json".to_string(), serde_json::to_vec_pretty(&manifest)?),
            (format!("{LIST_PAGE}.xml"), LIST_XML.as_bytes().to_vec()),
            (format!("{LIST_PAGE}.css"), LIST_CSS.as_bytes().to_vec()),
            (miniapp_bundle::LOGIC_WASM.to_string(), component),
        ]))
    }

    /// An embedded cloud with the counter, the 1 MiB counter and (when the guest builds) the list
    /// app published; returns the launch URL of `app`.
    fn url(&mut self, app: &str) -> Result<std::result::Result<String, String>> {
        if self.cloud.is_none() {
            let mut config = miniapp_cloud::ServerConfig::new(self.work.join("cloud"));
            config.dev = true;
            config.review = Some(crate::review::hook());
            config.precompilers = crate::precompile::precompilers(true);
            let cloud = miniapp_cloud::spawn_background(config).context("starting the embedded cloud")?;
            let base = cloud.url();
            let client = miniapp_cloud::CloudClient::new(self.work.join("publisher-cache"))?;
            let key = self.key()?;
            let base_library = super::publish::pack_base_dir(&super::publish::default_base_dir(), &self.key_path())?;
            client.publish_base(&base, &cloud.token, &base_library).context("publishing the base library to the embedded cloud")?;
            let mut urls = BTreeMap::new();
            let counter = self.counter_files()?.to_vec();
            let mut apps = vec![("counter", counter), ("counterbig", self.big_files("counterbig")?)];
            if let Ok(list) = self.list_files()? {
                apps.push(("benchlist", list));
            }
            for (name, files) in apps {
                let bytes = miniapp_bundle::pack(&files, &key).with_context(|| format!("packing {name}"))?;
                let receipt = client
                    .publish(&base, &cloud.token, &bytes)
                    .with_context(|| format!("publishing {name} to the embedded cloud"))?;
                urls.insert(name.to_string(), base.join(&format!("apps/{}", receipt.appid))?.to_string());
            }
            self.cloud = Some((cloud, urls));
        }
        let (_, urls) = self.cloud.as_ref().expect("set above");
        Ok(match urls.get(app) {
            Some(u) => Ok(u.clone()),
            None => Err(match self.guest() {
                Err(e) => e,
                Ok(_) => format!("app {app} was not published"),
            }),
        })
    }

    /// The launch URLs of `n` apps with the counter's page and logic (the counter itself, then
    /// copies `counter2`… published on first use), for the memory benchmark.
    fn counter_copies(&mut self, n: usize) -> Result<Vec<String>> {
        self.url("counter")?.map_err(anyhow::Error::msg)?;
        let files = self.counter_files()?.to_vec();
        let key = self.key()?;
        let client = miniapp_cloud::CloudClient::new(self.work.join("publisher-cache"))?;
        let (cloud, urls) = self.cloud.as_mut().expect("started by url()");
        let base = cloud.url();
        let mut out = vec![urls["counter"].clone()];
        for i in 2..=n {
            let appid = format!("counter{i}");
            if !urls.contains_key(&appid) {
                let copy = with_manifest(&files, |m| m["appid"] = json!(appid))?;
                let bytes = miniapp_bundle::pack(&copy, &key).with_context(|| format!("packing {appid}"))?;
                let receipt = client.publish(&base, &cloud.token, &bytes).with_context(|| format!("publishing {appid}"))?;
                urls.insert(appid.clone(), base.join(&format!("apps/{}", receipt.appid))?.to_string());
            }
            out.push(urls[&appid].clone());
        }
        Ok(out)
    }

    fn sandbox(&mut self) -> Result<&Sandbox> {
        if self.sandbox.is_none() {
            self.sandbox = Some(Sandbox::new(Limits::default(), None)?);
        }
        Ok(self.sandbox.as_ref().expect("set above"))
    }

    fn counter_compiled(&mut self) -> Result<&AppComponent> {
        if self.counter_compiled.is_none() {
            let bytes = self.counter_component()?;
            let c = self.sandbox()?.compile(&bytes)?;
            self.counter_compiled = Some(c);
        }
        Ok(self.counter_compiled.as_ref().expect("set above"))
    }

    /// A counter instance with its page loaded.
    fn counter_instance(&mut self) -> Result<(AppInstance, PageRef)> {
        self.counter_compiled()?;
        let sandbox = self.sandbox.as_ref().expect("made by counter_compiled");
        let mut inst = sandbox.instantiate(self.counter_compiled.as_ref().expect("compiled"), AppContext::new("counter"))?;
        inst.on_launch("")?;
        let page = PageRef::new(1, COUNTER_PAGE);
        inst.page_load(&page, "")?;
        inst.page_ready(&page)?;
        Ok((inst, page))
    }

    /// A benchmark-guest instance with its list page loaded and on-disk storage.
    fn guest_instance(&mut self) -> Result<std::result::Result<(AppInstance, PageRef, bool), String>> {
        let (component, storage_handlers) = match self.guest() {
            Ok(g) => (g.component.clone(), g.storage),
            Err(e) => return Ok(Err(e)),
        };
        if self.guest_compiled.is_none() {
            let c = self.sandbox()?.compile(&component)?;
            self.guest_compiled = Some(c);
        }
        if self.storage.is_none() {
            self.storage = Some(Storage::open(&self.work.join("storage.db"))?);
        }
        let mut ctx = AppContext::new("benchlist");
        ctx.storage = self.storage.clone();
        ctx.pages = vec![LIST_PAGE.to_string()];
        let sandbox = self.sandbox.as_ref().expect("made above");
        let mut inst = sandbox.instantiate(self.guest_compiled.as_ref().expect("compiled"), ctx)?;
        inst.on_launch("")?;
        let page = PageRef::new(1, LIST_PAGE);
        inst.page_load(&page, "")?;
        inst.page_ready(&page)?;
        Ok(Ok((inst, page, storage_handlers)))
    }

    fn fonts(&mut self) -> &mut FontSystem {
        self.fonts.get_or_insert_with(miniapp_view::new_font_system)
    }

    fn harness(&mut self) -> Result<&mut Harness> {
        if self.harness.is_none() {
            let config = HostConfig::new(self.work.join("harness-cache"));
            self.harness = Some(Harness::new(config).context("starting the headless renderer")?);
        }
        Ok(self.harness.as_mut().expect("set above"))
    }

    /// A launched session of `app` in the fixture's harness (kept for the frame benchmarks).
    fn session(&mut self, app: &'static str) -> Result<Launched<'_>> {
        let url = match self.url(app)? {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        let slot_empty = if app == "counter" { self.counter_session.is_none() } else { self.list_session.is_none() };
        if slot_empty {
            let (session, _) = self.harness()?.launch(&url, &|_, _| {}).with_context(|| format!("launching {url}"))?;
            if let Some(f) = session.failure() {
                bail!("{app} failed to start: {}: {}", f.title, f.message);
            }
            if app == "counter" {
                self.counter_session = Some(session);
            } else {
                self.list_session = Some(session);
            }
        }
        let harness = self.harness.as_mut().expect("made by harness()");
        let session = if app == "counter" { self.counter_session.as_mut() } else { self.list_session.as_mut() };
        Ok(Ok((harness, session.expect("set above"))))
    }
}

/// An app's files, as `miniapp_bundle::pack` takes them.
type Files = Vec<(String, Vec<u8>)>;

/// A launched session and its harness, or why the app could not be launched here.
type Launched<'a> = std::result::Result<(&'a mut Harness, &'a mut Session), String>;

/// Writes the benchmark guest crate next to the temp dir (a stable path, so cargo's incremental
/// state is reused between runs) and builds it; without the storage handlers if the SDK at hand
/// has no storage module.
fn build_guest() -> std::result::Result<BenchGuest, String> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../host-api/sdk");
    let sdk = sdk
        .canonicalize()
        .map_err(|e| format!("the guest SDK is not at {} ({e}): run from a source checkout", sdk.display()))?;
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-apps/counter/logic/Cargo.lock");
    let dir = std::env::temp_dir().join("miniapp-bench-guest");
    let target = std::env::var_os("MINIAPP_GUEST_TARGET_DIR").map(PathBuf::from);
    let cargo_toml = format!(
        "[package]\nname = \"miniapp-bench-guest\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nminiapp-sdk = {{ path = {:?} }}\n\n\
         [profile.release]\nopt-level = \"s\"\nlto = true\nstrip = true\npanic = \"abort\"\ncodegen-units = 1\n",
        sdk.display().to_string()
    );
    let mut last_error = String::new();
    for storage in [true, false] {
        let source = GUEST_SOURCE.replace("ROWS", &LIST_ROWS.to_string());
        let source = if storage { source.replace("//STORAGE ", "") } else { source };
        let write = |path: PathBuf, text: &str| -> std::result::Result<(), String> {
            if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
                return Ok(());
            }
            std::fs::create_dir_all(path.parent().expect("has a parent")).map_err(|e| e.to_string())?;
            std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))
        };
        write(dir.join("Cargo.toml"), &cargo_toml)?;
        write(dir.join("src/lib.rs"), &source)?;
        if !dir.join("Cargo.lock").exists() {
            let _ = std::fs::copy(&lock, dir.join("Cargo.lock"));
        }
        let bar = crate::progress::spinner("compiling the benchmark guest for wasm32");
        let built = miniapp_sandbox::build_logic_crate(&dir, target.as_deref());
        bar.finish_and_clear();
        match built {
            Ok(component) => return Ok(BenchGuest { component, storage }),
            Err(e) => last_error = format!("the benchmark guest in {} does not build: {e}", dir.display()),
        }
    }
    Err(last_error)
}

// ---------------------------------------------------------------------------------------------
// The benchmarks.

/// The measured part of an iteration, timed. Never inlined, so that its name marks the work
/// being measured for `valgrind --tool=callgrind --toggle-collect='*bench_measured*'`
/// (`cargo xtask bench --instructions` counts the instructions of these calls only).
#[inline(never)]
fn bench_measured<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn timed(f: impl FnOnce() -> Result<()>) -> Result<Duration> {
    let (out, d) = bench_measured(f);
    out?;
    Ok(d)
}

fn bench_verify(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let files = fx.big_files("counterbig")?;
    let signed = miniapp_bundle::pack(&files, &fx.key()?)?;
    let bytes = miniapp_bundle::countersign(&signed, &fx.platform)?;
    let trust = Trust::platform(fx.platform.verifying_key());
    let samples = plan.sample(|_| {
        timed(|| {
            let locked = miniapp_bundle::verify(&bytes, &trust)?;
            std::hint::black_box(locked);
            Ok(())
        })
    })?;
    let mut o = Outcome::of(samples);
    o.note = Some(format!("bundle {} bytes, {} files", bytes.len(), files.len() + 3));
    Ok(o)
}

fn record_launch(stages: &mut BTreeMap<String, Vec<f64>>, host_ms: Option<f64>, t: &miniapp_shell::LaunchTimings) {
    let mut put = |k: &str, v: f64| stages.entry(k.to_string()).or_default().push(v);
    if let Some(h) = host_ms {
        put("host_new", h);
    }
    put("fetch", t.fetch_ms);
    put("verify", t.verify_ms);
    put("base", t.base_ms);
    put("compile", t.compile_ms);
    put("instantiate", t.instantiate_ms);
    put("first_layout", t.first_layout_ms);
    if t.first_frame_ms > 0.0 {
        put("first_frame", t.first_frame_ms);
    }
}

fn cold_launches(fx: &mut Fixture, plan: &Plan, app: &str) -> Result<Outcome> {
    let url = fx.url(app)?.map_err(anyhow::Error::msg)?;
    let mut stages = BTreeMap::new();
    let root = fx.work.join(format!("cold-{app}"));
    let samples = plan.sample(|i| {
        let dir = root.join(i.to_string());
        let t = Instant::now();
        let mut host = Host::new(HostConfig::new(dir.clone()))?;
        let host_ms = t.elapsed().as_secs_f64() * 1e3;
        let (session, report) = host.launch(&url, &|_, _| {})?;
        let d = t.elapsed();
        anyhow::ensure!(!report.from_cache, "a cold launch came from the cache");
        if i >= plan.warmup {
            record_launch(&mut stages, Some(host_ms), &report.timings);
        }
        drop((session, host));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(d)
    })?;
    Ok(Outcome { stages, ..Outcome::of(samples) })
}

fn bench_launch_cold(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    cold_launches(fx, plan, "counter")
}

fn bench_launch_cold_big(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    cold_launches(fx, plan, "counterbig")
}

fn bench_launch_hot(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let url = fx.url("counter")?.map_err(anyhow::Error::msg)?;
    let dir = fx.work.join("hot-cache");
    let config = HostConfig::new(dir);
    Host::new(config.clone())?.launch(&url, &|_, _| {})?; // fill the cache
    let mut stages = BTreeMap::new();
    let samples = plan.sample(|i| {
        let t = Instant::now();
        let mut host = Host::new(config.clone())?;
        let host_ms = t.elapsed().as_secs_f64() * 1e3;
        let (session, report) = host.launch(&url, &|_, _| {})?;
        let d = t.elapsed();
        anyhow::ensure!(report.from_cache, "a hot launch downloaded the bundle");
        if i >= plan.warmup {
            record_launch(&mut stages, Some(host_ms), &report.timings);
        }
        drop((session, host));
        Ok(d)
    })?;
    Ok(Outcome { stages, ..Outcome::of(samples) })
}

fn bench_launch_hot_same_host(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let url = fx.url("counter")?.map_err(anyhow::Error::msg)?;
    let mut host = Host::new(HostConfig::new(fx.work.join("same-host-cache")))?;
    host.launch(&url, &|_, _| {})?;
    let mut stages = BTreeMap::new();
    let samples = plan.sample(|i| {
        let t = Instant::now();
        let (session, report) = host.launch(&url, &|_, _| {})?;
        let d = t.elapsed();
        anyhow::ensure!(report.from_cache, "a hot launch downloaded the bundle");
        if i >= plan.warmup {
            record_launch(&mut stages, None, &report.timings);
        }
        drop(session);
        Ok(d)
    })?;
    Ok(Outcome { stages, ..Outcome::of(samples) })
}

fn bench_first_frame_cold(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let url = fx.url("counter")?.map_err(anyhow::Error::msg)?;
    let root = fx.work.join("first-frame-cold");
    let mut stages = BTreeMap::new();
    let samples = plan.sample(|i| {
        let dir = root.join(i.to_string());
        let t = Instant::now();
        let mut harness = Harness::new(HostConfig::new(dir.clone()))?;
        let host_ms = t.elapsed().as_secs_f64() * 1e3;
        let (session, report) = harness.launch(&url, &|_, _| {})?;
        let d = t.elapsed();
        if i >= plan.warmup {
            record_launch(&mut stages, Some(host_ms), &report.timings);
        }
        drop((session, harness));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(d)
    })?;
    let mut o = Outcome { stages, ..Outcome::of(samples) };
    o.note = Some("host_new here includes the GPU instance, device and renderer".into());
    Ok(o)
}

fn bench_first_frame_hot(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let url = fx.url("counter")?.map_err(anyhow::Error::msg)?;
    let harness = fx.harness()?;
    harness.launch(&url, &|_, _| {})?;
    let mut stages = BTreeMap::new();
    let samples = plan.sample(|i| {
        let t = Instant::now();
        let (session, report) = harness.launch(&url, &|_, _| {})?;
        let d = t.elapsed();
        if i >= plan.warmup {
            record_launch(&mut stages, None, &report.timings);
        }
        drop(session);
        Ok(d)
    })?;
    Ok(Outcome { stages, ..Outcome::of(samples) })
}

fn bench_instantiate(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    fx.counter_compiled()?;
    let sandbox = fx.sandbox.as_ref().expect("made by counter_compiled");
    let component = fx.counter_compiled.as_ref().expect("compiled");
    let samples = plan.sample(|_| {
        let ctx = AppContext::new("counter");
        let (inst, d) = bench_measured(|| sandbox.instantiate(component, ctx));
        drop(inst?);
        Ok(d)
    })?;
    let mut o = Outcome::of(samples);
    o.note = Some(format!(
        "{} allocator; instance dropped outside the timing",
        if sandbox.is_pooling() { "pooling" } else { "on-demand (pooling unavailable)" }
    ));
    Ok(o)
}

/// A tap event as the view sends it.
fn tap_event(id: &str) -> Value {
    let target = json!({ "id": id, "dataset": {} });
    json!({ "type": "tap", "timeStamp": 0, "target": target, "currentTarget": target, "detail": { "x": 187.5, "y": 400.0 } })
}

fn event_loop(inst: &mut AppInstance, page: &PageRef, plan: &Plan, handler: &str, effects: usize) -> Result<Vec<Duration>> {
    let event = tap_event("bench");
    plan.sample(|_| {
        let (out, d) = bench_measured(|| inst.handle_event(page, handler, &event));
        let out = out?;
        anyhow::ensure!(out.len() == effects, "{handler} produced {} effects, expected {effects}: {out:?}", out.len());
        Ok(d)
    })
}

fn bench_event_counter(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let (mut inst, page) = fx.counter_instance()?;
    Ok(Outcome::of(event_loop(&mut inst, &page, plan, "onIncrement", 1)?))
}

fn guest_events(fx: &mut Fixture, plan: &Plan, handler: &str, effects: usize, needs_storage: bool) -> Result<Outcome> {
    let (mut inst, page, storage) = match fx.guest_instance()? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    if needs_storage && !storage {
        return Ok(Outcome::skipped("the guest SDK has no storage module".into()));
    }
    if handler == "store-get" {
        inst.handle_event(&page, "store-set", &tap_event("bench"))?;
    }
    Ok(Outcome::of(event_loop(&mut inst, &page, plan, handler, effects)?))
}

fn bench_event_noop(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    guest_events(fx, plan, "noop", 0, false)
}

fn bench_set_data_1k(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    guest_events(fx, plan, "set1k", 1, false)
}

fn bench_set_data_100k(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    guest_events(fx, plan, "set100k", 1, false)
}

fn bench_filter_sort(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let (mut inst, page, _) = match fx.guest_instance()? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    let effects = inst.handle_event(&page, "filterSort", &tap_event("bench"))?;
    fx.handler_patch = effects.into_iter().find_map(|e| match e {
        miniapp_sandbox::Effect::SetData { patch, .. } => Some(patch),
        _ => None,
    });
    Ok(Outcome::of(event_loop(&mut inst, &page, plan, "filterSort", 1)?))
}

fn bench_storage_set(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    guest_events(fx, plan, "store-set", 0, true)
}

fn bench_storage_get(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    guest_events(fx, plan, "store-get", 0, true)
}

/// The 1000-row list page as the view engine sees it, with its rows set.
fn list_page() -> Result<Page> {
    let area = frame::Areas::plain(&miniapp_shell::Device::default()).page;
    let viewport = Viewport { width: area.w, height: area.h };
    let mut page = Page::new(LIST_XML, &format!("{LIST_PAGE}.xml"), &[(&format!("{LIST_PAGE}.css"), LIST_CSS)], viewport)?;
    let rows: Vec<Value> =
        (0..LIST_ROWS).map(|i| json!({ "id": i, "title": format!("Row number {i}"), "done": false })).collect();
    page.set_data(&json!({ "rows": rows }))?;
    Ok(page)
}

fn apply_patch(fx: &mut Fixture, plan: &Plan, bytes: usize) -> Result<Outcome> {
    let mut page = list_page()?;
    page.render(fx.fonts())?;
    let filler = bytes - r#"{"blob":""}"#.len();
    let patch = json!({ "blob": "x".repeat(filler) });
    debug_assert_eq!(patch.to_string().len(), bytes);
    let samples = plan.sample(|_| timed(|| Ok(page.set_data(&patch)?)))?;
    Ok(Outcome::of(samples))
}

fn bench_apply_1k(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    apply_patch(fx, plan, 1024)
}

fn bench_apply_100k(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    apply_patch(fx, plan, 100 * 1024)
}

fn bench_list_first(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let fonts = fx.fonts();
    let mut nodes = 0;
    let samples = plan.sample(|_| {
        let mut page = list_page()?;
        let (list, d) = bench_measured(|| page.render(fonts));
        let list = list?;
        nodes = page.node_count();
        std::hint::black_box(list);
        Ok(d)
    })?;
    let mut o = Outcome::of(samples);
    o.note = Some(format!("{nodes} nodes; Page::new and the rows' set-data are outside the timing"));
    Ok(o)
}

fn bench_list_after_set_data(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let fonts = fx.fonts();
    let mut page = list_page()?;
    page.render(fonts)?;
    let samples = plan.sample(|i| {
        timed(|| {
            page.set_data(&json!({ "rows[500].title": format!("Row number 500, changed {i}") }))?;
            std::hint::black_box(page.render(fonts)?);
            Ok(())
        })
    })?;
    Ok(Outcome::of(samples))
}

/// How far one wheel step scrolls the list page in `view.list_1000_scroll_step`, in px.
pub const SCROLL_STEP_PX: f32 = 40.0;

fn bench_list_scroll_step(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let fonts = fx.fonts();
    let mut page = list_page()?;
    page.render(fonts)?;
    let mut dy = SCROLL_STEP_PX;
    let samples = plan.sample(|_| {
        if page.scroll_top() + page.viewport().height + SCROLL_STEP_PX >= page.content_height() {
            dy = -SCROLL_STEP_PX;
        } else if page.scroll_top() <= 0.0 {
            dy = SCROLL_STEP_PX;
        }
        timed(|| {
            page.scroll_by(dy);
            std::hint::black_box(page.render(fonts)?);
            Ok(())
        })
    })?;
    Ok(Outcome::of(samples))
}

fn bench_tap_list_display(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    let (harness, session) = match fx.session("benchlist")? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    let samples = plan.sample(|_| {
        timed(|| {
            harness.tap(session, ".row")?.map_err(anyhow::Error::msg)?;
            std::hint::black_box(session.screen(&mut harness.host().fonts)?);
            Ok(())
        })
    })?;
    Ok(Outcome::of(samples))
}

fn frames(fx: &mut Fixture, plan: &Plan, app: &'static str) -> Result<Outcome> {
    let (harness, session) = match fx.session(app)? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    let samples = plan.sample(|_| {
        timed(|| {
            std::hint::black_box(harness.frame(session)?);
            Ok(())
        })
    })?;
    let mut o = Outcome::of(samples);
    o.note = Some(format!("adapter: {}", harness.adapter()));
    Ok(o)
}

fn bench_frame_counter(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    frames(fx, plan, "counter")
}

fn bench_frame_list(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    frames(fx, plan, "benchlist")
}

fn taps(fx: &mut Fixture, plan: &Plan, app: &'static str, selector: &str) -> Result<Outcome> {
    let (harness, session) = match fx.session(app)? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    let samples = plan.sample(|_| {
        timed(|| {
            harness.tap(session, selector)?.map_err(anyhow::Error::msg)?;
            std::hint::black_box(harness.frame(session)?);
            Ok(())
        })
    })?;
    if let Some(f) = session.failure() {
        bail!("{app} stopped during the taps: {}", f.message);
    }
    Ok(Outcome::of(samples))
}

fn bench_tap_counter(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    taps(fx, plan, "counter", "#inc")
}

fn bench_tap_list(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    taps(fx, plan, "benchlist", ".row")
}

fn bench_dev_reload(fx: &mut Fixture, plan: &Plan) -> Result<Outcome> {
    // A copy of the counter's folder (what a bundle packs), edited like a developer would.
    let app = fx.work.join("dev-counter");
    let sample = fx.apps_dir.join("counter");
    for rel in ["app.json", "app.css", "pages/index/index.xml", "pages/index/index.css", "pages/index/index.json"] {
        let (from, to) = (sample.join(rel), app.join(rel));
        if from.is_file() {
            std::fs::create_dir_all(to.parent().expect("a file in a folder"))?;
            std::fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    let xml_path = app.join("pages/index/index.xml");
    let xml = std::fs::read_to_string(&xml_path)?;
    let component = fx.counter_component()?;
    let key = fx.key_path();
    let (harness, session) = match fx.session("counter")? {
        Ok(x) => x,
        Err(e) => return Ok(Outcome::skipped(e)),
    };
    let samples = plan.sample(|i| {
        std::fs::write(&xml_path, format!("{xml}\n<text class=\"edit\">edit {i}</text>\n"))?;
        timed(|| {
            let (bundle, _) = super::dev::views_bundle(&app, component.clone(), &key)?;
            session.reload_views(bundle)?;
            std::hint::black_box(harness.frame(session)?);
            Ok(())
        })
    })?;
    Ok(Outcome::of(samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn summary_interpolates_median_and_deciles() {
        let s = summarize(&ms(&[5, 1, 4, 2, 3, 10, 6, 7, 9, 8, 11])).unwrap();
        assert_eq!(s.median, Duration::from_millis(6));
        assert_eq!(s.p10, Duration::from_millis(2));
        assert_eq!(s.p90, Duration::from_millis(10));
        assert_eq!((s.min, s.max), (Duration::from_millis(1), Duration::from_millis(11)));
        let even = summarize(&ms(&[1, 2])).unwrap();
        assert_eq!(even.median, Duration::from_micros(1500));
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn noise_does_not_compress() {
        let bytes = noise(64 << 10);
        assert_eq!(bytes.len(), 64 << 10);
        let distinct = bytes.iter().collect::<std::collections::HashSet<_>>().len();
        assert_eq!(distinct, 256, "every byte value appears in 64 KiB of noise");
    }

    #[test]
    fn benchmark_names_are_unique_and_dotted() {
        let mut names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        assert!(names.iter().all(|n| n.contains('.')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SPECS.len());
    }
}
