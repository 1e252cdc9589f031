//! `miniapp qr URL -o FILE.png` and `miniapp scan IMAGE`: launch URLs to QR codes and back (the
//! simulated camera: any PNG or JPEG with a QR code in it).

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `miniapp qr`.
#[derive(clap::Args)]
pub struct QrArgs {
    /// The launch URL to encode.
    pub url: String,
    /// Output PNG.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Minimum image size in pixels.
    #[arg(long, default_value_t = 256)]
    pub size: u32,
}

/// Arguments of `miniapp scan`.
#[derive(clap::Args)]
pub struct ScanArgs {
    /// A PNG or JPEG image holding a QR code.
    pub image: PathBuf,
}

pub fn qr(a: QrArgs) -> Result<ExitCode> {
    // Check it is a launch URL, so a typo does not end up printed on a poster.
    miniapp_cloud::LaunchUrl::parse(&a.url)?;
    let png = miniapp_cloud::qr_png(&a.url, a.size).map_err(|e| anyhow::anyhow!("encoding the QR code: {e}"))?;
    std::fs::write(&a.output, png).with_context(|| format!("writing {}", a.output.display()))?;
    println!("wrote {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}

/// Decodes the first QR code in an image (the same decoder as the simulator's camera).
pub fn decode(path: &std::path::Path) -> Result<String> {
    miniapp_shell::camera::decode_qr_file(path).map_err(|e| anyhow::anyhow!(e))
}

pub fn scan(a: ScanArgs) -> Result<ExitCode> {
    let content = decode(&a.image)?;
    println!("{content}");
    if miniapp_cloud::LaunchUrl::parse(&content).is_err() {
        eprintln!("note: this QR code does not hold a miniapp launch URL");
    }
    Ok(ExitCode::SUCCESS)
}
