//! `miniapp qr URL -o FILE.png` and `miniapp scan IMAGE`: launch URLs to QR codes and back (the
//! simulated camera: any PNG or JPEG with a QR code in it). `scan` opens what it decodes, as
//! `miniapp launch` (a window) or `miniapp run --headless` would; `--print` only prints it.

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
    /// A PNG or JPEG image holding a QR code (a photo is fine: rotated, small, blurred or noisy).
    pub image: PathBuf,
    /// Only print what the code holds; open nothing.
    #[arg(long, conflicts_with_all = ["headless", "script", "exit_after"])]
    pub print: bool,
    /// Run the app without a window, as `miniapp run URL --headless` does.
    #[arg(long)]
    pub headless: bool,
    /// With --headless: a script of steps to run (see `miniapp run --help`).
    #[arg(long, value_name = "FILE", requires = "headless")]
    pub script: Option<PathBuf>,
    /// Without --headless: close the window by itself after this many milliseconds.
    #[arg(long, value_name = "MS", conflicts_with = "headless")]
    pub exit_after: Option<u64>,
    /// The simulated device (as for `miniapp launch` and `miniapp run`).
    #[arg(long, value_enum, value_name = "NAME", default_value = "iPhone SE", ignore_case = true)]
    pub device: super::launch::DeviceArg,
    /// When the cloud has a newer version than the cached one, download and launch it now.
    #[arg(long)]
    pub latest: bool,
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
    let is_launch_url = miniapp_cloud::LaunchUrl::parse(&content).is_ok();
    if a.print {
        println!("{content}");
        if !is_launch_url {
            eprintln!("note: this QR code does not hold a miniapp launch URL");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !is_launch_url {
        anyhow::bail!("this QR code holds {content}, not a miniapp launch URL; nothing was opened");
    }
    eprintln!("scanned {content}");
    if a.headless {
        super::run::run(super::run::Args {
            url: content,
            headless: true,
            script: a.script,
            screenshot: None,
            trace: None,
            device: a.device,
            scale: None,
            latest: a.latest,
            panels: None,
        })
    } else {
        super::launch::run(super::launch::Args {
            url: Some(content),
            exit_after: a.exit_after,
            device: a.device,
            latest: a.latest,
        })
    }
}
