//! One test per refusal rule, each with a hand-made bad bundle; each error names the rule.

use miniapp_bundle::{countersign, pack, verify, Error, LimitKind, Limits, SigningKey, Trust};
use zip::CompressionMethod;

use crate::helpers::*;

fn good() -> Vec<u8> {
    pack(&app_files(), &key()).unwrap()
}

fn refuse(bytes: &[u8]) -> Error {
    verify(bytes, &Trust::default()).unwrap_err()
}

/// The entries of a good bundle, for surgery.
fn good_entries() -> Vec<(String, Vec<u8>)> {
    entries(&good())
}

#[test]
fn package_over_two_mib_is_refused_before_reading() {
    let e = refuse(&vec![0u8; 2 * 1024 * 1024 + 1]);
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::PackageSize, limit: 2097152, actual: 2097153 }), "{e}");
    assert_eq!(e.to_string(), "bundle package size is over the limit: 2097153 > 2097152 bytes");
}

#[test]
fn entry_with_parent_dir_is_refused() {
    let mut es = good_entries();
    es.push(("../evil.sh".into(), b"rm -rf".to_vec()));
    let e = refuse(&zip_raw(&es));
    assert_eq!(e.to_string(), "unsafe path in bundle \"../evil.sh\": parent directory (..) is not allowed");
}

#[test]
fn entry_with_absolute_path_is_refused() {
    let mut es = good_entries();
    es.push(("/etc/passwd".into(), b"x".to_vec()));
    let e = refuse(&zip_raw(&es));
    assert!(e.to_string().contains("absolute path is not allowed"), "{e}");
}

#[test]
fn entry_with_backslash_is_refused() {
    let mut es = good_entries();
    es.push(("pages\\index\\x.xml".into(), b"x".to_vec()));
    let e = refuse(&zip_raw(&es));
    assert!(e.to_string().contains("backslash is not allowed"), "{e}");
}

#[test]
fn symlink_entry_is_refused() {
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, d) in good_entries() {
        zip.start_file(n, SimpleFileOptions::default()).unwrap();
        zip.write_all(&d).unwrap();
    }
    zip.add_symlink("assets/link", "/etc/passwd", SimpleFileOptions::default()).unwrap();
    let e = refuse(&zip.finish().unwrap().into_inner());
    assert_eq!(e.to_string(), "assets/link is a symbolic link, only regular files are allowed in a bundle");
}

#[test]
fn directory_entry_is_refused() {
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.add_directory("pages/", SimpleFileOptions::default()).unwrap();
    for (n, d) in good_entries() {
        zip.start_file(n, SimpleFileOptions::default()).unwrap();
        zip.write_all(&d).unwrap();
    }
    let e = refuse(&zip.finish().unwrap().into_inner());
    assert!(matches!(e, Error::NotRegularFile { kind: "directory", .. } | Error::UnsafePath { .. }), "{e}");
}

#[test]
fn duplicate_names_are_refused() {
    let mut es = good_entries();
    es.push(("zzzz.txt".into(), b"one".to_vec()));
    es.push(("yyyy.txt".into(), b"two".to_vec()));
    let mut bytes = zip_raw(&es);
    // Rename every occurrence of yyyy.txt (local header and central directory) to zzzz.txt.
    let needle = b"yyyy.txt";
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        if &bytes[i..i + needle.len()] == needle {
            bytes[i..i + needle.len()].copy_from_slice(b"zzzz.txt");
        }
        i += 1;
    }
    let e = refuse(&bytes);
    assert_eq!(e.to_string(), "duplicate name in bundle: zzzz.txt");
}

#[test]
fn more_than_a_thousand_files_are_refused() {
    let mut es = good_entries();
    for i in 0..1000 {
        es.push((format!("assets/f{i}.txt"), vec![b'x']));
    }
    let e = refuse(&zip_raw(&es));
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::FileCount, limit: 1000, .. }), "{e}");
    assert!(e.to_string().contains("file count is over the limit: 1008 > 1000 files"), "{e}");
}

#[test]
fn unpacked_size_over_the_limit_is_refused() {
    let mut es = good_entries();
    es.push(("assets/big.bin".into(), (0..5000u32).flat_map(|i| i.to_le_bytes()).collect()));
    let trust = Trust { limits: Limits { max_unpacked_bytes: 10_000, ..Limits::default() }, ..Trust::default() };
    let e = verify(&zip_raw(&es), &trust).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::UnpackedSize, limit: 10_000, .. }), "{e}");
}

#[test]
fn unpacked_size_default_limit_is_eight_mib() {
    // Nine entries of 1 MiB of pseudo-random bytes stored (not compressed) would exceed the
    // package limit, so this uses incompressible-ish text under a raised package limit.
    let mut es = good_entries();
    for n in 0..9 {
        es.push((format!("assets/{n}.txt"), noise(1024 * 1024, n)));
    }
    let trust = Trust { limits: Limits { max_package_bytes: 64 << 20, ..Limits::default() }, ..Trust::default() };
    let e = verify(&zip_raw(&es), &trust).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::UnpackedSize, limit: 8388608, .. }), "{e}");
}

#[test]
fn zip_bomb_ratio_is_refused() {
    let mut es = good_entries();
    es.push(("assets/bomb.bin".into(), vec![0u8; 4 * 1024 * 1024]));
    let e = refuse(&zip_raw(&es));
    assert!(matches!(e, Error::CompressionRatio { limit: 100, .. }), "{e}");
    assert!(e.to_string().starts_with("zip bomb: assets/bomb.bin expands "), "{e}");
}

#[test]
fn file_not_in_manifest_is_refused() {
    let mut es = good_entries();
    es.push(("assets/extra.png".into(), b"png".to_vec()));
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "file not in manifest: assets/extra.png");
}

#[test]
fn unknown_meta_file_is_refused() {
    let mut es = good_entries();
    es.push(("_meta/extra.json".into(), b"{}".to_vec()));
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "file not in manifest: _meta/extra.json");
}

#[test]
fn listed_file_missing_from_the_archive_is_refused() {
    let mut es = good_entries();
    es.retain(|(n, _)| n != "pages/index/index.css");
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "missing file: pages/index/index.css");
}

#[test]
fn bundle_without_signature_is_refused() {
    let mut es = good_entries();
    es.retain(|(n, _)| n != "_meta/publisher.json");
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "missing file: _meta/publisher.json");
}

#[test]
fn changed_file_content_is_a_hash_mismatch() {
    let mut es = good_entries();
    set(&mut es, "pages/index/index.xml", b"<view>evil</view>".to_vec());
    let e = refuse(&zip_raw(&es));
    assert!(e.to_string().starts_with("hash mismatch in pages/index/index.xml"), "{e}");
}

#[test]
fn same_size_change_is_a_hash_mismatch_without_detail() {
    let mut es = good_entries();
    let mut xml = es.iter().find(|(n, _)| n == "pages/index/index.xml").unwrap().1.clone();
    xml[1] ^= 0x20;
    set(&mut es, "pages/index/index.xml", xml);
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "hash mismatch in pages/index/index.xml");
}

#[test]
fn any_flipped_byte_of_an_entry_s_data_is_refused_naming_that_entry() {
    let bytes = good();
    let range = data_range(&bytes, "pages/index/index.xml");
    for pos in range.step_by(7) {
        let mut bad = bytes.clone();
        bad[pos] ^= 0x01;
        let e = refuse(&bad);
        assert!(
            e.to_string().starts_with("hash mismatch in pages/index/index.xml"),
            "flip at {pos}: {e}"
        );
    }
}

#[test]
fn crc_error_in_a_stored_entry_is_a_hash_mismatch() {
    let es = good_entries();
    let mut bytes = zip_with(&es, CompressionMethod::Stored);
    let range = data_range(&bytes, "app.css");
    bytes[range.start] ^= 0x01;
    let e = refuse(&bytes);
    assert!(e.to_string().starts_with("hash mismatch in app.css"), "{e}");
}

#[test]
fn content_and_file_table_changed_together_break_the_publisher_signature() {
    let mut files = files_map(app_files());
    files.insert("pages/index/index.xml".into(), b"<view>evil</view>".to_vec());
    let forged = sign_raw(&files, [1; 32]); // signed by another key …
    let mut es = good_entries();
    for name in ["pages/index/index.xml", "_meta/files.json"] {
        let data = forged.iter().find(|(n, _)| n == name).unwrap().1.clone();
        set(&mut es, name, data); // … but keeping the original publisher.json
    }
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "bad publisher signature");
}

#[test]
fn signature_from_another_key_claiming_the_publisher_key_is_refused() {
    let mut es = good_entries();
    let publisher = es.iter().find(|(n, _)| n == "_meta/publisher.json").unwrap().1.clone();
    let mut v: serde_json::Value = serde_json::from_slice(&publisher).unwrap();
    let sig = v["signature"].as_str().unwrap().to_string();
    let flipped = format!("{}{}", if sig.starts_with('0') { "1" } else { "0" }, &sig[1..]);
    v["signature"] = flipped.into();
    set(&mut es, "_meta/publisher.json", serde_json::to_vec(&v).unwrap());
    assert_eq!(refuse(&zip_raw(&es)).to_string(), "bad publisher signature");
}

#[test]
fn unsigned_bundle_is_refused_when_a_platform_key_is_trusted() {
    let platform = SigningKey::from_seed([9; 32]);
    let e = verify(&good(), &Trust::platform(platform.verifying_key())).unwrap_err();
    assert!(matches!(e, Error::MissingPlatformSignature), "{e}");
}

#[test]
fn countersignature_by_another_platform_is_refused() {
    let real = SigningKey::from_seed([9; 32]);
    let rogue = SigningKey::from_seed([8; 32]);
    let signed = countersign(&good(), &rogue).unwrap();
    let e = verify(&signed, &Trust::platform(real.verifying_key())).unwrap_err();
    assert!(e.to_string().starts_with("platform signature is by key "), "{e}");
    assert!(e.to_string().contains(&real.verifying_key().fingerprint()), "{e}");
}

#[test]
fn tampered_countersignature_is_refused() {
    let platform = SigningKey::from_seed([9; 32]);
    let mut es = entries(&countersign(&good(), &platform).unwrap());
    let json = es.iter().find(|(n, _)| n == "_meta/platform.json").unwrap().1.clone();
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let sig = v["signature"].as_str().unwrap().to_string();
    v["signature"] = format!("{}{}", if sig.starts_with('0') { "1" } else { "0" }, &sig[1..]).into();
    set(&mut es, "_meta/platform.json", serde_json::to_vec(&v).unwrap());
    let e = verify(&zip_raw(&es), &Trust::platform(platform.verifying_key())).unwrap_err();
    assert_eq!(e.to_string(), "bad platform signature");
}

#[test]
fn countersign_refuses_a_bundle_that_does_not_verify() {
    let mut es = good_entries();
    es.push(("assets/extra.png".into(), b"png".to_vec()));
    let e = countersign(&zip_raw(&es), &SigningKey::from_seed([9; 32])).unwrap_err();
    assert_eq!(e.to_string(), "file not in manifest: assets/extra.png");
}

#[test]
fn pack_refuses_reserved_and_unsafe_names() {
    let mut files = app_files();
    files.push(("_meta/files.json".into(), b"{}".to_vec()));
    assert!(matches!(pack(&files, &key()).unwrap_err(), Error::ReservedName(_)));
    let mut files = app_files();
    files.push(("../x".into(), b"{}".to_vec()));
    assert!(matches!(pack(&files, &key()).unwrap_err(), Error::UnsafePath { .. }));
}

#[test]
fn truncated_bundle_is_not_an_archive() {
    let bytes = good();
    let e = refuse(&bytes[..bytes.len() / 2]);
    assert!(matches!(e, Error::Archive(_)), "{e}");
}

/// `len` bytes of pseudo-random letters (compresses only about 1.6:1).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x: u64 = seed + 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b'a' + (x % 26) as u8
        })
        .collect()
}

fn base_files(extra: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("base.json".to_string(), br#"{ "name": "miniapp-base", "version": "1.0.0" }"#.to_vec())];
    files.extend(extra);
    files
}

#[test]
fn base_library_over_sixteen_mib_is_refused_before_reading() {
    let e = miniapp_bundle::verify_base(&vec![0u8; 16 * 1024 * 1024 + 1], &Trust::default()).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::PackageSize, limit: 16777216, actual: 16777217 }), "{e}");
    assert_eq!(e.to_string(), "bundle package size is over the limit: 16777217 > 16777216 bytes");
}

#[test]
fn a_base_library_and_its_clones_share_the_font_bytes() {
    let font = ("fonts/Small.ttf".to_string(), noise(64 * 1024, 2));
    let licence = ("fonts/LICENSE-small.txt".to_string(), b"free".to_vec());
    let base = miniapp_bundle::pack_base(&base_files(vec![font.clone(), licence]), &key()).unwrap();
    let b = miniapp_bundle::verify_base(&base, &Trust::default()).unwrap();
    let copy = b.clone();
    let (path, shared) = b.font_files().next().unwrap();
    assert_eq!(path, "fonts/Small.ttf");
    assert_eq!(shared.as_slice(), font.1.as_slice());
    let (_, again) = copy.font_files().next().unwrap();
    // One allocation: the memo's clone and the font system hold the verified bytes, not copies.
    assert!(std::sync::Arc::ptr_eq(&shared, &again));
    assert_eq!(copy.font_files().count(), 1, "the licence is not a font");
}

#[test]
fn base_library_has_its_own_limit_above_the_app_limit() {
    // 4 MiB of font-like noise (about 2.5 MiB packed): too big for an app, fine for a base library.
    let font = ("fonts/Big.ttf".to_string(), noise(4 * 1024 * 1024, 1));
    let licence = ("fonts/LICENSE-big.txt".to_string(), b"free".to_vec());
    let base = miniapp_bundle::pack_base(&base_files(vec![font.clone(), licence]), &key()).unwrap();
    assert!(base.len() > 2 * 1024 * 1024, "the test base must be over the app limit: {}", base.len());
    let platform = SigningKey::from_seed([9; 32]);
    let signed = countersign(&base, &platform).unwrap();
    let b = miniapp_bundle::verify_base(&signed, &Trust::platform(platform.verifying_key())).unwrap();
    assert_eq!(b.fonts().map(|(p, _)| p).collect::<Vec<_>>(), ["fonts/Big.ttf"]);
    // The same bytes as an app asset are refused by the app limit.
    let mut app = app_files();
    app.push(("assets/big.bin".into(), font.1));
    let e = pack(&app, &key()).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::PackageSize, limit: 2097152, .. }), "{e}");
}

#[test]
fn base_library_unpacked_over_thirty_two_mib_is_refused() {
    let mut es = base_files((0..33).map(|n| (format!("fonts/{n}.bin"), noise(1024 * 1024, n))).collect());
    es.push(("fonts/LICENSE".into(), b"free".to_vec()));
    let bytes = zip_with(&es, CompressionMethod::Stored);
    let e = miniapp_bundle::verify_base(&bytes, &Trust::default()).unwrap_err();
    // Stored, the package is over 16 MiB too: raise that limit to reach the unpacked one.
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::PackageSize, limit: 16777216, .. }), "{e}");
    let trust = Trust { base_limits: Limits { max_package_bytes: 64 << 20, ..Limits::base_library() }, ..Trust::default() };
    let e = miniapp_bundle::verify_base(&bytes, &trust).unwrap_err();
    assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::UnpackedSize, limit: 33554432, .. }), "{e}");
}

#[test]
fn base_library_font_without_a_licence_is_refused() {
    let files = base_files(vec![("fonts/Sans.ttf".into(), b"not really a font".to_vec()), ("styles/LICENSE".into(), b"x".to_vec())]);
    let e = miniapp_bundle::pack_base(&files, &key()).unwrap_err();
    assert!(matches!(&e, Error::FontWithoutLicence { font, .. } if font == "fonts/Sans.ttf"), "{e}");
    assert_eq!(e.to_string(), "base library font fonts/Sans.ttf has no licence file next to it: add fonts/LICENSE-<font>.txt");
}
