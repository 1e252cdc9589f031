//! `miniapp run URL --headless --script FILE --screenshot OUT.png --trace OUT.json`.

use anyhow::{bail, Context, Result};
use miniapp_shell::{script, Harness, HostConfig, Trace};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `miniapp run`.
#[derive(clap::Args)]
pub struct Args {
    /// Launch URL: http://HOST:PORT/apps/APPID[?path=PAGE&query=...]
    pub url: String,
    /// Run without a window (the only mode of `run` so far).
    #[arg(long)]
    pub headless: bool,
    /// A script of steps, one per line: tap, longpress, input, key, scroll, pull-down, wait,
    /// wait-for, screenshot, assert-text, assert-no-text, assert-count, assert-data, back, answer,
    /// allow, deny, scan, clipboard, assert-clipboard (see the README).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Write a screenshot of the final screen here.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// Write a JSON trace here: launch stage timings, steps, console, and the same run as Chrome
    /// trace events (`traceEvents`: launch stages, steps, handlers, set-data with bytes, layout,
    /// paint) that Perfetto and chrome://tracing open.
    #[arg(long, value_name = "OUT.json")]
    pub trace: Option<PathBuf>,
    /// The simulated device: screen size for layout, pixel ratio for screenshots.
    #[arg(long, value_enum, value_name = "NAME", default_value = "iPhone SE", ignore_case = true)]
    pub device: super::launch::DeviceArg,
    /// Screenshot pixels per logical px (default: the device's pixel ratio, e.g. 3 for iPhone 15).
    #[arg(long, value_name = "RATIO", value_parser = parse_scale)]
    pub scale: Option<f32>,
    /// When the cloud has a newer version than the cached one, download and launch it now
    /// (by default the cached one starts at once and the newer one applies on the next launch).
    #[arg(long)]
    pub latest: bool,
    /// After the script, write the developer panels as JSON: console, appData, elements,
    /// network, storage, performance (with the launch stages).
    #[arg(long, value_name = "OUT.json")]
    pub panels: Option<PathBuf>,
}

/// `--scale`: a finite ratio from 0.25 to 4.
fn parse_scale(s: &str) -> std::result::Result<f32, String> {
    let v: f32 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if v.is_finite() && (0.25..=4.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be from 0.25 to 4, got {s}"))
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    if !args.headless {
        bail!("`miniapp run` needs --headless (use `miniapp launch URL` for a window)");
    }
    // Parse the script before launching, so that a typo fails fast.
    let (script_name, steps) = match &args.script {
        Some(p) => {
            let src = std::fs::read_to_string(p).with_context(|| format!("reading script {}", p.display()))?;
            let name = p.display().to_string();
            let steps = script::parse_script(&src, &name)?;
            (name, steps)
        }
        None => (String::new(), Vec::new()),
    };
    let out_dir = args
        .script
        .as_ref()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let config = HostConfig { device: args.device.device(), latest: args.latest, ..HostConfig::from_env() };
    let mut harness = Harness::new(config).context("starting the headless host")?;
    harness.set_scale(args.scale);
    let bar = crate::progress::download_bar("downloading");
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let launched = harness.launch(&args.url, &progress);
    bar.finish_and_clear();
    let (mut session, report) = launched.with_context(|| format!("launching {}", args.url))?;
    eprintln!(
        "{} {} started{}{} on base library {}",
        report.app,
        report.version,
        if report.from_cache { " from cache" } else { "" },
        if report.offline { " (offline: the cloud cannot be reached)" } else { "" },
        report.base,
    );
    if let Some(v) = &report.update_pending {
        eprintln!("a newer version {v} is downloading in the background; it applies on the next launch (--latest applies it now)");
    }
    let mut trace_steps = Vec::new();
    let result = harness.run_script(&mut session, &script_name, &steps, &out_dir, &mut trace_steps);
    print_run(&trace_steps, &session);
    if let Some(path) = &args.screenshot {
        harness.screenshot(&mut session, path).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.panels {
        let mut panels = session.panels(&mut harness.host().fonts).context("reading the developer panels")?;
        panels["performance"]["launch"] = serde_json::to_value(&report.timings)?;
        std::fs::write(path, serde_json::to_vec_pretty(&panels)?).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.trace {
        let trace = Trace::new(harness.started(), report, harness.adapter(), trace_steps, &session);
        std::fs::write(path, serde_json::to_vec_pretty(&trace)?).with_context(|| format!("writing {}", path.display()))?;
    }
    harness.host().finish_updates();
    result?;
    if let Some(f) = session.failure() {
        eprintln!("the app stopped: {}", f.message);
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// What a headless run prints on stdout: one line per passing step, then the app's log.
pub fn print_run(steps: &[miniapp_shell::StepTrace], session: &miniapp_shell::Session) {
    for step in steps.iter().filter(|s| s.ok) {
        println!("ok {}: {}", step.line, step.step);
    }
    for line in session.logs() {
        println!("[{}] {}: {}", line.app, line.level, line.message);
    }
}
