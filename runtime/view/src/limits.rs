//! Limits of the view, as documented constants, and the [`Limits`] struct that carries them.

/// Deepest element nesting a template may have (default 256 levels).
pub const DEFAULT_MAX_DEPTH: usize = 256;
/// Most nodes a page may expand to after `m:for` and `m:if` (default 20 000).
pub const DEFAULT_MAX_NODES: usize = 20_000;
/// Deepest nesting of one `{{ }}` expression: parentheses, unary and ternary operators (default 64).
pub const DEFAULT_MAX_EXPR_DEPTH: usize = 64;
/// Largest array index a set-data key may write (`list[100000]`; default 100 000), so that a
/// key cannot make the host allocate an enormous array of nulls.
pub const DEFAULT_MAX_ARRAY_INDEX: usize = 100_000;

/// Most `m:for` iterations one render may run, over all loops together (default 1 000 000),
/// so that nested loops over large data cannot stall the host even when they produce no nodes.
pub const DEFAULT_MAX_LOOP_ITERATIONS: usize = 1_000_000;
/// Most `<template is>` uses nested in one another while a page expands (default 64), so
/// that a template that uses itself ends in an error rather than recursing forever.
pub const DEFAULT_MAX_TEMPLATE_NESTING: usize = 64;
/// Most files one page's template may read through `<import>` and `<include>`, counting each
/// time a file is read (default 256), so that files including each other several times cannot
/// blow a page up exponentially.
pub const DEFAULT_MAX_TEMPLATE_FILES: usize = 256;
/// Longest string an expression may build with `+` (default 1 MiB); longer results are cut
/// at this many bytes.
pub const DEFAULT_MAX_STRING_BYTES: usize = 1 << 20;
/// Deepest nesting of parentheses and functions in one CSS value or selector
/// (`calc(var(--a, calc(1px + (2px))))` is 4): a deeper one is a [`crate::Diagnostic`] and the
/// declaration or rule is dropped, so a hostile stylesheet cannot overflow the stack.
pub const MAX_CSS_NESTING: usize = 32;

/// How many renders a shaped word stays in the font system's shape cache without being used
/// (default 8): the cache holds the words of the last few renders, not every word ever shown.
pub const SHAPE_CACHE_RENDERS: u64 = 8;

/// Stack size of the thread that parses and renders a page (default 64 MiB of address space,
/// committed only as used): deep templates recurse, and a debug build needs about 10 KiB per
/// nesting level, more than the 2 MiB a test or worker thread may have.
pub const DEFAULT_STACK_BYTES: usize = 64 << 20;

/// Runs `f` on a [`DEFAULT_STACK_BYTES`] stack of its own, on the calling thread (the
/// `stacker` crate switches to a fresh stack segment and back), so that recursion over a
/// template as deep as [`DEFAULT_MAX_DEPTH`] cannot overflow the caller's stack. Earlier this
/// spawned a thread per render: a new thread's allocator heap starts empty, and re-faulting its
/// pages cost a sixth of a 1000-row page's first layout.
pub(crate) fn on_big_stack<T>(f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
    stacker::maybe_grow(DEFAULT_STACK_BYTES, DEFAULT_STACK_BYTES, f)
}

/// The limits a [`crate::Page`] enforces; `Default` uses the `DEFAULT_*` constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest element nesting in a template. Default [`DEFAULT_MAX_DEPTH`].
    pub max_depth: usize,
    /// Most nodes after expansion. Default [`DEFAULT_MAX_NODES`].
    pub max_nodes: usize,
    /// Largest array index in a set-data key. Default [`DEFAULT_MAX_ARRAY_INDEX`].
    pub max_array_index: usize,
    /// Most `m:for` iterations per render. Default [`DEFAULT_MAX_LOOP_ITERATIONS`].
    pub max_loop_iterations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
            max_array_index: DEFAULT_MAX_ARRAY_INDEX,
            max_loop_iterations: DEFAULT_MAX_LOOP_ITERATIONS,
        }
    }
}
