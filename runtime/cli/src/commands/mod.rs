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

/// A temporary folder for one run of `what` (`demo`, `dev`) and a `--dev` cloud embedded in
/// this process, with the production review, its data under that folder; the folder, the
/// running cloud and its URL.
pub fn embedded_dev_cloud(what: &str) -> anyhow::Result<(std::path::PathBuf, miniapp_cloud::RunningCloud, url::Url)> {
    let work = std::env::temp_dir().join(format!("miniapp-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let mut config = miniapp_cloud::ServerConfig::new(work.join("cloud"));
    config.dev = true;
    config.review = Some(crate::review::hook());
    config.precompilers = crate::precompile::precompilers(true);
    let cloud = miniapp_cloud::spawn_background(config).with_context(|| format!("starting the {what} cloud"))?;
    let url = url::Url::parse(&format!("http://{}/", cloud.addr))?;
    Ok((work, cloud, url))
}

/// Parses the `--cloud` URL a command was given and makes a client over the user's cache.
pub fn cloud_client(cloud: &str) -> anyhow::Result<(url::Url, miniapp_cloud::CloudClient)> {
    let url = url::Url::parse(cloud).with_context(|| format!("bad cloud URL `{cloud}`"))?;
    let client = miniapp_cloud::CloudClient::new(miniapp_shell::HostConfig::from_env().cache_dir)?;
    Ok((url, client))
}
