//! Shared helpers for the test guests (kept tiny: each guest is one example file).

/// Stop the optimizer from seeing through a value.
pub fn opaque<T>(v: T) -> T {
    std::hint::black_box(v)
}
