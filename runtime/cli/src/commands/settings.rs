//! `miniapp settings APPID [--reset [SCOPE]]`: the simulator's per-app settings page — the
//! permission answers the user gave (`auth.authorize`), and resetting them so the app asks again.

use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `miniapp settings`.
#[derive(clap::Args)]
pub struct Args {
    /// The app id.
    pub appid: String,
    /// Forget the remembered answers (all of them, or the one scope given, e.g. `scope.camera`):
    /// the app's next `authorize` asks again.
    #[arg(long, value_name = "SCOPE", num_args = 0..=1, default_missing_value = "")]
    pub reset: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let path = miniapp_shell::HostConfig::from_env().cache_dir.join("storage.sqlite3");
    let storage = miniapp_sandbox::Storage::open(&path)?;
    if let Some(scope) = a.reset.as_deref().filter(|s| !s.is_empty()) {
        miniapp_sandbox::check_scope(scope).map_err(anyhow::Error::msg)?;
    }
    // One app id may come from several clouds: each has its own answers (`HOST:PORT/APPID`).
    let owners = storage.permission_owners(&a.appid)?;
    if owners.is_empty() {
        println!("{} has asked for no permissions", a.appid);
    }
    for owner in owners {
        match a.reset.as_deref() {
            None => {
                println!("{owner}");
                for (scope, granted) in storage.permissions(&owner)? {
                    let what = miniapp_sandbox::scope_description(&scope).unwrap_or("");
                    println!("  {scope:<24} {:<7} {what}", if granted { "allowed" } else { "denied" });
                }
            }
            Some("") => {
                let n = storage.reset_permissions(&owner, None)?;
                println!("{owner}: forgot {n} permission answer(s); it will ask again");
            }
            Some(scope) => {
                let n = storage.reset_permissions(&owner, Some(scope))?;
                println!("{owner}: forgot {n} answer for {scope}; it will ask again");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
