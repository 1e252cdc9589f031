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

/// Reads an X window dump (`xwd -out`, ZPixmap, 24 or 32 bits per pixel) into an image: the
/// window's own pixels as the X server holds them.
fn read_xwd(bytes: &[u8]) -> image::RgbaImage {
    let field = |i: usize| u32::from_be_bytes(bytes[i * 4..i * 4 + 4].try_into().unwrap());
    let (header_size, format, width, height) = (field(0) as usize, field(2), field(4), field(5));
    let (byte_order, bpp, bytes_per_line) = (field(7), field(11), field(12) as usize);
    let (red, green, blue, ncolors) = (field(14), field(15), field(16), field(19) as usize);
    assert_eq!(format, 2, "not a ZPixmap dump");
    assert!(bpp == 32 || bpp == 24, "{bpp} bits per pixel");
    let data = &bytes[header_size + ncolors * 12..];
    let channel = |p: u32, mask: u32| ((p & mask) >> mask.trailing_zeros()) as u8;
    image::RgbaImage::from_fn(width, height, |x, y| {
        let at = y as usize * bytes_per_line + x as usize * (bpp as usize / 8);
        let mut b = [0u8; 4];
        b[..bpp as usize / 8].copy_from_slice(&data[at..at + bpp as usize / 8]);
        let p = if byte_order == 0 { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) >> (32 - bpp) };
        image::Rgba([channel(p, red), channel(p, green), channel(p, blue), 255])
    })
}

/// A window under its own Xvfb, driven by xdotool, its stderr collected line by line.
struct DrivenWindow {
    _xvfb: std::process::Child,
    display: String,
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    wid: String,
}

impl Drop for DrivenWindow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self._xvfb.kill();
        let _ = self._xvfb.wait();
    }
}

impl DrivenWindow {
    /// `miniapp launch ARGS` on a fresh Xvfb screen; waits for `ready` on stderr.
    fn start(home: &Path, args: &[&str], ready: &str) -> DrivenWindow {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;
        let mut xvfb = std::process::Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is needed for the window test (cargo xtask test installs it)");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let display = format!(":{}", line.trim());
        // The window runs in HOME/cwd: where its file chooser starts.
        let cwd = home.join("cwd");
        std::fs::create_dir_all(&cwd).unwrap();
        let mut child = miniapp(home)
            .current_dir(&cwd)
            .arg("launch")
            .args(args)
            .env("DISPLAY", &display)
            .env("MINIAPP_LOG", "warn,miniapp_shell=info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        {
            let lines = lines.clone();
            let stderr = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(l);
                }
            });
        }
        let mut w = DrivenWindow { _xvfb: xvfb, display, child, lines, wid: String::new() };
        assert!(w.wait_for(ready, 90), "the window never said `{ready}`:\n{}", w.log());
        let wid = w.xdotool(&["search", "--sync", "--name", "miniapp"]);
        w.wid = wid.lines().next().unwrap().trim().to_string();
        // No window manager under Xvfb: give the window the keyboard focus ourselves.
        w.xdotool(&["windowfocus", "--sync", &w.wid.clone()]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        w
    }

    fn log(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn wait_for(&self, needle: &str, secs: u64) -> bool {
        self.wait_count(needle, 1, secs)
    }

    /// Waits until `n` lines contain `needle`.
    fn wait_count(&self, needle: &str, n: usize, secs: u64) -> bool {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while std::time::Instant::now() < end {
            if self.lines.lock().unwrap().iter().filter(|l| l.contains(needle)).count() >= n {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        false
    }

    fn xdotool(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool is needed for the window test (cargo xtask test installs it)");
        assert!(out.status.success(), "xdotool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn click(&self, x: u32, y: u32) {
        self.xdotool(&["mousemove", "--window", &self.wid, &x.to_string(), &y.to_string(), "click", "1"]);
    }

    /// The window's pixels, read back from the X server, after the frames settle.
    fn capture(&self, home: &Path) -> image::RgbaImage {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let file = home.join("window.xwd");
        let ok = std::process::Command::new("xwd")
            .args(["-silent", "-id", &self.wid, "-out"])
            .arg(&file)
            .env("DISPLAY", &self.display)
            .status()
            .expect("xwd is needed for the window test (x11-apps; cargo xtask test installs it)");
        assert!(ok.success(), "xwd failed");
        read_xwd(&std::fs::read(&file).unwrap())
    }
}

/// Saves a window capture as a README screenshot when `MINIAPP_SNAPSHOT_UPDATE=window`.
fn maybe_update_doc_image(img: &image::RgbaImage, name: &str) {
    if std::env::var("MINIAPP_SNAPSHOT_UPDATE").is_ok_and(|v| v.split(',').any(|s| s == "window")) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/images").join(name);
        img.save(&path).unwrap();
        eprintln!("updated {}", path.display());
    }
}

#[test]
fn the_window_shows_the_home_screen_several_apps_and_the_developer_panels() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let shop = publish_sample(home, &cloud, "shop");
    let counter = format!("{}/apps/counter", cloud.url);
    // Both were opened once: the home screen lists them, newest first (Shop, then Counter; the
    // cache keeps seconds, hence the pause).
    for url in [&counter, &shop] {
        let (r, _) = run_headless(home, url, "wait 10\n");
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let w = DrivenWindow::start(home, &["--exit-after", "60000"], "window ready");
    let img = w.capture(home);
    assert_eq!((img.width(), img.height()), (375, 667), "the window is the phone's size");
    maybe_update_doc_image(&img, "window-home.png");
    // The Open button and Scan are blue; the rows' icons are drawn.
    assert!(count_colour(&img, [0x16, 0x77, 0xff], 6, 0) > 2000, "no Open/Scan buttons on the home screen");

    // Row 1 (Counter): y = page top 64 + list top 132 + 64 + 32.
    w.click(187, 292);
    assert!(w.wait_for("app started in the window", 60), "a tap on the Counter row did not launch it:\n{}", w.log());
    w.click(187, 300); // somewhere on the counter page: harmless
    // The capsule's close half sends it to the background: the home screen, Counter running.
    w.click(346, 42);
    assert!(w.wait_for("app to the background; home screen", 10), "{}", w.log());
    // Running apps come first: row 0 is Counter (running), row 1 Shop, which opens as a
    // second app; its tab bar shows.
    w.click(187, 292);
    assert!(w.wait_count("app started in the window", 2, 60), "a tap on the Shop row did not launch it:\n{}", w.log());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let img = w.capture(home);
    maybe_update_doc_image(&img, "window-tabs.png");
    // F12: the panels open beside the phone (the window grows by their width).
    w.xdotool(&["key", "--window", &w.wid, "F12"]);
    assert!(w.wait_for("developer panels shown", 10), "{}", w.log());
    std::thread::sleep(std::time::Duration::from_millis(800));
    let img = w.capture(home);
    assert_eq!(img.width(), 375 + 440, "the window grew by the panels' width");
    let panel = img.get_pixel(375 + 200, 600).0;
    assert!(close(panel, [0x24, 0x27, 0x2e, 255], 6), "the panel column is dark: {panel:?}");
    // The Elements tab (the third of six), and the window still shows the phone on the left.
    w.click(375 + 440 / 6 * 2 + 30, 16);
    assert!(w.wait_for("panel shown", 10), "{}", w.log());
    // Hovering a line of the Elements tree tints its node's box on the phone (a translucent
    // blue over the page): compare the phone before and after.
    let before = w.capture(home);
    w.xdotool(&["mousemove", "--window", &w.wid, "500", "117"]);
    let img = w.capture(home);
    maybe_update_doc_image(&img, "window-panels.png");
    let tinted = (0..img.height())
        .flat_map(|y| (0..375).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let (a, b) = (before.get_pixel(x, y).0, img.get_pixel(x, y).0);
            b[2] >= a[2] && (i32::from(a[0]) - i32::from(b[0])) > 20
        })
        .count();
    assert!(tinted > 2000, "the hovered node is not highlighted on the phone ({tinted} px tinted)");
    let phone = count_colour(&before, [0xff, 0xff, 0xff], 2, 0);
    assert!(phone > 20_000, "the phone is still drawn beside the panels ({phone} white pixels)");
    let swatch = img.get_pixel(50, 150).0;

    // AppData (the second tab): a click on the `products` key edits it; `[]` + Enter applies it
    // as a set-data on the page, and the cards are gone from the phone.
    w.click(375 + 440 / 6 + 30, 16);
    w.click(500, 63);
    assert!(w.wait_for("AppData edit", 10), "a click on the key did not start an edit:\n{}", w.log());
    w.xdotool(&["key", "--window", &w.wid, "--delay", "1", "--repeat", "600", "BackSpace"]);
    w.xdotool(&["type", "--window", &w.wid, "[]"]);
    w.xdotool(&["key", "--window", &w.wid, "Return"]);
    assert!(w.wait_for("AppData edit applied", 10), "the edit was not applied:\n{}", w.log());
    let img = w.capture(home);
    let after = img.get_pixel(50, 150).0;
    assert!(!close(after, swatch, 10), "the first card is still drawn after products = []: {after:?}");

    // F12 again closes the panels.
    w.xdotool(&["key", "--window", &w.wid, "F12"]);
    assert!(w.wait_for("developer panels hidden", 10), "{}", w.log());
    // Home again (Ctrl+Shift+H), and Counter, still running, resumes rather than relaunches.
    w.xdotool(&["key", "--window", &w.wid, "ctrl+shift+h"]);
    assert!(w.wait_count("app to the background; home screen", 2, 10), "{}", w.log());
    w.click(187, 228);
    assert!(w.wait_for("app resumed from the background app=counter", 10), "the Counter row did not resume it:\n{}", w.log());
    w.click(346, 42);
    assert!(w.wait_count("app to the background; home screen", 3, 10), "{}", w.log());
    // Shop is the most recent now: row 0; it resumes too.
    w.click(187, 228);
    assert!(w.wait_for("app resumed from the background app=shop", 10), "the Shop row did not resume it:\n{}", w.log());
    // The capsule's ··· → Share (the second of six sheet rows, 56 px each above Cancel): a QR
    // code of the page.
    w.click(303, 42);
    std::thread::sleep(std::time::Duration::from_millis(400));
    w.click(187, 351);
    let img = w.capture(home);
    maybe_update_doc_image(&img, "window-share.png");
    let black = count_colour(&img, [0, 0, 0], 8, 0);
    assert!(black > 3000, "no QR code on the Share card ({black} black pixels)");
    let code = home.join("window-share.png");
    img.save(&code).unwrap();
    let r = run(miniapp(home).arg("scan").arg(&code).arg("--print"));
    assert_eq!(r.code, 0, "the code in the window does not decode: {}", r.stderr);
    assert!(r.stdout.trim().starts_with(&shop) && r.stdout.contains("scene=share"), "{}", r.stdout);

    // OK closes the card; home; Scan opens the file chooser on the working directory, where the
    // capture is now: its row (under `..`) scans it, and Shop comes to the front again.
    w.click(187, 515);
    w.xdotool(&["key", "--window", &w.wid, "ctrl+shift+h"]);
    assert!(w.wait_count("app to the background; home screen", 4, 10), "{}", w.log());
    std::fs::copy(&code, home.join("cwd/code.png")).unwrap();
    w.click(333, 94);
    assert!(w.wait_for("file chooser shown", 10), "Scan did not open the file chooser:\n{}", w.log());
    let img = w.capture(home);
    assert!(count_colour(&img, [0x16, 0x77, 0xff], 6, 80) < 2000, "the chooser covers the home screen's blue buttons");
    w.click(187, 138);
    assert!(w.wait_for("file chosen", 10), "{}", w.log());
    assert!(w.wait_count("app resumed from the background app=shop", 2, 20), "the chosen code did not open Shop:\n{}", w.log());

}
