//! The base library a host runs its apps on: the built-in components' default styles (given to
//! every page) and the fonts (loaded into the host's font system), from a verified
//! [`BaseLibrary`] or from the embedded fallback copies.

use crate::error::{Error, Result};
use miniapp_bundle::BaseLibrary;
use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{parse_stylesheet, StyleSheet};
use std::sync::Arc;

/// What a host's pages are styled and drawn with now.
#[derive(Debug, Clone)]
pub(crate) struct ActiveBase {
    /// The base library's version, or `embedded`.
    pub label: String,
    /// Its digest (`None` for the embedded copies).
    pub digest: Option<String>,
    /// The built-in components' default styles.
    pub components: Arc<StyleSheet>,
}

impl ActiveBase {
    /// The embedded copies (the host's font system already holds the embedded fonts).
    pub fn embedded() -> ActiveBase {
        ActiveBase {
            label: "embedded".into(),
            digest: None,
            components: Arc::new(miniapp_view::default_component_styles().clone()),
        }
    }

    /// Parses the base library's `styles/components.css` and replaces every font of `fonts`
    /// with its fonts. A base library without component styles gives the components no
    /// defaults; one without fonts leaves text without glyphs (both are logged).
    ///
    /// # Errors
    /// [`Error::BaseLibrary`] when its component styles are not UTF-8 or do not parse.
    pub fn load(base: &BaseLibrary, fonts: &mut FontSystem) -> Result<ActiveBase> {
        let version = base.manifest.version.to_string();
        let bad = |reason: String| Error::BaseLibrary { version: version.clone(), reason };
        let css = base.component_css().map_err(|e| bad(e.to_string()))?;
        let components = match css {
            Some(css) => {
                let name = format!("base library {version}: {}", miniapp_bundle::BASE_COMPONENTS_CSS);
                let (sheet, warnings) = parse_stylesheet(css, &name).map_err(|e| bad(e.to_string()))?;
                for w in warnings {
                    tracing::warn!(base = %version, warning = %w, "base library style not supported");
                }
                sheet
            }
            None => {
                tracing::warn!(base = %version, "the base library has no {}: built-in components get no default styles", miniapp_bundle::BASE_COMPONENTS_CSS);
                StyleSheet::default()
            }
        };
        // The font system shares the verified files: nothing is copied.
        let files: Vec<miniapp_view::FontData> =
            base.font_files().map(|(_, bytes)| bytes as miniapp_view::FontData).collect();
        let count = files.len();
        let faces = miniapp_view::set_fonts(fonts, files);
        if faces == 0 {
            tracing::warn!(base = %version, "the base library has no usable fonts: text will have no glyphs");
        }
        tracing::info!(base = %version, digest = %base.digest, font_files = count, faces, "base library loaded");
        Ok(ActiveBase { label: version, digest: Some(base.digest.clone()), components: Arc::new(components) })
    }
}
