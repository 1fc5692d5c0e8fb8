//! Literal values from tokens: string escapes, numbers and dates, each checked with nom
//! parsers and reported on exactly the bad part. Used by `parse`.

use super::ast::{Date, Number, ValueKind};
use super::error;
use super::lex::{is_bidi, Token, TokenKind};
use crate::base::{substr, ArcStr, Substr};
use crate::diag::{Finding, Span};
use crate::source::FileId;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while_m_n};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{all_consuming, map_opt, opt, recognize, value};
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// `escape = "\" ( '"' | "\" | "n" | "t" | "u{" hex{1,6} "}" )`
fn escape(i: &str) -> IResult<&str, char> {
    preceded(
        char('\\'),
        alt((
            value('"', char('"')),
            value('\\', char('\\')),
            value('\n', char('n')),
            value('\t', char('t')),
            map_opt(
                delimited(
                    tag("u{"),
                    take_while_m_n(1, 6, |c: char| c.is_ascii_hexdigit()),
                    char('}'),
                ),
                |hex: &str| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
            ),
        )),
    )
    .parse(i)
}

/// The value of a string `token` of `text` (`Str` or `UnterminatedStr`), with findings for
/// bad escapes, control and bidi characters, and a missing closing quote.
///
/// The value is a view into `text` when it reads as written (no escape, no carriage return,
/// no control or bidi character: most strings), its own string otherwise.
pub(crate) fn string(file: FileId, text: &ArcStr, token: Token, out: &mut Vec<Finding>) -> Substr {
    let (start, terminated) = (token.start, token.kind == TokenKind::Str);
    let at_eof = token.end == text.len();
    let tok = token.text(text);
    let open = if tok.starts_with("\"\"\"") { 3 } else { 1 };
    let close = if terminated { open } else { 0 };
    let body = tok
        .get(open..tok.len().saturating_sub(close).max(open))
        .unwrap_or("");
    let base = start + open;
    let open_span = Span::new(file, start, start + open);
    if plain_prefix(body.as_bytes()) == body.len() {
        if !terminated {
            out.push(error::unterminated(open_span, open == 3));
        }
        return substr(text, base, base + body.len());
    }
    Substr::from(cooked(file, body, base, open, terminated, at_eof, out))
}

/// The value of a string's `body` (at `base`, after its `open` quotes) that holds a byte
/// [`is_plain`] does not take as written, with its findings.
fn cooked(
    file: FileId,
    body: &str,
    base: usize,
    open: usize,
    terminated: bool,
    at_eof: bool,
    out: &mut Vec<Finding>,
) -> String {
    let open_span = Span::new(file, base - open, base);
    let mut cooked = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        // A run of characters taken as written is copied at once.
        let plain = plain_prefix(rest.as_bytes());
        if plain > 0 {
            cooked.push_str(rest.get(..plain).unwrap_or(""));
            rest = rest.get(plain..).unwrap_or("");
            continue;
        }
        let at = base + (body.len() - rest.len());
        let span = Span::new(file, at, at + c.len_utf8());
        match c {
            '\\' if rest.len() == 1 && at_eof && !terminated => {
                out.push(error::eof_after_backslash(span, open_span));
                return cooked;
            }
            '\\' => {
                if let Ok((after, ch)) = escape(rest) {
                    cooked.push(ch);
                    rest = after;
                } else {
                    let len = bad_escape_len(rest);
                    let seq = rest.get(..len).unwrap_or(rest);
                    out.push(error::invalid_escape(
                        Span::new(file, at, at + len),
                        seq,
                        escape_reason(seq),
                    ));
                    rest = rest.get(len..).unwrap_or("");
                }
                continue;
            }
            '\r' if rest.starts_with("\r\n") => {}
            '\r' => out.push(error::lone_cr(span)),
            '\n' | '\t' => cooked.push(c),
            c if is_bidi(c) => {
                out.push(error::bidi_in_string(span, c));
                cooked.push(c);
            }
            c if c.is_control() => out.push(error::unexpected_char(span, c)),
            c => cooked.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    if !terminated {
        out.push(error::unterminated(open_span, open == 3));
    }
    cooked
}

/// Whether a byte of a string is taken as written without a look at its character: not `\`,
/// `\r`, an ASCII control other than `\n` and `\t`, nor the first byte of a character that
/// may be a C1 control (U+0080–U+009F: `0xC2`) or a bidirectional control (U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069: `0xE2`). Continuation bytes (`0x80`–`0xBF`) are plain.
fn is_plain(b: u8) -> bool {
    PLAIN[usize::from(b)]
}

/// How many bytes at the start of `bytes` are [`is_plain`]: eight at a time while a word has
/// none of the bytes that may not be (a C0 control, `\`, DEL, `0xC2`, `0xE2`), then byte by
/// byte. Titles are most of a file's bytes, and nearly all plain.
fn plain_prefix(bytes: &[u8]) -> usize {
    use crate::base::swar::{byte, byte_below, clear_words};
    let words = clear_words(bytes, |w| {
        byte_below(w, 0x20) | byte(w, b'\\') | byte(w, 0x7f) | byte(w, 0xc2) | byte(w, 0xe2) != 0
    });
    words
        + bytes
            .get(words..)
            .unwrap_or_default()
            .iter()
            .position(|&b| !is_plain(b))
            .unwrap_or(bytes.len() - words)
}

/// [`is_plain`] for every byte, looked up rather than decided by branches: strings are most of
/// a spec file's bytes.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'\\' | b'\r' | 0x7f | 0xc2 | 0xe2 => false,
            b'\n' | b'\t' => true,
            c => c >= 0x20,
        };
        b += 1;
    }
    table
};

/// The length of a bad escape at the start of `s` (which starts with `\`): `\q`, `\u{...}`.
fn bad_escape_len(s: &str) -> usize {
    let after = s.get(1..).unwrap_or("");
    if let Some(braced) = after.strip_prefix("u{") {
        let inner = braced
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(braced.len());
        let close = usize::from(braced.get(inner..).is_some_and(|r| r.starts_with('}')));
        3 + inner + close
    } else if after.starts_with('u') {
        2
    } else {
        1 + after.chars().next().map_or(0, char::len_utf8)
    }
}

fn escape_reason(seq: &str) -> (&'static str, &'static str) {
    let hex = seq.strip_prefix("\\u{").and_then(|s| s.strip_suffix('}'));
    match hex {
        None if seq.starts_with("\\u") => (
            ": write `\\u{XXXX}` with braces",
            "：`\\u{XXXX}` のように波括弧で囲んでください",
        ),
        None => ("", ""),
        Some("") => (": no hex digits", "：16 進数がありません"),
        Some(h) if h.len() > 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) => (
            ": expected 1 to 6 hex digits",
            "：1〜6 桁の 16 進数が必要です",
        ),
        Some(h) => match u32::from_str_radix(h, 16) {
            Ok(0xd800..=0xdfff) => (
                ": a surrogate is not a character",
                "：サロゲートは文字ではありません",
            ),
            _ => (
                ": not a Unicode scalar value",
                "：Unicode スカラー値ではありません",
            ),
        },
    }
}

/// `DATE = digit{4} "-" digit{2} "-" digit{2}`
fn date_shape(i: &str) -> IResult<&str, (&str, &str, &str)> {
    let digits = |n| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    all_consuming((
        digits(4),
        preceded(char('-'), digits(2)),
        preceded(char('-'), digits(2)),
    ))
    .parse(i)
}

/// Something meant as a date: `digit+ "-" digit+ "-" digit+`.
fn date_like(i: &str) -> IResult<&str, &str> {
    all_consuming(recognize((digit1, char('-'), digit1, char('-'), digit1))).parse(i)
}

/// `NUMBER = ["-"] digit { digit | "_" } [ "." digit+ ] [ ("e" | "E") ["+" | "-"] digit+ ] ["%"]`
fn number_shape(i: &str) -> IResult<&str, (&str, Option<char>)> {
    all_consuming((
        recognize((
            opt(char('-')),
            digit1,
            take_while(|c: char| c.is_ascii_digit() || c == '_'),
            opt((char('.'), digit1)),
            opt((one_of("eE"), opt(one_of("+-")), digit1)),
        )),
        opt(char('%')),
    ))
    .parse(i)
}

/// A `Numeric` token as a NUMBER or DATE value, or the finding saying why it is neither.
pub(crate) fn numeric(text: &str, span: Span) -> Result<ValueKind, Box<Finding>> {
    // Most numbers of a plan are plain (`148`, `27.4`, `12%`): read at once, without the
    // grammar's parsers or a copy without `_` (the same value: `plain_number`'s test).
    match plain_number(text) {
        Some(number) => Ok(ValueKind::Number(number)),
        None => numeric_checked(text, span),
    }
}

/// A number of digits, with at most one `.` between digits and a `%` after them, as
/// `numeric_checked` reads it; `None` for anything else (signs, `_`, exponents, dates).
fn plain_number(text: &str) -> Option<Number> {
    let (digits, percent) = match text.strip_suffix('%') {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let plain = match digits.split_once('.') {
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => all_digits(digits),
    };
    if !plain {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    value.is_finite().then_some(Number { value, percent })
}

/// [`numeric`] by the grammar: dates, signs, `_`, exponents and every malformed number.
fn numeric_checked(text: &str, span: Span) -> Result<ValueKind, Box<Finding>> {
    if let Ok((_, (y, m, d))) = date_shape(text) {
        let (year, month, day) = (y.parse().ok(), m.parse().ok(), d.parse().ok());
        return match (year, month, day) {
            (Some(y), Some(m), Some(d)) => {
                Date::new(y, m, d).map(ValueKind::Date).ok_or_else(|| {
                    Box::new(error::invalid_date(
                        span,
                        text,
                        (": no such day in the calendar", "：暦に存在しない日付です"),
                    ))
                })
            }
            _ => Err(Box::new(error::invalid_date(span, text, ("", "")))),
        };
    }
    if date_like(text).is_ok() {
        return Err(Box::new(error::invalid_date(
            span,
            text,
            (
                ": write it as `YYYY-MM-DD`",
                "：`YYYY-MM-DD` の形で書いてください",
            ),
        )));
    }
    let Ok((_, (digits, percent))) = number_shape(text) else {
        let why = if text.ends_with("%%") {
            (": only one `%` is allowed", "：`%` は 1 つだけです")
        } else {
            ("", "")
        };
        return Err(Box::new(error::invalid_number(span, text, why)));
    };
    let bytes = digits.as_bytes();
    let bad_underscore = bytes
        .iter()
        .enumerate()
        .any(|(n, &b)| b == b'_' && !(bytes.get(n + 1).is_some_and(u8::is_ascii_digit)));
    if bad_underscore {
        return Err(Box::new(error::invalid_number(
            span,
            text,
            (
                ": `_` must stand between two digits",
                "：`_` は数字と数字の間にだけ置けます",
            ),
        )));
    }
    let plain: String = digits.chars().filter(|&c| c != '_').collect();
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(ValueKind::Number(Number {
            value: v,
            percent: percent.is_some(),
        })),
        _ => Err(Box::new(error::invalid_number(
            span,
            text,
            (": out of range", "：範囲外です"),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_prefix_stops_where_a_byte_is_not_plain() {
        let plain_count = |b: &[u8]| b.iter().position(|&c| !is_plain(c)).unwrap_or(b.len());
        for stop in (0u8..=0xff).filter(|&c| !is_plain(c)) {
            for at in 0..20 {
                let mut bytes = b"abcdefghijklmnopqrstuvwxyz".to_vec();
                bytes[at] = stop;
                assert_eq!(plain_prefix(&bytes), at, "{stop:#x} at {at}");
            }
        }
        for text in [
            "",
            "plain",
            "医療機器の研究開発 with\ttabs\nand lines",
            "“quoted”",
            "a\\b",
        ] {
            assert_eq!(
                plain_prefix(text.as_bytes()),
                plain_count(text.as_bytes()),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_plain_prefix_is_the_count_of_plain_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let expect = bytes.iter().position(|&c| !is_plain(c)).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_prefix(&bytes), expect);
        }
    }

    proptest::proptest! {
        /// The quick path for plain numbers reads every number it takes as the grammar does.
        #[test]
        fn a_plain_number_reads_as_the_grammar_reads_it(text in "[0-9.%_e-]{1,12}|[0-9]{1,400}(\\.[0-9]{1,20})?%?") {
            let span = Span::new(crate::source::FileId(0), 0, text.len());
            if let Some(quick) = plain_number(&text) {
                match numeric_checked(&text, span) {
                    Ok(ValueKind::Number(n)) => {
                        proptest::prop_assert_eq!(n.value.to_bits(), quick.value.to_bits());
                        proptest::prop_assert_eq!(n.percent, quick.percent);
                    }
                    other => proptest::prop_assert!(false, "{text:?}: {other:?}"),
                }
            }
        }

        /// A string read as a view into the file gives the value and findings of reading it
        /// character by character, in one-line and triple-quoted strings, closed or not, at
        /// the end of the file or before more text. (No `"` in the body: the token would end
        /// there; the view takes it as written like any other plain byte.)
        #[test]
        fn a_string_viewed_as_written_reads_as_cooked(
            body in "[a-z \\\\\r\n\t\u{0}\u{85}\u{202e}“あ{}u0-9]{0,16}",
            triple: bool,
            terminated: bool,
            after in "|\n|x",
        ) {
            let quotes = if triple { "\"\"\"" } else { "\"" };
            let close = if terminated { quotes } else { "" };
            let tok = format!("{quotes}{body}{close}");
            let text = ArcStr::from(format!("{tok}{after}"));
            let kind = if terminated { TokenKind::Str } else { TokenKind::UnterminatedStr };
            let token = Token { kind, start: 0, end: tok.len() };
            let at_eof = after.is_empty();
            let mut viewed = Vec::new();
            let value = string(FileId(0), &text, token, &mut viewed);
            let mut slow = Vec::new();
            let cooked = cooked(FileId(0), &body, quotes.len(), quotes.len(), terminated, at_eof, &mut slow);
            proptest::prop_assert_eq!(value.as_str(), cooked.as_str());
            let key = |f: &Finding| (f.code.to_string(), f.span, f.message.en().into_owned());
            proptest::prop_assert_eq!(
                viewed.iter().map(key).collect::<Vec<_>>(),
                slow.iter().map(key).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_character_whose_bytes_are_plain_is_taken_as_written() {
        // Every scalar value: if its bytes are all plain, the character-by-character path would
        // have pushed it unchanged with no finding.
        for c in (0..=0x0010_ffff_u32).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let plain = c.encode_utf8(&mut buf).bytes().all(is_plain);
            let special =
                c == '\\' || c == '\r' || is_bidi(c) || (c.is_control() && c != '\n' && c != '\t');
            assert!(!(plain && special), "{c:?} would skip its check");
        }
    }

    #[test]
    fn plain_runs_between_special_characters_are_kept_in_order() {
        let (v, f) = cook("\"医療\\n機器\u{a0}x\u{202e}y\u{85}z\"");
        assert_eq!(v, "医療\n機器\u{a0}x\u{202e}yz");
        assert_eq!(f.len(), 2, "{f:?}");
    }

    fn cook(tok: &str) -> (String, Vec<(String, usize, usize)>) {
        let mut out = Vec::new();
        let terminated = tok.len() >= 2 && tok.ends_with('"') && !tok.ends_with("\\\"");
        let kind = if terminated {
            TokenKind::Str
        } else {
            TokenKind::UnterminatedStr
        };
        let token = Token {
            kind,
            start: 0,
            end: tok.len(),
        };
        let v = string(FileId(0), &ArcStr::from(tok), token, &mut out);
        (
            v.to_string(),
            out.into_iter()
                .map(|f| (f.code.to_string(), f.span.start(), f.span.end()))
                .collect(),
        )
    }

    #[test]
    fn escapes_resolve() {
        assert_eq!(
            cook(r#""a\"b\\c\nd\te\u{48}\u{10FFFF}""#).0,
            "a\"b\\c\nd\te\u{48}\u{10ffff}"
        );
        assert_eq!(cook("\"\"\"a\r\nb\"\"\"").0, "a\nb");
    }

    #[test]
    fn bad_escapes_point_at_the_sequence() {
        for (tok, start, end) in [
            (r#""x\q""#, 2, 4),
            (r#""\u{110000}""#, 1, 11),
            (r#""\u{D800}""#, 1, 9),
            (r#""\u{}""#, 1, 5),
            (r#""\u{12345678}""#, 1, 13),
            (r#""\u0041""#, 1, 3),
        ] {
            let (_, found) = cook(tok);
            assert_eq!(found, vec![("ALN012".to_owned(), start, end)], "{tok}");
        }
    }

    #[test]
    fn numbers_and_dates() {
        let span = Span::new(FileId(0), 0, 1);
        let num = |t: &str| match numeric(t, span) {
            Ok(ValueKind::Number(n)) => Some((n.value, n.percent)),
            _ => None,
        };
        assert_eq!(num("186"), Some((186.0, false)));
        assert_eq!(num("27.4%"), Some((27.4, true)));
        assert_eq!(num("1.2e9"), Some((1.2e9, false)));
        assert_eq!(num("-1_000"), Some((-1000.0, false)));
        assert!(num(&format!("0.{}", "9".repeat(10_000))).is_some());
        assert!(num(&format!("{}1", "0".repeat(10_000))).is_some());
        let huge = "9".repeat(10_000);
        assert_eq!(
            numeric(&huge, span).err().map(|f| f.code),
            Some("ALN013".into())
        );
        for bad in ["1e999", "27.4%%", "1__0", "1_", "1G", "1.", "1e", "-1-"] {
            assert_eq!(
                numeric(bad, span).err().map(|f| f.code),
                Some("ALN013".into()),
                "{bad}"
            );
        }
        assert!(matches!(
            numeric("2024-02-29", span),
            Ok(ValueKind::Date(_))
        ));
        for bad in ["2023-02-30", "2023-13-01", "0000-00-00", "2023-2-1"] {
            assert_eq!(
                numeric(bad, span).err().map(|f| f.code),
                Some("ALN014".into()),
                "{bad}"
            );
        }
    }
}
