//! Colours: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`, `rgba()` and a useful set of names.

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

    /// A CSS colour name (`red`, `transparent`, `lightgray`...), case-insensitive.
    pub fn named(name: &str) -> Option<Color> {
        let n = name.to_ascii_lowercase();
        let hex = match n.as_str() {
            "transparent" => return Some(Color::TRANSPARENT),
            "black" => "000000",
            "white" => "ffffff",
            "red" => "ff0000",
            "green" => "008000",
            "lime" => "00ff00",
            "blue" => "0000ff",
            "yellow" => "ffff00",
            "cyan" | "aqua" => "00ffff",
            "magenta" | "fuchsia" => "ff00ff",
            "gray" | "grey" => "808080",
            "silver" => "c0c0c0",
            "lightgray" | "lightgrey" => "d3d3d3",
            "darkgray" | "darkgrey" => "a9a9a9",
            "gainsboro" => "dcdcdc",
            "whitesmoke" => "f5f5f5",
            "maroon" => "800000",
            "navy" => "000080",
            "olive" => "808000",
            "purple" => "800080",
            "teal" => "008080",
            "orange" => "ffa500",
            "pink" => "ffc0cb",
            "brown" => "a52a2a",
            "gold" => "ffd700",
            "indigo" => "4b0082",
            "violet" => "ee82ee",
            "coral" => "ff7f50",
            "tomato" => "ff6347",
            "salmon" => "fa8072",
            "skyblue" => "87ceeb",
            "steelblue" => "4682b4",
            "royalblue" => "4169e1",
            "dodgerblue" => "1e90ff",
            "darkblue" => "00008b",
            "lightblue" => "add8e6",
            "darkgreen" => "006400",
            "lightgreen" => "90ee90",
            "seagreen" => "2e8b57",
            "darkred" => "8b0000",
            "crimson" => "dc143c",
            "beige" => "f5f5dc",
            "ivory" => "fffff0",
            "khaki" => "f0e68c",
            "lavender" => "e6e6fa",
            "slategray" | "slategrey" => "708090",
            "dimgray" | "dimgrey" => "696969",
            _ => return None,
        };
        Color::from_hex(hex)
    }

    /// A colour from CSS value tokens (a single colour value).
    pub(crate) fn from_vals(vals: &[Val]) -> Option<Color> {
        match vals {
            [v] => Color::from_val(v),
            _ => None,
        }
    }

    /// A colour from one CSS value token.
    pub(crate) fn from_val(v: &Val) -> Option<Color> {
        match v {
            Val::Hash(h) => Color::from_hex(h),
            Val::Ident(name) => Color::named(name),
            Val::Func(f, args)
                if f.eq_ignore_ascii_case("rgb") || f.eq_ignore_ascii_case("rgba") =>
            {
                let nums: Vec<&Val> = args
                    .iter()
                    .filter(|a| !matches!(a, Val::Comma | Val::Slash))
                    .collect();
                if nums.len() != 3 && nums.len() != 4 {
                    return None;
                }
                let chan = |v: &Val| -> Option<u8> {
                    match v {
                        Val::Num(n) => Some(n.clamp(0.0, 255.0).round() as u8),
                        Val::Pct(p) => Some((p.clamp(0.0, 100.0) * 2.55).round() as u8),
                        _ => None,
                    }
                };
                let alpha = match nums.get(3) {
                    None => 255,
                    Some(Val::Num(a)) => (a.clamp(0.0, 1.0) * 255.0).round() as u8,
                    Some(Val::Pct(p)) => (p.clamp(0.0, 100.0) * 2.55).round() as u8,
                    Some(_) => return None,
                };
                Some(Color {
                    r: chan(nums[0])?,
                    g: chan(nums[1])?,
                    b: chan(nums[2])?,
                    a: alpha,
                })
            }
            _ => None,
        }
    }
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
}
