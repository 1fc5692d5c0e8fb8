//! JSON written by hand as `serde_json::to_writer_pretty` writes it, for the outputs whose
//! items are most of their bytes (JSON findings, SARIF results): keys as constant byte strings
//! with their quotes, strings escaped through `serde_json`'s table, numbers from their digits,
//! indentation from a buffer of spaces, without the serializer's and formatter's calls. Each
//! output's tests compare its items with what `serde_json` writes for the derived `Serialize`
//! ([`reference`]).

/// A writer of one item at a depth of a pretty-printed document (see the module).
pub(crate) struct PrettyJson<'a> {
    out: &'a mut Vec<u8>,
    /// The nesting level, counting the levels the value is written under.
    level: usize,
    /// Whether the object or array being written has a value yet.
    has_value: bool,
}

/// What each byte of a string is escaped as after a `\\` (`u`: `\\u00XX`); 0 when it is
/// written as it is. `serde_json`'s table.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether one of the eight bytes of `word` is escaped: a C0 control, `"` or `\`.
#[inline]
fn needs_escape(word: u64) -> bool {
    use crate::base::swar::{byte, byte_below};
    byte_below(word, 0x20) | byte(word, b'"') | byte(word, b'\\') != 0
}

// Small and called per key and value from the outputs' modules: inlined across them.
impl<'a> PrettyJson<'a> {
    #[inline]
    pub(crate) fn new(out: &'a mut Vec<u8>, depth: usize) -> Self {
        PrettyJson {
            out,
            level: depth,
            has_value: false,
        }
    }

    #[inline]
    fn indent(&mut self) {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = 2 * self.level;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.extend_from_slice(&SPACES[..k]);
            n -= k;
        }
    }

    #[inline]
    pub(crate) fn open(&mut self, bracket: u8) {
        self.level += 1;
        self.has_value = false;
        self.out.push(bracket);
    }

    #[inline]
    pub(crate) fn close(&mut self, bracket: u8) {
        self.level -= 1;
        if self.has_value {
            self.out.push(b'\n');
            self.indent();
        }
        self.out.push(bracket);
        // The value this closes is written: the one it is in has a value.
        self.has_value = true;
    }

    /// `"key": ` (given written out, quoted, with its colon and space) as the first entry of
    /// its object or a later one.
    #[inline]
    pub(crate) fn key(&mut self, first: bool, quoted: &[u8]) {
        self.out
            .extend_from_slice(if first { b"\n" } else { b",\n" });
        self.indent();
        self.out.extend_from_slice(quoted);
        self.has_value = true;
    }

    /// `"key": "value"` (the key given as for [`PrettyJson::key`]).
    #[inline]
    pub(crate) fn string_field(&mut self, first: bool, quoted: &[u8], value: &str) {
        self.key(first, quoted);
        self.string(value);
    }

    /// `"key": n`.
    #[inline]
    pub(crate) fn number_field(&mut self, first: bool, quoted: &[u8], n: usize) {
        self.key(first, quoted);
        self.number(n);
    }

    /// Bytes as they are (a map's `": "` between a key written as a string and its value).
    #[inline]
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    #[inline]
    pub(crate) fn element(&mut self, first: bool) {
        self.out
            .extend_from_slice(if first { b"\n" } else { b",\n" });
        self.indent();
        self.has_value = true;
    }

    /// A JSON string, escaped as `serde_json` escapes it: `"`, `\\`, and the C0 controls
    /// (`\b`, `\t`, `\n`, `\f`, `\r` by name, others as `\u00XX` in lower-case hex).
    #[inline]
    pub(crate) fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        let mut run = 0;
        // Eight bytes at a time while none of them is escaped (most strings have none: a
        // lookup per byte was a fifth of writing a finding), then byte by byte from the first
        // word that has one.
        let plain = crate::base::swar::clear_words(bytes, needs_escape);
        for (i, &b) in bytes.iter().enumerate().skip(plain) {
            let named = ESCAPE[usize::from(b)];
            if named == 0 {
                continue;
            }
            self.out.extend_from_slice(&bytes[run..i]);
            run = i + 1;
            self.out.push(b'\\');
            self.out.push(named);
            if named == b'u' {
                self.out.extend_from_slice(b"00");
                self.out.push(HEX[usize::from(b >> 4)]);
                self.out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        self.out.extend_from_slice(&bytes[run..]);
        self.out.push(b'"');
    }

    #[inline]
    pub(crate) fn number(&mut self, mut n: usize) {
        // Digits from the last, into a buffer as long as the longest `usize`.
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            // A digit: `n % 10` is below 10.
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    #[inline]
    pub(crate) fn optional(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    #[inline]
    pub(crate) fn strings<S: AsRef<str>>(&mut self, items: &[S]) {
        self.open(b'[');
        for (i, s) in items.iter().enumerate() {
            self.element(i == 0);
            self.string(s.as_ref());
        }
        self.close(b']');
    }
}

/// What `serde_json::to_writer_pretty` writes for `value` at `depth` of a document: the
/// reference the hand-written items are compared with.
#[cfg(test)]
pub(crate) fn reference<S: serde::Serialize>(value: &S, depth: usize) -> String {
    let mut out = Vec::new();
    super::Pretty {
        out: &mut out,
        depth,
    }
    .write(value)
    .expect("serialized");
    String::from_utf8_lossy(&out).into_owned()
}

/// What `write` writes at `depth` through a [`PrettyJson`].
#[cfg(test)]
pub(crate) fn written(depth: usize, write: impl FnOnce(&mut PrettyJson<'_>)) -> String {
    let mut out = Vec::new();
    write(&mut PrettyJson::new(&mut out, depth));
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        written(0, |w| w.string(s))
    }

    #[test]
    fn every_escaped_byte_is_found_in_any_place_of_a_word() {
        for b in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = b;
                assert!(needs_escape(u64::from_le_bytes(word)), "{b:#x} at {at}");
            }
        }
        for word in [
            *b"abcdefgh",
            *b" !#[]~\x7f\xff",
            [0x20; 8],
            [0x80; 8],
            [b'!'; 8],
        ] {
            assert!(!needs_escape(u64::from_le_bytes(word)), "{word:?}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "eight ch",
            "a longer text of several words, with \"quotes\" past the first words",
            "tab\tat 3, then a newline past eight bytes\n and a \\ backslash",
            "計画の期間（FY2024..FY2028）と重ならない\u{1}",
        ] {
            assert_eq!(
                escaped(s),
                serde_json::to_string(s).unwrap_or_default(),
                "{s:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(\\PC|[\\x00-\\x1f\"\\\\]){0,40}") {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap_or_default());
        }
    }
}
