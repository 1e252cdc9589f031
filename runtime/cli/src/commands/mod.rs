//! One module per subcommand.

pub mod admin;
pub mod apps;
pub mod bench;
pub mod build;
pub mod cache;
pub mod cloud;
pub mod demo;
pub mod launch;
pub mod publish;
pub mod qr;
pub mod run;
