//! Wrapping of help and notes for the terminal, in both languages: lines break at spaces and
//! between Japanese characters, never inside an inline code span (`method follow-up` stays
//! whole), inside a quoted title only when it is wider than a line, and never before closing
//! punctuation (、。」）).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `prefix` then `text`, wrapped at `width` columns; continuation lines are indented to the
/// end of the prefix.
pub fn wrap(prefix: &str, text: &str, width: usize) -> String {
    let indent = prefix.width();
    let room = width.saturating_sub(indent).max(20);
    let mut out = String::from(prefix);
    let mut line = 0usize;
    for unit in units(text) {
        let trimmed = unit.trim_end_matches(' ');
        let w = trimmed.width();
        // A quoted title wider than a whole line is broken between its characters after all.
        if w > room && !unit.starts_with('`') {
            for (at, c) in unit.char_indices() {
                let piece = &unit[at..at + c.len_utf8()];
                let cw = piece.width();
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
            line = unit.trim_start_matches(' ').width();
        } else {
            out.push_str(unit);
            line += unit.width();
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
            Some(n) => (is_wide(c) || is_wide(n)) && !is_closing(n) && !is_opening(c) && n != '`',
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

/// A character two columns wide (as `unicode-width` measures it alone), asked of every
/// character of a wrapped text and its neighbour: by the character, not through a string.
fn is_wide(c: char) -> bool {
    !c.is_ascii() && UnicodeWidthChar::width(c) == Some(2)
}

/// Punctuation that may not start a line (行頭禁則). A `match`, not a search of a string of
/// them: asked of every character of a Japanese text.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〉'
            | '》'
            | '〕'
            | '”'
            | '’'
            | '・'
            | '：'
            | '；'
            | '！'
            | '？'
            | 'ー'
            | '々'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | ')'
            | ']'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
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
    fn short_text_is_one_line() {
        assert_eq!(
            wrap("  note: ", "plan path: P → V1", 100),
            "  note: plan path: P → V1"
        );
    }
}
