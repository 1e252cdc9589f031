//! `miniapp dev` through the real binary: a template edit reloads the page in place keeping its
//! data, a broken template shows its file:line:column error over the page until it is fixed,
//! and a logic change publishes the next version and relaunches.

use miniapp_tests::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Waits for a stderr line containing `want`; the lines seen so far are in the panic message.
fn wait_line(lines: &Receiver<String>, seen: &mut Vec<String>, want: &str) {
    let end = Instant::now() + Duration::from_secs(120);
    loop {
        match lines.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(l) => {
                let hit = l.contains(want);
                seen.push(l);
                if hit {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                panic!("no `{want}` from miniapp dev; its stderr:\n{}", seen.join("\n"))
            }
        }
    }
}

#[test]
fn dev_reloads_views_in_place_shows_errors_and_relaunches_on_logic_changes() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The counter with its logic prebuilt (logic.wasm: no guest compile in this test).
    let bundle = counter_bundle(home);
    let app = home.join("app");
    copy_app_files(&root().join("sample-apps/counter"), &app);
    build_with_logic_of(home, &bundle, &app, &home.join("unused.mapp"));
    let xml_path = app.join("pages/index/index.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();

    let script = home.join("dev.script");
    std::fs::write(
        &script,
        "tap #inc\nassert-text 1\n\
         wait-for text=\"Version two\" 60000\nassert-data count 1\n\
         wait-for text=\"Reload failed\" 60000\n\
         wait-for text=\"Fixed\" 60000\nassert-no-text Reload failed\n\
         wait-for text=\"times\" 60000\nassert-data count 0\n",
    )
    .unwrap();
    let mut child = miniapp(home)
        .arg("dev")
        .arg(&app)
        .args(["--headless", "--script"])
        .arg(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning miniapp dev");
    let (tx, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    wait_line(&lines, &mut seen, "lets apps reach plain-http back ends on loopback");
    wait_line(&lines, &mut seen, "watching");

    // A template edit: the page reloads in place, the count (page data) stays.
    std::fs::write(&xml_path, xml.replace("You tapped", "Version two")).unwrap();
    wait_line(&lines, &mut seen, "reloaded the pages in");
    // A broken template: the error with its position, shown until fixed.
    std::fs::write(&xml_path, xml.replace("You tapped", "Version two").replace("<button", "<button x=\"{{")).unwrap();
    wait_line(&lines, &mut seen, "pages/index/index.xml:");
    std::fs::write(&xml_path, xml.replace("You tapped", "Version two").replace("<button", "<text>Fixed</text><button")).unwrap();
    wait_line(&lines, &mut seen, "reloaded the pages in");
    // A logic change (here: a new logic.wasm): rebuilt, published as the next version, relaunched.
    let wasm = std::fs::read(app.join("logic.wasm")).unwrap();
    std::fs::write(app.join("logic.wasm"), wasm).unwrap();
    wait_line(&lines, &mut seen, "published counter 1.0.1");
    wait_line(&lines, &mut seen, "rebuilt and relaunched");

    let status = child.wait().unwrap();
    for l in lines.try_iter() {
        seen.push(l);
    }
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(status.success(), "miniapp dev failed:\n{stdout}\n{}", seen.join("\n"));
    assert!(stdout.contains("ok 9: assert-data count 0"), "{stdout}");
    let all = seen.join("\n");
    assert!(all.contains("error: reload failed"), "{all}");
    assert!(all.contains("pages/index/index.xml:6:") && all.contains("unterminated `{{`"), "{all}");
}
