//! The one error type of `miniapp-view`: every failure names its input, the rule and the values.

use std::fmt;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while parsing, binding, laying out or querying a page.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A template does not parse: `pages/index/index.xml:3:5: unclosed <view>`.
    #[error("{file}:{line}:{col}: {kind}")]
    Template {
        /// Template name as given to the parser.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column (in characters).
        col: u32,
        /// The rule that broke.
        kind: TemplateErrorKind,
    },
    /// A stylesheet cannot be read at all: `app.css:4: ...`. [`crate::parse_stylesheet`]
    /// recovers from every problem it knows (they are [`crate::Diagnostic`]s), so it does not
    /// return this today; the variant stays for callers that match on it.
    #[error("{file}:{line}: {kind}")]
    Style {
        /// Style file name as given to the parser.
        file: String,
        /// 1-based line.
        line: u32,
        /// The rule that broke.
        kind: StyleErrorKind,
    },
    /// A set-data patch key is not a valid path (`list[x]`, `a..b`).
    #[error("set-data key `{key}`: {reason}")]
    DataPath {
        /// The key as the app sent it.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A set-data patch is not a JSON object.
    #[error("set-data patch must be a JSON object of path keys, got {found}")]
    PatchNotObject {
        /// The JSON type that was sent instead (`array`, `string`, ...).
        found: &'static str,
    },
    /// A documented limit was exceeded (nodes after expanding `m:for`, template depth, ...).
    #[error("{what}: limit is {limit}, got {actual}")]
    LimitExceeded {
        /// Which limit (`expanded nodes in pages/index/index.xml`).
        what: String,
        /// The limit.
        limit: usize,
        /// The value seen.
        actual: usize,
    },
    /// A `find` selector is not `#id`, `.class` or `text=Label`.
    #[error("selector `{selector}`: {reason}")]
    Selector {
        /// The selector as given.
        selector: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A custom component's json is not JSON: `components/card/card.json:2:18: key must be a string`.
    #[error("{file}:{line}:{col}: {reason}")]
    ComponentJson {
        /// The json file (`components/card/card.json`).
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// The JSON parser's message.
        reason: String,
    },
    /// A custom component's json (or a `usingComponents` map) breaks a rule:
    /// `components/card/card.json: properties.price.type: expected "String", ...`.
    #[error("{file}: {field}: {reason}")]
    ComponentConfig {
        /// The json file.
        file: String,
        /// The field path (`properties.price.type`, `externalClasses[1]`).
        field: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// A `usingComponents` entry names a component the [`crate::ComponentSet`] does not have.
    #[error("{file}: usingComponents.{tag}: no component `{path}` was given (add its definition to the ComponentSet)")]
    UnknownComponent {
        /// The json that names it (`usingComponents` for the page's own tags).
        file: String,
        /// The tag.
        tag: String,
        /// The resolved path.
        path: String,
    },
    /// [`crate::Page::set_component_data`] for an instance that is not (or no longer) live.
    #[error("no live component instance {instance} (it was detached or never attached)")]
    UnknownInstance {
        /// The id given.
        instance: u32,
    },
    /// The layout engine refused the tree (a bug in this crate, reported rather than panicking).
    #[error("layout failed: {reason}")]
    Layout {
        /// The layout engine's message.
        reason: String,
    },
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// `<view>` opened and never closed.
    Unclosed(String),
    /// `</text>` where `</view>` was expected.
    MismatchedClose {
        /// The open tag.
        expected: String,
        /// The closing tag found.
        found: String,
    },
    /// `</view>` with nothing open.
    UnexpectedClose(String),
    /// A tag that is not a built-in component.
    UnknownTag(String),
    /// A component other platforms have and this host does not (`video`, `map`...).
    UnsupportedTag(String),
    /// Elements nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// `{{` without a matching `}}`.
    UnterminatedInterpolation,
    /// `<!--` without `-->`.
    UnterminatedComment,
    /// An attribute value without its closing quote.
    UnterminatedAttribute(String),
    /// A character that cannot start or continue a tag.
    Unexpected {
        /// What was found.
        found: String,
        /// What the parser wanted.
        expected: &'static str,
    },
    /// The same attribute twice on one element.
    DuplicateAttribute(String),
    /// A `{{ }}` expression that does not parse.
    BadExpression {
        /// The expression text.
        expr: String,
        /// Why.
        reason: String,
    },
    /// `m:elif` / `m:else` without a preceding `m:if` sibling.
    OrphanElse(String),
    /// `<template>`, `<import>` or `<include>` with the wrong attributes or content.
    BadTemplateTag {
        /// The tag.
        tag: String,
        /// What it needs.
        reason: &'static str,
    },
    /// Two `<template name="x">` with one name in one file.
    DuplicateTemplate(String),
    /// `<template is="x">` where no `x` is defined in the file or imported.
    UnknownTemplate(String),
    /// `<import>`/`<include>` in a template parsed without access to the bundle's files.
    NeedsBundle {
        /// `import` or `include`.
        tag: String,
        /// The `src` as written.
        src: String,
    },
    /// `<import>`/`<include>` whose `src` climbs above the bundle root.
    OutsideRoot {
        /// `import` or `include`.
        tag: String,
        /// The `src` as written.
        src: String,
    },
    /// `<import>`/`<include>` of a file the bundle does not have.
    FileNotFound {
        /// `import` or `include`.
        tag: String,
        /// The `src` as written.
        src: String,
        /// The resolved path from the bundle root.
        path: String,
    },
    /// A file that imports or includes itself, directly or through others.
    Cycle {
        /// `import` or `include`.
        tag: String,
        /// The `src` as written.
        src: String,
        /// The files from the page to the repeated one.
        chain: Vec<String>,
    },
    /// A directive used wrongly (`m:for` without `{{ }}`, unknown `m:` attribute...).
    BadDirective {
        /// The attribute name.
        name: String,
        /// Why.
        reason: &'static str,
    },
}

impl fmt::Display for TemplateErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unclosed(tag) => write!(f, "unclosed <{tag}>"),
            Self::MismatchedClose { expected, found } => {
                write!(f, "closing tag </{found}> does not match open <{expected}>")
            }
            Self::UnexpectedClose(tag) => write!(f, "closing tag </{tag}> has no open element"),
            Self::UnknownTag(tag) => write!(
                f,
                "unknown tag <{tag}> (built-in components: {})",
                crate::template::known_tags().join(", ")
            ),
            Self::UnsupportedTag(tag) => write!(f, "component `{tag}` is not supported by this host"),
            Self::TooDeep { limit } => {
                write!(f, "elements nested deeper than the limit of {limit}")
            }
            Self::UnterminatedInterpolation => write!(f, "unterminated `{{{{`: expected `}}}}`"),
            Self::UnterminatedComment => write!(f, "unterminated comment: expected `-->`"),
            Self::UnterminatedAttribute(name) => {
                write!(f, "attribute `{name}`: value has no closing quote")
            }
            Self::Unexpected { found, expected } => write!(f, "expected {expected}, found {found}"),
            Self::DuplicateAttribute(name) => write!(f, "attribute `{name}` given twice"),
            Self::BadExpression { expr, reason } => write!(f, "bad expression `{expr}`: {reason}"),
            Self::OrphanElse(name) => {
                write!(
                    f,
                    "`{name}` must directly follow an element with m:if or m:elif"
                )
            }
            Self::BadDirective { name, reason } => write!(f, "`{name}`: {reason}"),
            Self::BadTemplateTag { tag, reason } => write!(f, "<{tag}>: {reason}"),
            Self::DuplicateTemplate(name) => write!(f, "template `{name}` is defined twice"),
            Self::UnknownTemplate(name) => write!(
                f,
                "no template named `{name}` (define it with <template name=\"{name}\"> or <import> its file)"
            ),
            Self::NeedsBundle { tag, src } => write!(
                f,
                "{tag} `{src}` needs a bundle (this template was parsed without access to other files)"
            ),
            Self::OutsideRoot { tag, src } => {
                write!(f, "{tag} `{src}`: the path goes above the bundle root")
            }
            Self::FileNotFound { tag, src, path } => {
                write!(f, "{tag} `{src}`: no file `{path}` in the bundle")
            }
            Self::Cycle { tag, src, chain } => write!(
                f,
                "{tag} `{src}` makes a cycle: {}",
                chain.join(" -> ")
            ),
        }
    }
}

/// What is wrong in a stylesheet (also the wording of the matching diagnostics).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StyleErrorKind {
    /// A selector this subset does not support or that is malformed.
    BadSelector {
        /// The selector text.
        selector: String,
        /// Why.
        reason: &'static str,
    },
    /// A declaration that is not `name: value`.
    BadDeclaration {
        /// What was found.
        found: String,
    },
    /// A supported property with a value it does not accept.
    BadValue {
        /// The property.
        property: String,
        /// The value text.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A rule that never closes, a stray token.
    Syntax {
        /// What was found.
        found: String,
        /// What was expected.
        expected: &'static str,
    },
}

impl fmt::Display for StyleErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSelector { selector, reason } => write!(f, "selector `{selector}`: {reason}"),
            Self::BadDeclaration { found } => {
                write!(f, "expected a declaration `name: value`, found `{found}`")
            }
            Self::BadValue {
                property,
                value,
                expected,
            } => {
                write!(
                    f,
                    "invalid value `{value}` for `{property}`: expected {expected}"
                )
            }
            Self::Syntax { found, expected } => write!(f, "expected {expected}, found {found}"),
        }
    }
}
