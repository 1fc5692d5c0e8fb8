//! Wrapping of help and notes for the terminal, in both languages: lines break at spaces and
//! between Japanese characters, never inside an inline code span (`method follow-up` stays
//! whole), inside a quoted title only when it is wider than a line, and never before closing
//! punctuation (、。」）).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `prefix` then `text`, wrapped at `width` columns; continuation lines are indented to the
/// end of the prefix.
pub fn wrap(prefix: &str, text: &str, width: usize) -> String {
    let indent = columns(prefix);
    let room = width.saturating_sub(indent).max(20);
    // The text, a line end and an indent per line, without growing.
    let mut out =
        String::with_capacity(prefix.len() + text.len() + (text.len() / room + 1) * (indent + 1));
    out.push_str(prefix);
    let new_line = |out: &mut String| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
    };
    let mut line = 0usize;
    for unit in Units::new(text) {
        // One pass over the unit for its three widths when its characters' widths add up
        // (`fast_columns`); otherwise each measured as a string.
        let lead = unit.len() - unit.trim_start_matches(' ').len();
        let trail = unit.len() - unit.trim_end_matches(' ').len();
        let (w, whole, from_first) = match fast_columns(unit) {
            // Spaces are one column each; a unit of spaces alone is both leading and trailing.
            Some(all) => (all - trail, all, all - lead),
            None => (
                columns(unit.trim_end_matches(' ')),
                columns(unit),
                columns(unit.trim_start_matches(' ')),
            ),
        };
        // A quoted title wider than a whole line is broken between its characters after all.
        if w > room && !unit.starts_with('`') {
            for (at, c) in unit.char_indices() {
                let piece = &unit[at..at + c.len_utf8()];
                let cw = columns(piece);
                if line > 0 && line + cw > room && c != ' ' {
                    new_line(&mut out);
                    line = 0;
                }
                out.push_str(piece);
                line += cw;
            }
            continue;
        }
        if line > 0 && line + w > room {
            // Trailing spaces of the line end here.
            out.truncate(out.trim_end_matches(' ').len());
            new_line(&mut out);
            line = 0;
        }
        if line == 0 {
            out.push_str(&unit[lead..]);
            line = from_first;
        } else {
            out.push_str(unit);
            line += whole;
        }
    }
    out.truncate(out.trim_end_matches(' ').len());
    out
}

/// The text cut into units that a line may end after: a word with its trailing spaces, a code
/// span with what is glued to it, or one Japanese character with any closing punctuation after
/// it.
///
/// Read by position rather than through a character iterator: a code span or quoted title is
/// passed over with one search for its closing mark, and a run of ASCII letters byte by byte
/// (each was a character decoded and classified, most of wrapping's cost).
struct Units<'a> {
    text: &'a str,
    /// Where the next character starts.
    pos: usize,
    /// Where the unit being read starts.
    start: usize,
    /// The closing mark of the code span or quoted title the cursor is in.
    closing: Option<char>,
}

impl<'a> Units<'a> {
    fn new(text: &'a str) -> Self {
        Units {
            text,
            pos: 0,
            start: 0,
            closing: None,
        }
    }
}

impl<'a> Iterator for Units<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        while self.pos < text.len() {
            let c = if let Some(end) = self.closing {
                // Nothing inside the span ends a unit: on to its closing mark.
                let Some(k) = text.get(self.pos..).and_then(|rest| rest.find(end)) else {
                    self.pos = text.len();
                    break;
                };
                self.pos += k + end.len_utf8();
                self.closing = None;
                end
            } else {
                // Inside an ASCII word (not a space, nor a code span's mark) followed by
                // ASCII other than a space: no break.
                while let (Some(&b), Some(&n)) = (bytes.get(self.pos), bytes.get(self.pos + 1)) {
                    if !b.is_ascii() || b == b' ' || b == b'`' || !n.is_ascii() || n == b' ' {
                        break;
                    }
                    self.pos += 1;
                }
                let Some(c) = text.get(self.pos..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                self.pos += c.len_utf8();
                let opens = match c {
                    '`' => Some('`'),
                    '“' => Some('”'),
                    '「' => Some('」'),
                    _ => None,
                };
                if opens.is_some() {
                    self.closing = opens;
                    continue;
                }
                c
            };
            let next = text.get(self.pos..).and_then(|rest| rest.chars().next());
            let breaks_after = match next {
                None => true,
                // After a run of spaces.
                Some(n) if c == ' ' => n != ' ',
                Some(' ') => false,
                // Between wide characters, unless what follows may not start a line.
                Some(n) => {
                    (is_wide(c) || is_wide(n)) && !is_closing(n) && !is_opening(c) && n != '`'
                }
            };
            if breaks_after {
                let unit = &text[self.start..self.pos];
                self.start = self.pos;
                return Some(unit);
            }
        }
        if self.start < text.len() {
            let unit = &text[self.start..];
            self.start = text.len();
            return Some(unit);
        }
        None
    }
}

/// The columns `s` takes, as [`UnicodeWidthStr::width`] counts them. That count reads the
/// text as a sequence (emoji with modifiers or joiners, variation selectors), character by
/// character through its tables, and was most of the cost of wrapping; a text of printable
/// ASCII, the Japanese blocks, quotation marks, dashes and arrows, among which no such
/// sequence can occur, is counted as the sum of its characters' widths.
fn columns(s: &str) -> usize {
    fast_columns(s).unwrap_or_else(|| s.width())
}

/// The columns of `s` as the sum of its characters' widths, when every character is one among
/// which no sequence of different width can occur (`None` otherwise).
fn fast_columns(s: &str) -> Option<usize> {
    // Printable ASCII: a column a byte.
    if s.bytes().all(|b| matches!(b, b' '..=b'~')) {
        return Some(s.len());
    }
    let mut w = 0;
    for c in s.chars() {
        w += match c {
            ' '..='~' => 1,
            '\u{4E00}'..='\u{9FFF}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2190}'..='\u{21FF}'
            | '\u{3000}'..='\u{30FF}'
            | '\u{FF01}'..='\u{FF60}' => char_columns(c),
            _ => return None,
        };
    }
    Some(w)
}

/// The columns of one character as `unicode-width` counts it alone (0 for a control), with
/// ASCII, kanji and kana, most of a text, answered without the width tables (also what
/// textwrap counts a character as: `human::fill` measures with it).
#[inline]
pub(crate) fn char_columns(c: char) -> usize {
    match c {
        ' '..='~' => 1,
        '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' => 2,
        _ => UnicodeWidthChar::width(c).unwrap_or(0),
    }
}

/// A character two columns wide (as `unicode-width` measures it alone), asked of every
/// character of a wrapped text and its neighbour.
fn is_wide(c: char) -> bool {
    !c.is_ascii() && char_columns(c) == 2
}

/// Punctuation that may not start a line (行頭禁則). A `match`, not a search of a string of
/// them: asked of every character of a Japanese text.
#[rustfmt::skip]
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | '）' | '」' | '』' | '】' | '〉' | '》' | '〕' | '”' | '’'
        | '・' | '：' | '；' | '！' | '？' | 'ー' | '々'
        | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ'
        | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ'
        | ')' | ']' | ',' | '.' | ':' | ';' | '!' | '?'
    )
}

/// Punctuation that may not end a line (行末禁則).
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〈' | '《' | '〔' | '“' | '‘' | '(' | '['
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_wraps_at_spaces_and_keeps_code_spans_whole() {
        let text = "write `method follow-up` here, or add a waiver `allow no-kpi \"reason\" until 2027-03-31`";
        let wrapped = wrap("  help: ", text, 40);
        for line in wrapped.lines() {
            assert_eq!(
                line.matches('`').count() % 2,
                0,
                "a code span is split: {wrapped}"
            );
        }
        assert!(wrapped.starts_with("  help: write"));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("        ")));
    }

    #[test]
    fn japanese_wraps_between_characters_but_not_before_closing_punctuation() {
        let text = "事業の `covers` に I1.3.2.a を加えるか、その `topics` のいずれかを amed.hub の `scope` に加えてください。";
        let wrapped = wrap("  ヒント: ", text, 40);
        for line in wrapped.lines() {
            assert!(line.width() <= 40 || line.contains('`'), "{line}");
            let first = line.trim_start().chars().next().unwrap();
            assert!(!is_closing(first), "a line starts with {first}: {wrapped}");
        }
        assert_eq!(
            wrapped.replace(['\n', ' '], ""),
            format!("ヒント:{}", text.replace(' ', ""))
        );
    }

    #[test]
    fn character_classes_are_the_ones_the_lists_and_string_widths_give() {
        // The forms these replaced: a string search of the lists, the width of a one-character
        // string. Every Unicode scalar value.
        let closing =
            "、。，．）」』】〉》〕”’・：；！？ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ)],.:;!?";
        let opening = "（「『【〈《〔“‘([";
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let one = c.encode_utf8(&mut [0; 4]).to_owned();
            assert_eq!(
                is_wide(c),
                !c.is_ascii() && UnicodeWidthStr::width(one.as_str()) == 2,
                "{c:?}"
            );
            assert_eq!(is_closing(c), closing.contains(c), "{c:?}");
            assert_eq!(is_opening(c), opening.contains(c), "{c:?}");
        }
    }

    #[test]
    fn columns_of_one_character_are_its_string_width() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(char_columns(c), c.width().unwrap_or(0), "{c:?}");
            let one = c.encode_utf8(&mut [0; 4]).to_owned();
            assert_eq!(columns(&one), one.width(), "{c:?}");
        }
    }

    /// Texts of pieces: what is counted character by character (ASCII, the Japanese blocks,
    /// quotation marks, dashes, arrows, emoji-capable ones among them) and what only the
    /// whole-string count gets right (variation selectors, a joiner, a keycap mark, a
    /// combining mark, emoji and a skin-tone modifier, line ends, a bell, an Arabic ligature).
    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let special = |s: &str| Just(s.to_owned());
        let piece = prop_oneof![
            "[ -~]",
            "[\u{3000}-\u{30FF}]",
            "[\u{4E00}-\u{9FFF}]",
            "[\u{FF01}-\u{FF60}]",
            "[\u{2010}-\u{2027}\u{2190}-\u{21FF}]",
            "[\u{2194}-\u{2199}\u{21A9}\u{21AA}]",
            special("\u{FE0F}"),
            special("\u{FE0E}"),
            special("\u{200D}"),
            special("\u{20E3}"),
            special("\u{0300}"),
            special("\u{1F468}"),
            special("\u{1F3FB}"),
            special("\u{2764}"),
            special("\r"),
            special("\n"),
            special("\u{7}"),
            special("\u{644}\u{627}"),
        ];
        proptest::collection::vec(piece, 0..16).prop_map(|v| v.concat())
    }

    /// The wrapping as first written (a vector of units, each measured as strings): what
    /// [`wrap`] must give.
    fn wrap_reference(prefix: &str, text: &str, width: usize) -> String {
        let indent = columns(prefix);
        let room = width.saturating_sub(indent).max(20);
        let mut out = String::from(prefix);
        let mut line = 0usize;
        for unit in units(text) {
            let trimmed = unit.trim_end_matches(' ');
            let w = columns(trimmed);
            // A quoted title wider than a whole line is broken between its characters after all.
            if w > room && !unit.starts_with('`') {
                for (at, c) in unit.char_indices() {
                    let piece = &unit[at..at + c.len_utf8()];
                    let cw = columns(piece);
                    if line > 0 && line + cw > room && c != ' ' {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent));
                        line = 0;
                    }
                    out.push_str(piece);
                    line += cw;
                }
                continue;
            }
            if line > 0 && line + w > room {
                // Trailing spaces of the line end here.
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line = 0;
            }
            if line == 0 {
                out.push_str(unit.trim_start_matches(' '));
                line = columns(unit.trim_start_matches(' '));
            } else {
                out.push_str(unit);
                line += columns(unit);
            }
        }
        while out.ends_with(' ') {
            out.pop();
        }
        out
    }

    /// The text cut into units that a line may end after: a word with its trailing spaces, a code
    /// span with what is glued to it, or one Japanese character with any closing punctuation after
    /// it.
    fn units(text: &str) -> Vec<&str> {
        let mut units = Vec::new();
        let mut start = 0;
        // The closing mark of the code span or quoted title the cursor is in.
        let mut closing: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match closing {
                Some(end) if c == end => closing = None,
                Some(_) => continue,
                None => match c {
                    '`' => {
                        closing = Some('`');
                        continue;
                    }
                    '“' => {
                        closing = Some('”');
                        continue;
                    }
                    '「' => {
                        closing = Some('」');
                        continue;
                    }
                    _ => {}
                },
            }
            let next = chars.peek().map(|&(_, n)| n);
            let end = i + c.len_utf8();
            let breaks_after = match next {
                None => true,
                // After a run of spaces.
                Some(n) if c == ' ' => n != ' ',
                Some(' ') => false,
                // Between wide characters, unless what follows may not start a line.
                Some(n) => {
                    (is_wide(c) || is_wide(n)) && !is_closing(n) && !is_opening(c) && n != '`'
                }
            };
            if breaks_after {
                units.push(&text[start..end]);
                start = end;
            }
        }
        if start < text.len() {
            units.push(&text[start..]);
        }
        units
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The one-pass wrapping gives what the first one gave, for any mix of ASCII, Japanese,
        /// code spans, quoted titles, runs of spaces and sequences, at any width.
        #[test]
        fn wrapping_in_one_pass_is_the_same(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    mixed_text(),
                    "[a-z]{1,30}",
                    proptest::strategy::Just(" ".to_owned()),
                    proptest::strategy::Just("  ".to_owned()),
                    "`[a-z -]{0,40}`",
                    "“[医療機器 ]{0,50}”",
                    "[医療機器、。（）「」]{1,20}",
                ],
                0..12,
            ),
            prefix in proptest::prop_oneof![
                proptest::strategy::Just("  help: "),
                proptest::strategy::Just("  ヒント: "),
                proptest::strategy::Just("  note: "),
            ],
            width in 1usize..120,
        ) {
            let text = words.concat();
            proptest::prop_assert_eq!(wrap(prefix, &text, width), wrap_reference(prefix, &text, width));
        }
    }

    proptest::proptest! {
        // Many cases: a failing pair (an emoji-capable arrow, then a variation selector) is
        // one of 324 pairs of pieces.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn columns_are_the_string_width(s in mixed_text()) {
            proptest::prop_assert_eq!(columns(&s), s.width());
        }
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(
            wrap("  note: ", "plan path: P → V1", 100),
            "  note: plan path: P → V1"
        );
    }
}
