//! `LockedBundle`: the verified, in-memory form of a bundle that every later crate consumes.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::id::PagePath;
use crate::manifest::{parse_json, AppManifest, BaseManifest, PageConfig};
use crate::signature::VerifyingKey;

/// Name of the app's logic component inside the bundle.
pub const LOGIC_WASM: &str = "logic.wasm";
/// Name of a base library's manifest.
pub const BASE_JSON: &str = "base.json";
/// Name of the global stylesheet inside the bundle.
pub const APP_CSS: &str = "app.css";
/// The base library's default styles of the built-in components.
pub const BASE_COMPONENTS_CSS: &str = "styles/components.css";

/// Whether a bundle path names a font file (`.ttf`, `.otf`, `.ttc`, any case).
pub(crate) fn is_font(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc"].iter().any(|ext| lower.ends_with(ext))
}

/// A bundle whose archive, hashes and signatures have been verified and whose manifest parsed.
/// Only [`crate::verify`] makes one.
#[derive(Debug, Clone)]
pub struct LockedBundle {
    /// The parsed `app.json`.
    pub manifest: AppManifest,
    /// `sha256:<hex>` of the whole bundle file.
    pub digest: String,
    /// Size of the bundle file in bytes.
    pub size: u64,
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) publisher_key: VerifyingKey,
    pub(crate) platform_key: Option<VerifyingKey>,
}

impl LockedBundle {
    /// The content of an app file (not `_meta/`), if present.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// An app file as UTF-8 text; `missing file: <path>` or `<path> is not valid utf-8` otherwise.
    pub fn text(&self, path: &str) -> Result<&str> {
        let bytes = self.file(path).ok_or_else(|| Error::MissingFile(path.to_string()))?;
        std::str::from_utf8(bytes).map_err(|_| Error::NotUtf8(path.to_string()))
    }

    /// The app's logic component (`logic.wasm`).
    pub fn logic_wasm(&self) -> Result<&[u8]> {
        self.file(LOGIC_WASM).ok_or_else(|| Error::MissingFile(LOGIC_WASM.to_string()))
    }

    /// The global stylesheet `app.css`, if the app has one.
    pub fn app_css(&self) -> Result<Option<&str>> {
        if self.files.contains_key(APP_CSS) {
            self.text(APP_CSS).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A page's template, `pages/x/x.xml`.
    pub fn page_template(&self, page: &PagePath) -> Result<&str> {
        self.text(&page.file("xml"))
    }

    /// A page's stylesheet, `pages/x/x.css`, if it has one.
    pub fn page_css(&self, page: &PagePath) -> Result<Option<&str>> {
        let path = page.file("css");
        if self.files.contains_key(&path) {
            self.text(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A page's config `pages/x/x.json` (strict), or the default when the page has none. Not
    /// merged with `window`: use [`PageConfig::merged_with`].
    pub fn page_config(&self, page: &PagePath) -> Result<PageConfig> {
        let path = page.file("json");
        match self.file(&path) {
            Some(bytes) => parse_json(&path, bytes),
            None => Ok(PageConfig::default()),
        }
    }

    /// The key that signed the bundle as publisher.
    pub fn publisher_key(&self) -> &VerifyingKey {
        &self.publisher_key
    }

    /// The platform key that countersigned the bundle, if it was countersigned.
    pub fn platform_key(&self) -> Option<&VerifyingKey> {
        self.platform_key.as_ref()
    }

    /// Whether the bundle carries a valid platform countersignature.
    pub fn platform_signed(&self) -> bool {
        self.platform_key.is_some()
    }

    /// Every app file path, sorted (the `_meta/` files are not included).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Total unpacked size of the app files.
    pub fn unpacked_size(&self) -> u64 {
        self.files.values().map(|f| f.len() as u64).sum()
    }
}

/// A verified base library bundle (the framework's default styles, icons and fonts). Only
/// [`crate::verify_base`] makes one.
#[derive(Debug, Clone)]
pub struct BaseLibrary {
    /// The parsed `base.json`.
    pub manifest: BaseManifest,
    /// `sha256:<hex>` of the whole bundle file.
    pub digest: String,
    /// Size of the bundle file in bytes.
    pub size: u64,
    /// Each file is shared, not copied: a clone of the library (the host's memo of verified
    /// libraries hands one to every launch) and the font system's faces ([`BaseLibrary::font_files`])
    /// point at the same bytes.
    pub(crate) files: BTreeMap<String, Arc<Vec<u8>>>,
    pub(crate) publisher_key: VerifyingKey,
    pub(crate) platform_key: Option<VerifyingKey>,
}

impl BaseLibrary {
    /// The content of a file, if present.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|f| f.as_slice())
    }

    /// A file as UTF-8 text.
    pub fn text(&self, path: &str) -> Result<&str> {
        let bytes = self.file(path).ok_or_else(|| Error::MissingFile(path.to_string()))?;
        std::str::from_utf8(bytes).map_err(|_| Error::NotUtf8(path.to_string()))
    }

    /// Every file path, sorted (`_meta/` not included).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The default styles of the built-in components ([`BASE_COMPONENTS_CSS`]), if it has them.
    pub fn component_css(&self) -> Result<Option<&str>> {
        if self.files.contains_key(BASE_COMPONENTS_CSS) {
            self.text(BASE_COMPONENTS_CSS).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Its font files (`.ttf`, `.otf`, `.ttc`; by convention under `fonts/`, each folder with
    /// its licence files), sorted by path, as `(path, bytes)`.
    pub fn fonts(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter(|(p, _)| is_font(p)).map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// Its font files as [`BaseLibrary::fonts`], each as a shared handle on the verified bytes:
    /// a font system can hold them without a copy of the 6 MB of fonts.
    pub fn font_files(&self) -> impl Iterator<Item = (&str, Arc<Vec<u8>>)> + '_ {
        self.files.iter().filter(|(p, _)| is_font(p)).map(|(p, b)| (p.as_str(), Arc::clone(b)))
    }

    /// Total unpacked size of its files.
    pub fn unpacked_size(&self) -> u64 {
        self.files.values().map(|f| f.len() as u64).sum()
    }

    /// The key that signed it as publisher.
    pub fn publisher_key(&self) -> &VerifyingKey {
        &self.publisher_key
    }

    /// Whether it carries a valid platform countersignature.
    pub fn platform_signed(&self) -> bool {
        self.platform_key.is_some()
    }
}
