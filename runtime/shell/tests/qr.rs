//! The simulated camera reads real-looking images: QR codes made by an independent encoder
//! (Python's segno, through `scripts/qr-fixtures.py`) decode to their exact text after rotation
//! by any angle, scaling down to 120 px, blur, salt-and-pepper noise, JPEG compression and
//! pasting into a busy photo; of two codes the launch URL wins; images without a code say
//! "no QR code found in PATH".
//!
//! The distortions are made here with the `image` crate, so the only outside tool is segno for
//! the code itself. Without python3 or segno the test fails and names `cargo xtask setup`.

use image::{GrayImage, ImageEncoder, Luma, Rgb, RgbImage};
use miniapp_shell::camera::decode_qr_file;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod fuzz_regressions;

/// A fixture code from segno: its image and the text it holds.
struct Code {
    img: GrayImage,
    text: String,
}

/// Runs `scripts/qr-fixtures.py` into `dir` and loads the codes it wrote.
fn segno_codes(dir: &Path) -> [Code; 3] {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/qr-fixtures.py");
    let out = Command::new("python3").arg(&script).arg(dir).output().unwrap_or_else(|e| {
        panic!("cannot run python3 ({e}): the QR fixtures are made by Python's segno; run `cargo xtask setup`")
    });
    assert!(
        out.status.success(),
        "{} failed; it needs python3 with segno: run `cargo xtask setup`\n{}{}",
        script.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ["launch", "hello", "long"].map(|name| Code {
        img: image::open(dir.join(format!("{name}.png"))).expect("segno wrote a PNG").to_luma8(),
        text: std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("and its text"),
    })
}

/// A small deterministic random source (xorshift64*), so every run sees the same images.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        (self.next() >> 33) as u32 % n
    }
    /// Roughly normal, mean 0 and standard deviation 1 (sum of four uniforms).
    fn gauss(&mut self) -> f32 {
        (0..4).map(|_| self.below(10_000) as f32 / 10_000.0).sum::<f32>() * 1.732 - 3.464
    }
}

/// `img` turned by `deg` degrees (counter-clockwise) about its centre, on a white canvas that
/// holds all of it, with bilinear sampling.
fn rotate(img: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (s, c) = deg.to_radians().sin_cos();
    let (ow, oh) = ((w * c.abs() + h * s.abs()).ceil() as u32, (w * s.abs() + h * c.abs()).ceil() as u32);
    let (cx, cy, ocx, ocy) = (w / 2.0, h / 2.0, ow as f32 / 2.0, oh as f32 / 2.0);
    GrayImage::from_fn(ow, oh, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - ocx, y as f32 + 0.5 - ocy);
        let sx = c * dx - s * dy + cx - 0.5;
        let sy = s * dx + c * dy + cy - 0.5;
        Luma([bilinear(img, sx, sy)])
    })
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> u8 {
    let px = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
            255.0
        } else {
            f32::from(img.get_pixel(x as u32, y as u32)[0])
        }
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
    let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

/// Scaled so that its longer side is `side` pixels.
fn scale_to(img: &GrayImage, side: u32) -> GrayImage {
    image::imageops::resize(img, side, side, image::imageops::FilterType::Triangle)
}

/// Dark in the top-left corner fading to full light in the bottom-right, with low contrast (as a
/// code half in a shadow).
fn shadow(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let light = 0.25 + 0.75 * (x as f32 / w + y as f32 / h) / 2.0;
        Luma([(f32::from(img.get_pixel(x, y)[0]) * 0.6 * light + 60.0 * light) as u8])
    })
}

/// Sets `fraction` of the pixels to pure black or white at random.
fn salt_and_pepper(img: &GrayImage, fraction: f32, rng: &mut Rng) -> GrayImage {
    let mut out = img.clone();
    let threshold = (fraction * 10_000.0) as u32;
    for p in out.pixels_mut() {
        if rng.below(10_000) < threshold {
            p[0] = if rng.below(2) == 0 { 0 } else { 255 };
        }
    }
    out
}

/// A 1200×900 colour "photo": a gradient with sensor noise, and boxes, discs and stripes of
/// other content (some of them dark squares, like a finder pattern's core).
fn photo(rng: &mut Rng) -> RgbImage {
    let mut img = RgbImage::from_fn(1200, 900, |x, y| {
        let base = 90.0 + 100.0 * x as f32 / 1200.0 + 40.0 * y as f32 / 900.0;
        Rgb([base as u8, (base * 0.9) as u8, (base * 0.7) as u8])
    });
    for _ in 0..40 {
        let (x0, y0) = (rng.below(1150), rng.below(850));
        let (w, h) = (20 + rng.below(200), 20 + rng.below(200));
        let colour = Rgb([rng.below(256) as u8, rng.below(256) as u8, rng.below(256) as u8]);
        let disc = rng.below(3) == 0;
        for y in y0..(y0 + h).min(900) {
            for x in x0..(x0 + w).min(1200) {
                let (dx, dy) = (x as f32 - (x0 + w / 2) as f32, y as f32 - (y0 + h / 2) as f32);
                if !disc || (dx / w as f32).powi(2) + (dy / h as f32).powi(2) < 0.25 {
                    img.put_pixel(x, y, colour);
                }
            }
        }
    }
    for y in 700..760 {
        for x in 50..600 {
            if (x / 7) % 2 == 0 {
                img.put_pixel(x, y, Rgb([20, 20, 20]));
            }
        }
    }
    for p in img.pixels_mut() {
        let n = rng.gauss() * 8.0;
        for c in &mut p.0 {
            *c = (f32::from(*c) + n).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

/// Pastes a grey code into a colour photo at (x, y).
fn paste(photo: &mut RgbImage, code: &GrayImage, x: u32, y: u32) {
    for (cx, cy, p) in code.enumerate_pixels() {
        if x + cx < photo.width() && y + cy < photo.height() {
            photo.put_pixel(x + cx, y + cy, Rgb([p[0], p[0], p[0]]));
        }
    }
}

fn write_png(dir: &Path, name: &str, img: &GrayImage) -> PathBuf {
    let path = dir.join(format!("{name}.png"));
    img.save(&path).unwrap();
    path
}

fn write_jpeg(dir: &Path, name: &str, img: &image::DynamicImage, quality: u8) -> PathBuf {
    let path = dir.join(format!("{name}.jpg"));
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(file, quality)
        .write_image(&rgb, rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    path
}

/// Decodes `path`, printing how long it took (see with `--nocapture`).
fn timed_decode(path: &Path) -> Result<String, String> {
    let start = Instant::now();
    let r = decode_qr_file(path);
    eprintln!("{:>8.1} ms  {}", start.elapsed().as_secs_f64() * 1000.0, path.file_name().unwrap().to_string_lossy());
    r
}

#[test]
fn distorted_segno_codes_decode_to_their_exact_text() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let [launch, hello, long] = segno_codes(&dir.join("segno"));
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut cases: Vec<(PathBuf, &str)> = Vec::new();

    for (name, code) in [("launch", &launch), ("hello", &hello), ("long", &long)] {
        cases.push((write_png(dir, &format!("plain-{name}"), &code.img), &code.text));
    }
    for deg in [17.0, 45.0, 90.0, 173.0] {
        cases.push((write_png(dir, &format!("rotated-{deg}"), &rotate(&launch.img, deg)), &launch.text));
        cases.push((write_png(dir, &format!("rotated-long-{deg}"), &rotate(&long.img, deg)), &long.text));
    }
    cases.push((write_png(dir, "small-120", &scale_to(&launch.img, 120)), &launch.text));
    cases.push((write_png(dir, "small-120-hello", &scale_to(&hello.img, 120)), &hello.text));
    cases.push((write_png(dir, "small-120-rotated-17", &scale_to(&rotate(&launch.img, 17.0), 120)), &launch.text));
    cases.push((write_png(dir, "blurred", &image::imageops::blur(&launch.img, 3.0)), &launch.text));
    cases.push((write_png(dir, "blurred-long", &image::imageops::blur(&long.img, 2.5)), &long.text));
    cases.push((write_png(dir, "blurred-heavy", &image::imageops::blur(&launch.img, 4.0)), &launch.text));
    cases.push((
        write_png(dir, "blurred-small", &image::imageops::blur(&scale_to(&launch.img, 180), 1.2)),
        &launch.text,
    ));
    cases.push((write_png(dir, "shadow", &shadow(&launch.img)), &launch.text));
    cases.push((write_png(dir, "salt-and-pepper", &salt_and_pepper(&launch.img, 0.08, &mut rng)), &launch.text));
    cases.push((
        write_png(dir, "salt-and-pepper-rotated", &salt_and_pepper(&rotate(&long.img, 45.0), 0.05, &mut rng)),
        &long.text,
    ));
    cases.push((write_jpeg(dir, "jpeg-40", &scale_to(&launch.img, 200).into(), 40), &launch.text));
    cases.push((write_jpeg(dir, "jpeg-40-rotated", &rotate(&scale_to(&long.img, 300), 173.0).into(), 40), &long.text));

    let mut scene = photo(&mut rng);
    paste(&mut scene, &rotate(&scale_to(&launch.img, 260), 12.0), 610, 180);
    cases.push((write_jpeg(dir, "photo", &scene.into(), 70), &launch.text));
    let mut scene = photo(&mut rng);
    paste(&mut scene, &scale_to(&long.img, 220), 300, 420);
    cases.push((write_jpeg(dir, "photo-small-40", &scene.into(), 40), &long.text));

    // Two codes, the first (left) only text: the launch URL on the right wins.
    let mut scene = photo(&mut rng);
    paste(&mut scene, &scale_to(&hello.img, 300), 80, 200);
    paste(&mut scene, &scale_to(&launch.img, 300), 700, 240);
    cases.push((write_jpeg(dir, "two-codes", &scene.into(), 80), &launch.text));
    // Two codes that are both text: the first decoded is returned.
    let mut two = GrayImage::from_pixel(900, 450, Luma([255]));
    image::imageops::overlay(&mut two, &scale_to(&hello.img, 400), 20, 25);
    image::imageops::overlay(&mut two, &scale_to(&hello.img, 400), 470, 25);
    cases.push((write_png(dir, "two-same-text", &two), &hello.text));

    let mut failures = Vec::new();
    for (path, want) in &cases {
        match timed_decode(path) {
            Ok(got) if got == *want => {}
            Ok(got) => failures.push(format!("{}: decoded {got:?}, expected {want:?}", path.display())),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn images_without_a_code_say_no_qr_code_found() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut rng = Rng(0x5eed_cafe_f00d_0002);
    let blank = write_png(dir, "blank", &GrayImage::from_pixel(640, 480, Luma([255])));
    let noise = write_png(dir, "noise", &GrayImage::from_fn(640, 480, |_, _| Luma([rng.below(256) as u8])));
    let grey_noise = write_png(
        dir,
        "grey-noise",
        &GrayImage::from_fn(800, 600, |_, _| Luma([(128.0 + rng.gauss() * 30.0).clamp(0.0, 255.0) as u8])),
    );
    let scene = write_jpeg(dir, "photo-without-code", &photo(&mut rng).into(), 60);
    let tiny = write_png(dir, "tiny", &GrayImage::from_pixel(1, 1, Luma([0])));
    for path in [blank, noise, grey_noise, scene, tiny] {
        assert_eq!(timed_decode(&path), Err(format!("no QR code found in {}", path.display())));
    }
}
