//! The headless script language: one step per line, parsed up front so that a typo fails before
//! anything runs, with the line number in the error.
//!
//! ```text
//! # comments and blank lines are ignored
//! tap #inc            # or .class, or text=Label; only what is on screen can be tapped
//! longpress .row      # press for 400 ms
//! input #name Alice   # tap the field (it takes the focus), then type
//! key backspace       # backspace, delete, left, right, up, down, home, end, enter, select-all, copy
//! scroll page 600     # scroll the page 600 px down; `scroll #list 300` wheels over #list
//! pull-down           # drag the page down from its top
//! wait 100            # milliseconds of app time (timers run, nothing sleeps longer than needed)
//! elapse 300000      # the simulated clock moves on (no waiting): background apps age and past
//!                     # their TTL (5 min) are destroyed
//! wait-for #done 2000 # pump the app until #done (or text=Label) is on the page; default 5000 ms
//! swipe #banner left # a quick 200 px drag from the element's centre (or `page`)
//! device iPhone 15    # lay the app out on another device preset
//! menu Share          # the capsule's ··· menu: About, Share, Permissions, Device, Restart or Close
//! screenshot c.png #card  # only that element's part of the screen
//! screenshot out.png  # relative to the script's --out folder / working directory
//! assert-text 2       # the screen shows this text (`assert-text --anywhere T`: the whole page)
//! assert-no-text Oops # the screen does not show this text (`--anywhere` too)
//! assert-count .row 3 # this many elements match
//! assert-data list[0].title "Hi"  # the top page's data at this path is this JSON
//! set-data count 41   # the AppData panel's edit: the top page's data at this path becomes this
//! clear-storage       # the Storage panel's "Clear storage": the app's stored keys are removed
//! home                # the app goes to the background; the home screen shows (recent apps)
//! open URL            # bring that app to the front (resumed if alive, else launched)
//! switch counter      # bring an app running in the background to the front
//! restart             # the app in front exits and launches again (the capsule's Restart)
//! back                # navigate back
//! answer ok           # answer the open modal: ok or cancel; an action sheet or picker: its item (0-based) or cancel
//! answer 2026-12-24   # a picker: a date, a time (09:30) or a multiSelector's indexes (1,2)
//! allow               # answer the open permission prompt (or `deny`)
//! scan code.png       # show the open camera this image (relative to the working directory)
//! clipboard some text # put text on the simulator's clipboard
//! assert-clipboard t  # fail unless the clipboard holds exactly this text
//! ```

use crate::error::{Error, Result};

/// Where `swipe` drags to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwipeDirection {
    /// Right to left (a swiper's next item).
    Left,
    /// Left to right.
    Right,
    /// Bottom to top (scrolls down).
    Up,
    /// Top to bottom.
    Down,
}

impl SwipeDirection {
    /// The drag's vector in px for a swipe of `distance`.
    pub fn delta(self, distance: f32) -> (f32, f32) {
        match self {
            SwipeDirection::Left => (-distance, 0.0),
            SwipeDirection::Right => (distance, 0.0),
            SwipeDirection::Up => (0.0, -distance),
            SwipeDirection::Down => (0.0, distance),
        }
    }
}

/// How far `swipe` drags, in px.
pub const SWIPE_PX: f32 = 200.0;

/// How to find an element on the page: `#id`, `.class` or `text=Label`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(pub String);

/// One step of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `tap SELECTOR`: pointer down and up at the centre of the first matching element's part
    /// on screen (an element outside the page area fails the step).
    Tap(Selector),
    /// `longpress SELECTOR`: as `tap`, held for [`LONGPRESS_MS`] with frames meanwhile.
    LongPress(Selector),
    /// `input SELECTOR TEXT`: tap the field to focus it, then type TEXT.
    Input(Selector, String),
    /// `key NAME`: a key for the focused field (`shift+` / `word+` prefixes).
    Key {
        /// Which key.
        key: miniapp_view::Key,
        /// `shift+`: extend the selection.
        shift: bool,
        /// `word+` (or `ctrl+` / `alt+`): by word.
        word: bool,
    },
    /// `scroll SELECTOR|page DY`: wheel `DY` px over the element's centre (`page`: the page
    /// itself).
    Scroll(Option<Selector>, f32),
    /// `pull-down`: drag the page down from its top.
    PullDown,
    /// `wait-for SELECTOR [MS]`: pump the app until an element matches (`text=` also matches
    /// text in toasts and dialogs) or MS (default [`DEFAULT_WAIT_FOR_MS`]) have passed.
    WaitFor(Selector, u64),
    /// `assert-no-text [--anywhere] TEXT`: fail if the screen (or the whole page) shows TEXT.
    AssertNoText {
        /// The text.
        text: String,
        /// Look at the whole page, not only what is on screen.
        anywhere: bool,
    },
    /// `assert-count SELECTOR N`: fail unless exactly N elements match.
    AssertCount(Selector, usize),
    /// `assert-data PATH JSON`: fail unless the top page's data at PATH equals JSON.
    AssertData(String, serde_json::Value),
    /// `set-data PATH JSON`: the AppData panel's edit: the top page's data at PATH becomes JSON
    /// (the page re-renders; the logic's copy is not told, as on the established simulators).
    SetData(String, serde_json::Value),
    /// `wait MS`: let the app's event loop run for this many milliseconds.
    Wait(u64),
    /// `elapse MS`: move the simulated clock on by MS without waiting: apps in the background
    /// age, and those past their TTL are destroyed (the app in front does not run meanwhile).
    Elapse(u64),
    /// `screenshot FILE`: render the phone screen to a PNG.
    Screenshot(String),
    /// `screenshot FILE SELECTOR`: the screen cut to the first element matching SELECTOR (its
    /// on-screen part).
    ScreenshotOf(String, Selector),
    /// `swipe SELECTOR|page left|right|up|down`: a quick 200 px drag from the centre of the
    /// element (or the page) in that direction.
    Swipe(Option<Selector>, SwipeDirection),
    /// `device NAME`: the session moves to another device preset (its pages lay out again).
    Device(crate::Device),
    /// `menu ITEM`: open the capsule's `···` menu and choose ITEM (About, Share, Permissions,
    /// Restart, Close).
    Menu(usize),
    /// `assert-text [--anywhere] TEXT`: fail unless the screen (or, with `--anywhere`, the
    /// whole page including what is scrolled away) shows TEXT.
    AssertText {
        /// The text.
        text: String,
        /// Look at the whole page, not only what is on screen.
        anywhere: bool,
    },
    /// `back`: navigate back one page.
    Back,
    /// `home`: the app goes to the background (page-hide, on-hide) and the home screen shows.
    Home,
    /// `open URL`: the app of this launch URL comes to the front: resumed if it runs in the
    /// background, else launched (the current one goes to the background).
    Open(String),
    /// `switch APPID`: an app running in the background comes to the front.
    Switch(String),
    /// `restart`: the app in front exits (its instance dropped) and is launched again from its
    /// launch URL, as the capsule's Restart does.
    Restart,
    /// `clear-storage`: the Storage panel's "Clear storage": every key the app stored is removed.
    ClearStorage,
    /// `answer ok|cancel|N`: answer the open modal, action sheet or camera (`None` = cancel).
    Answer(Option<usize>),
    /// `answer 1,2` / `answer 2026-12-24` / `answer 09:30`: the open picker's value.
    AnswerPicker(serde_json::Value),
    /// `allow` / `deny`: answer the open permission prompt.
    Permission(bool),
    /// `scan FILE`: show the open camera an image.
    Scan(String),
    /// `clipboard TEXT`: set the simulator's clipboard.
    SetClipboard(String),
    /// `assert-clipboard TEXT`: fail unless the clipboard holds TEXT.
    AssertClipboard(String),
}

/// Every step name, for the error on an unknown one.
const STEPS: &str = "tap, longpress, input, key, scroll, pull-down, swipe, wait, elapse, wait-for, screenshot, assert-text, \
                     assert-no-text, assert-count, assert-data, set-data, clear-storage, back, home, open, switch, restart, device, menu, answer, allow, deny, scan, \
                     clipboard or assert-clipboard";

/// How long `longpress` holds, in ms (past the view's long-press threshold of 350 ms).
pub const LONGPRESS_MS: u64 = 400;
/// How long `wait-for` waits when the step names no time, in ms.
pub const DEFAULT_WAIT_FOR_MS: u64 = 5000;
/// The longest `wait` or `wait-for`, in ms.
pub const MAX_WAIT_MS: u64 = 600_000;
/// The longest `elapse`, in ms (a day).
pub const MAX_ELAPSE_MS: u64 = 86_400_000;

/// A parsed script line: its 1-based number, the source text and the step.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptLine {
    /// 1-based line number in the script file.
    pub line: usize,
    /// The line as written (trimmed).
    pub source: String,
    /// The parsed step.
    pub step: Step,
}

/// Parses a whole script, reporting the first bad line as `NAME:LINE: message`.
///
/// # Errors
/// [`Error::Script`] naming the file, the line and what is wrong with it.
pub fn parse_script(src: &str, name: &str) -> Result<Vec<ScriptLine>> {
    let mut out = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let text = strip_comment(raw).trim();
        if text.is_empty() {
            continue;
        }
        let (cmd, arg) = match text.split_once(char::is_whitespace) {
            Some((c, a)) => (c, a.trim()),
            None => (text, ""),
        };
        let bad = |message: String| Error::Script { script: name.to_string(), line, message };
        let need_arg = |what: &str| -> Result<()> {
            if arg.is_empty() {
                Err(bad(format!("`{cmd}` needs {what}")))
            } else {
                Ok(())
            }
        };
        let step = match cmd {
            "tap" | "longpress" => {
                need_arg("a selector (#id, .class or text=Label)")?;
                let sel = parse_selector(arg).map_err(bad)?;
                if cmd == "tap" {
                    Step::Tap(sel)
                } else {
                    Step::LongPress(sel)
                }
            }
            "input" => {
                need_arg("a selector and the text to type (`input #name Alice`)")?;
                let (sel, rest) = split_selector(arg);
                let text = rest.trim();
                if text.is_empty() {
                    return Err(bad(format!("`input {sel}` needs the text to type after the selector")));
                }
                Step::Input(parse_selector(sel).map_err(bad)?, unquote(text).to_string())
            }
            "key" => {
                need_arg(&format!("a key name ({KEYS})"))?;
                parse_key(arg).map_err(bad)?
            }
            "scroll" => {
                need_arg("`page` or a selector, then the px to scroll (`scroll page 600`)")?;
                let (target, dy) = arg.rsplit_once(char::is_whitespace).unwrap_or(("", arg));
                let target = target.trim();
                if target.is_empty() {
                    return Err(bad(format!("`scroll` needs `page` or a selector before the px, got `{arg}`")));
                }
                let dy: f32 = dy
                    .trim_end_matches("px")
                    .parse()
                    .ok()
                    .filter(|d: &f32| d.is_finite())
                    .ok_or_else(|| bad(format!("`scroll` takes px to scroll (negative scrolls up), got `{dy}`")))?;
                let sel = if target == "page" { None } else { Some(parse_selector(target).map_err(bad)?) };
                Step::Scroll(sel, dy)
            }
            "pull-down" => {
                if !arg.is_empty() {
                    return Err(bad(format!("`pull-down` takes no argument, got `{arg}`")));
                }
                Step::PullDown
            }
            "wait" => {
                need_arg("a number of milliseconds")?;
                Step::Wait(parse_ms(cmd, arg).map_err(bad)?)
            }
            "elapse" => {
                need_arg("a number of milliseconds")?;
                let ms: u64 = arg.trim_end_matches("ms").parse().map_err(|_| bad(format!("`elapse` takes milliseconds, got `{arg}`")))?;
                if ms > MAX_ELAPSE_MS {
                    return Err(bad(format!("`elapse {ms}` is over the limit of {MAX_ELAPSE_MS} ms (a day)")));
                }
                Step::Elapse(ms)
            }
            "wait-for" => {
                need_arg("a selector (#id, .class or text=Label) and optionally a time in ms")?;
                let (sel, ms) = split_wait_for(arg);
                let ms = match ms {
                    Some(m) => parse_ms(cmd, m).map_err(bad)?,
                    None => DEFAULT_WAIT_FOR_MS,
                };
                Step::WaitFor(parse_selector(sel).map_err(bad)?, ms)
            }
            "assert-no-text" => {
                let (anywhere, text) = anywhere_flag(arg);
                if text.is_empty() {
                    return Err(bad("`assert-no-text` needs the text that must not show".into()));
                }
                Step::AssertNoText { text: unquote(text).to_string(), anywhere }
            }
            "assert-count" => {
                need_arg("a selector and a number (`assert-count .row 3`)")?;
                let (sel, n) = arg.rsplit_once(char::is_whitespace).unwrap_or((arg, ""));
                let n: usize = n
                    .parse()
                    .map_err(|_| bad(format!("`assert-count` takes a selector, then a count, got `{arg}`")))?;
                Step::AssertCount(parse_selector(sel.trim()).map_err(bad)?, n)
            }
            "assert-data" | "set-data" => {
                need_arg(&format!("a data path and a JSON value (`{cmd} list[0].title \"Hi\"`)"))?;
                let (path, json) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
                crate::script::data_path(path).map_err(bad)?;
                let json = json.trim();
                let value = serde_json::from_str(json).map_err(|e| {
                    bad(format!("`{cmd} {path}` takes a JSON value, got `{json}` ({e}); write strings in quotes: \"{json}\""))
                })?;
                if cmd == "set-data" {
                    Step::SetData(path.to_string(), value)
                } else {
                    Step::AssertData(path.to_string(), value)
                }
            }
            "screenshot" => {
                need_arg("a file name")?;
                match arg.split_once(char::is_whitespace) {
                    Some((file, sel)) if looks_like_selector(sel.trim()) => Step::ScreenshotOf(file.to_string(), Selector(sel.trim().to_string())),
                    _ => Step::Screenshot(arg.to_string()),
                }
            }
            "swipe" => {
                need_arg("`page` or a selector, and left, right, up or down")?;
                let (target, dir) = arg.rsplit_once(char::is_whitespace).unwrap_or(("", arg));
                let dir = match dir {
                    "left" => SwipeDirection::Left,
                    "right" => SwipeDirection::Right,
                    "up" => SwipeDirection::Up,
                    "down" => SwipeDirection::Down,
                    other => return Err(bad(format!("`swipe` goes left, right, up or down, not `{other}`"))),
                };
                let target = target.trim();
                if target.is_empty() {
                    return Err(bad("`swipe` needs `page` or a selector before the direction".into()));
                }
                Step::Swipe((target != "page").then(|| Selector(target.to_string())), dir)
            }
            "menu" => {
                need_arg("an item of the capsule menu")?;
                match crate::frame::MENU_ITEMS.iter().position(|i| i.eq_ignore_ascii_case(arg)) {
                    Some(i) => Step::Menu(i),
                    None => return Err(bad(format!("the capsule menu has no `{arg}` (it has {})", crate::frame::MENU_ITEMS.join(", ")))),
                }
            }
            "device" => {
                need_arg("a device name")?;
                let name = unquote(arg);
                match crate::Device::by_name(name) {
                    Some(d) => Step::Device(d),
                    None => return Err(bad(format!("unknown device `{name}` (expected {})", crate::Device::names()))),
                }
            }
            "assert-text" => {
                let (anywhere, text) = anywhere_flag(arg);
                if text.is_empty() {
                    return Err(bad("`assert-text` needs the text to look for".into()));
                }
                Step::AssertText { text: unquote(text).to_string(), anywhere }
            }
            "back" | "allow" | "deny" | "home" | "restart" | "clear-storage" => {
                if !arg.is_empty() {
                    return Err(bad(format!("`{cmd}` takes no argument, got `{arg}`")));
                }
                match cmd {
                    "back" => Step::Back,
                    "home" => Step::Home,
                    "restart" => Step::Restart,
                    "clear-storage" => Step::ClearStorage,
                    c => Step::Permission(c == "allow"),
                }
            }
            "open" => {
                need_arg("a launch URL")?;
                Step::Open(unquote(arg).to_string())
            }
            "switch" => {
                need_arg("the app id of an app running in the background")?;
                Step::Switch(arg.to_string())
            }
            "answer" => {
                need_arg("ok, cancel, an item number, or a picker value")?;
                match arg {
                    "ok" | "confirm" => Step::Answer(Some(0)),
                    "cancel" => Step::Answer(None),
                    n if n.parse::<usize>().is_ok() => Step::Answer(n.parse().ok()),
                    v => Step::AnswerPicker(picker_value(v).map_err(bad)?),
                }
            }
            "scan" => {
                need_arg("an image file")?;
                Step::Scan(unquote(arg).to_string())
            }
            "clipboard" => Step::SetClipboard(unquote(arg).to_string()),
            "assert-clipboard" => Step::AssertClipboard(unquote(arg).to_string()),
            other => return Err(bad(format!("unknown step `{other}` (expected {STEPS})"))),
        };
        out.push(ScriptLine { line, source: text.to_string(), step });
    }
    Ok(out)
}

/// The key names of `key`.
const KEYS: &str = "backspace, delete, left, right, up, down, home, end, enter, select-all or copy";

fn parse_key(arg: &str) -> std::result::Result<Step, String> {
    use miniapp_view::Key;
    let (mut shift, mut word) = (false, false);
    let mut name = arg;
    while let Some((m, rest)) = name.split_once('+') {
        match m {
            "shift" => shift = true,
            "word" | "ctrl" | "alt" => word = true,
            other => return Err(format!("`key` modifier `{other}` is not one of shift+, word+, ctrl+ or alt+")),
        }
        name = rest;
    }
    let key = match name {
        "backspace" => Key::Backspace,
        "delete" => Key::Delete,
        "left" => Key::Left,
        "right" => Key::Right,
        "up" => Key::Up,
        "down" => Key::Down,
        "home" => Key::Home,
        "end" => Key::End,
        "enter" => Key::Enter,
        "select-all" => Key::SelectAll,
        "copy" => Key::Copy,
        other => return Err(format!("unknown key `{other}` (expected {KEYS})")),
    };
    Ok(Step::Key { key, shift, word })
}

fn parse_ms(cmd: &str, arg: &str) -> std::result::Result<u64, String> {
    let ms: u64 = arg.trim_end_matches("ms").parse().map_err(|_| format!("`{cmd}` takes milliseconds, got `{arg}`"))?;
    if ms > MAX_WAIT_MS {
        return Err(format!("`{cmd} {ms}` is over the limit of {MAX_WAIT_MS} ms"));
    }
    Ok(ms)
}

/// Whether `s` is written as a selector (`#id`, `.class`, `text=…`).
fn looks_like_selector(s: &str) -> bool {
    s.starts_with('#') || s.starts_with('.') || s.starts_with("text=")
}

/// Splits `--anywhere` off the front of an assert's argument.
fn anywhere_flag(arg: &str) -> (bool, &str) {
    match arg.strip_prefix("--anywhere") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => (true, rest.trim()),
        _ => (false, arg),
    }
}

/// Splits a selector off the front of `arg`: one word, or `text="a label"` / `text='a label'`.
fn split_selector(arg: &str) -> (&str, &str) {
    for q in ['"', '\''] {
        let open = format!("text={q}");
        if arg.starts_with(&open) {
            if let Some(end) = arg[open.len()..].find(q) {
                let at = open.len() + end + 1;
                return (&arg[..at], &arg[at..]);
            }
        }
    }
    arg.split_once(char::is_whitespace).unwrap_or((arg, ""))
}

/// `wait-for`'s selector and time: `#id 2000`, `text=Done 2000ms`, `text="Row 3" 2000`. An
/// unquoted `text=` label may hold spaces and digits, so its time needs the `ms` suffix.
fn split_wait_for(arg: &str) -> (&str, Option<&str>) {
    let quoted = arg.starts_with("text=\"") || arg.starts_with("text='");
    if arg.starts_with("text=") && !quoted {
        return match arg.rsplit_once(char::is_whitespace) {
            Some((sel, ms)) if ms.ends_with("ms") && ms.trim_end_matches("ms").parse::<u64>().is_ok() => (sel.trim(), Some(ms)),
            _ => (arg, None),
        };
    }
    let (sel, rest) = split_selector(arg);
    let rest = rest.trim();
    (sel, (!rest.is_empty()).then_some(rest))
}

/// A picker answer other than one index: `1,2` (a multiSelector's indexes), `2026-12-24` (a
/// date) or `09:30` (a time).
fn picker_value(v: &str) -> std::result::Result<serde_json::Value, String> {
    let is_date = v.len() == 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-' && v.chars().filter(char::is_ascii_digit).count() == 8;
    let is_time = v.len() == 5 && v.as_bytes()[2] == b':' && v.chars().filter(char::is_ascii_digit).count() == 4;
    if is_date || is_time {
        return Ok(serde_json::Value::String(v.to_string()));
    }
    let list: std::result::Result<Vec<u64>, _> = v.split(',').map(|p| p.trim().parse::<u64>()).collect();
    match list {
        Ok(l) if !l.is_empty() => Ok(serde_json::json!(l)),
        _ => Err(format!(
            "`answer` takes ok, cancel, an item number (0-based), indexes like `1,2`, a date `2026-12-24` or a time `09:30`, got `{v}`"
        )),
    }
}

/// One step of a data path: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// `.name`
    Key(String),
    /// `[3]`
    Index(usize),
}

/// Parses a data path like `list[0].title` (as in `set-data` keys).
///
/// # Errors
/// A message naming the bad part.
pub fn data_path(path: &str) -> std::result::Result<Vec<PathPart>, String> {
    let mut out = Vec::new();
    for seg in path.split('.') {
        let (key, mut idx) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        if key.is_empty() && (out.is_empty() || idx.is_empty()) {
            return Err(format!("bad data path `{path}`: empty key (expected e.g. `list[0].title`)"));
        }
        if !key.is_empty() {
            out.push(PathPart::Key(key.to_string()));
        }
        while !idx.is_empty() {
            let end = idx.find(']').ok_or_else(|| format!("bad data path `{path}`: `[` without `]`"))?;
            let n = idx[1..end]
                .parse()
                .map_err(|_| format!("bad data path `{path}`: `{}` is not an array index", &idx[..=end]))?;
            out.push(PathPart::Index(n));
            idx = &idx[end + 1..];
            if !idx.is_empty() && !idx.starts_with('[') {
                return Err(format!("bad data path `{path}`: expected `.` or `[` after `]`"));
            }
        }
    }
    Ok(out)
}

/// The value at `path` in `data`, if there is one.
pub fn lookup<'a>(data: &'a serde_json::Value, path: &[PathPart]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(data, |v, p| match p {
        PathPart::Key(k) => v.get(k.as_str()),
        PathPart::Index(i) => v.get(*i),
    })
}

fn strip_comment(line: &str) -> &str {
    // `#` starts a comment only at the start of a line or after whitespace, so `tap #inc` works.
    let t = line.trim_start();
    if t.starts_with('#') {
        return "";
    }
    match line.find(" # ") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && ((b[0] == b'"' && b[b.len() - 1] == b'"') || (b[0] == b'\'' && b[b.len() - 1] == b'\'')) {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Checks a selector's shape: `#id`, `.class` or `text=Label`.
///
/// # Errors
/// A message naming the accepted forms.
pub fn parse_selector(s: &str) -> std::result::Result<Selector, String> {
    let ok = (s.starts_with('#') || s.starts_with('.')) && s.len() > 1 && !s[1..].contains(char::is_whitespace)
        || s.strip_prefix("text=").is_some_and(|t| !t.is_empty());
    if ok {
        Ok(Selector(if let Some(t) = s.strip_prefix("text=") { format!("text={}", unquote(t)) } else { s.to_string() }))
    } else {
        Err(format!("bad selector `{s}`: expected #id, .class or text=Label"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_step_kind_and_skips_comments() {
        let s = "# tour\n\ntap #inc\nwait 100\nscreenshot a.png\nassert-text \"2\"\nback\ntap text=+1 # the button\n";
        let steps = parse_script(s, "t.script").unwrap();
        let kinds: Vec<_> = steps.iter().map(|l| l.step.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Step::Tap(Selector("#inc".into())),
                Step::Wait(100),
                Step::Screenshot("a.png".into()),
                Step::AssertText { text: "2".into(), anywhere: false },
                Step::Back,
                Step::Tap(Selector("text=+1".into())),
            ]
        );
        assert_eq!(steps[0].line, 3);
    }

    #[test]
    fn restart_takes_no_argument() {
        let steps = parse_script("open http://127.0.0.1:1/apps/a\nrestart\n", "t").unwrap();
        assert_eq!(steps[1].step, Step::Restart);
        let err = parse_script("restart now\n", "t").unwrap_err().to_string();
        assert!(err.contains("`restart` takes no argument, got `now`"), "{err}");
    }

    #[test]
    fn swipe_device_and_element_screenshots_parse_with_clear_errors() {
        let steps = parse_script("swipe #banner left\nswipe page up\ndevice iPhone 15\nscreenshot c.png #card\nscreenshot my shot.png\n", "t").unwrap();
        assert_eq!(steps[0].step, Step::Swipe(Some(Selector("#banner".into())), SwipeDirection::Left));
        assert_eq!(steps[1].step, Step::Swipe(None, SwipeDirection::Up));
        assert_eq!(steps[2].step, Step::Device(crate::Device::IPHONE_15));
        assert_eq!(steps[3].step, Step::ScreenshotOf("c.png".into(), Selector("#card".into())));
        assert_eq!(steps[4].step, Step::Screenshot("my shot.png".into()));
        let err = |s: &str| parse_script(s, "t").unwrap_err().to_string();
        assert_eq!(err("swipe #a sideways"), "t:1: `swipe` goes left, right, up or down, not `sideways`");
        assert_eq!(err("swipe left"), "t:1: `swipe` needs `page` or a selector before the direction");
        assert_eq!(err("device Nokia"), "t:1: unknown device `Nokia` (expected iPhone SE, iPhone 15, Android, iPad)");
        assert_eq!(parse_script("menu share\n", "t").unwrap()[0].step, Step::Menu(1));
        assert_eq!(err("menu Settings"), "t:1: the capsule menu has no `Settings` (it has About, Share, Permissions, Device, Restart, Close)");
    }

    #[test]
    fn elapse_takes_milliseconds_up_to_a_day() {
        let steps = parse_script("elapse 300001\nelapse 5ms\n", "t").unwrap();
        assert_eq!(steps[0].step, Step::Elapse(300_001));
        assert_eq!(steps[1].step, Step::Elapse(5));
        let err = parse_script("elapse 5min\n", "t").unwrap_err().to_string();
        assert_eq!(err, "t:1: `elapse` takes milliseconds, got `5min`");
        let err = parse_script("elapse 86400001\n", "t").unwrap_err().to_string();
        assert!(err.contains("over the limit of 86400000 ms (a day)"), "{err}");
    }

    #[test]
    fn unknown_step_names_the_line() {
        let err = parse_script("tap #a\nclick #b\n", "s.txt").unwrap_err().to_string();
        assert_eq!(err, format!("s.txt:2: unknown step `click` (expected {STEPS})"));
    }

    #[test]
    fn parses_answers_permissions_camera_and_clipboard() {
        let s = "answer ok\nanswer cancel\nanswer 2\nallow\ndeny\nscan 'my code.png'\nclipboard hi there\nassert-clipboard \"hi there\"\n";
        let kinds: Vec<_> = parse_script(s, "t").unwrap().into_iter().map(|l| l.step).collect();
        assert_eq!(
            kinds,
            vec![
                Step::Answer(Some(0)),
                Step::Answer(None),
                Step::Answer(Some(2)),
                Step::Permission(true),
                Step::Permission(false),
                Step::Scan("my code.png".into()),
                Step::SetClipboard("hi there".into()),
                Step::AssertClipboard("hi there".into()),
            ]
        );
        assert_eq!(
            parse_script("answer maybe", "s").unwrap_err().to_string(),
            "s:1: `answer` takes ok, cancel, an item number (0-based), indexes like `1,2`, a date `2026-12-24` or a time `09:30`, got `maybe`"
        );
        let picks: Vec<_> = parse_script("answer 1,2\nanswer 2026-12-24\nanswer 09:30\n", "t").unwrap().into_iter().map(|l| l.step).collect();
        assert_eq!(
            picks,
            vec![
                Step::AnswerPicker(serde_json::json!([1, 2])),
                Step::AnswerPicker(serde_json::json!("2026-12-24")),
                Step::AnswerPicker(serde_json::json!("09:30")),
            ]
        );
        assert!(parse_script("answer 2026-1-24", "s").is_err() && parse_script("answer 9:3", "s").is_err() && parse_script("answer 1,x", "s").is_err());
        assert_eq!(parse_script("allow now", "s").unwrap_err().to_string(), "s:1: `allow` takes no argument, got `now`");
        assert_eq!(parse_script("scan", "s").unwrap_err().to_string(), "s:1: `scan` needs an image file");
    }

    #[test]
    fn parses_input_steps() {
        use miniapp_view::Key;
        let s = "longpress .row\ninput #name Alice Smith\ninput text=\"Your name\" 'Bob'\nkey backspace\n\
                 key shift+word+left\nscroll page 600\nscroll text=row 3 -40\npull-down\n";
        let kinds: Vec<_> = parse_script(s, "t").unwrap().into_iter().map(|l| l.step).collect();
        assert_eq!(
            kinds,
            vec![
                Step::LongPress(Selector(".row".into())),
                Step::Input(Selector("#name".into()), "Alice Smith".into()),
                Step::Input(Selector("text=Your name".into()), "Bob".into()),
                Step::Key { key: Key::Backspace, shift: false, word: false },
                Step::Key { key: Key::Left, shift: true, word: true },
                Step::Scroll(None, 600.0),
                Step::Scroll(Some(Selector("text=row 3".into())), -40.0),
                Step::PullDown,
            ]
        );
        assert_eq!(parse_script("input #name", "s").unwrap_err().to_string(), "s:1: `input #name` needs the text to type after the selector");
        assert!(parse_script("key tab", "s").unwrap_err().to_string().contains("unknown key `tab`"));
        assert!(parse_script("scroll 600", "s").unwrap_err().to_string().contains("needs `page` or a selector"));
        assert!(parse_script("scroll page far", "s").unwrap_err().to_string().contains("got `far`"));
    }

    #[test]
    fn parses_asserts_and_wait_for() {
        let s = "assert-text --anywhere row 30\nassert-no-text Oops\nassert-count .row 40\n\
                 assert-data list[0].title \"Hi\"\nwait-for #done\nwait-for .x 200\nwait-for text=row 30\n\
                 wait-for text=row 30 100ms\nwait-for text=\"row 30\" 100\n";
        let kinds: Vec<_> = parse_script(s, "t").unwrap().into_iter().map(|l| l.step).collect();
        assert_eq!(
            kinds,
            vec![
                Step::AssertText { text: "row 30".into(), anywhere: true },
                Step::AssertNoText { text: "Oops".into(), anywhere: false },
                Step::AssertCount(Selector(".row".into()), 40),
                Step::AssertData("list[0].title".into(), serde_json::json!("Hi")),
                Step::WaitFor(Selector("#done".into()), DEFAULT_WAIT_FOR_MS),
                Step::WaitFor(Selector(".x".into()), 200),
                Step::WaitFor(Selector("text=row 30".into()), DEFAULT_WAIT_FOR_MS),
                Step::WaitFor(Selector("text=row 30".into()), 100),
                Step::WaitFor(Selector("text=row 30".into()), 100),
            ]
        );
        let err = parse_script("assert-data name Alice", "s").unwrap_err().to_string();
        assert!(err.starts_with("s:1: `assert-data name` takes a JSON value, got `Alice`"), "{err}");
        assert!(err.ends_with("write strings in quotes: \"Alice\""), "{err}");
        assert!(parse_script("assert-data a[x] 1", "s").unwrap_err().to_string().contains("`[x]` is not an array index"));
        assert!(parse_script("assert-count .row many", "s").unwrap_err().to_string().contains("then a count"));
    }

    #[test]
    fn data_paths_find_values() {
        let data = serde_json::json!({"list": [{"title": "Hi"}], "name": "A"});
        let p = data_path("list[0].title").unwrap();
        assert_eq!(p, vec![PathPart::Key("list".into()), PathPart::Index(0), PathPart::Key("title".into())]);
        assert_eq!(lookup(&data, &p), Some(&serde_json::json!("Hi")));
        assert_eq!(lookup(&data, &data_path("list[1]").unwrap()), None);
        assert_eq!(lookup(&data, &data_path("name").unwrap()), Some(&serde_json::json!("A")));
        assert!(data_path("a..b").is_err());
    }

    #[test]
    fn rejects_bad_selector_and_bad_wait() {
        assert!(parse_script("tap inc", "s").unwrap_err().to_string().contains("bad selector `inc`"));
        assert!(parse_script("wait soon", "s").unwrap_err().to_string().contains("got `soon`"));
        assert!(parse_script("wait 9999999", "s").unwrap_err().to_string().contains("over the limit"));
        assert!(parse_script("screenshot", "s").unwrap_err().to_string().contains("needs a file name"));
    }
}
