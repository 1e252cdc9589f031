//! The simulator window opens on a launched app under a virtual X display (Xvfb) and presents
//! frames through wgpu until it closes itself.

use miniapp_tests::*;

#[test]
fn launch_opens_a_window_and_presents_frames() {
    let xvfb = std::process::Command::new("sh").args(["-c", "command -v xvfb-run"]).output().unwrap();
    assert!(
        xvfb.status.success(),
        "xvfb-run is needed for the window test: `apt-get install -y xvfb xauth` (cargo xtask test installs it)"
    );
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let mut cmd = miniapp(home);
    let bin = miniapp_bin();
    // Run the same binary (with the same environment) under xvfb-run.
    let mut c = std::process::Command::new("xvfb-run");
    c.args(["-a", "-s", "-screen 0 800x800x24"]).arg(bin).args(["launch", &format!("{}/apps/counter", cloud.url), "--exit-after", "2000"]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let _ = &mut cmd;
    let r = run(&mut c);
    assert_eq!(r.code, 0, "window run failed:\n{}\n{}", r.stdout, r.stderr);
    let frames: u64 = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("window closed after ").and_then(|l| l.split_whitespace().next()?.parse().ok()))
        .unwrap_or_else(|| panic!("no frame count in:\n{}", r.stderr));
    assert!(frames >= 1, "no frame was presented:\n{}", r.stderr);
}
