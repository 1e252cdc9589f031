//! Colours: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()`, `hsl()`/`hsla()` (comma
//! or space syntax with `/ alpha`), the 148 CSS named colours and `transparent`.

use crate::css::Val;

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Color {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
    /// Alpha, 0 (transparent) – 255 (opaque).
    pub a: u8,
}

impl Color {
    /// Fully transparent black.
    pub const TRANSPARENT: Color = Color {
        r: 0,
        g: 0,
        b: 0,
        a: 0,
    };
    /// Opaque black.
    pub const BLACK: Color = Color {
        r: 0,
        g: 0,
        b: 0,
        a: 255,
    };
    /// Opaque white.
    pub const WHITE: Color = Color {
        r: 255,
        g: 255,
        b: 255,
        a: 255,
    };

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 255 }
    }

    /// This colour with its alpha multiplied by `opacity` (0–1).
    pub fn with_opacity(self, opacity: f32) -> Color {
        let a = (f32::from(self.a) * opacity.clamp(0.0, 1.0)).round() as u8;
        Color { a, ..self }
    }

    /// Parses `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (the `#` optional).
    pub fn from_hex(hex: &str) -> Option<Color> {
        let hex = hex.strip_prefix('#').unwrap_or(hex);
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let nib = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok().map(|v| v * 17);
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(match hex.len() {
            3 => Color {
                r: nib(0)?,
                g: nib(1)?,
                b: nib(2)?,
                a: 255,
            },
            4 => Color {
                r: nib(0)?,
                g: nib(1)?,
                b: nib(2)?,
                a: nib(3)?,
            },
            6 => Color {
                r: byte(0)?,
                g: byte(2)?,
                b: byte(4)?,
                a: 255,
            },
            8 => Color {
                r: byte(0)?,
                g: byte(2)?,
                b: byte(4)?,
                a: byte(6)?,
            },
            _ => return None,
        })
    }

    /// One of the 148 CSS named colours or `transparent`, case-insensitive (`currentColor`
    /// depends on the element, see [`Color::from_val`]'s callers).
    pub fn named(name: &str) -> Option<Color> {
        let n = name.to_ascii_lowercase();
        if n == "transparent" {
            return Some(Color::TRANSPARENT);
        }
        cssparser::color::parse_named_color(&n)
            .ok()
            .map(|(r, g, b)| Color::rgb(r, g, b))
    }

    /// An opaque colour from hue (degrees), saturation and lightness (0–1), as CSS `hsl()`.
    pub fn from_hsl(hue: f32, sat: f32, light: f32) -> Color {
        let h = hue.rem_euclid(360.0) / 30.0;
        let (s, l) = (sat.clamp(0.0, 1.0), light.clamp(0.0, 1.0));
        let a = s * l.min(1.0 - l);
        let f = |n: f32| {
            let k = (n + h) % 12.0;
            let v = l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0);
            (v * 255.0).round().clamp(0.0, 255.0) as u8
        };
        Color::rgb(f(0.0), f(8.0), f(4.0))
    }

    /// A colour from one CSS value token: a hash, a name, `rgb()`/`rgba()` or `hsl()`/`hsla()`
    /// in the legacy comma syntax or the modern space syntax with `/ alpha`.
    pub(crate) fn from_val(v: &Val) -> Option<Color> {
        match v {
            Val::Hash(h) => Color::from_hex(h),
            Val::Ident(name) => Color::named(name),
            Val::Func(f, args) => {
                let f = f.to_ascii_lowercase();
                let (chans, alpha) = split_color_args(args)?;
                let alpha = match alpha {
                    None => 255,
                    Some(Val::Num(a)) => (a.clamp(0.0, 1.0) * 255.0).round() as u8,
                    Some(Val::Pct(p)) => (p.clamp(0.0, 100.0) * 2.55).round() as u8,
                    Some(_) => return None,
                };
                let c = match f.as_str() {
                    "rgb" | "rgba" => {
                        let chan = |v: &Val| -> Option<u8> {
                            match v {
                                Val::Num(n) => Some(n.clamp(0.0, 255.0).round() as u8),
                                Val::Pct(p) => Some((p.clamp(0.0, 100.0) * 2.55).round() as u8),
                                _ => None,
                            }
                        };
                        Color::rgb(chan(chans[0])?, chan(chans[1])?, chan(chans[2])?)
                    }
                    "hsl" | "hsla" => {
                        let hue = match chans[0] {
                            Val::Num(n) => *n,
                            Val::Dim(n, u) => angle_deg(*n, u)?,
                            _ => return None,
                        };
                        let pct = |v: &Val| match v {
                            Val::Pct(p) => Some(p / 100.0),
                            // The modern syntax allows plain numbers (0–100) too.
                            Val::Num(n) => Some(n / 100.0),
                            _ => None,
                        };
                        Color::from_hsl(hue, pct(chans[1])?, pct(chans[2])?)
                    }
                    _ => return None,
                };
                Some(Color { a: alpha, ..c })
            }
            _ => None,
        }
    }
}

/// An angle in degrees from a CSS dimension (`deg`, `rad`, `grad`, `turn`).
pub(crate) fn angle_deg(n: f32, unit: &str) -> Option<f32> {
    Some(match unit {
        "deg" => n,
        "rad" => n.to_degrees(),
        "grad" => n * 0.9,
        "turn" => n * 360.0,
        _ => return None,
    })
}

/// `a, b, c[, d]` or `a b c[ / d]` → the three channels and the optional alpha.
fn split_color_args(args: &[Val]) -> Option<([&Val; 3], Option<&Val>)> {
    let commas = args.iter().any(|a| matches!(a, Val::Comma));
    let (chans, alpha): (Vec<&Val>, Option<&Val>) = if commas {
        let parts: Vec<&[Val]> = args.split(|a| matches!(a, Val::Comma)).collect();
        fn one(p: &[Val]) -> Option<&Val> {
            match p {
                [v] => Some(v),
                _ => None,
            }
        }
        match parts.as_slice() {
            [a, b, c] => (vec![one(a)?, one(b)?, one(c)?], None),
            [a, b, c, d] => (vec![one(a)?, one(b)?, one(c)?], Some(one(d)?)),
            _ => return None,
        }
    } else {
        match args {
            [a, b, c] => (vec![a, b, c], None),
            [a, b, c, Val::Slash, d] => (vec![a, b, c], Some(d)),
            _ => return None,
        }
    };
    Some(([chans[0], chans[1], chans[2]], alpha))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms_parse() {
        assert_eq!(Color::from_hex("#fff"), Some(Color::WHITE));
        assert_eq!(Color::from_hex("#07c160"), Some(Color::rgb(7, 193, 96)));
        assert_eq!(
            Color::from_hex("#ff000080"),
            Some(Color {
                r: 255,
                g: 0,
                b: 0,
                a: 128
            })
        );
        assert_eq!(
            Color::from_hex("#f008"),
            Some(Color {
                r: 255,
                g: 0,
                b: 0,
                a: 136
            })
        );
        assert_eq!(Color::from_hex("#ggg"), None);
        assert_eq!(Color::from_hex("#12345"), None);
    }

    #[test]
    fn rgb_functions_and_names_parse() {
        let rgba = Val::Func(
            "rgba".into(),
            vec![
                Val::Num(10.0),
                Val::Comma,
                Val::Num(20.0),
                Val::Comma,
                Val::Num(30.0),
                Val::Comma,
                Val::Num(0.5),
            ],
        );
        assert_eq!(
            Color::from_val(&rgba),
            Some(Color {
                r: 10,
                g: 20,
                b: 30,
                a: 128
            })
        );
        assert_eq!(
            Color::from_val(&Val::Ident("Red".into())),
            Some(Color::rgb(255, 0, 0))
        );
        assert_eq!(Color::from_val(&Val::Ident("blurple".into())), None);
    }

    #[test]
    fn opacity_scales_alpha() {
        assert_eq!(Color::WHITE.with_opacity(0.5).a, 128);
    }

    #[test]
    fn all_148_named_colours_and_transparent_resolve() {
        let names: Vec<&str> = cssparser::color::all_named_colors().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 148);
        for n in names {
            assert!(Color::named(n).is_some(), "{n}");
        }
        assert_eq!(Color::named("RebeccaPurple"), Some(Color::rgb(102, 51, 153)));
        assert_eq!(Color::named("transparent"), Some(Color::TRANSPARENT));
        assert_eq!(Color::named("currentcolor"), None);
    }

    fn func(name: &str, args: Vec<Val>) -> Val {
        Val::Func(name.into(), args)
    }

    #[test]
    fn modern_rgb_syntax_with_slash_alpha_parses() {
        let v = func(
            "rgb",
            vec![Val::Num(255.0), Val::Num(0.0), Val::Pct(100.0), Val::Slash, Val::Pct(50.0)],
        );
        assert_eq!(Color::from_val(&v), Some(Color { r: 255, g: 0, b: 255, a: 128 }));
        let bad = func("rgb", vec![Val::Num(1.0), Val::Comma, Val::Num(2.0)]);
        assert_eq!(Color::from_val(&bad), None);
    }

    #[test]
    fn hsl_and_hsla_parse_in_both_syntaxes() {
        let red = func("hsl", vec![Val::Num(0.0), Val::Comma, Val::Pct(100.0), Val::Comma, Val::Pct(50.0)]);
        assert_eq!(Color::from_val(&red), Some(Color::rgb(255, 0, 0)));
        let green = func("hsl", vec![Val::Dim(120.0, "deg".into()), Val::Pct(100.0), Val::Pct(25.0)]);
        assert_eq!(Color::from_val(&green), Some(Color::rgb(0, 128, 0)));
        let blue = func(
            "hsla",
            vec![Val::Dim(0.5, "turn".into()), Val::Comma, Val::Pct(100.0), Val::Comma, Val::Pct(50.0), Val::Comma, Val::Num(0.5)],
        );
        assert_eq!(Color::from_val(&blue), Some(Color { r: 0, g: 255, b: 255, a: 128 }));
        assert_eq!(Color::from_hsl(0.0, 0.0, 1.0), Color::WHITE);
    }
}
