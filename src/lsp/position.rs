//! Byte offsets ↔ LSP positions. LSP counts columns in UTF-16 code units by default, so a
//! Japanese character before a span counts 1 (and a character outside the BMP 2), not 3 bytes.

use lsp_types::{Position, Range};

/// Line starts of one text, to convert offsets and positions in O(log lines + line length).
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        LineIndex {
            starts: crate::base::line_starts(text),
            len: text.len(),
        }
    }

    /// The position of a byte offset (clamped to the text, and back to a char boundary).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts[line];
        let character = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position. A line past the end gives the end of the text; a column
    /// past the end of its line gives the end of the line; a column inside a surrogate pair
    /// gives the start of its character.
    pub(crate) fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return start + i;
            }
            units = next;
        }
        // The end of the line, before the `\r` of a CRLF.
        start + line.strip_suffix('\r').unwrap_or(line).len()
    }

    pub(crate) fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_after_japanese() {
        let text = "goal G1 \"目標\" { policy V9 }\n";
        let idx = LineIndex::new(text);
        let at = text.find("V9").unwrap();
        // `goal G1 "` is 9 units, 目標 2, then `" { policy ` 11.
        assert_eq!(idx.position(text, at), Position::new(0, 22));
        assert_eq!(idx.offset(text, Position::new(0, 22)), at);
    }

    #[test]
    fn astral_characters_count_two_units() {
        let text = "a𝄞b";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 5), Position::new(0, 3));
        assert_eq!(idx.offset(text, Position::new(0, 3)), 5);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(idx.offset(text, Position::new(0, 2)), 1);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(text, Position::new(0, 99)), 2);
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(idx.position(text, 999), Position::new(1, 2));
        assert_eq!(idx.offset(text, Position::new(1, 1)), 5);
    }
}
