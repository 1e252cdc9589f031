//! One module per subcommand.

pub mod admin;
pub mod apps;
pub mod bench;
pub mod build;
pub mod cache;
pub mod cloud;
pub mod demo;
pub mod dev;
pub mod launch;
pub mod new;
pub mod publish;
pub mod qr;
pub mod run;
pub mod secret;
pub mod settings;

use anyhow::Context;

/// Parses the `--cloud` URL a command was given and makes a client over the user's cache.
pub fn cloud_client(cloud: &str) -> anyhow::Result<(url::Url, miniapp_cloud::CloudClient)> {
    let url = url::Url::parse(cloud).with_context(|| format!("bad cloud URL `{cloud}`"))?;
    let client = miniapp_cloud::CloudClient::new(miniapp_shell::HostConfig::from_env().cache_dir)?;
    Ok((url, client))
}
