//! Safe reading and deterministic writing of the bundle archive (a Deflate zip).
//!
//! Reading never trusts the archive: the package size is checked first, the central directory is
//! walked by hand (so duplicate names, which the zip crate would silently merge, are caught and
//! the entry count is bounded before anything is allocated), every name must be a safe relative
//! path, only regular files are allowed, and every entry is inflated under the remaining
//! unpacked budget and the compression-ratio limit.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::error::{Error, Result};
use crate::limits::{LimitKind, Limits, MAX_PATH_BYTES};

/// Checks that an archive entry name is a safe, normalised relative path.
pub(crate) fn check_path(path: &str) -> Result<()> {
    let unsafe_path = |rule| Err(Error::UnsafePath { path: path.to_string(), rule });
    if path.is_empty() {
        return unsafe_path("empty name");
    }
    if path.len() > MAX_PATH_BYTES {
        return unsafe_path("name longer than 255 bytes");
    }
    if path.contains('\\') {
        return unsafe_path("backslash is not allowed");
    }
    if path.starts_with('/') {
        return unsafe_path("absolute path is not allowed");
    }
    if path.contains(':') {
        return unsafe_path("colon (drive letter) is not allowed");
    }
    if path.chars().any(char::is_control) {
        return unsafe_path("control character is not allowed");
    }
    for segment in path.split('/') {
        match segment {
            ".." => return unsafe_path("parent directory (..) is not allowed"),
            "." => return unsafe_path("current directory (.) segment is not allowed"),
            "" => return unsafe_path("empty segment (// or trailing /) is not allowed"),
            _ => {}
        }
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The longest tail of an archive that can hold its end of central directory record (the
/// record and the longest comment).
const EOCD_SEARCH: usize = 22 + 65_535;

/// Finds the end of central directory record in `tail` (the last bytes of an archive) and
/// returns its entry count and the central directory's offset in the archive, after the zip64
/// and file count checks of `limits`.
fn end_record(tail: &[u8], limits: &Limits) -> Result<(u16, u32)> {
    const EOCD_SIG: u32 = 0x0605_4b50;
    let bad = |why: &str| Error::Archive(why.to_string());
    if tail.len() < 22 {
        return Err(bad("too short to be a zip archive"));
    }
    let lowest = tail.len().saturating_sub(EOCD_SEARCH);
    let eocd = (lowest..=tail.len() - 22)
        .rev()
        .find(|&i| u32_at(tail, i) == Some(EOCD_SIG))
        .ok_or_else(|| bad("no end of central directory record"))?;
    let entries = u16_at(tail, eocd + 10).ok_or_else(|| bad("truncated end record"))?;
    let cd_offset = u32_at(tail, eocd + 16).ok_or_else(|| bad("truncated end record"))?;
    if entries == 0xFFFF || cd_offset == 0xFFFF_FFFF {
        return Err(bad("zip64 archives are not supported"));
    }
    if u64::from(entries) > limits.max_files {
        return Err(Error::LimitExceeded {
            kind: LimitKind::FileCount,
            limit: limits.max_files,
            actual: u64::from(entries),
        });
    }
    Ok((entries, cd_offset))
}

/// Walks the central directory and returns the raw entry names, bounded by `max_files`.
/// `bytes` are the archive's bytes from offset `base` to its end (all of it when `base` is 0).
fn central_directory_names(bytes: &[u8], base: u64, limits: &Limits) -> Result<Vec<String>> {
    const CDH_SIG: u32 = 0x0201_4b50;
    let bad = |why: &str| Error::Archive(why.to_string());
    let (entries, cd_offset) = end_record(bytes, limits)?;
    let mut names = Vec::with_capacity(entries as usize);
    let mut pos = u64::from(cd_offset).checked_sub(base).ok_or_else(|| bad("corrupt central directory"))? as usize;
    for _ in 0..entries {
        if u32_at(bytes, pos) != Some(CDH_SIG) {
            return Err(bad("corrupt central directory"));
        }
        let n = u16_at(bytes, pos + 28).ok_or_else(|| bad("corrupt central directory"))? as usize;
        let e = u16_at(bytes, pos + 30).ok_or_else(|| bad("corrupt central directory"))? as usize;
        let c = u16_at(bytes, pos + 32).ok_or_else(|| bad("corrupt central directory"))? as usize;
        let raw = bytes.get(pos + 46..pos + 46 + n).ok_or_else(|| bad("corrupt central directory"))?;
        let name = std::str::from_utf8(raw)
            .map_err(|_| Error::UnsafePath { path: String::from_utf8_lossy(raw).into_owned(), rule: "name is not utf-8" })?;
        names.push(name.to_string());
        pos += 46 + n + e + c;
    }
    Ok(names)
}

/// The raw entry names of an archive (central directory only, nothing inflated), after the
/// package size and file count checks of `limits`.
pub(crate) fn entry_names(bytes: &[u8], limits: &Limits) -> Result<Vec<String>> {
    let package = bytes.len() as u64;
    if package > limits.max_package_bytes {
        return Err(Error::LimitExceeded { kind: LimitKind::PackageSize, limit: limits.max_package_bytes, actual: package });
    }
    central_directory_names(bytes, 0, limits)
}

/// Reads every entry of a bundle archive into memory, enforcing all archive rules.
pub(crate) fn read_archive(bytes: &[u8], limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>> {
    let names = entry_names(bytes, limits)?;
    read_entries(Cursor::new(bytes), bytes.len() as u64, &names, limits)
}

/// [`read_archive`] of an archive file, with each entry read from the file straight into its
/// own buffer: the archive itself is never held in memory (for the cache's uncompressed copy
/// of the base library, 6 MB a new process would otherwise read, copy and drop). The same
/// rules apply, in the same order: the package size, the central directory walked by hand
/// (duplicates, the file count), then every entry.
pub(crate) fn read_archive_file(file: &mut std::fs::File, limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>> {
    let io = |e: std::io::Error| Error::Archive(format!("reading the archive: {e}"));
    let package = file.metadata().map_err(io)?.len();
    if package > limits.max_package_bytes {
        return Err(Error::LimitExceeded { kind: LimitKind::PackageSize, limit: limits.max_package_bytes, actual: package });
    }
    let tail_at = |file: &mut std::fs::File, at: u64| -> Result<Vec<u8>> {
        let mut tail = Vec::with_capacity((package - at) as usize);
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        file.take(package - at).read_to_end(&mut tail).map_err(io)?;
        Ok(tail)
    };
    let mut base = package.saturating_sub(EOCD_SEARCH as u64);
    let mut tail = tail_at(file, base)?;
    let (_, cd_offset) = end_record(&tail, limits)?;
    if u64::from(cd_offset) < base {
        // A central directory longer than the searched tail: read from its start.
        base = u64::from(cd_offset);
        tail = tail_at(file, base)?;
    }
    let names = central_directory_names(&tail, base, limits)?;
    file.rewind().map_err(io)?;
    read_entries(&mut *file, package, &names, limits)
}

/// Reads the entries of an archive of `package` bytes whose raw names (from the central
/// directory) are `names`.
fn read_entries<R: Read + Seek>(reader: R, package: u64, names: &[String], limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut seen = HashSet::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            return Err(Error::DuplicateName(name.clone()));
        }
    }
    let mut zip = ZipArchive::new(reader).map_err(|e| Error::Archive(e.to_string()))?;
    if zip.len() != names.len() {
        return Err(Error::Archive(format!(
            "central directory lists {} entries but {} could be read",
            names.len(),
            zip.len()
        )));
    }
    let mut files = BTreeMap::new();
    let mut total: u64 = 0;
    for (i, raw_name) in names.iter().enumerate() {
        let mut entry = zip.by_index(i).map_err(|e| Error::Archive(format!("entry {raw_name}: {e}")))?;
        let name = entry.name().to_string();
        check_path(&name)?;
        if entry.is_dir() {
            return Err(Error::NotRegularFile { path: name, kind: "directory" });
        }
        if entry.is_symlink() {
            return Err(Error::NotRegularFile { path: name, kind: "symbolic link" });
        }
        if let Some(mode) = entry.unix_mode() {
            let kind = mode & 0o170_000;
            if kind != 0 && kind != 0o100_000 {
                return Err(Error::NotRegularFile { path: name, kind: "special file" });
            }
        }
        if entry.encrypted() {
            return Err(Error::Archive(format!("{name}: encrypted entries are not allowed")));
        }
        if !matches!(entry.compression(), CompressionMethod::Stored | CompressionMethod::Deflated) {
            return Err(Error::Archive(format!("{name}: compression {} is not allowed (stored or deflate only)", entry.compression())));
        }
        let budget = limits.max_unpacked_bytes - total;
        // Sized from the declared size (at most the budget left), so a large entry is read
        // without growing and copying its buffer; the declared size is still not trusted.
        let bound = package.saturating_mul(limits.max_compression_ratio.max(1));
        let mut data = Vec::with_capacity(entry.size().min(budget + 1).min(bound) as usize);
        let read = (&mut entry).take(budget + 1).read_to_end(&mut data);
        if let Err(e) = read {
            return Err(Error::HashMismatch { path: name, detail: Some(format!("entry data is corrupt: {e}")) });
        }
        let size = data.len() as u64;
        if size > budget {
            return Err(Error::LimitExceeded {
                kind: LimitKind::UnpackedSize,
                limit: limits.max_unpacked_bytes,
                actual: total + size,
            });
        }
        let packed = entry.compressed_size().max(1);
        if size >= limits.ratio_min_bytes && size / packed > limits.max_compression_ratio {
            return Err(Error::CompressionRatio { path: name, ratio: size / packed, limit: limits.max_compression_ratio });
        }
        total += size;
        if data.capacity() > data.len() {
            // A declared size larger than the data: do not keep the excess reserved.
            data.shrink_to_fit();
        }
        drop(entry);
        files.insert(name, data);
    }
    Ok(files)
}

/// Writes entries into a deterministic zip: sorted, Deflate, fixed timestamps, mode 0644.
pub(crate) fn write_archive(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    write_archive_as(files, CompressionMethod::Deflated)
}

/// The same archive with every entry stored uncompressed (a cache copy that reads without
/// inflating).
pub(crate) fn write_archive_stored(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    write_archive_as(files, CompressionMethod::Stored)
}

fn write_archive_as(files: &BTreeMap<String, Vec<u8>>, method: CompressionMethod) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let err = |e: &dyn std::fmt::Display| Error::Archive(format!("writing archive: {e}"));
    for (name, data) in files {
        check_path(name)?;
        zip.start_file(name.as_str(), options).map_err(|e| err(&e))?;
        zip.write_all(data).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths_pass_and_unsafe_ones_name_the_rule() {
        assert!(check_path("pages/index/index.xml").is_ok());
        assert!(check_path("assets/图片.png").is_ok());
        let cases = [
            ("../x", "parent directory"),
            ("a/../../x", "parent directory"),
            ("/etc/passwd", "absolute path"),
            ("a\\b", "backslash"),
            ("C:/x", "colon"),
            ("a//b", "empty segment"),
            ("a/", "empty segment"),
            ("./a", "current directory"),
        ];
        for (path, rule) in cases {
            let e = check_path(path).unwrap_err().to_string();
            assert!(e.contains(rule), "{path}: {e}");
        }
    }

    #[test]
    fn written_archive_reads_back_identically_and_deterministically() {
        let mut files = BTreeMap::new();
        files.insert("a.txt".to_string(), b"hello".to_vec());
        files.insert("dir/b.bin".to_string(), vec![7; 1000]);
        let one = write_archive(&files).unwrap();
        let two = write_archive(&files).unwrap();
        assert_eq!(one, two, "pack must be reproducible");
        assert_eq!(read_archive(&one, &Limits::default()).unwrap(), files);
    }

    /// `read_archive_file` must accept and refuse exactly what `read_archive` does, with the
    /// same errors: good archives (deflated and stored, with a comment longer than the end
    /// record's search window would be without it), garbage, every 97th truncation and every
    /// 53rd single-byte change of them.
    #[test]
    fn reading_from_a_file_agrees_with_reading_from_memory() {
        let mut files = BTreeMap::new();
        files.insert("a.txt".to_string(), b"hello".to_vec());
        files.insert("dir/b.bin".to_string(), (0..5000u32).map(|i| (i * 7 % 251) as u8).collect());
        let deflated = write_archive(&files).unwrap();
        let stored = write_archive_stored(&files).unwrap();
        let mut inputs = vec![deflated.clone(), stored.clone(), b"not a zip".to_vec(), Vec::new()];
        for good in [&deflated, &stored] {
            inputs.extend((0..good.len()).step_by(97).map(|n| good[..n].to_vec()));
            inputs.extend((0..good.len()).step_by(53).map(|at| {
                let mut bad = good.clone();
                bad[at] ^= 0x5a;
                bad
            }));
        }
        let path = std::env::temp_dir().join(format!("miniapp-archive-file-{}", std::process::id()));
        let limits = Limits::default();
        for (i, bytes) in inputs.iter().enumerate() {
            std::fs::write(&path, bytes).unwrap();
            let mut file = std::fs::File::open(&path).unwrap();
            let from_file = read_archive_file(&mut file, &limits).map_err(|e| e.to_string());
            let from_memory = read_archive(bytes, &limits).map_err(|e| e.to_string());
            assert_eq!(from_file, from_memory, "input {i} ({} bytes)", bytes.len());
        }
        std::fs::write(&path, &stored).unwrap();
        assert_eq!(read_archive_file(&mut std::fs::File::open(&path).unwrap(), &limits).unwrap(), files);
        let small = Limits { max_package_bytes: 100, ..Limits::default() };
        let e = read_archive_file(&mut std::fs::File::open(&path).unwrap(), &small).unwrap_err();
        assert!(matches!(e, Error::LimitExceeded { kind: LimitKind::PackageSize, .. }), "{e}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn garbage_is_not_an_archive() {
        let e = read_archive(b"this is not a zip file at all, really", &Limits::default()).unwrap_err();
        assert!(matches!(e, Error::Archive(_)), "{e}");
    }
}
