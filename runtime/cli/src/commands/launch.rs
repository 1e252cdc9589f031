//! `miniapp launch [URL]`: open an app in the simulator window (the window opens at once and shows
//! the download, then the app, or the error page when the launch fails); without a URL, the
//! window opens on the home screen (recent apps, Open URL, Scan).

use anyhow::{Context, Result};
use miniapp_shell::{Device, Host, HostConfig};
use std::process::ExitCode;

/// Arguments of `miniapp launch`.
#[derive(clap::Args)]
pub struct Args {
    /// Launch URL: http://HOST:PORT/apps/APPID[?path=PAGE&query=...]; without it the window
    /// opens on the home screen.
    pub url: Option<String>,
    /// Close the window by itself after this many milliseconds (for automation).
    #[arg(long, value_name = "MS")]
    pub exit_after: Option<u64>,
    /// The simulated device: its screen size lays the pages out (750rpx is its width).
    #[arg(long, value_enum, value_name = "NAME", default_value = "iPhone SE", ignore_case = true)]
    pub device: DeviceArg,
    /// When the cloud has a newer version than the cached one, download and launch it now
    /// (by default the cached one starts at once and the newer one applies on the next launch).
    #[arg(long)]
    pub latest: bool,
}

/// A device preset as `--device` names it (`miniapp launch`, `miniapp run --headless`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeviceArg {
    /// 375×667 logical px at 2×.
    #[value(name = "iPhone SE", alias = "iphone-se")]
    IphoneSe,
    /// 393×852 logical px at 3×.
    #[value(name = "iPhone 15", alias = "iphone-15")]
    Iphone15,
    /// 360×800 logical px at 3×.
    #[value(name = "Android")]
    Android,
    /// 768×1024 logical px at 2×.
    #[value(name = "iPad")]
    Ipad,
}

impl DeviceArg {
    /// The shell's preset of this name.
    pub fn device(self) -> Device {
        match self {
            DeviceArg::IphoneSe => Device::IPHONE_SE,
            DeviceArg::Iphone15 => Device::IPHONE_15,
            DeviceArg::Android => Device::ANDROID,
            DeviceArg::Ipad => Device::IPAD,
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = HostConfig { device: args.device.device(), latest: args.latest, ..HostConfig::from_env() };
    let mut host = Host::new(config).context("starting the host")?;
    let exit_after = args.exit_after.map(std::time::Duration::from_millis);
    match &args.url {
        Some(url) => window(&mut host, url, exit_after),
        None => {
            let report = miniapp_shell::window::home(&mut host, exit_after).context("opening the window on the home screen")?;
            host.finish_updates();
            eprintln!("window closed after {} frames", report.frames);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs the window on `url` until it is closed, then reports the launch on stderr; a launch
/// that failed (shown in the window) is the error returned.
pub fn window(host: &mut Host, url: &str, exit_after: Option<std::time::Duration>) -> Result<ExitCode> {
    let r = miniapp_shell::window::launch(host, url, exit_after).with_context(|| format!("opening the window on {url}"));
    host.finish_updates();
    let report = r?;
    if let Some(l) = &report.launched {
        eprintln!(
            "{} {} started{}{} on base library {} in {:.0} ms",
            l.app,
            l.version,
            if l.from_cache { " from cache" } else { "" },
            if l.offline { " (offline: the cloud cannot be reached)" } else { "" },
            l.base,
            l.timings.fetch_ms + l.timings.verify_ms + l.timings.base_ms + l.timings.compile_ms + l.timings.instantiate_ms
        );
        if let Some(v) = &l.update_pending {
            eprintln!("a newer version {v} was downloaded; it applies on the next launch (--latest applies it now)");
        }
    }
    eprintln!("window closed after {} frames", report.frames);
    match report.launch_error {
        Some(e) => Err(anyhow::Error::new(e).context(format!("launching {url}"))),
        None => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_shell_preset_has_a_device_name() {
        let names: Vec<String> = DeviceArg::value_variants()
            .iter()
            .map(|v| v.to_possible_value().expect("named").get_name().to_string())
            .collect();
        let presets: Vec<&str> = Device::PRESETS.iter().map(|d| d.name).collect();
        assert_eq!(names, presets);
        for v in DeviceArg::value_variants() {
            let name = v.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(v.device().name, name);
        }
    }
}
