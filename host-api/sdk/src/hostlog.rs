//! Where log lines go: the host's `sys.log` on wasm32; off wasm32 (unit tests, doctests), where
//! no host is linked, a thread-local buffer in tests and stderr otherwise.

use crate::sys::LogLevel;

#[cfg(all(not(target_arch = "wasm32"), test))]
thread_local! {
    static LINES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Log `message` at `level`.
pub(crate) fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::sys::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let level = match level {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        #[cfg(test)]
        LINES.with(|l| l.borrow_mut().push(format!("{level}: {message}")));
        #[cfg(not(test))]
        #[allow(clippy::print_stderr)]
        {
            eprintln!("{level}: {message}");
        }
    }
}

/// The lines logged on this thread since the last call.
#[cfg(all(not(target_arch = "wasm32"), test))]
pub(crate) fn take() -> Vec<String> {
    LINES.with(|l| std::mem::take(&mut *l.borrow_mut()))
}
