//! Saving PNGs and comparing images (for snapshot tests and the headless
//! driver's pixel assertions).

use std::path::Path;

use image::RgbaImage;

use crate::error::{Error, Result};

/// How two images of the same size differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageDiff {
    /// mean absolute difference per channel (R, G, B, A together), 0..=255
    pub mean: f64,
    /// largest absolute difference of any channel of any pixel, 0..=255
    pub max: u8,
    /// pixels where any channel differs by more than 0
    pub differing_pixels: u64,
    /// pixels in each image
    pub pixels: u64,
}

impl ImageDiff {
    /// Whether the images are identical.
    pub fn is_identical(&self) -> bool {
        self.max == 0
    }
}

impl std::fmt::Display for ImageDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "mean difference {:.3}/255, max {}/255, {} of {} pixels differ",
            self.mean, self.max, self.differing_pixels, self.pixels
        )
    }
}

/// Compares two images channel by channel.
///
/// # Errors
///
/// [`Error::SizeMismatch`] when their sizes differ.
pub fn compare(a: &RgbaImage, b: &RgbaImage) -> Result<ImageDiff> {
    if a.dimensions() != b.dimensions() {
        return Err(Error::SizeMismatch {
            a_width: a.width(),
            a_height: a.height(),
            b_width: b.width(),
            b_height: b.height(),
        });
    }
    let mut sum = 0u64;
    let mut max = 0u8;
    let mut differing = 0u64;
    for (pa, pb) in a.pixels().zip(b.pixels()) {
        let mut any = false;
        for (ca, cb) in pa.0.iter().zip(pb.0.iter()) {
            let d = ca.abs_diff(*cb);
            sum += u64::from(d);
            max = max.max(d);
            any |= d > 0;
        }
        differing += u64::from(any);
    }
    let pixels = u64::from(a.width()) * u64::from(a.height());
    Ok(ImageDiff {
        mean: if pixels == 0 {
            0.0
        } else {
            sum as f64 / (pixels * 4) as f64
        },
        max,
        differing_pixels: differing,
        pixels,
    })
}

/// A picture of where two same-sized images differ: unchanged pixels are a
/// faded copy of `a`, differing pixels are red, brighter for larger
/// differences.
///
/// # Errors
///
/// [`Error::SizeMismatch`] when their sizes differ.
pub fn diff_image(a: &RgbaImage, b: &RgbaImage) -> Result<RgbaImage> {
    if a.dimensions() != b.dimensions() {
        return Err(Error::SizeMismatch {
            a_width: a.width(),
            a_height: a.height(),
            b_width: b.width(),
            b_height: b.height(),
        });
    }
    Ok(RgbaImage::from_fn(a.width(), a.height(), |x, y| {
        let pa = a.get_pixel(x, y).0;
        let pb = b.get_pixel(x, y).0;
        let d = pa
            .iter()
            .zip(pb.iter())
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        if d == 0 {
            let grey = ((u16::from(pa[0]) + u16::from(pa[1]) + u16::from(pa[2])) / 3) as u8;
            let faded = 192 + grey / 4;
            image::Rgba([faded, faded, faded, 255])
        } else {
            image::Rgba([255, 128u8.saturating_sub(d), 0, 255])
        }
    }))
}

/// Writes `img` as a PNG, creating the parent folder if needed.
///
/// # Errors
///
/// [`Error::CreateDir`] or [`Error::SavePng`] naming the path.
pub fn save_png(img: &RgbaImage, path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::CreateDir {
            path: parent.to_owned(),
            source,
        })?;
    }
    img.save_with_format(path, image::ImageFormat::Png)
        .map_err(|source| Error::SavePng {
            path: path.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_have_zero_difference() {
        let a = RgbaImage::from_pixel(4, 3, image::Rgba([1, 2, 3, 255]));
        let d = compare(&a, &a.clone()).unwrap();
        assert!(d.is_identical());
        assert_eq!(d.pixels, 12);
        assert_eq!(d.differing_pixels, 0);
    }

    #[test]
    fn one_changed_channel_gives_mean_max_and_pixel_count() {
        let a = RgbaImage::from_pixel(2, 2, image::Rgba([0, 0, 0, 255]));
        let mut b = a.clone();
        b.put_pixel(1, 1, image::Rgba([40, 0, 0, 255]));
        let d = compare(&a, &b).unwrap();
        assert_eq!(d.max, 40);
        assert_eq!(d.differing_pixels, 1);
        assert!((d.mean - 40.0 / 16.0).abs() < 1e-9);
        let pic = diff_image(&a, &b).unwrap();
        assert_eq!(pic.get_pixel(1, 1).0[0], 255);
    }

    #[test]
    fn images_of_different_sizes_are_an_error_naming_both_sizes() {
        let a = RgbaImage::new(2, 2);
        let b = RgbaImage::new(3, 2);
        let e = compare(&a, &b).unwrap_err();
        assert_eq!(e.to_string(), "image sizes differ: 2x2 vs 3x2");
    }

    #[test]
    fn save_png_creates_missing_folders_and_round_trips() {
        let dir = std::env::temp_dir().join(format!("miniapp-render-save-{}", std::process::id()));
        let path = dir.join("a/b/c.png");
        let img = RgbaImage::from_pixel(3, 2, image::Rgba([7, 193, 96, 255]));
        save_png(&img, &path).unwrap();
        let back = image::open(&path).unwrap().to_rgba8();
        assert_eq!(back, img);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn save_png_into_a_file_path_names_the_folder() {
        let dir = std::env::temp_dir().join(format!("miniapp-render-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("file");
        std::fs::write(&file, b"x").unwrap();
        let e = save_png(&RgbaImage::new(1, 1), &file.join("x.png")).unwrap_err();
        assert!(e.to_string().starts_with("cannot create folder"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
