//! Logic compiled before the user asks, through the real binary: `miniapp cloud serve` compiles
//! the counter at publish with the same wasmtime settings as the host and signs the artifact; a
//! cold `miniapp run` downloads it with the bundle and runs it without compiling, a hot one loads
//! it from the cache; a tampered artifact is refused by its digest and the host compiles, with
//! the app working either way.

use miniapp_tests::*;

fn artifact_downloads(cloud: &Cloud) -> u64 {
    cloud.stats()["artifact_downloads"].as_object().map(|m| m.values().filter_map(|v| v.as_u64()).sum()).unwrap_or(0)
}

#[test]
fn the_cloud_precompiles_and_the_host_loads_it_or_compiles_when_tampered() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = counter_bundle(home);
    let r = cloud.publish(home, &bundle);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let meta = http_get_json(&format!("{}/apps/counter", cloud.url));
    let artifacts = meta["artifacts"].as_array().expect("the metadata offers artifacts");
    assert_eq!(artifacts.len(), 1, "{meta}");
    let a = &artifacts[0];
    assert!(a["engine"].as_str().unwrap().starts_with("wasmtime/"), "{a}");
    assert_eq!(a["signature"].as_str().unwrap().len(), 128, "{a}");
    let url = format!("{}/apps/counter", cloud.url);

    // Cold: bundle and artifact downloaded, the logic not compiled here.
    let (r, t) = run_headless(home, &url, "tap #inc\nassert-text 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["from_cache"], false);
    assert_eq!(t["launch"]["precompiled"], true, "{}", t["launch"]);
    assert!(t["launch"].get("artifact_refused").is_none(), "{}", t["launch"]);
    assert_eq!(artifact_downloads(&cloud), 1);

    // Hot, new process: the artifact comes from the cache (checked again), not downloaded.
    let (r, t) = run_headless(home, &url, "tap #inc\nassert-text 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!((t["launch"]["from_cache"].clone(), t["launch"]["precompiled"].clone()), (true.into(), true.into()), "{}", t["launch"]);
    assert_eq!(artifact_downloads(&cloud), 1, "a hot start must not download the artifact again");

    // Tampered in the cloud's store: a fresh host refuses it by its digest, compiles, and the
    // app still counts.
    let hex = a["digest"].as_str().unwrap().trim_start_matches("sha256:");
    let stored = cloud.data.join("bundles").join(hex);
    let mut bytes = std::fs::read(&stored).expect("the artifact is stored beside the bundles");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&stored, &bytes).unwrap();
    std::fs::remove_dir_all(home.join("cache")).unwrap();
    let (r, t) = run_headless(home, &url, "tap #inc\ntap #inc\nassert-text 2\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["precompiled"], false, "{}", t["launch"]);
    let refused = t["launch"]["artifact_refused"].as_str().expect("the refusal is reported");
    assert!(refused.contains("refused: the download hashes to sha256:"), "{refused}");
    assert!(r.stderr.contains("compiling locally"), "the fallback is logged: {}", r.stderr);
}

#[test]
fn a_cloud_run_with_no_precompile_offers_no_artifact_and_hosts_compile() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let data = home.join("plain-cloud");
    let mut child = miniapp(home)
        .args(["cloud", "serve", "--addr", "127.0.0.1:0", "--dev", "--no-precompile", "--token", "t0k3n", "--data"])
        .arg(&data)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
    let cloud_url = first.trim().trim_start_matches("listening on ").to_string();
    let publish = |args: &[&str]| run(miniapp(home).args(args).args(["--cloud", &cloud_url, "--token", "t0k3n"]));
    let r = publish(&["publish-base", root().join("base-library").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundle = counter_bundle(home);
    let r = publish(&["publish", bundle.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = http_get_json(&format!("{cloud_url}/apps/counter"));
    assert!(meta.get("artifacts").is_none(), "{meta}");
    let (r, t) = run_headless(home, &format!("{cloud_url}/apps/counter"), "tap #inc\nassert-text 1\n");
    let _ = child.kill();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["precompiled"], false);
    assert!(t["launch"].get("artifact_refused").is_none(), "nothing was offered, so nothing was refused: {}", t["launch"]);
}
