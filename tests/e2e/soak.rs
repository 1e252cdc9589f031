//! Soak (issue 12): one host process launches and exits sample apps a thousand times (`restart`:
//! the app in front is dropped and launched again from the cache, as the capsule's Restart does);
//! its memory and open files must not grow. The process is sampled from outside through
//! `/proc/PID/status` (VmRSS) and `/proc/PID/fd` while it runs.

use miniapp_tests::*;
use std::time::{Duration, Instant};

/// Launches (and exits) in the soak: a quarter per app.
const LAUNCHES: usize = 1000;
/// The resident memory may grow this much between the early and the late part of the run
/// (allocator slack and caches that fill once); a leak of even 100 KiB per launch exceeds it.
const RSS_SLACK_KIB: u64 = 48 * 1024;
/// Open files may differ by this much (sockets of the HTTP client's pool come and go).
const FD_SLACK: usize = 6;

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|r| r.trim().strip_suffix("kB")).and_then(|n| n.trim().parse().ok())
}

fn open_files(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

#[test]
fn a_thousand_launches_and_exits_do_not_grow_memory_or_open_files() {
    let home = tempfile::tempdir().unwrap();
    let cloud = Cloud::start(home.path()).unwrap();
    let apps = [("counter", "tap #inc\nassert-text 1\n"), ("notes", "assert-text No notes yet\n"), ("todo", "assert-text Nothing to do yet\n"), ("tabs-demo", "")];
    let urls: Vec<String> = apps.iter().map(|(name, _)| publish_sample(home.path(), &cloud, name)).collect();
    // Every app opened once (all four stay alive), then round after round each comes to the
    // front, exits and launches again, and its first page is checked.
    let mut script: String = urls[1..].iter().map(|u| format!("open {u}\n")).collect();
    for _ in 0..LAUNCHES / apps.len() {
        for (url, (_, check)) in urls.iter().zip(&apps) {
            script.push_str(&format!("open {url}\nrestart\n{check}"));
        }
    }
    let script_path = home.path().join("soak.script");
    std::fs::write(&script_path, script).unwrap();
    let stderr = home.path().join("soak.stderr");
    let mut child = miniapp(home.path())
        .args(["run", &urls[0], "--headless", "--script"])
        .arg(&script_path)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id();
    let start = Instant::now();
    let mut samples: Vec<(Duration, u64, usize)> = Vec::new();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(900), "the soak did not finish in 15 minutes");
        if let (Some(rss), Some(fds)) = (rss_kib(pid), open_files(pid)) {
            samples.push((start.elapsed(), rss, fds));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "the soak run failed ({status}):\n{err}");
    let total = samples.last().expect("samples").0;
    // Early: 20–30 % of the run (every app compiled and alive, caches filled); late: the last
    // 10 %.
    let window = |from: f64, to: f64| -> Vec<(u64, usize)> {
        samples
            .iter()
            .filter(|(t, ..)| *t >= total.mul_f64(from) && *t <= total.mul_f64(to))
            .map(|(_, r, f)| (*r, *f))
            .collect()
    };
    let (early, late) = (window(0.2, 0.3), window(0.9, 1.0));
    assert!(!early.is_empty() && !late.is_empty(), "too few samples ({}) over {total:?}", samples.len());
    let median = |v: &[(u64, usize)]| {
        let mut r: Vec<u64> = v.iter().map(|s| s.0).collect();
        r.sort_unstable();
        r[r.len() / 2]
    };
    let max_fds = |v: &[(u64, usize)]| v.iter().map(|s| s.1).max().unwrap();
    let (rss_early, rss_late) = (median(&early), median(&late));
    eprintln!(
        "soak: {LAUNCHES} launches in {total:?}; RSS {rss_early} → {rss_late} KiB; open files {} → {}",
        max_fds(&early),
        max_fds(&late)
    );
    assert!(
        rss_late <= rss_early + RSS_SLACK_KIB,
        "memory grew from {rss_early} KiB to {rss_late} KiB over {LAUNCHES} launches (more than {RSS_SLACK_KIB} KiB)"
    );
    assert!(
        max_fds(&late) <= max_fds(&early) + FD_SLACK,
        "open files grew from {} to {} over {LAUNCHES} launches",
        max_fds(&early),
        max_fds(&late)
    );
}
