//! The simulated camera behind `device.scan-code` and `miniapp scan`: the user drops an image
//! (or a script names one) and the QR code in it is decoded with rqrr, after preprocessing
//! passes for photos that rqrr alone cannot read.
//!
//! # Passes
//!
//! rqrr reads clean, well-lit codes at any rotation (17°, 45°, 90° and 173° read as they are,
//! so no rotated copies are tried), but misses codes whose modules are only two or three pixels
//! wide, and noisy ones (a speck inside a finder pattern breaks its 1:1:3:1:1 run test). So the
//! image goes through `PASSES` in order, and the first pass that decodes a code ends the search:
//!
//! 1. **as-is**: rqrr's own thresholding (a running row average), which reads most images;
//! 2. **median**: a 3×3 median filter first, which removes salt-and-pepper noise and JPEG
//!    speckle without softening the module edges;
//! 3. **upscaled**: 3× (longer side ≤ 600 px) or 2× (≤ 1200 px) bilinear, so that a code
//!    scaled down to ~120 px has modules wide enough for the finder test; larger images skip it;
//! 4. **median, upscaled**: both, for small noisy codes;
//! 5. **blur + Otsu**: a light Gaussian blur (σ = 1) and one global Otsu threshold, for blurred
//!    codes whose edges rqrr's running average splits;
//! 6. **adaptive**: a light blur and a local-mean threshold (a window of about 1/8 of the
//!    shorter side), for uneven light across a photo.
//!
//! Measured in the dev build (`runtime/shell/tests/qr.rs`, `--nocapture` prints the times): a
//! code that rqrr reads as-is takes 10–40 ms for a 450 px image and 60–90 ms for a 1200×900 JPEG
//! photo (decoding the file included); a 120 px code needs the upscaled pass (about 20 ms). An
//! image without a code runs all six passes: about 0.2 s for a blank 640×480 image, 0.9 s for a
//! 1200×900 photo, 1.1 s for 640×480 of pure random noise (rqrr's region search on the
//! upscaled noise is most of it).
//!
//! # Several codes
//!
//! Of the codes one pass decodes, the first that holds a miniapp launch URL
//! ([`miniapp_cloud::LaunchUrl`]) is returned, else the first decoded. When that pass also saw a
//! code it could not decode, the later passes still look for a launch URL in it.

use image::{GrayImage, Luma};
use std::path::Path;

/// Images larger than this many pixels are refused before decoding (a 64-megapixel bomb would
/// otherwise take seconds and hundreds of MiB).
pub const MAX_CAMERA_PIXELS: u64 = 40_000_000;

/// One preprocessing pass: a name (for tracing) and the grey image it makes for rqrr, or `None`
/// when it does not apply (upscaling a large image). A pass that thresholds itself returns only
/// 0 and 255, which rqrr's own thresholding leaves as they are.
struct Pass {
    name: &'static str,
    prepare: fn(&GrayImage) -> Option<GrayImage>,
}

/// The passes, in the order they are tried (see the module docs).
const PASSES: &[Pass] = &[
    Pass { name: "as-is", prepare: |img| Some(img.clone()) },
    Pass { name: "median", prepare: |img| Some(median3(img)) },
    Pass { name: "upscaled", prepare: upscaled },
    Pass { name: "median, upscaled", prepare: |img| upscaled(&median3(img)) },
    Pass { name: "blur + otsu", prepare: |img| Some(otsu(&image::imageops::blur(img, 1.0))) },
    Pass { name: "adaptive", prepare: |img| Some(adaptive(&image::imageops::blur(img, 1.0))) },
];

/// Decodes the QR code in the image file at `path`: of several, the first that holds a launch
/// URL, else the first decoded (see the module docs for the preprocessing passes).
///
/// # Errors
/// A message naming the file: it cannot be read or is not an image, it is over
/// [`MAX_CAMERA_PIXELS`], it shows no QR code (`no QR code found in PATH`), or the code does not
/// decode.
pub fn decode_qr_file(path: &Path) -> Result<String, String> {
    let reader = image::ImageReader::open(path).map_err(|e| format!("cannot read image {}: {e}", path.display()))?;
    decode_qr_reader(reader, &path.display().to_string())
}

/// [`decode_qr_file`] over image bytes already in memory (a file's content, a fuzz input);
/// `name` stands for the image in error messages.
///
/// # Errors
/// As [`decode_qr_file`], naming `name`.
pub fn decode_qr_bytes(bytes: &[u8], name: &str) -> Result<String, String> {
    decode_qr_reader(image::ImageReader::new(std::io::Cursor::new(bytes)), name)
}

/// Sniffs the format, decodes under the pixel limit and runs the passes.
fn decode_qr_reader<R: std::io::BufRead + std::io::Seek>(
    reader: image::ImageReader<R>,
    name: &str,
) -> Result<String, String> {
    let mut reader = reader.with_guessed_format().map_err(|e| format!("cannot read image {name}: {e}"))?;
    // One reader, its format sniffed from the content (not the file name), with the pixel limit
    // enforced by the decoder itself before it allocates.
    let side = (MAX_CAMERA_PIXELS as f64).sqrt() as u32 * 4;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(MAX_CAMERA_PIXELS * 4);
    reader.limits(limits);
    // One pass over the file: the header gives the size, checked before any pixel is decoded.
    let decoder = reader.into_decoder().map_err(|e| format!("{name} is not an image: {e}"))?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if u64::from(w) * u64::from(h) > MAX_CAMERA_PIXELS {
        return Err(format!(
            "image {name} is {w}×{h} pixels, over the camera's limit of {MAX_CAMERA_PIXELS} pixels"
        ));
    }
    let img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("{name} is not an image: {e}"))?
        .to_luma8();
    match decode_grey(&img) {
        Decoded::Text(content) => Ok(content),
        Decoded::Undecodable(e) => Err(format!("the QR code in {name} does not decode: {e}")),
        Decoded::Nothing => Err(format!("no QR code found in {name}")),
    }
}

/// The outcome of all passes over one image.
#[derive(Debug, PartialEq)]
enum Decoded {
    /// A code's text.
    Text(String),
    /// The as-is pass saw a code but no pass decoded one (rqrr's reason).
    Undecodable(rqrr::DeQRError),
    /// No pass saw a code.
    Nothing,
}

/// Runs the passes over a grey image.
fn decode_grey(img: &GrayImage) -> Decoded {
    let mut first_text: Option<String> = None;
    let mut first_error = None;
    for (i, pass) in PASSES.iter().enumerate() {
        if first_text.is_some() && pass.name.contains("upscaled") {
            // Only looking for a launch URL among codes already seen: no need to enlarge.
            continue;
        }
        let Some(prepared) = (pass.prepare)(img) else {
            continue;
        };
        let Some(grids) = detect_and_decode(prepared) else {
            tracing::warn!(pass = pass.name, "rqrr panicked on this image; the pass counts as seeing no code");
            continue;
        };
        let mut failed = false;
        for decoded in &grids {
            match decoded.clone() {
                Ok(text) if miniapp_cloud::LaunchUrl::parse(&text).is_ok() => {
                    tracing::debug!(pass = pass.name, grids = grids.len(), "QR launch URL decoded");
                    return Decoded::Text(text);
                }
                Ok(text) => {
                    first_text.get_or_insert(text);
                }
                Err(e) => {
                    failed = true;
                    // A later pass's false finder patterns (in noise) are not "a code".
                    if i == 0 {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        if first_text.is_some() && !failed {
            tracing::debug!(pass = pass.name, grids = grids.len(), "QR text decoded");
            break;
        }
    }
    match (first_text, first_error) {
        (Some(text), _) => Decoded::Text(text),
        (None, Some(e)) => Decoded::Undecodable(e),
        (None, None) => Decoded::Nothing,
    }
}

/// rqrr over one prepared image: the text (or rqrr's error) of every grid it detects, or
/// `None` when rqrr panicked. rqrr 0.8 asserts `scan >= 1` while measuring the timing pattern
/// (`identify/grid.rs`), which a code with one-pixel modules trips in a release build too (found
/// by the `qr_decode` fuzz target); a user's image must not take the host down with it.
fn detect_and_decode(prepared: GrayImage) -> Option<Vec<Result<String, rqrr::DeQRError>>> {
    std::panic::catch_unwind(move || {
        let mut rq = rqrr::PreparedImage::prepare(prepared);
        rq.detect_grids().iter().map(|grid| grid.decode().map(|(_, text)| text)).collect()
    })
    .ok()
}

/// 3× (longer side ≤ 600 px) or 2× (≤ 1200 px) bilinear upscale; `None` for larger images.
fn upscaled(img: &GrayImage) -> Option<GrayImage> {
    let k = match img.width().max(img.height()) {
        0..=600 => 3,
        601..=1200 => 2,
        _ => return None,
    };
    let (w, h) = img.dimensions();
    let src = img.as_raw();
    let (w, h, k) = (w as usize, h as usize, k as usize);
    // Output pixel o samples the source at (o + 0.5) / k - 0.5: in units of 1/(2k) that is
    // 2o + 1 - k, split into a whole pixel and a weight out of 2k.
    let split = |o: usize, max: usize| -> (usize, usize, u32) {
        let pos = (2 * o + 1).saturating_sub(k);
        let (i, f) = (pos / (2 * k), (pos % (2 * k)) as u32);
        (i.min(max - 1), (i + 1).min(max - 1), f)
    };
    let cols: Vec<_> = (0..w * k).map(|x| split(x, w)).collect();
    let mut out = Vec::with_capacity(w * k * h * k);
    let d = 2 * k as u32;
    for y in 0..h * k {
        let (y0, y1, fy) = split(y, h);
        let (r0, r1) = (&src[y0 * w..][..w], &src[y1 * w..][..w]);
        for &(x0, x1, fx) in &cols {
            let top = u32::from(r0[x0]) * (d - fx) + u32::from(r0[x1]) * fx;
            let bottom = u32::from(r1[x0]) * (d - fx) + u32::from(r1[x1]) * fx;
            out.push(((top * (d - fy) + bottom * fy + d * d / 2) / (d * d)) as u8);
        }
    }
    GrayImage::from_raw((w * k) as u32, (h * k) as u32, out)
}

/// 3×3 median filter (edge pixels use the clamped neighbourhood), with the classic 19-step
/// exchange network for the median of nine.
fn median3(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 3 || h < 3 {
        return img.clone();
    }
    let src = img.as_raw();
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let rows = [y.saturating_sub(1), y, (y + 1).min(h - 1)].map(|r| &src[r * w..][..w]);
        for x in 0..w {
            let (a, b, c) = (x.saturating_sub(1), x, (x + 1).min(w - 1));
            let mut p = [
                rows[0][a], rows[0][b], rows[0][c], rows[1][a], rows[1][b], rows[1][c], rows[2][a], rows[2][b],
                rows[2][c],
            ];
            let mut sort = |i: usize, j: usize| {
                let (lo, hi) = (p[i].min(p[j]), p[i].max(p[j]));
                p[i] = lo;
                p[j] = hi;
            };
            for (i, j) in [
                (1, 2),
                (4, 5),
                (7, 8),
                (0, 1),
                (3, 4),
                (6, 7),
                (1, 2),
                (4, 5),
                (7, 8),
                (0, 3),
                (5, 8),
                (4, 7),
                (3, 6),
                (1, 4),
                (2, 5),
                (4, 7),
                (4, 2),
                (6, 4),
                (4, 2),
            ] {
                sort(i, j);
            }
            out.push(p[4]);
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("one byte per pixel")
}

/// One global threshold chosen by Otsu's method (the split that maximises the between-class
/// variance of the histogram).
fn otsu(img: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in img.as_raw() {
        hist[usize::from(*p)] += 1;
    }
    let total = img.as_raw().len() as f64;
    let sum: f64 = hist.iter().enumerate().map(|(i, &n)| i as f64 * n as f64).sum();
    let (mut below, mut below_sum, mut best, mut threshold) = (0.0, 0.0, 0.0, 128u8);
    for (i, &n) in hist.iter().enumerate() {
        below += n as f64;
        below_sum += i as f64 * n as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let (m0, m1) = (below_sum / below, (sum - below_sum) / above);
        let between = below * above * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            threshold = i as u8;
        }
    }
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([if img.get_pixel(x, y)[0] <= threshold { 0 } else { 255 }])
    })
}

/// A local threshold: black where a pixel is darker than the mean of the square around it
/// (1/8 of the shorter side, at least 15 px) by more than 8 levels, from a summed-area table.
fn adaptive(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let mut sat = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(src[y * w + x]);
            sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
        }
    }
    let r = (w.min(h) / 16).max(7);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = sat[y1 * (w + 1) + x1] + sat[y0 * (w + 1) + x0] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0];
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            out.push(if u64::from(src[y * w + x]) * n + 8 * n < s { 0 } else { 255 });
        }
    }
    GrayImage::from_raw(img.width(), img.height(), out).expect("one byte per pixel")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn median_network_matches_a_sorted_median() {
        let mut seed = 0x1234_5678u32;
        let img = GrayImage::from_fn(23, 17, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            Luma([(seed >> 24) as u8])
        });
        let got = median3(&img);
        for y in 0..17i64 {
            for x in 0..23i64 {
                let mut v: Vec<u8> = (-1..=1)
                    .flat_map(|dy| (-1..=1).map(move |dx| (x + dx, y + dy)))
                    .map(|(x, y)| img.get_pixel(x.clamp(0, 22) as u32, y.clamp(0, 16) as u32)[0])
                    .collect();
                v.sort_unstable();
                assert_eq!(got.get_pixel(x as u32, y as u32)[0], v[4], "at {x},{y}");
            }
        }
    }

    #[test]
    fn upscaling_keeps_flat_areas_and_skips_large_images() {
        let mut img = GrayImage::from_pixel(100, 40, Luma([200]));
        img.put_pixel(50, 20, Luma([0]));
        let up = upscaled(&img).unwrap();
        assert_eq!(up.dimensions(), (300, 120));
        assert_eq!(up.get_pixel(0, 0)[0], 200);
        assert_eq!(up.get_pixel(299, 119)[0], 200);
        assert_eq!(up.get_pixel(151, 61)[0], 0, "the centre of the enlarged dark pixel");
        assert_eq!(upscaled(&GrayImage::new(1000, 10)).unwrap().dimensions(), (2000, 20));
        assert!(upscaled(&GrayImage::new(1201, 10)).is_none());
    }

    #[test]
    fn otsu_and_adaptive_give_only_black_and_white() {
        let img = GrayImage::from_fn(64, 64, |x, y| Luma([if (x / 8 + y / 8) % 2 == 0 { 40 } else { 180 }]));
        for out in [otsu(&img), adaptive(&img)] {
            assert!(out.pixels().all(|p| p[0] == 0 || p[0] == 255));
            assert_eq!(out.get_pixel(3, 3)[0], 0);
            assert_eq!(out.get_pixel(11, 3)[0], 255);
        }
    }

    #[test]
    fn decodes_a_qr_code_and_names_the_file_when_it_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let code = qrcode::QrCode::new("https://example.com/hello?x=1").unwrap();
        let img = code.render::<image::Luma<u8>>().min_dimensions(200, 200).build();
        let good = dir.path().join("code.png");
        img.save(&good).unwrap();
        assert_eq!(decode_qr_file(&good).unwrap(), "https://example.com/hello?x=1");
        // the format comes from the content, not the name
        let renamed = dir.path().join("code-without-extension");
        std::fs::copy(&good, &renamed).unwrap();
        assert_eq!(decode_qr_file(&renamed).unwrap(), "https://example.com/hello?x=1");

        // a huge declared size is refused before decoding (a PNG header claiming 10000×10000)
        let huge = dir.path().join("huge.png");
        image::GrayImage::from_pixel(1, 1, image::Luma([255])).save(&huge).unwrap();
        let mut bytes = std::fs::read(&huge).unwrap();
        bytes[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]); // IHDR chunk type + data
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        std::fs::write(&huge, bytes).unwrap();
        let e = decode_qr_file(&huge).unwrap_err();
        assert!(e.contains("10000×10000 pixels, over the camera's limit"), "{e}");

        let blank = dir.path().join("blank.png");
        image::GrayImage::from_pixel(64, 64, image::Luma([255])).save(&blank).unwrap();
        assert_eq!(decode_qr_file(&blank).unwrap_err(), format!("no QR code found in {}", blank.display()));

        let junk = dir.path().join("junk.png");
        std::fs::write(&junk, b"not an image at all").unwrap();
        assert!(decode_qr_file(&junk).unwrap_err().contains("is not an image"));

        let missing = dir.path().join("missing.png");
        assert!(decode_qr_file(&missing).unwrap_err().starts_with(&format!("cannot read image {}", missing.display())));
    }
}
