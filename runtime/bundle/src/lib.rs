//! `miniapp-bundle`: the packaged app and everything needed to trust it.
//!
//! The data flows one way:
//!
//! 1. **Raw manifest** ([`AppManifest`], [`PageConfig`]): `app.json` exactly as written, strict
//!    (unknown keys are errors) with validated ids ([`AppId`], [`PagePath`], [`Origin`],
//!    [`Version`]); errors name the field path (`app.json: pages[2]: ...`).
//! 2. **Bundle file** (`.mapp`): a Deflate zip of the app files plus `_meta/files.json` (sha256 and
//!    size of every file), `_meta/publisher.json` (the publisher's ed25519 signature) and, once
//!    published, `_meta/platform.json` (the cloud's countersignature). [`pack`] builds one,
//!    [`countersign`] adds the platform signature.
//! 3. **Locked bundle** ([`LockedBundle`]): what [`verify`] returns after checking limits, archive
//!    safety, hashes, signatures and the manifest. It is the only form later crates accept.
//! 4. **Base library** ([`BaseLibrary`], [`pack_base`], [`verify_base`]): the framework's default
//!    styles, icons and fonts, in the same signed format with `base.json` instead of `app.json`,
//!    under its own larger limits ([`Limits::base_library`]: fonts are big).
//!
//! Bytes in, bytes out: the only I/O is [`load_or_create_key`] and [`SigningKey::save`]/`load`.
//! Limits are in [`limits`]; the format is described in `docs/bundle-format.md`.

#![deny(missing_docs)]

mod archive;
pub mod artifact;
pub mod error;
pub mod id;
mod integrity;
pub mod limits;
mod locked;
pub mod manifest;
mod pack;
mod signature;

pub use artifact::{sign_artifact, verify_artifact, ArtifactClaim};
pub use error::{Error, Result};
pub use id::{AppId, Color, Origin, PagePath, Version};
pub use integrity::{FILES_JSON, META_PREFIX, PLATFORM_JSON, PUBLISHER_JSON};
pub use limits::{LimitKind, Limits};
pub use locked::{BaseLibrary, LockedBundle, APP_CSS, BASE_COMPONENTS_CSS, BASE_JSON, LOGIC_WASM};
pub use manifest::{AppManifest, BaseManifest, NetworkConfig, PageConfig, PermissionDecl, BorderStyle, NavigationStyle, TabBar, TabBarItem, TabBarPosition, TextStyle, WindowConfig};
pub use pack::{
    countersign, digest, pack, pack_base, repack_uncompressed, verify, verify_base, verify_base_copy, verify_base_copy_file, Trust,
};
pub use signature::{load_or_create_key, KeyPair, SigningKey, VerifyingKey};
