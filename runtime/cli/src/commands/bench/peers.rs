//! `miniapp bench --peers`: the same work done by the alternatives, measured in the same run.
//!
//! - Headless Chromium, Node.js and QuickJS are measured by `bench/peers/peers.mjs` (a Node
//!   script; its npm packages are installed on first use with `npm ci`), loading the H5 pages of
//!   `bench/h5/` and running the handler of `bench/logic/handler.js`.
//! - miniapp's memory is measured here: a child `miniapp run --headless` process with 1, 5 and
//!   20 apps alive (the ones in the background kept running), its PSS read from
//!   `/proc/PID/smaps_rollup`.
//!
//! The comparison pairs each miniapp benchmark with its peer's figure and the goal of issue 12.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many apps are alive in the host when its memory is read (the first is the one in front).
pub const PSS_APP_COUNTS: [usize; 3] = [1, 5, 20];
/// How long the measured host waits, all its apps open, while its memory is sampled.
const PSS_SETTLE: Duration = Duration::from_millis(1500);
/// The memory of the measured host is sampled this often.
const PSS_SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// A child host that has not finished its script in this long is killed and reported.
const CHILD_DEADLINE: Duration = Duration::from_secs(300);

/// The folder of the peers' sources: `bench/` of the source checkout.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench")
}

/// Runs `bench/peers/peers.mjs` and returns its JSON (`chromium`, `node`, `quickjs`,
/// `handler_patch`).
pub fn run_peers(dir: &Path, iterations: Option<usize>, quick: bool, work: &Path) -> Result<Value> {
    let node = which("node").context("Node.js (`node`) is not installed: the peers are measured with it (apt-get install -y nodejs npm)")?;
    let peers = dir.join("peers");
    let script = peers.join("peers.mjs");
    if !script.is_file() {
        bail!("{} is missing: run from a source checkout, or pass --peers-dir", script.display());
    }
    if !peers.join("node_modules/playwright-core").is_dir() || !peers.join("node_modules/quickjs-emscripten").is_dir() {
        let npm = which("npm").context("npm is not installed: the peers' packages are installed with it (apt-get install -y npm)")?;
        let bar = crate::progress::spinner("installing the peers' npm packages (playwright-core, quickjs-emscripten)");
        let out = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&peers)
            .output()
            .context("running npm ci")?;
        bar.finish_and_clear();
        if !out.status.success() {
            bail!("`npm ci` in {} failed:\n{}", peers.display(), String::from_utf8_lossy(&out.stderr));
        }
    }
    let out_file = work.join("peers.json");
    let mut cmd = Command::new(node);
    cmd.arg(&script).arg("--out").arg(&out_file);
    if let Some(n) = iterations {
        cmd.arg("--iterations").arg(n.to_string());
    }
    if quick {
        cmd.arg("--quick");
    }
    let bar = crate::progress::spinner("measuring the peers: headless Chromium, Node.js, QuickJS");
    let out = cmd.stdin(Stdio::null()).output().context("running the peers script")?;
    bar.finish_and_clear();
    if !out.status.success() {
        bail!("{} failed:\n{}", script.display(), String::from_utf8_lossy(&out.stderr).trim());
    }
    let text = std::fs::read(&out_file).with_context(|| format!("reading {}", out_file.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("parsing {}", out_file.display()))
}

fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(bin))
        .find(|p| p.is_file())
}

/// PSS and USS (the pages no other process maps: `Private_Clean + Private_Dirty`) of one
/// process in KiB. PSS shares a library's pages among the processes that map it, so it moves
/// with what else runs; USS does not.
pub fn mem_kib(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    Some((parse_pss(&text)?, parse_field(&text, "Private_Clean:")? + parse_field(&text, "Private_Dirty:")?))
}

fn parse_pss(smaps_rollup: &str) -> Option<u64> {
    parse_field(smaps_rollup, "Pss:")
}

fn parse_field(smaps_rollup: &str, name: &str) -> Option<u64> {
    smaps_rollup
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|n| n.trim().parse().ok())
}

/// The memory of a headless host with `urls.len()` apps alive: a child `miniapp run --headless`
/// opens each (the earlier ones go to the background), then waits; the median of the PSS samples
/// of that wait is the figure (KiB), with the USS median of the same samples.
pub fn host_pss(exe: &Path, urls: &[String], cache: &Path, work: &Path) -> Result<(u64, u64)> {
    let (first, rest) = urls.split_first().context("no app to open")?;
    let mut script = String::new();
    for u in rest {
        script.push_str(&format!("open {u}\n"));
    }
    script.push_str("wait-for text=\"You tapped\"\n");
    script.push_str(&format!("wait {}\n", PSS_SETTLE.as_millis()));
    let script_file = work.join(format!("pss-{}.script", urls.len()));
    std::fs::write(&script_file, script)?;
    let stderr_file = work.join(format!("pss-{}.stderr", urls.len()));
    let mut child = Command::new(exe)
        .arg("run")
        .arg(first)
        .arg("--headless")
        .arg("--script")
        .arg(&script_file)
        .env("MINIAPP_CACHE_DIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_file)?)
        .spawn()
        .with_context(|| format!("starting {}", exe.display()))?;
    let start = Instant::now();
    let mut samples: Vec<(Instant, (u64, u64))> = Vec::new();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the measured host did not finish in {} s", CHILD_DEADLINE.as_secs());
        }
        if let Some(kib) = mem_kib(child.id()) {
            samples.push((Instant::now(), kib));
        }
        std::thread::sleep(PSS_SAMPLE_EVERY);
    };
    if !status.success() {
        let err = std::fs::read_to_string(&stderr_file).unwrap_or_default();
        bail!("the measured host ({} apps) failed ({status}):\n{}", urls.len(), err.trim());
    }
    // The settle wait is the last PSS_SETTLE before the exit; leave out its edges (the last
    // launch settling, the teardown).
    let end = samples.last().map(|s| s.0).context("no memory sample of the measured host")?;
    let window: Vec<(u64, u64)> = samples
        .iter()
        .filter(|(t, _)| {
            let before_end = end.duration_since(*t);
            before_end <= PSS_SETTLE - Duration::from_millis(300) && before_end >= Duration::from_millis(100)
        })
        .map(|s| s.1)
        .collect();
    let window = if window.is_empty() { samples.iter().map(|s| s.1).collect() } else { window };
    let median = |mut v: Vec<u64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    Ok((median(window.iter().map(|w| w.0).collect()), median(window.iter().map(|w| w.1).collect())))
}

/// The median of a JSON list of numbers (`None` when it has none).
pub fn median_of(v: &Value) -> Option<f64> {
    let xs: Vec<f64> = v.as_array()?.iter().filter_map(Value::as_f64).collect();
    (!xs.is_empty()).then(|| super::median_f64(&xs))
}

/// One row of the side-by-side table.
pub struct Pair {
    /// The JSON key (`cold`, `hot`, `pss`, …).
    pub key: &'static str,
    /// What is compared, in words.
    pub what: &'static str,
    /// miniapp's figure and the benchmark it comes from.
    pub ours: Option<f64>,
    pub ours_from: &'static str,
    /// The peer's figure, and which peer.
    pub theirs: Option<f64>,
    pub peer: &'static str,
    /// `ms` or `MiB`.
    pub unit: &'static str,
    /// The goal as the largest allowed ratio ours/theirs (None: reported only).
    pub goal: Option<f64>,
}

impl Pair {
    pub fn ratio(&self) -> Option<f64> {
        match (self.ours, self.theirs) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        }
    }

    pub fn met(&self) -> Option<bool> {
        Some(self.ratio()? <= self.goal?)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "what": self.what,
            "miniapp": self.ours,
            "miniapp_from": self.ours_from,
            "peer": self.peer,
            "peer_value": self.theirs,
            "unit": self.unit,
            "ratio": self.ratio(),
            "goal_ratio": self.goal,
            "met": self.met(),
        })
    }
}

/// Pretty ratio: `1/4.2` under 1, `3.1x` over.
pub fn fmt_ratio(r: f64) -> String {
    if r < 1.0 && r > 0.0 {
        format!("1/{:.1}", 1.0 / r)
    } else {
        format!("{r:.2}x")
    }
}

pub fn print_pairs(pairs: &[Pair]) {
    println!();
    println!("{:<44} {:>12} {:>22} {:>8} {:>8} {:>7}", "side by side (medians)", "miniapp", "peer", "ratio", "goal", "");
    for p in pairs {
        let v = |x: Option<f64>| x.map(|x| format!("{x:.1} {}", p.unit)).unwrap_or_else(|| "–".into());
        println!(
            "{:<44} {:>12} {:>22} {:>8} {:>8} {:>7}",
            p.what,
            v(p.ours),
            format!("{} {}", p.peer, v(p.theirs)),
            p.ratio().map(fmt_ratio).unwrap_or_else(|| "–".into()),
            p.goal.map(|g| format!("≤ {}", fmt_ratio(g))).unwrap_or_default(),
            match p.met() {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            }
        );
    }
}

/// Where and how the run was made: the machine, its load, the build and the commit.
pub fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).to_string())));
    let mem_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("MemTotal:").and_then(|r| r.trim().strip_suffix("kB")).and_then(|n| n.trim().parse::<u64>().ok())));
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    json!({
        "cpu": cpu,
        "cpus": super::cpus(),
        "memory_mib": mem_kib.map(|k| k / 1024),
        "load_average": load_average(),
        "commit": commit,
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
    })
}

/// The 1-minute load average.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_is_read_from_smaps_rollup() {
        let text = "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:              123456 kB\nPss:               98765 kB\nPss_Anon:          1 kB\n";
        assert_eq!(parse_pss(text), Some(98765));
        assert_eq!(parse_pss("Rss: 1 kB\n"), None);
        let text = "Rss: 9 kB\nPss: 8 kB\nPrivate_Clean:   3 kB\nPrivate_Dirty:   4 kB\n";
        assert_eq!(parse_field(text, "Private_Clean:"), Some(3));
        let (pss, uss) = mem_kib(std::process::id()).expect("this process has smaps_rollup");
        assert!(uss > 0 && uss <= pss + 1024, "USS {uss} KiB, PSS {pss} KiB");
    }

    #[test]
    fn ratios_and_goals() {
        let p = Pair { key: "cold", what: "", ours: Some(50.0), ours_from: "", theirs: Some(400.0), peer: "chromium", unit: "ms", goal: Some(0.2) };
        assert_eq!(p.ratio(), Some(0.125));
        assert_eq!(p.met(), Some(true));
        assert_eq!(fmt_ratio(0.125), "1/8.0");
        assert_eq!(fmt_ratio(2.0), "2.00x");
        let missing = Pair { theirs: None, ..p };
        assert_eq!(missing.met(), None);
        assert_eq!(median_of(&json!([3.0, 1.0, 2.0])), Some(2.0));
        assert_eq!(median_of(&json!([])), None);
    }
}
