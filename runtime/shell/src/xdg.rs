//! A private `XDG_RUNTIME_DIR` for Mesa: its Vulkan device-select layer complains on stderr
//! ("XDG_RUNTIME_DIR is invalid or not set") when the variable is unset, which is the usual
//! case in containers and CI. Harmless, but noise in every headless run.

use std::sync::Once;

/// Points `XDG_RUNTIME_DIR` at a fresh 0700 folder under the temp dir when it is unset (or
/// names no folder), before the first wgpu instance is made. Does nothing otherwise; runs once
/// per process. The folder is left for the OS's temp cleanup (it stays empty).
///
/// Call it before threads that read the environment start (the CLI calls it first thing).
pub fn private_runtime_dir() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| std::path::Path::new(&d).is_dir()) {
            return;
        }
        let dir = std::env::temp_dir().join(format!("miniapp-runtime-{}", std::process::id()));
        let made = {
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new().mode(0o700).recursive(true).create(&dir)
            }
            #[cfg(not(unix))]
            {
                std::fs::create_dir_all(&dir)
            }
        };
        match made {
            Ok(()) => std::env::set_var("XDG_RUNTIME_DIR", &dir),
            Err(e) => tracing::debug!(dir = %dir.display(), error = %e, "no private XDG_RUNTIME_DIR"),
        }
    });
}
