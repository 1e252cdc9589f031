//! The editing model of `input` and `textarea`: a value with a caret and a selection, edited by
//! character and by word, with `maxlength` and the `number`/`digit` types enforced. Pure data:
//! no layout, no events (the component turns edits into `input` events).

/// What an `input` accepts (`type` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    /// `type="text"` (the default): any text but newlines.
    #[default]
    Text,
    /// `type="number"`: digits only.
    Number,
    /// `type="digit"`: digits and one decimal point.
    Digit,
    /// A `textarea`: any text, newlines included.
    Multiline,
}

impl InputKind {
    /// The kind of an `input`'s `type` attribute (unknown values are text).
    pub fn from_attr(ty: Option<&str>) -> InputKind {
        match ty {
            Some("number") | Some("idcard") => InputKind::Number,
            Some("digit") => InputKind::Digit,
            _ => InputKind::Text,
        }
    }
}

/// The default `maxlength` of `input` and `textarea` (as on the established platforms);
/// `maxlength="-1"` removes the limit.
pub const DEFAULT_MAX_LENGTH: usize = 140;

/// A text value with a caret (`caret`, in characters) and a selection from `anchor` to `caret`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditBuffer {
    chars: Vec<char>,
    caret: usize,
    anchor: usize,
    /// At most this many characters (`None`: unlimited).
    pub max_length: Option<usize>,
    /// What characters are accepted.
    pub kind: InputKind,
}

impl EditBuffer {
    /// A buffer holding `value` (cut to `max_length`) with the caret at its end.
    pub fn new(value: &str, kind: InputKind, max_length: Option<usize>) -> EditBuffer {
        let mut b = EditBuffer { chars: Vec::new(), caret: 0, anchor: 0, max_length, kind };
        b.set_value(value);
        b
    }

    /// Replaces the value (the app set it), keeping the caret where it was when it still fits.
    pub fn set_value(&mut self, value: &str) {
        self.chars = value.chars().collect();
        if let Some(max) = self.max_length {
            self.chars.truncate(max);
        }
        let n = self.chars.len();
        self.caret = self.caret.min(n);
        self.anchor = self.anchor.min(n);
        if self.caret == 0 && self.anchor == 0 {
            self.caret = n;
            self.anchor = n;
        }
    }

    /// The value.
    pub fn value(&self) -> String {
        self.chars.iter().collect()
    }

    /// The value's length in characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The caret position in characters (`detail.cursor`).
    pub fn caret(&self) -> usize {
        self.caret
    }

    /// The selection as a character range (empty when nothing is selected).
    pub fn selection(&self) -> std::ops::Range<usize> {
        self.caret.min(self.anchor)..self.caret.max(self.anchor)
    }

    /// The selected text.
    pub fn selected_text(&self) -> String {
        self.chars[self.selection()].iter().collect()
    }

    /// The text before the caret (to place the caret when drawing).
    pub fn before_caret(&self) -> String {
        self.chars[..self.caret].iter().collect()
    }

    /// Moves the caret to `pos` (clamped); `extend` keeps the anchor (shift held).
    pub fn set_caret(&mut self, pos: usize, extend: bool) {
        self.caret = pos.min(self.chars.len());
        if !extend {
            self.anchor = self.caret;
        }
    }

    /// Selects everything.
    pub fn select_all(&mut self) {
        self.anchor = 0;
        self.caret = self.chars.len();
    }

    fn accepts(&self, c: char, so_far: &[char]) -> bool {
        match self.kind {
            InputKind::Text => c != '\n' && c != '\r',
            InputKind::Multiline => c != '\r',
            InputKind::Number => c.is_ascii_digit(),
            InputKind::Digit => c.is_ascii_digit() || (c == '.' && !so_far.contains(&'.')),
        }
    }

    /// Inserts `text` at the caret, replacing the selection (typing, an IME commit, a paste).
    /// Characters the type does not accept are dropped; past `max_length` the rest is cut.
    /// Returns whether the value changed.
    pub fn insert(&mut self, text: &str) -> bool {
        let sel = self.selection();
        let had_selection = !sel.is_empty();
        let mut rest: Vec<char> = self.chars[..sel.start].to_vec();
        rest.extend_from_slice(&self.chars[sel.end..]);
        let mut added = Vec::new();
        for c in text.chars() {
            let mut seen = rest.clone();
            seen.extend_from_slice(&added);
            if !self.accepts(c, &seen) {
                continue;
            }
            if self.max_length.is_some_and(|m| rest.len() + added.len() >= m) {
                break;
            }
            added.push(c);
        }
        if added.is_empty() && !had_selection {
            return false;
        }
        let at = sel.start;
        self.chars = rest;
        self.chars.splice(at..at, added.iter().copied());
        self.caret = at + added.len();
        self.anchor = self.caret;
        true
    }

    /// Backspace: deletes the selection or the character before the caret (`word`: the word).
    pub fn backspace(&mut self, word: bool) -> bool {
        if self.selection().is_empty() {
            if self.caret == 0 {
                return false;
            }
            self.anchor = if word { self.word_left_of(self.caret) } else { self.caret - 1 };
        }
        self.insert("");
        true
    }

    /// Delete: deletes the selection or the character after the caret (`word`: the word).
    pub fn delete(&mut self, word: bool) -> bool {
        if self.selection().is_empty() {
            if self.caret >= self.chars.len() {
                return false;
            }
            self.anchor = if word { self.word_right_of(self.caret) } else { self.caret + 1 };
        }
        self.insert("");
        true
    }

    /// Left arrow: one character (`word`: to the start of the word); `extend` selects.
    pub fn left(&mut self, word: bool, extend: bool) {
        let sel = self.selection();
        let to = if !extend && !sel.is_empty() {
            sel.start
        } else if word {
            self.word_left_of(self.caret)
        } else {
            self.caret.saturating_sub(1)
        };
        self.set_caret(to, extend);
    }

    /// Right arrow: one character (`word`: past the end of the word); `extend` selects.
    pub fn right(&mut self, word: bool, extend: bool) {
        let sel = self.selection();
        let to = if !extend && !sel.is_empty() {
            sel.end
        } else if word {
            self.word_right_of(self.caret)
        } else {
            self.caret + 1
        };
        self.set_caret(to, extend);
    }

    /// Home: to the start of the line (the value, for one line).
    pub fn home(&mut self, extend: bool) {
        let start = self.chars[..self.caret].iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
        self.set_caret(start, extend);
    }

    /// End: to the end of the line.
    pub fn end(&mut self, extend: bool) {
        let end = self.chars[self.caret..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(self.chars.len(), |i| self.caret + i);
        self.set_caret(end, extend);
    }

    fn word_left_of(&self, mut i: usize) -> usize {
        while i > 0 && !is_word(self.chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word(self.chars[i - 1]) {
            i -= 1;
        }
        i
    }

    fn word_right_of(&self, mut i: usize) -> usize {
        let n = self.chars.len();
        while i < n && !is_word(self.chars[i]) {
            i += 1;
        }
        while i < n && is_word(self.chars[i]) {
            i += 1;
        }
        i
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(v: &str) -> EditBuffer {
        EditBuffer::new(v, InputKind::Text, Some(DEFAULT_MAX_LENGTH))
    }

    #[test]
    fn typing_inserts_at_the_caret_and_moves_it() {
        let mut b = buf("ac");
        b.left(false, false);
        assert!(b.insert("b"));
        assert_eq!((b.value().as_str(), b.caret()), ("abc", 2));
        b.end(false);
        b.insert("你好");
        assert_eq!((b.value().as_str(), b.caret()), ("abc你好", 5), "the caret counts characters, not bytes");
    }

    #[test]
    fn backspace_and_delete_remove_around_the_caret() {
        let mut b = buf("hello world");
        assert!(b.backspace(false));
        assert_eq!(b.value(), "hello worl");
        assert!(b.backspace(true));
        assert_eq!(b.value(), "hello ");
        b.home(false);
        assert!(b.delete(false));
        assert_eq!((b.value().as_str(), b.caret()), ("ello ", 0));
        assert!(b.delete(true));
        assert_eq!(b.value(), " ");
        b.end(false);
        assert!(!b.delete(false), "nothing after the caret");
        b.home(false);
        assert!(!b.backspace(false), "nothing before the caret");
    }

    #[test]
    fn selection_is_replaced_by_typing_and_removed_by_backspace() {
        let mut b = buf("one two three");
        b.home(false);
        b.right(true, true);
        assert_eq!(b.selected_text(), "one");
        b.insert("1");
        assert_eq!(b.value(), "1 two three");
        b.select_all();
        assert_eq!(b.selection(), 0..11);
        b.backspace(false);
        assert_eq!((b.value().as_str(), b.caret()), ("", 0));
    }

    #[test]
    fn arrows_move_by_character_and_word_and_collapse_a_selection() {
        let mut b = buf("ab cd");
        b.home(false);
        b.right(false, false);
        assert_eq!(b.caret(), 1);
        b.right(true, false);
        assert_eq!(b.caret(), 2, "to the end of the word");
        b.right(true, false);
        assert_eq!(b.caret(), 5, "past the space to the end of the next word");
        b.left(true, false);
        assert_eq!(b.caret(), 3);
        b.left(false, true);
        b.left(false, true);
        assert_eq!(b.selection(), 1..3);
        b.right(false, false);
        assert_eq!((b.caret(), b.selection()), (3, 3..3), "right collapses to the selection's end");
    }

    #[test]
    fn maxlength_cuts_typing_and_paste() {
        let mut b = EditBuffer::new("abcdef", InputKind::Text, Some(4));
        assert_eq!(b.value(), "abcd", "a longer value is cut");
        assert!(!b.insert("x"));
        b.backspace(false);
        assert!(b.insert("xyz"));
        assert_eq!(b.value(), "abcx", "a paste fills up to the limit");
        let mut u = EditBuffer::new("", InputKind::Text, None);
        u.insert(&"a".repeat(500));
        assert_eq!(u.len(), 500, "maxlength -1 is unlimited");
    }

    #[test]
    fn number_and_digit_types_take_only_their_characters() {
        let mut n = EditBuffer::new("", InputKind::Number, None);
        assert!(n.insert("a1b2.3"));
        assert_eq!(n.value(), "123");
        assert!(!n.insert("x"));
        let mut d = EditBuffer::new("", InputKind::Digit, None);
        d.insert("3.1.4");
        assert_eq!(d.value(), "3.14", "one decimal point");
    }

    #[test]
    fn single_line_inputs_refuse_newlines_and_textareas_keep_them() {
        let mut t = buf("");
        t.insert("a\nb");
        assert_eq!(t.value(), "ab");
        let mut m = EditBuffer::new("", InputKind::Multiline, None);
        m.insert("a\nbc");
        assert_eq!(m.value(), "a\nbc");
        m.home(false);
        assert_eq!(m.caret(), 2, "home goes to the start of the caret's line");
        m.set_caret(0, false);
        m.end(false);
        assert_eq!(m.caret(), 1);
    }

    #[test]
    fn set_value_keeps_the_caret_when_it_fits() {
        let mut b = buf("hello");
        b.set_caret(2, false);
        b.set_value("help me");
        assert_eq!(b.caret(), 2);
        b.set_value("h");
        assert_eq!(b.caret(), 1);
    }
}
