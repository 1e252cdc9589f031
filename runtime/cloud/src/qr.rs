//! QR codes of launch URLs, as PNG bytes.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::QrCode;

/// The modules of `text`'s QR code, row by row (`true` is dark), without the quiet zone: what
/// the shell draws as rectangles (the capsule's Share).
///
/// # Errors
/// Text too long for a QR code.
pub fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| format!("cannot encode {} bytes as a QR code: {e}", text.len()))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

/// Encodes `text` as a QR code PNG of at least `min_px` pixels a side (quiet zone included).
pub fn qr_png(text: &str, min_px: u32) -> Result<Vec<u8>, String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| format!("cannot encode {} bytes as a QR code: {e}", text.len()))?;
    let img = code.render::<Luma<u8>>().min_dimensions(min_px, min_px).build();
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).map_err(|e| format!("encoding the QR code as PNG: {e}"))?;
    Ok(out.into_inner())
}
