//! docs/tutorial.md, run as written: its ```sh blocks are the commands and its ```LANG
//! file=PATH blocks the files the reader writes, in the order the page gives them, in one bash
//! script in a folder outside this repository with the real `miniapp` on PATH (blocks marked
//! `no-run` open a window and are skipped). The only change: the tutorial's fixed ports (the
//! cloud's 7878 and the back end's 8941) become free ones, so parallel tests cannot collide.
//!
//! `MINIAPP_SNAPSHOT_UPDATE=tutorial` (or `all`) copies the screenshots the run made into
//! docs/images/tutorial-*.png, the pictures the page shows.

use miniapp_tests::*;
use std::fmt::Write as _;

/// The tutorial's ports, replaced by free ones.
const CLOUD_PORT: &str = "7878";
const BACKEND_PORT: &str = "8941";

/// One fenced block of the page: its info string and its text.
struct Block {
    info: String,
    text: String,
}

/// The fenced blocks of a markdown page, in order.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some(Block { info: info.trim().to_string(), text: String::new() }),
            (Some(_), Some("")) => out.push(open.take().unwrap()),
            (Some(b), _) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "docs/tutorial.md has an unclosed code block");
    out
}

/// The bash script the page's blocks make: commands as they are, files as heredocs.
fn script(markdown: &str) -> String {
    let mut s = String::from("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for b in blocks(markdown) {
        let mut words = b.info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        if let Some(path) = rest.iter().find_map(|w| w.strip_prefix("file=")) {
            assert!(!b.text.contains("\nMINIAPP_TUTORIAL_EOF\n"), "a file block holds the heredoc marker");
            writeln!(s, "mkdir -p \"$(dirname '{path}')\"\ncat > '{path}' <<'MINIAPP_TUTORIAL_EOF'\n{}MINIAPP_TUTORIAL_EOF", b.text).unwrap();
        } else if lang == "sh" && !rest.contains(&"no-run") {
            s.push_str(&b.text);
        }
    }
    s
}

fn free_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string()
}

#[test]
fn the_tutorial_runs_as_written_from_new_to_a_scanned_qr_code() {
    let page = std::fs::read_to_string(root().join("docs/tutorial.md")).unwrap();
    let script = script(&page).replace(CLOUD_PORT, &free_port()).replace(BACKEND_PORT, &free_port());
    assert!(script.contains("miniapp new hello") && script.contains("miniapp scan hello-qr.png"), "{script}");

    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let work = tempfile::tempdir().unwrap();
    let bin_dir = miniapp_bin().parent().unwrap().to_path_buf();
    let mut bash = std::process::Command::new("bash");
    // The environment `miniapp(home)` gives (isolated cache, config and home; shared guest builds).
    bash.envs(miniapp(home).get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        .env("MINIAPP_SDK_DIR", home.join("sdk"))
        .env_remove("MINIAPP_CLOUD")
        .env_remove("MINIAPP_CLOUD_TOKEN")
        .current_dir(work.path())
        .arg("-c")
        .arg(&script)
        .stdin(std::process::Stdio::null());
    let r = run(&mut bash);
    assert_eq!(r.code, 0, "the tutorial's commands failed\n--- script ---\n{script}\n--- stdout ---\n{}\n--- stderr ---\n{}", r.stdout, r.stderr);

    // What the page says happens, happened.
    let app = work.path().join("hello");
    assert!(r.stdout.contains("app id `hello`"), "{}", r.stdout);
    assert!(r.stdout.contains("published hello 0.1.0"), "{}", r.stdout);
    assert!(r.stdout.contains("launch URL: http://127.0.0.1:"), "{}", r.stdout);
    assert!(r.stdout.contains("app secret: "), "{}", r.stdout);
    assert!(r.stdout.contains("published base library miniapp-base"), "{}", r.stdout);
    for step in ["ok 3: tap #load", "ok 4: wait-for"] {
        assert_eq!(r.stdout.matches(step).count(), 2, "`{step}` passes under dev and after the scan:\n{}", r.stdout);
    }
    assert!(!app.join("logic/target").exists(), "guest build output stays out of the app folder");

    // The greeting is on screen: the tutorial's green (#07c160) text below the buttons (the
    // lower 45 % of the screen, where the page has nothing else green).
    let greeting = app.join("greeting.png");
    let img = load_png(&greeting);
    let green = count_colour(&img, [0x07, 0xc1, 0x60], 40, img.height() * 11 / 20 + 1);
    assert!(green > 200, "the greeting is drawn in {}", greeting.display());
    let qr = load_png(&app.join("hello-qr.png"));
    assert!(qr.width() >= 256, "the QR code image is at least --size pixels");

    let update = std::env::var("MINIAPP_SNAPSHOT_UPDATE").unwrap_or_default();
    if update == "tutorial" || update == "all" {
        for (from, to) in [("counter.png", "tutorial-counter.png"), ("greeting.png", "tutorial-greeting.png"), ("hello-qr.png", "tutorial-qr.png")] {
            std::fs::copy(app.join(from), root().join("docs/images").join(to)).unwrap();
        }
    }
}

#[test]
fn the_script_maker_takes_commands_and_files_and_skips_the_rest() {
    let page = "```sh\nminiapp new x\n```\n```sh no-run\nminiapp dev\n```\n```text\nnot run\n```\n\
                ```json file=app.json\n{}\n```\n";
    let s = script(page);
    assert!(s.contains("miniapp new x\n"));
    assert!(!s.contains("miniapp dev") && !s.contains("not run"));
    assert!(s.contains("cat > 'app.json' <<'MINIAPP_TUTORIAL_EOF'\n{}\nMINIAPP_TUTORIAL_EOF"), "{s}");
}
