//! The simulator window opens on a launched app under a virtual X display (Xvfb) and presents
//! frames through wgpu until it closes itself; a launch that fails while the window is open
//! shows the error page in the window, and the command still fails with the reason.

use miniapp_tests::*;
use std::path::Path;

/// Runs `miniapp launch URL --exit-after MS` under xvfb-run with the home's environment.
fn launch_in_xvfb(home: &Path, url: &str, exit_after_ms: u32) -> Run {
    let xvfb = std::process::Command::new("sh").args(["-c", "command -v xvfb-run"]).output().unwrap();
    assert!(
        xvfb.status.success(),
        "xvfb-run is needed for the window test: `apt-get install -y xvfb xauth` (cargo xtask test installs it)"
    );
    let cmd = miniapp(home);
    // Run the same binary (with the same environment) under xvfb-run.
    let mut c = std::process::Command::new("xvfb-run");
    c.args(["-a", "-s", "-screen 0 800x800x24"])
        .arg(miniapp_bin())
        .args(["launch", url, "--exit-after", &exit_after_ms.to_string()]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    run(&mut c)
}

fn frames(r: &Run) -> u64 {
    r.stderr
        .lines()
        .find_map(|l| l.strip_prefix("window closed after ").and_then(|l| l.split_whitespace().next()?.parse().ok()))
        .unwrap_or_else(|| panic!("no frame count in:\n{}", r.stderr))
}

#[test]
fn launch_opens_a_window_and_presents_frames() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let r = launch_in_xvfb(home, &format!("{}/apps/counter", cloud.url), 4000);
    assert_eq!(r.code, 0, "window run failed:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("counter 1.0.0 started on base library 1.0.0"), "the app did not start in the window:\n{}", r.stderr);
    assert!(frames(&r) >= 1, "no frame was presented:\n{}", r.stderr);
}

#[test]
fn a_launch_that_fails_shows_the_error_page_in_the_window() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let r = launch_in_xvfb(home, &format!("{}/apps/nosuch", cloud.url), 1500);
    assert_eq!(r.code, 1, "a failed launch must fail the command:\n{}", r.stderr);
    assert!(r.stderr.contains("showing the error page"), "the window did not show the error:\n{}", r.stderr);
    assert!(r.stderr.contains("no app nosuch"), "{}", r.stderr);
    assert!(frames(&r) >= 1, "the error page was never presented:\n{}", r.stderr);
}
