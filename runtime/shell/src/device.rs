//! Device presets: the simulated phone's screen size in logical px and its pixel ratio.
//!
//! The session lays pages out at the device's width (`750rpx` = the width), the frame draws
//! its chrome at the device's size, and headless screenshots come at its pixel ratio.

use std::fmt;

/// One simulated device: logical screen size and physical pixels per logical px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Device {
    /// The preset's name as `--device` takes it, e.g. `iPhone 15`.
    pub name: &'static str,
    /// Screen width in logical px.
    pub width: f32,
    /// Screen height in logical px.
    pub height: f32,
    /// Physical pixels per logical px (a screenshot of `iPhone 15` is 393×3 by 852×3).
    pub pixel_ratio: f32,
}

impl Device {
    /// iPhone SE (2nd/3rd gen): 375×667 @2. The default.
    pub const IPHONE_SE: Device = Device { name: "iPhone SE", width: 375.0, height: 667.0, pixel_ratio: 2.0 };
    /// iPhone 15: 393×852 @3.
    pub const IPHONE_15: Device = Device { name: "iPhone 15", width: 393.0, height: 852.0, pixel_ratio: 3.0 };
    /// A common Android phone: 360×800 @3.
    pub const ANDROID: Device = Device { name: "Android", width: 360.0, height: 800.0, pixel_ratio: 3.0 };
    /// iPad (9th gen): 768×1024 @2.
    pub const IPAD: Device = Device { name: "iPad", width: 768.0, height: 1024.0, pixel_ratio: 2.0 };

    /// Every preset, the default first.
    pub const PRESETS: [Device; 4] = [Device::IPHONE_SE, Device::IPHONE_15, Device::ANDROID, Device::IPAD];

    /// The preset called `name` (case and `-`/`_`/space insensitive: `iphone-15` works).
    pub fn by_name(name: &str) -> Option<Device> {
        let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let want = key(name);
        Device::PRESETS.into_iter().find(|d| key(d.name) == want)
    }

    /// The preset names, comma separated, for messages (`iPhone SE, iPhone 15, ...`).
    pub fn names() -> String {
        Device::PRESETS.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
    }

    /// The screen size in physical pixels at `scale` (rounded), e.g. 1179×2556 for iPhone 15 at 3.
    pub fn pixels(&self, scale: f32) -> (u32, u32) {
        ((self.width * scale).round() as u32, (self.height * scale).round() as u32)
    }
}

impl Default for Device {
    fn default() -> Device {
        Device::IPHONE_SE
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}×{} @{})", self.name, self.width, self.height, self.pixel_ratio)
    }
}

/// Where a phone screen of `device` goes in a window of `window` physical pixels: scaled to
/// fit (never above `max_scale`, usually the window's own scale factor) and centred. Returns
/// (scale, offset x, offset y) in physical pixels: a logical point (x, y) of the screen is drawn
/// at (ox + x·scale, oy + y·scale). The window uses it to draw, and [`window_to_screen`] to map
/// clicks back.
pub fn fit_in_window(device: &Device, window: (u32, u32), max_scale: f32) -> (f32, f32, f32) {
    let (ww, wh) = (window.0.max(1) as f32, window.1.max(1) as f32);
    let scale = (ww / device.width).min(wh / device.height).min(max_scale).max(0.05);
    let ox = ((ww - device.width * scale) / 2.0).max(0.0).floor();
    let oy = ((wh - device.height * scale) / 2.0).max(0.0).floor();
    (scale, ox, oy)
}

/// Maps a window position (physical pixels) to the phone screen's logical px, or `None` outside
/// the screen; the inverse of [`fit_in_window`].
pub fn window_to_screen(device: &Device, window: (u32, u32), max_scale: f32, pos: (f64, f64)) -> Option<(f32, f32)> {
    let (scale, ox, oy) = fit_in_window(device, window, max_scale);
    let x = (pos.0 as f32 - ox) / scale;
    let y = (pos.1 as f32 - oy) / scale;
    (x >= 0.0 && y >= 0.0 && x < device.width && y < device.height).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_found_by_loose_names() {
        assert_eq!(Device::by_name("iPhone 15"), Some(Device::IPHONE_15));
        assert_eq!(Device::by_name("iphone-se"), Some(Device::IPHONE_SE));
        assert_eq!(Device::by_name("IPAD"), Some(Device::IPAD));
        assert_eq!(Device::by_name("Nokia"), None);
        assert_eq!(Device::names(), "iPhone SE, iPhone 15, Android, iPad");
    }

    #[test]
    fn iphone_15_screenshot_is_1179_by_2556() {
        let d = Device::IPHONE_15;
        assert_eq!(d.pixels(d.pixel_ratio), (1179, 2556));
        assert_eq!(Device::default().pixels(2.0), (750, 1334));
    }

    #[test]
    fn the_phone_is_centred_and_scaled_to_fit_the_window() {
        let d = Device::IPHONE_SE;
        // A window exactly the phone's size at scale 2.
        assert_eq!(fit_in_window(&d, (750, 1334), 2.0), (2.0, 0.0, 0.0));
        // A wide window: height limits, the phone sits in the middle.
        let (s, ox, oy) = fit_in_window(&d, (2000, 667), 2.0);
        assert_eq!((s, oy), (1.0, 0.0));
        assert_eq!(ox, ((2000.0 - 375.0) / 2.0_f32).floor());
        // Never blown up past the window's own scale factor.
        assert_eq!(fit_in_window(&d, (4000, 4000), 1.0).0, 1.0);
        // Clicks map back; outside the phone is nothing.
        assert_eq!(window_to_screen(&d, (2000, 667), 2.0, (ox as f64 + 10.0, 20.0)), Some((10.0, 20.0)));
        assert_eq!(window_to_screen(&d, (2000, 667), 2.0, (5.0, 20.0)), None);
    }
}
