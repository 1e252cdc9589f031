//! Size and count limits on a bundle, modelled on the real platform's main-package limits, and
//! the larger limits of the base library (which carries the fonts, a CJK font included).
//!
//! Other limits of the system (page stack, set-data payload, storage quota) belong to the crates
//! that enforce them; they are listed in `docs/bundle-format.md`.

/// Largest bundle file (the `.mapp` zip itself): 2 MiB, the real platform's main package limit.
pub const DEFAULT_MAX_PACKAGE_BYTES: u64 = 2 * 1024 * 1024;
/// Largest total of all unpacked files: 8 MiB. Guards against zip bombs made of many entries.
pub const DEFAULT_MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024;
/// Most entries in one bundle, metadata files included: 1000.
pub const DEFAULT_MAX_FILES: u64 = 1000;
/// Highest unpacked:packed ratio of one entry: 100:1. Checked only for entries that unpack to
/// at least [`DEFAULT_RATIO_MIN_BYTES`], since tiny files compress oddly.
pub const DEFAULT_MAX_COMPRESSION_RATIO: u64 = 100;
/// Entries smaller than this (64 KiB unpacked) are not held to the compression ratio.
pub const DEFAULT_RATIO_MIN_BYTES: u64 = 64 * 1024;
/// Largest base library bundle file: 16 MiB. The base library is the platform's own bundle
/// (styles and fonts, a CJK font of about 5 MiB among them), so the 2 MiB app limit does not
/// apply to it.
pub const DEFAULT_BASE_MAX_PACKAGE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest unpacked total of a base library: 32 MiB.
pub const DEFAULT_BASE_MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;
/// Fewest items of a tab bar, when there is one.
pub const TAB_BAR_MIN_ITEMS: usize = 2;
/// Most items of a tab bar.
pub const TAB_BAR_MAX_ITEMS: usize = 5;
/// Longest archive path, in bytes.
pub const MAX_PATH_BYTES: usize = 255;

/// The limits a bundle is read under. `Default` gives the `DEFAULT_*` values of an app bundle;
/// [`Limits::base_library`] those of a base library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest bundle file in bytes ([`DEFAULT_MAX_PACKAGE_BYTES`]).
    pub max_package_bytes: u64,
    /// Largest unpacked total in bytes ([`DEFAULT_MAX_UNPACKED_BYTES`]).
    pub max_unpacked_bytes: u64,
    /// Most entries ([`DEFAULT_MAX_FILES`]).
    pub max_files: u64,
    /// Highest compression ratio of one entry ([`DEFAULT_MAX_COMPRESSION_RATIO`]).
    pub max_compression_ratio: u64,
    /// Entries below this unpacked size skip the ratio check ([`DEFAULT_RATIO_MIN_BYTES`]).
    pub ratio_min_bytes: u64,
}

impl Limits {
    /// The limits of a base library bundle: [`DEFAULT_BASE_MAX_PACKAGE_BYTES`] packed,
    /// [`DEFAULT_BASE_MAX_UNPACKED_BYTES`] unpacked; file count and compression ratio as for apps.
    pub fn base_library() -> Limits {
        Limits {
            max_package_bytes: DEFAULT_BASE_MAX_PACKAGE_BYTES,
            max_unpacked_bytes: DEFAULT_BASE_MAX_UNPACKED_BYTES,
            ..Limits::default()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_package_bytes: DEFAULT_MAX_PACKAGE_BYTES,
            max_unpacked_bytes: DEFAULT_MAX_UNPACKED_BYTES,
            max_files: DEFAULT_MAX_FILES,
            max_compression_ratio: DEFAULT_MAX_COMPRESSION_RATIO,
            ratio_min_bytes: DEFAULT_RATIO_MIN_BYTES,
        }
    }
}

/// Which limit was exceeded, carried by [`crate::Error::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// The bundle file's size.
    PackageSize,
    /// The total unpacked size.
    UnpackedSize,
    /// The number of entries.
    FileCount,
}

impl LimitKind {
    /// The unit shown after the numbers in messages.
    pub fn unit(self) -> &'static str {
        match self {
            LimitKind::PackageSize | LimitKind::UnpackedSize => " bytes",
            LimitKind::FileCount => " files",
        }
    }
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LimitKind::PackageSize => "package size",
            LimitKind::UnpackedSize => "unpacked size",
            LimitKind::FileCount => "file count",
        })
    }
}
