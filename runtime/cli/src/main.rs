//! `miniapp`: the command-line face of the runtime. Thin glue: each subcommand lives in
//! `commands/<name>.rs` and calls into the library crates; errors are printed once, here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod c_bindings;
mod c_logic;
mod commands;
mod precompile;
mod progress;
mod review;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc instead of glibc malloc (the default `mimalloc` feature): a page's layout allocates
/// and frees many small objects (tree nodes, styles, shaped lines), where glibc's malloc and free
/// were a third of the time (`perf` on `miniapp bench --filter view.`); the same build with glibc
/// measured 42 ms for the 1000-row first layout against 21 ms, at the same PSS.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// miniapp — open mini programs from a link or QR code: nothing to install.
///
/// Apps are signed bundles served by a platform cloud; their logic runs as a WebAssembly
/// component that can call only the host API; their pages are laid out and drawn with wgpu.
#[derive(Parser)]
#[command(name = "miniapp", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start an embedded cloud with the sample apps and open the first one.
    Demo(commands::demo::Args),
    /// Develop an app folder: build, publish to an embedded dev cloud, open it, and reload on
    /// every change (templates, styles and json in place; logic rebuilt and relaunched).
    Dev(commands::dev::Args),
    /// Run the platform cloud.
    #[command(subcommand)]
    Cloud(commands::cloud::CloudCommand),
    /// Build an app folder into a signed bundle (.mapp).
    Build(commands::build::Args),
    /// Create a new app folder from a template (the SDK comes with this miniapp).
    New(commands::new::Args),
    /// Publish a bundle to a cloud (runs the cloud's review).
    Publish(commands::publish::Args),
    /// Publish a base library (default component styles, assets) to a cloud.
    PublishBase(commands::publish::BaseArgs),
    /// Open an app from its launch URL in a window.
    Launch(commands::launch::Args),
    /// Run an app from its launch URL, headless, with a script of steps.
    Run(commands::run::Args),
    /// Ban, suspend or unban an app on a cloud (needs the cloud's token).
    #[command(subcommand)]
    Admin(commands::admin::AdminCommand),
    /// Print an app's secret, for its back end's code2session calls (needs the cloud's token).
    Secret(commands::secret::Args),
    /// List the apps on a cloud, or one app's versions and status.
    Apps(commands::apps::Args),
    /// Inspect or clear the local bundle cache.
    #[command(subcommand)]
    Cache(commands::cache::CacheCommand),
    /// Write a QR code of a launch URL to a PNG.
    Qr(commands::qr::QrArgs),
    /// Decode the QR code in an image and open the app it names (--print only prints it).
    Scan(commands::qr::ScanArgs),
    /// Show an app's permission answers, or reset them so it asks again.
    Settings(commands::settings::Args),
    /// Measure launch, sandbox, layout and render costs (median / p10 / p90).
    Bench(commands::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any thread or GPU instance: Mesa's Vulkan layer wants a runtime dir.
    miniapp_shell::private_runtime_dir();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo(a) => commands::demo::run(a),
        Command::Dev(a) => commands::dev::run(a),
        Command::Cloud(c) => commands::cloud::run(c),
        Command::Build(a) => commands::build::run(a),
        Command::New(a) => commands::new::run(a),
        Command::Publish(a) => commands::publish::run(a),
        Command::PublishBase(a) => commands::publish::run_base(a),
        Command::Launch(a) => commands::launch::run(a),
        Command::Run(a) => commands::run::run(a),
        Command::Admin(c) => commands::admin::run(c),
        Command::Secret(a) => commands::secret::run(a),
        Command::Apps(a) => commands::apps::run(a),
        Command::Cache(c) => commands::cache::run(c),
        Command::Qr(a) => commands::qr::qr(a),
        Command::Scan(a) => commands::qr::scan(a),
        Command::Settings(a) => commands::settings::run(a),
        Command::Bench(a) => commands::bench::run(a),
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MINIAPP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,wgpu_core=error,wgpu_hal=error,wgpu_hal::gles=off,naga=warn"));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
