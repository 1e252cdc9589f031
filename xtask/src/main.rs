//! Project automation, so that a fresh machine needs exactly two commands:
//!
//! - `cargo xtask demo` — installs what is missing, builds, and runs `miniapp demo`
//!   (headless into `demo-out/` when there is no display).
//! - `cargo xtask test` — installs what is missing and runs every test of the workspace.
//!
//! "What is missing" means: the `wasm32-unknown-unknown` target (guest apps compile to it) and,
//! when no Vulkan driver is present, Mesa's software Vulkan (lavapipe) plus Xvfb and xdotool; PostgreSQL's
//! server (Debian) and moto's S3 server (PyPI) for the cloud's scale-out tests; segno (PyPI) for
//! the QR fixtures of the camera's tests. Debian packages
//! are installed with apt when we run as root, otherwise a clear message says what to install.

use anyhow::{bail, Context, Result};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r.to_vec()),
        None => ("help", vec![]),
    };
    match cmd {
        "test" => {
            setup()?;
            test(&rest)
        }
        "demo" => {
            setup()?;
            demo(&rest)
        }
        "setup" => {
            setup()?;
            Ok(ExitCode::SUCCESS)
        }
        "bench" => {
            setup()?;
            bench(&rest)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 demo   install what is missing, then run the demo (headless into demo-out/ without a display)\n  \
                 test   install what is missing, then run all tests\n  \
                 bench  build the release binary users get, then run `miniapp bench --peers --json target/bench.json`\n         (args pass through; --no-peers: miniapp alone; --quick: a smoke run;\n         --instructions: callgrind instruction counts of the CPU-bound benchmarks;\n         --cloud: the release cloud under wrk)\n  \
                 setup  only install what is missing"
            );
            Ok(if cmd == "help" { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn status(cmd: &mut Command) -> Result<bool> {
    let s = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    Ok(s.success())
}

/// Installs the wasm32 target and, where needed, software Vulkan and Xvfb.
fn setup() -> Result<()> {
    // 1. The guest target. `rust-toolchain.toml` cannot install targets here, so we do.
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running `rustup target list --installed` (is rustup installed?)")?;
    if !String::from_utf8_lossy(&installed.stdout).contains("wasm32-unknown-unknown") {
        eprintln!("xtask: installing the wasm32-unknown-unknown target (guest apps compile to it)");
        if !status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))? {
            bail!("`rustup target add wasm32-unknown-unknown` failed");
        }
    }

    // 2. A Vulkan driver (a real GPU, or Mesa's lavapipe), Xvfb and xdotool for window tests.
    let mut missing = Vec::new();
    if !vulkan_driver_present() {
        missing.push("mesa-vulkan-drivers");
    }
    if which("Xvfb").is_none() {
        missing.push("xvfb");
    }
    if which("xauth").is_none() {
        missing.push("xauth");
    }
    // The window input test drives the window with synthetic X events.
    if which("xdotool").is_none() {
        missing.push("xdotool");
    }
    // The window tests read the window's pixels back from the X server with xwd.
    if which("xwd").is_none() {
        missing.push("x11-apps");
    }
    // `miniapp bench --peers` (and its smoke test) measures headless Chromium, Node.js and QuickJS.
    if which("chromium").is_none() {
        missing.push("chromium");
    }
    if which("node").is_none() {
        missing.push("nodejs");
    }
    if which("npm").is_none() {
        missing.push("npm");
    }
    // The cloud's scale-out tests run against a real PostgreSQL server started on loopback.
    if !postgres_present() {
        missing.push("postgresql");
    }
    // Apps written in C (`miniapp new --lang c`, sample-apps/counter-c) build with clang for
    // wasm32-wasi against wasi-libc, linked by lld, driven by make (see docs/c.md).
    if which("clang").is_none() {
        missing.push("clang");
    }
    if which("wasm-ld").is_none() {
        missing.push("lld");
    }
    if !std::path::Path::new("/usr/lib/wasm32-wasi").is_dir() {
        missing.push("wasi-libc");
    }
    if which("make").is_none() {
        missing.push("make");
    }
    if !missing.is_empty() {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if is_root && which("apt-get").is_some() {
            eprintln!("xtask: installing {} with apt-get", missing.join(" "));
            let _ = status(Command::new("apt-get").args(["update", "-qq"]));
            let ok = status(
                Command::new("apt-get")
                    .args(["install", "-y", "-qq", "--no-install-recommends"])
                    .args(&missing)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
            if !ok {
                bail!("apt-get install {} failed", missing.join(" "));
            }
        } else {
            eprintln!(
                "xtask: warning: missing {}: rendering needs a Vulkan driver (a GPU driver or Mesa's \
                 lavapipe). Install them, e.g. `sudo apt-get install -y {}`",
                missing.join(", "),
                missing.join(" ")
            );
        }
    }
    // ...and against a real S3-compatible server: moto, from PyPI.
    if which("moto_server").is_none() {
        let pip = if which("pip3").is_some() { "pip3" } else { "pip" };
        eprintln!("xtask: installing moto[server] with {pip} (the S3-compatible server of the cloud's scale-out tests)");
        let ok = status(Command::new(pip).args(["install", "-q", "moto[server]"]))
            .unwrap_or(false);
        if !ok {
            eprintln!("xtask: warning: `{pip} install 'moto[server]'` failed; the S3 tests will say what is missing");
        }
    }
    // ...and segno (PyPI), the independent QR encoder behind the camera's fixtures
    // (`scripts/qr-fixtures.py`, used by runtime/shell/tests/qr.rs).
    let segno_present = Command::new("python3").args(["-c", "import segno"]).output().is_ok_and(|o| o.status.success());
    if !segno_present {
        let pip = if which("pip3").is_some() { "pip3" } else { "pip" };
        eprintln!("xtask: installing segno with {pip} (the QR encoder of the camera's test fixtures)");
        let ok = status(Command::new(pip).args(["install", "-q", "segno"])).unwrap_or(false)
            // A Debian python refuses system-wide installs ("externally managed"): the user's site then.
            || status(Command::new(pip).args(["install", "-q", "--user", "--break-system-packages", "segno"])).unwrap_or(false);
        if !ok {
            eprintln!("xtask: warning: `{pip} install segno` failed; the QR decoding tests will say what is missing");
        }
    }
    // ...and the peers' npm packages (playwright-core drives Chromium; quickjs-emscripten).
    let peers = root().join("bench/peers");
    if !peers.join("node_modules/playwright-core").is_dir() && which("npm").is_some() {
        eprintln!("xtask: installing the benchmark peers' npm packages (npm ci in bench/peers)");
        let ok = status(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&peers))
            .unwrap_or(false);
        if !ok {
            eprintln!("xtask: warning: `npm ci` in bench/peers failed; `miniapp bench --peers` will say what is missing");
        }
    }
    Ok(())
}

fn postgres_present() -> bool {
    std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| r.flatten().any(|d| d.path().join("bin/initdb").is_file()))
        .unwrap_or(false)
        || which("initdb").is_some()
}

fn vulkan_driver_present() -> bool {
    ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d"]
        .iter()
        .any(|d| std::fs::read_dir(d).map(|mut r| r.next().is_some()).unwrap_or(false))
}

fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(bin))
            .find(|p| p.is_file())
    })
}

fn quiet_vulkan_env(cmd: &mut Command) {
    // Mesa's device-select layer complains about XDG_RUNTIME_DIR: harmless, but noisy.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        let dir = std::env::temp_dir().join(format!("miniapp-xdg-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        cmd.env("XDG_RUNTIME_DIR", dir);
    }
}

fn test(rest: &[String]) -> Result<ExitCode> {
    // Build the binary the end-to-end tests drive, then run every test once.
    let mut build = cargo();
    build.args(["build", "-p", "miniapp-cli"]);
    if !status(&mut build)? {
        bail!("building the miniapp binary failed");
    }
    let mut t = cargo();
    t.args(["test", "--workspace"]).args(rest);
    quiet_vulkan_env(&mut t);
    Ok(if status(&mut t)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Benchmarks run in the build users get (`[profile.release]`), never the dev build.
fn bench(rest: &[String]) -> Result<ExitCode> {
    let mut build = cargo();
    build.args(["build", "--release", "-p", "miniapp-cli"]);
    if !status(&mut build)? {
        bail!("building the release miniapp binary failed");
    }
    if rest.iter().any(|a| a == "--instructions") {
        return instructions();
    }
    if rest.iter().any(|a| a == "--cloud") {
        return cloud_bench(rest.iter().any(|a| a == "--quick"));
    }
    let mut b = Command::new(root().join("target/release/miniapp"));
    b.current_dir(root()).arg("bench").args(rest.iter().filter(|a| *a != "--no-peers"));
    // The side-by-side table and its JSON, unless asked otherwise.
    if !rest.iter().any(|a| a == "--no-peers") {
        if !rest.iter().any(|a| a == "--peers") {
            b.arg("--peers");
        }
        if !rest.iter().any(|a| a == "--json") {
            b.args(["--json", "target/bench.json"]);
        }
    }
    quiet_vulkan_env(&mut b);
    Ok(if status(&mut b)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The CPU-bound benchmarks whose instructions `cargo xtask bench --instructions` counts, with the
/// measured iterations each runs under callgrind (plus its warm-up), a second function to count
/// where the measured work runs on another thread, and whether the count is a difference (see
/// [`instructions`]).
const INSTRUCTION_BENCHES: &[(&str, usize, &str, bool)] = &[
    ("bundle.verify_1mib", 5, "", false),
    ("sandbox.instantiate", 20, "", false),
    ("sandbox.event_noop", 20, "", false),
    ("sandbox.event_counter", 20, "", false),
    ("sandbox.set_data_1k", 20, "", false),
    ("sandbox.set_data_100k", 5, "", false),
    ("logic.filter_sort_10k", 5, "", false),
    ("view.apply_set_data_1k", 20, "", false),
    ("view.apply_set_data_100k", 5, "", false),
    // A render runs on a big stack segment of the measuring thread (`stacker`), inside the
    // measured call.
    ("view.list_1000_first_layout", 3, "", false),
    // These render outside their measured calls too (the page's first layout, once; the tap's
    // fixture): they run twice, with n and 2n iterations, and the difference divided by the
    // extra calls is the cost of one call, the setup cancelled out.
    ("view.list_1000_after_set_data", 10, "", true),
    ("view.list_1000_scroll_step", 10, "", true),
    ("view.list_1000_tap_to_display_list", 10, "", true),
];

/// How many calls `miniapp bench` makes for `iterations` measured ones: max(1, n/10) warm-up
/// calls (at most 50) first.
fn bench_calls(iterations: usize) -> usize {
    iterations + (iterations / 10).clamp(1, 50)
}

/// The instructions callgrind counted in one run of benchmark `name` with `iterations`.
fn callgrind_total(out_file: &Path, name: &str, iterations: usize, extra_toggle: &str) -> Result<u64> {
    let _ = std::fs::remove_file(out_file);
    let mut c = Command::new("valgrind");
    c.current_dir(root())
        .args(["--tool=callgrind", "--collect-atstart=no", "--toggle-collect=*bench_measured*"])
        .args((!extra_toggle.is_empty()).then(|| format!("--toggle-collect={extra_toggle}")))
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(root().join("target/release/miniapp"))
        .args(["bench", "--filter", name, "--iterations", &iterations.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    quiet_vulkan_env(&mut c);
    if !status(&mut c)? {
        bail!("callgrind run of {name} failed (run it by hand to see why: valgrind --tool=callgrind target/release/miniapp bench --filter {name})");
    }
    let text = std::fs::read_to_string(out_file).with_context(|| format!("reading {}", out_file.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no instruction total in {}", out_file.display()))
}

/// `cargo xtask bench --instructions`: each CPU-bound benchmark under
/// `valgrind --tool=callgrind`, counting only the instructions inside the benchmark's measured
/// calls (`bench_measured` in runtime/cli/src/commands/bench.rs), divided by the number of calls.
/// Instruction counts hardly move with the load of the machine, so a regression shows even when
/// the times are noisy. Writes target/instructions.json.
fn instructions() -> Result<ExitCode> {
    if which("valgrind").is_none() {
        bail!("valgrind is not installed (apt-get install -y valgrind)");
    }
    let out_dir = root().join("target/callgrind");
    std::fs::create_dir_all(&out_dir)?;
    let mut rows = Vec::new();
    println!("{:<32} {:>16} {:>6}", "benchmark", "instructions/call", "calls");
    for &(name, iterations, extra_toggle, diff) in INSTRUCTION_BENCHES {
        let runs: &[usize] = if diff { &[iterations, 2 * iterations] } else { &[iterations] };
        let mut totals = Vec::new();
        for (k, &n) in runs.iter().enumerate() {
            totals.push(callgrind_total(&out_dir.join(format!("{name}.{k}.out")), name, n, extra_toggle)?);
        }
        let (per_call, calls) = if diff {
            let extra = bench_calls(2 * iterations) - bench_calls(iterations);
            (totals[1].saturating_sub(totals[0]) / extra as u64, extra)
        } else {
            let calls = bench_calls(iterations);
            (totals[0] / calls as u64, calls)
        };
        println!("{name:<32} {per_call:>16} {calls:>6}{}", if diff { " (difference of two runs)" } else { "" });
        rows.push(json!({ "name": name, "instructions_per_call": per_call, "calls": calls, "difference": diff }));
    }
    let doc = json!({ "tool": "valgrind --tool=callgrind", "benchmarks": rows });
    let path = root().join("target/instructions.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc)?)?;
    eprintln!("instruction counts written to {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench --cloud`: the release cloud (`miniapp cloud serve`) on loopback under `wrk`:
/// app metadata, the landing page, the QR image, a 1 MiB bundle and the base library, each at 64
/// connections (16 for the downloads); requests per second and p50/p99 latency. wrk shares the
/// machine's cores with the server, so read the figures as a floor. Writes target/cloud-bench.json.
fn cloud_bench(quick: bool) -> Result<ExitCode> {
    use std::io::BufRead;
    if which("wrk").is_none() {
        let _ = status(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]).env("DEBIAN_FRONTEND", "noninteractive"));
    }
    if which("wrk").is_none() {
        bail!("wrk is not installed (apt-get install -y wrk)");
    }
    let bin = root().join("target/release/miniapp");
    let work = root().join("target/cloud-bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let token = "bench-token";
    let env = |c: &mut Command| {
        c.env("HOME", &work).env("XDG_CONFIG_HOME", work.join("config")).env("MINIAPP_CACHE_DIR", work.join("cache"));
    };
    let mut serve = Command::new(&bin);
    serve.args(["cloud", "serve", "--addr", "127.0.0.1:0", "--dev", "--token", token, "--data"]).arg(work.join("data"));
    env(&mut serve);
    let mut server = serve.stdout(std::process::Stdio::piped()).spawn().context("starting miniapp cloud serve")?;
    let mut first = String::new();
    std::io::BufReader::new(server.stdout.take().expect("piped")).read_line(&mut first)?;
    let base = first.trim().strip_prefix("listening on ").context("the cloud did not say where it listens")?.to_string();
    let result = (|| -> Result<Vec<serde_json::Value>> {
        let run = |args: &[&str], what: &str| -> Result<String> {
            let mut c = Command::new(&bin);
            c.args(args);
            env(&mut c);
            let out = c.output()?;
            if !out.status.success() {
                bail!("{what} failed:\n{}", String::from_utf8_lossy(&out.stderr));
            }
            Ok(String::from_utf8_lossy(&out.stdout).to_string())
        };
        let root_s = root().display().to_string();
        run(&["publish-base", &format!("{root_s}/base-library"), "--cloud", &base, "--token", token], "publishing the base library")?;
        let counter = work.join("counter.mapp").display().to_string();
        run(&["build", &format!("{root_s}/sample-apps/counter"), "-o", &counter], "building the counter")?;
        run(&["publish", &counter, "--cloud", &base, "--token", token], "publishing the counter")?;
        // A 1 MiB app: the counter with an incompressible asset.
        let big = work.join("big");
        copy_dir(&root().join("sample-apps/counter"), &big)?;
        let manifest = std::fs::read_to_string(big.join("app.json"))?.replace("\"appid\": \"counter\"", "\"appid\": \"bigapp\"");
        std::fs::write(big.join("app.json"), manifest)?;
        // The copy lives elsewhere: its logic finds the SDK by absolute path.
        let logic = big.join("logic/Cargo.toml");
        let sdk = root().join("host-api/sdk").display().to_string();
        std::fs::write(&logic, std::fs::read_to_string(&logic)?.replace("../../../host-api/sdk", &sdk))?;
        std::fs::create_dir_all(big.join("assets"))?;
        let mut noise = vec![0u8; 1 << 20];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for b in noise.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        std::fs::write(big.join("assets/noise.bin"), noise)?;
        let big_bundle = work.join("big.mapp").display().to_string();
        run(&["build", &big.display().to_string(), "-o", &big_bundle], "building the 1 MiB app")?;
        run(&["publish", &big_bundle, "--cloud", &base, "--token", token], "publishing the 1 MiB app")?;
        let digest_of = |path: &str| -> Result<String> {
            let out = Command::new("curl").args(["-s", &format!("{base}{path}")]).output().context("running curl")?;
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).with_context(|| format!("GET {path} did not answer JSON"))?;
            doc["digest"].as_str().map(str::to_string).with_context(|| format!("no digest in GET {path}: {doc}"))
        };
        let big_digest = digest_of("/apps/bigapp")?;
        let base_digest = digest_of("/base/latest")?;
        let seconds = if quick { "3s" } else { "15s" };
        let targets = [
            ("metadata", format!("{base}/apps/counter"), "64", None),
            ("landing page", format!("{base}/apps/counter"), "64", Some("Accept: text/html")),
            ("qr image", format!("{base}/apps/counter/qr"), "64", None),
            ("bundle 1 MiB", format!("{base}/bundles/{big_digest}"), "16", None),
            ("base library", format!("{base}/bundles/{base_digest}"), "16", None),
            // The goal's load: 64 downloads at once, the server's RSS sampled meanwhile.
            ("base library", format!("{base}/bundles/{base_digest}"), "64", None),
        ];
        // Versions of one app to publish while the metadata is read (the SQLite write path, and
        // the publish's precompile, competing with reads): the counter's logic, prebuilt.
        let publishes = if quick { 3 } else { 12 };
        let pubload = work.join("pubload");
        copy_dir(&root().join("sample-apps/counter"), &pubload)?;
        let _ = std::fs::remove_dir_all(pubload.join("logic"));
        let unzip = Command::new("unzip").args(["-p", &counter, "logic.wasm"]).output().context("running unzip")?;
        std::fs::write(pubload.join("logic.wasm"), &unzip.stdout)?;
        let manifest = std::fs::read_to_string(pubload.join("app.json"))?.replace("\"appid\": \"counter\"", "\"appid\": \"pubload\"");
        let mut versions = Vec::new();
        for i in 1..=publishes {
            std::fs::write(pubload.join("app.json"), manifest.replace("\"1.0.0\"", &format!("\"1.0.{i}\"")))?;
            let out = work.join(format!("pubload-{i}.mapp")).display().to_string();
            run(&["build", &pubload.display().to_string(), "-o", &out], "building a version to publish")?;
            versions.push(out);
        }
        let mut rows = Vec::new();
        for (name, url, conns, header) in targets.into_iter().chain([("metadata while publishing", format!("{base}/apps/counter"), "64", None)]) {
            let mut c = Command::new("wrk");
            c.args(["-t2", "-c", conns, "-d", seconds, "--latency"]);
            if let Some(h) = header {
                c.args(["-H", h]);
            }
            let rss_before = vm_kib(server.id(), "VmRSS:");
            let sampler = RssSampler::start(server.id());
            let wrk = c.arg(&url).stdout(std::process::Stdio::piped()).spawn().context("running wrk")?;
            let mut published = None;
            if name == "metadata while publishing" {
                let started = std::time::Instant::now();
                let mut times = Vec::new();
                for v in &versions {
                    let t = std::time::Instant::now();
                    run(&["publish", v, "--cloud", &base, "--token", token], "publishing under load")?;
                    times.push(t.elapsed().as_secs_f64() * 1e3);
                }
                times.sort_by(f64::total_cmp);
                published = Some(json!({ "publishes": times.len(), "seconds": started.elapsed().as_secs_f64(), "median_ms": times[times.len() / 2] }));
            }
            let out = wrk.wait_with_output().context("running wrk")?;
            let rss_peak = sampler.stop();
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let find = |prefix: &str| {
                text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().split_whitespace().next().unwrap_or("").to_string())).unwrap_or_default()
            };
            let (rps, p50, p99) = (find("Requests/sec:"), find("50%"), find("99%"));
            let non2xx = find("Non-2xx or 3xx responses:");
            let errors = text.lines().find(|l| l.trim().starts_with("Socket errors")).unwrap_or("").trim().to_string();
            let mib = |k: Option<u64>| k.map_or("?".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
            println!(
                "{name:<14} {conns:>3} conns  {rps:>10} req/s  p50 {p50:>9}  p99 {p99:>9}  RSS {} -> peak {}  {}{}",
                mib(rss_before),
                mib(rss_peak),
                if non2xx.is_empty() { String::new() } else { format!("non-2xx {non2xx}  ") },
                errors
            );
            if let Some(p) = &published {
                println!("               meanwhile {} publishes in {:.1} s (median {:.0} ms each, precompile included)", p["publishes"], p["seconds"].as_f64().unwrap_or(0.0), p["median_ms"].as_f64().unwrap_or(0.0));
            }
            rows.push(json!({
                "name": name,
                "connections": conns.parse::<u32>().ok(),
                "requests_per_second": rps.parse::<f64>().ok(),
                "p50": p50,
                "p99": p99,
                "non_2xx": non2xx.parse::<u64>().unwrap_or(0),
                "published": published,
                "rss_before_kib": rss_before,
                "rss_peak_kib": rss_peak,
            }));
        }
        rows.push(held_connections(base.trim_start_matches("http://"), server.id(), if quick { 2_000 } else { 10_200 })?);
        Ok(rows)
    })();
    let rss = vm_kib(server.id(), "VmHWM:").map(|k| format!("{k} kB"));
    let _ = server.kill();
    let _ = server.wait();
    let rows = result?;
    if let Some(peak) = &rss {
        println!("server peak RSS (VmHWM): {peak}");
    }
    let doc = json!({ "tool": "wrk -t2", "server_peak_rss": rss, "routes": rows });
    std::fs::write(root().join("target/cloud-bench.json"), serde_json::to_vec_pretty(&doc)?)?;
    eprintln!("written to target/cloud-bench.json");
    Ok(ExitCode::SUCCESS)
}

/// A `/proc/<pid>/status` figure in KiB (`VmRSS:`, `VmHWM:`).
fn vm_kib(pid: u32, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix(field).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())))
}

/// Samples a process's RSS every 50 ms on a thread until [`RssSampler::stop`], which gives the
/// largest sample.
struct RssSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<Option<u64>>,
}

impl RssSampler {
    fn start(pid: u32) -> RssSampler {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut peak = None;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(vm_kib(pid, "VmRSS:"));
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            peak.max(vm_kib(pid, "VmRSS:"))
        });
        RssSampler { stop, handle }
    }

    fn stop(self) -> Option<u64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap_or(None)
    }
}

/// Opens `target` connections to the cloud at `addr` (pid `pid`), each with one answered
/// request, and holds them: every connection up to the cloud's cap must get a 200, those past it
/// a 503 (never an error or a hang); a fresh request is timed while they are held; the server's
/// RSS is read before, while held and after they close.
fn held_connections(addr: &str, pid: u32, target: usize) -> Result<serde_json::Value> {
    use std::io::{Read, Write};
    let rss = || vm_kib(pid, "VmRSS:");
    let status_of = |stream: &mut std::net::TcpStream| -> std::io::Result<u16> {
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")?;
        let mut buf = [0u8; 512];
        let n = stream.read(&mut buf)?;
        let line = String::from_utf8_lossy(&buf[..n]);
        Ok(line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0))
    };
    let before = rss();
    let started = std::time::Instant::now();
    let (mut held, mut ok, mut refused, mut errors) = (Vec::with_capacity(target), 0u64, 0u64, 0u64);
    for _ in 0..target {
        match std::net::TcpStream::connect(addr) {
            Ok(mut s) => {
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                match status_of(&mut s) {
                    Ok(200) => {
                        ok += 1;
                        held.push(s);
                    }
                    Ok(503) => refused += 1,
                    _ => errors += 1,
                }
            }
            Err(_) => errors += 1,
        }
    }
    let opened_s = started.elapsed().as_secs_f64();
    let during = rss();
    let t = std::time::Instant::now();
    let fresh = std::net::TcpStream::connect(addr).ok().and_then(|mut s| status_of(&mut s).ok());
    let fresh_ms = t.elapsed().as_secs_f64() * 1e3;
    drop(held);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let after = rss();
    let after_ok = std::net::TcpStream::connect(addr).ok().and_then(|mut s| status_of(&mut s).ok());
    println!(
        "held {ok} connections of {target} in {opened_s:.1} s: {refused} answered 503, {errors} errors; a fresh request while held: {} in {fresh_ms:.1} ms; server RSS {} → {} → {} KiB; after closing: {}",
        fresh.map_or("no answer".to_string(), |c| c.to_string()),
        before.unwrap_or(0),
        during.unwrap_or(0),
        after.unwrap_or(0),
        after_ok.map_or("no answer".to_string(), |c| c.to_string()),
    );
    Ok(json!({
        "name": "held connections",
        "connections": target,
        "held": ok,
        "refused_503": refused,
        "errors": errors,
        "open_seconds": opened_s,
        "fresh_request_status": fresh,
        "fresh_request_ms": fresh_ms,
        "rss_kib_before": before,
        "rss_kib_held": during,
        "rss_kib_after": after,
        "status_after_closing": after_ok,
    }))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        // The logic's build output is not part of the app.
        if name == "target" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

fn demo(rest: &[String]) -> Result<ExitCode> {
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let mut c = cargo();
    c.args(["run", "-p", "miniapp-cli", "--", "demo"]);
    if !has_display && !rest.iter().any(|a| a == "--headless") {
        eprintln!("xtask: no display found: running the demo headless, screenshots go to demo-out/");
        c.args(["--headless", "--out", "demo-out"]);
    }
    c.args(rest);
    quiet_vulkan_env(&mut c);
    Ok(if status(&mut c)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
