//! The headless script language: one step per line, parsed up front so that a typo fails before
//! anything runs, with the line number in the error.
//!
//! ```text
//! # comments and blank lines are ignored
//! tap #inc            # or .class, or text=Label
//! wait 100            # milliseconds of app time (timers run, nothing sleeps longer than needed)
//! screenshot out.png  # relative to the script's --out folder / working directory
//! assert-text 2       # the page shows this text somewhere
//! back                # navigate back
//! answer ok           # answer the open modal: ok or cancel; an action sheet: its item (0-based) or cancel
//! allow               # answer the open permission prompt (or `deny`)
//! scan code.png       # show the open camera this image (relative to the working directory)
//! clipboard some text # put text on the simulator's clipboard
//! assert-clipboard t  # fail unless the clipboard holds exactly this text
//! ```

use crate::error::{Error, Result};

/// How to find an element on the page: `#id`, `.class` or `text=Label`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(pub String);

/// One step of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `tap SELECTOR`: tap the centre of the first matching element.
    Tap(Selector),
    /// `wait MS`: let the app's event loop run for this many milliseconds.
    Wait(u64),
    /// `screenshot FILE`: render the phone screen to a PNG.
    Screenshot(String),
    /// `assert-text TEXT`: fail unless the current page shows TEXT.
    AssertText(String),
    /// `back`: navigate back one page.
    Back,
    /// `answer ok|cancel|N`: answer the open modal, action sheet or camera (`None` = cancel).
    Answer(Option<usize>),
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
const STEPS: &str = "tap, wait, screenshot, assert-text, back, answer, allow, deny, scan, clipboard or assert-clipboard";

/// A parsed script line: its 1-based number, the source text and the step.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            "tap" => {
                need_arg("a selector (#id, .class or text=Label)")?;
                Step::Tap(parse_selector(arg).map_err(bad)?)
            }
            "wait" => {
                need_arg("a number of milliseconds")?;
                let ms: u64 = arg
                    .trim_end_matches("ms")
                    .parse()
                    .map_err(|_| bad(format!("`wait` takes milliseconds, got `{arg}`")))?;
                if ms > 600_000 {
                    return Err(bad(format!("`wait {ms}` is over the limit of 600000 ms")));
                }
                Step::Wait(ms)
            }
            "screenshot" => {
                need_arg("a file name")?;
                Step::Screenshot(arg.to_string())
            }
            "assert-text" => {
                need_arg("the text to look for")?;
                Step::AssertText(unquote(arg).to_string())
            }
            "back" | "allow" | "deny" => {
                if !arg.is_empty() {
                    return Err(bad(format!("`{cmd}` takes no argument, got `{arg}`")));
                }
                match cmd {
                    "back" => Step::Back,
                    c => Step::Permission(c == "allow"),
                }
            }
            "answer" => {
                need_arg("ok, cancel or an action sheet item number")?;
                match arg {
                    "ok" | "confirm" => Step::Answer(Some(0)),
                    "cancel" => Step::Answer(None),
                    n => Step::Answer(Some(n.parse().map_err(|_| {
                        bad(format!("`answer` takes ok, cancel or an item number (0-based), got `{n}`"))
                    })?)),
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
                Step::AssertText("2".into()),
                Step::Back,
                Step::Tap(Selector("text=+1".into())),
            ]
        );
        assert_eq!(steps[0].line, 3);
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
        assert_eq!(parse_script("answer maybe", "s").unwrap_err().to_string(), "s:1: `answer` takes ok, cancel or an item number (0-based), got `maybe`");
        assert_eq!(parse_script("allow now", "s").unwrap_err().to_string(), "s:1: `allow` takes no argument, got `now`");
        assert_eq!(parse_script("scan", "s").unwrap_err().to_string(), "s:1: `scan` needs an image file");
    }

    #[test]
    fn rejects_bad_selector_and_bad_wait() {
        assert!(parse_script("tap inc", "s").unwrap_err().to_string().contains("bad selector `inc`"));
        assert!(parse_script("wait soon", "s").unwrap_err().to_string().contains("got `soon`"));
        assert!(parse_script("wait 9999999", "s").unwrap_err().to_string().contains("over the limit"));
        assert!(parse_script("screenshot", "s").unwrap_err().to_string().contains("needs a file name"));
    }
}
