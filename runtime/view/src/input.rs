//! The input-event API between a front end (the window, the headless driver) and the view:
//! device-neutral [`Input`]s go in through [`crate::Page::handle`], [`Outcome`]s come out.
//!
//! The front end maps devices — mouse or touch, wheel, keyboard, IME, clipboard — to these
//! events and knows nothing of components; the view owns each component's behaviour and state
//! (which element is pressed, the caret, scroll offsets, checked boxes) and answers with the
//! app events to deliver (`tap`, `longpress`, `touchstart`, `input`, `scroll`, `change`…), a
//! navigation a `navigator` asks for, or a focus change so the front end can show a keyboard.
//!
//! Coordinates are logical px of the page area: (0, 0) is its top-left corner on screen (below
//! the navigation bar), whatever the page's own scroll offset.

use serde_json::Value;

use crate::display::Rect;

/// A press that lasts this long without moving is a long press (`longpress`), not a tap.
pub const LONG_PRESS_MS: u64 = 350;
/// A pointer that moves farther than this from where it went down is a drag, not a tap.
pub const TAP_SLOP_PX: f32 = 10.0;
/// Default `upper-threshold` / `lower-threshold` of a `scroll-view`, and the page's
/// `onReachBottomDistance`, in px.
pub const DEFAULT_SCROLL_THRESHOLD: f32 = 50.0;

/// One device-neutral input event.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A finger or the mouse button went down at `(x, y)`; `time_ms` is any monotonic clock.
    PointerDown {
        /// Page-area x.
        x: f32,
        /// Page-area y.
        y: f32,
        /// Time in ms.
        time_ms: u64,
    },
    /// The pressed pointer moved.
    PointerMove {
        /// Page-area x.
        x: f32,
        /// Page-area y.
        y: f32,
        /// Time in ms.
        time_ms: u64,
    },
    /// The pointer was released.
    PointerUp {
        /// Page-area x.
        x: f32,
        /// Page-area y.
        y: f32,
        /// Time in ms.
        time_ms: u64,
    },
    /// The press was taken away (the window lost the pointer, a system sheet opened).
    PointerCancel,
    /// A wheel or touchpad scroll at `(x, y)` by `(dx, dy)` px (positive `dy` scrolls down).
    Wheel {
        /// Page-area x.
        x: f32,
        /// Page-area y.
        y: f32,
        /// Horizontal delta in px.
        dx: f32,
        /// Vertical delta in px.
        dy: f32,
    },
    /// Text for the focused field: typed characters, an IME commit, a paste.
    Text(String),
    /// A key that edits or moves rather than types.
    Key {
        /// Which key.
        key: Key,
        /// Shift held (extends the selection).
        shift: bool,
        /// Ctrl/Alt/Option held (moves or deletes by word).
        word: bool,
    },
    /// A frame is about to be drawn at `time_ms`: long presses are detected and the `scroll`
    /// events of this frame are delivered (at most one per scroller per frame).
    Frame {
        /// Time in ms, on the same clock as the pointer events.
        time_ms: u64,
    },
    /// Focus leaves the page (the keyboard was closed, another page or app came up).
    Blur,
}

/// Keys that edit or move the caret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Delete the character (or selection) before the caret.
    Backspace,
    /// Delete the character (or selection) after the caret.
    Delete,
    /// Caret left.
    Left,
    /// Caret right.
    Right,
    /// Caret up a line (textarea); start of the value in an input.
    Up,
    /// Caret down a line (textarea); end of the value in an input.
    Down,
    /// Start of the line.
    Home,
    /// End of the line.
    End,
    /// Confirm an input (`confirm` event); a new line in a textarea.
    Enter,
    /// Select all of the focused field.
    SelectAll,
    /// Copy the focused field's selection, or the selected text (`user-select`): answers
    /// [`Outcome::Copy`].
    Copy,
}

/// How a `navigator` (or a front end) asks to move between pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenType {
    /// Push a page (`navigate`, the default).
    Navigate,
    /// Replace the top page (`redirect`).
    Redirect,
    /// Switch to a tab page (`switchTab`).
    SwitchTab,
    /// Close every page and open this one (`reLaunch`).
    ReLaunch,
    /// Pop pages (`navigateBack`, with `delta`).
    NavigateBack,
}

impl OpenType {
    /// The `open-type` attribute's value (unknown values are `navigate`).
    pub fn from_attr(v: Option<&str>) -> OpenType {
        match v {
            Some("redirect") => OpenType::Redirect,
            Some("switchTab") => OpenType::SwitchTab,
            Some("reLaunch") => OpenType::ReLaunch,
            Some("navigateBack") => OpenType::NavigateBack,
            _ => OpenType::Navigate,
        }
    }
}

/// What an event is: the handler to call in the app's logic and the event object to pass.
#[derive(Debug, Clone, PartialEq)]
pub struct AppEvent {
    /// The handler name from `bind:EVENT` / `catch:EVENT`.
    pub handler: String,
    /// `{"type":..,"timeStamp":..,"target":{..},"currentTarget":{..},"detail":{..}}` (touch
    /// events also carry `touches` and `changedTouches`).
    pub event: Value,
    /// Whose handler it is: the custom component instance whose template has the binding
    /// (its id from [`crate::ComponentChange::Attached`]), or `None` for the page.
    pub instance: Option<u32>,
}

/// What the view asks of the front end after an [`Input`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Call this handler in the app's logic.
    Event(AppEvent),
    /// A `navigator` was tapped: move to `url` (`delta` pages back for `navigateBack`).
    Navigate {
        /// The target page and query (`/pages/detail/detail?id=3`); empty for navigateBack.
        url: String,
        /// How to open it.
        open_type: OpenType,
        /// Pages to pop for navigateBack (default 1).
        delta: u32,
    },
    /// A field took focus (its border box in page-area coordinates: keep it above the
    /// keyboard) or focus left every field (`None`: hide the keyboard).
    Focus(Option<Rect>),
    /// The page itself scrolled to `scroll_top` (for the page's `on-page-scroll`).
    PageScroll {
        /// The page's new scroll offset in px.
        scroll_top: f32,
    },
    /// The page was scrolled to within its bottom distance (for `on-reach-bottom`); sent once
    /// each time the bottom is reached.
    ReachBottom,
    /// The page was pulled down past its top by this many px (the front end shows the refresh
    /// indicator when the page config enables it); `released` when the pointer went up.
    PullDown {
        /// How far past the top, in px.
        distance: f32,
        /// The pointer was released (start the refresh if far enough).
        released: bool,
    },
    /// A `picker` was tapped: the front end shows its sheet and answers with
    /// [`crate::Page::answer_picker`].
    OpenPicker(PickerRequest),
    /// Something visible changed without an app event (a caret moved, a list scrolled):
    /// draw a new frame.
    Redraw,
    /// Put this text on the clipboard (the "Copy" bubble of a text selection was tapped, or
    /// [`Key::Copy`]).
    Copy(String),
}

/// What a picker sheet must show.
#[derive(Debug, Clone, PartialEq)]
pub struct PickerRequest {
    /// The picker element's stable identity (pass it back to [`crate::Page::answer_picker`]).
    pub picker: u64,
    /// `selector`, `multiSelector`, `date` or `time`.
    pub mode: String,
    /// The choices: one column for `selector`, several for `multiSelector`; empty for date/time.
    pub columns: Vec<Vec<String>>,
    /// The current value (an index, a list of indexes, or `"2026-12-01"` / `"09:30"`).
    pub value: Value,
}
