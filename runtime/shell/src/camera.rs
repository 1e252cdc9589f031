//! The simulated camera behind `device.scan-code`: the user drops an image (or a script names
//! one) and the first QR code in it is decoded with rqrr.

use std::path::Path;

/// Images larger than this many pixels are refused before decoding (a 64-megapixel bomb would
/// otherwise take seconds and hundreds of MiB).
pub const MAX_CAMERA_PIXELS: u64 = 40_000_000;

/// Decodes the first QR code in the image file at `path`.
///
/// # Errors
/// A message naming the file: it cannot be read or is not an image, it is over
/// [`MAX_CAMERA_PIXELS`], it shows no QR code, or the code does not decode.
pub fn decode_qr_file(path: &Path) -> Result<String, String> {
    let mut reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot read image {}: {e}", path.display()))?;
    // One reader, its format sniffed from the content (not the file name), with the pixel limit
    // enforced by the decoder itself before it allocates.
    let side = (MAX_CAMERA_PIXELS as f64).sqrt() as u32 * 4;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(MAX_CAMERA_PIXELS * 4);
    reader.limits(limits);
    // One pass over the file: the header gives the size, checked before any pixel is decoded.
    let decoder = reader.into_decoder().map_err(|e| format!("{} is not an image: {e}", path.display()))?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if u64::from(w) * u64::from(h) > MAX_CAMERA_PIXELS {
        return Err(format!(
            "image {} is {w}×{h} pixels, over the camera's limit of {MAX_CAMERA_PIXELS} pixels",
            path.display()
        ));
    }
    let img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("{} is not an image: {e}", path.display()))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    let Some(grid) = grids.first() else {
        return Err(format!("no QR code found in {}", path.display()));
    };
    let (_, content) = grid.decode().map_err(|e| format!("the QR code in {} does not decode: {e}", path.display()))?;
    Ok(content)
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
