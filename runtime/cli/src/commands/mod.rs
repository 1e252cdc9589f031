//! One module per subcommand.

pub mod build;
pub mod cloud;
pub mod demo;
pub mod launch;
pub mod publish;
pub mod run;
