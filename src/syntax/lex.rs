//! Lexer: splits a spec file into a lossless token stream (trivia and bad characters included),
//! with nom leaf parsers for each token kind. First step of the `syntax` stage.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::{char, satisfy};
use nom::combinator::{opt, recognize, value};
use nom::multi::many0_count;
use nom::{IResult, Parser};

/// What a token is. Trivia (whitespace, newlines, comments, the BOM) and bad characters are
/// tokens too, so the texts of all tokens concatenate back to the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// U+FEFF at offset 0.
    Bom,
    /// A run of spaces and tabs.
    Whitespace,
    /// One U+3000 (accepted with a warning).
    IdeographicSpace,
    /// `\n` or `\r\n`.
    Newline,
    /// A `\r` not followed by `\n`.
    LoneCr,
    /// `#` to the end of the line.
    Comment,
    /// An `IDENT_PATH` (also every `KIND`, `KEY` and `ID`).
    Ident,
    /// A word starting with a digit or `-digit`: a NUMBER or a DATE, checked by the parser.
    Numeric,
    /// A terminated `"..."` or `"""..."""`.
    Str,
    /// A string with no closing quote: to the end of the line (`"`) or of the file (`"""`).
    UnterminatedStr,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Semicolon,
    /// `..`, the range operator.
    DotDot,
    /// A `.` that does not continue an identifier path.
    Dot,
    /// Any other ASCII character (`=`, `:`, `-`, ...), one per token.
    Punct,
    /// A run of full-width ASCII forms (U+FF01–U+FF5E), such as `Ｇ１．３`.
    FullWidth,
    /// One invisible or control character outside a string (NUL, U+00A0, bidi, U+FEFF...).
    Unexpected,
    /// A run of other non-ASCII text outside a string (such as unquoted Japanese).
    Foreign,
}

impl TokenKind {
    /// Whether the parser skips the token (bad characters are reported by the lexer checks).
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Bom
                | TokenKind::Whitespace
                | TokenKind::IdeographicSpace
                | TokenKind::Comment
                | TokenKind::Unexpected
                | TokenKind::Foreign
        )
    }
}

/// One token: its kind and byte range in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `src` (empty if `src` is not the text it was made from).
    pub fn text(self, src: &str) -> &str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// Splits `text` into tokens. Never fails: every byte belongs to exactly one token, and the
/// spans are contiguous from 0 to `text.len()`.
pub fn tokenize(text: &str) -> Vec<Token> {
    // Specs average well over four bytes a token (trivia included): one allocation, no regrowth.
    let mut tokens = Vec::with_capacity(text.len() / 4 + 1);
    let mut pos = 0;
    if text.starts_with('\u{feff}') {
        tokens.push(Token {
            kind: TokenKind::Bom,
            start: 0,
            end: 3,
        });
        pos = 3;
    }
    while let Some(rest) = text.get(pos..) {
        if rest.is_empty() {
            break;
        }
        let len = match token(rest) {
            Ok((after, kind)) if after.len() < rest.len() => Some((kind, rest.len() - after.len())),
            _ => None,
        };
        // INVARIANT: `token` always consumes a char; the fallback keeps the lexer total anyway.
        let (kind, len) = len.unwrap_or((TokenKind::Unexpected, rest.len()));
        tokens.push(Token {
            kind,
            start: pos,
            end: pos + len,
        });
        pos += len;
    }
    tokens
}

/// Any one token.
fn token(i: &str) -> IResult<&str, TokenKind> {
    alt((
        value(
            TokenKind::Whitespace,
            take_while1(|c| c == ' ' || c == '\t'),
        ),
        value(TokenKind::Newline, alt((tag("\n"), tag("\r\n")))),
        value(TokenKind::LoneCr, tag("\r")),
        value(TokenKind::Comment, comment),
        value(TokenKind::Ident, ident_path),
        value(TokenKind::Numeric, numeric),
        string,
        punctuation,
        value(TokenKind::IdeographicSpace, tag("\u{3000}")),
        value(TokenKind::FullWidth, take_while1(is_full_width)),
        value(TokenKind::Unexpected, satisfy(is_unexpected)),
        value(TokenKind::Foreign, take_while1(is_foreign)),
        value(TokenKind::Punct, satisfy(|c| c.is_ascii())),
    ))
    .parse(i)
}

/// `comment = "#" { any char but a line break }`
fn comment(i: &str) -> IResult<&str, &str> {
    recognize((char('#'), take_till(|c| c == '\n' || c == '\r'))).parse(i)
}

/// `IDENT_PATH = [A-Za-z_][A-Za-z0-9_-]* { "." [A-Za-z0-9_-]+ }`
pub(crate) fn ident_path(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(is_ident_char),
        many0_count((char('.'), take_while1(is_ident_char))),
    ))
    .parse(i)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A NUMBER or DATE word, read generously so that a malformed one (`1__0`, `27.4%%`,
/// `2023-2-1`, `1G`) is one token: `["-"] digit { alnum | "_" | "%" | "-" | "." alnum | [eE] "+" }`.
/// The parser checks it against `NUMBER` and `DATE`.
fn numeric(i: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        satisfy(|c| c.is_ascii_digit()),
        numeric_tail,
    ))
    .parse(i)
}

// A nom parser by signature, so that it composes with `recognize`; it never fails.
#[allow(clippy::unnecessary_wraps)]
fn numeric_tail(i: &str) -> IResult<&str, &str> {
    let bytes = i.as_bytes();
    let mut n = 0;
    let mut prev = b'0';
    while let Some(&b) = bytes.get(n) {
        let next_alnum = bytes.get(n + 1).is_some_and(u8::is_ascii_alphanumeric);
        let ok = b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'%' | b'-')
            || (b == b'.' && next_alnum)
            || (b == b'+' && matches!(prev, b'e' | b'E'));
        if !ok {
            break;
        }
        prev = b;
        n += 1;
    }
    // INVARIANT: only ASCII bytes were counted, so `n` is a char boundary.
    Ok((i.get(n..).unwrap_or(""), i.get(..n).unwrap_or("")))
}

/// `STRING = '"' { char | escape } '"' | '"""' { char | escape | newline } '"""'`, or an
/// unterminated one (to the end of the line, or of the file for `"""`).
fn string(i: &str) -> IResult<&str, TokenKind> {
    let (body, triple) = alt((value(true, tag("\"\"\"")), value(false, tag("\"")))).parse(i)?;
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' if !triple => return Ok((body.get(at + 1..).unwrap_or(""), TokenKind::Str)),
            '"' if body.get(at..).is_some_and(|s| s.starts_with("\"\"\"")) => {
                return Ok((body.get(at + 3..).unwrap_or(""), TokenKind::Str));
            }
            '\n' | '\r' if !triple => {
                return Ok((body.get(at..).unwrap_or(""), TokenKind::UnterminatedStr));
            }
            '\\' => {
                let next = body.get(at + 1..).and_then(|s| s.chars().next());
                if matches!(next, Some(n) if triple || (n != '\n' && n != '\r')) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    Ok(("", TokenKind::UnterminatedStr))
}

/// `"{" | "}" | "[" | "]" | "," | ";" | ".." | "."`
fn punctuation(i: &str) -> IResult<&str, TokenKind> {
    alt((
        value(TokenKind::LBrace, char('{')),
        value(TokenKind::RBrace, char('}')),
        value(TokenKind::LBracket, char('[')),
        value(TokenKind::RBracket, char(']')),
        value(TokenKind::Comma, char(',')),
        value(TokenKind::Semicolon, char(';')),
        value(TokenKind::DotDot, tag("..")),
        value(TokenKind::Dot, char('.')),
    ))
    .parse(i)
}

/// Full-width ASCII forms, U+FF01–U+FF5E.
pub(crate) fn is_full_width(c: char) -> bool {
    ('\u{ff01}'..='\u{ff5e}').contains(&c)
}

/// The ASCII form of a run of full-width characters (`Ｇ１．３` → `G1.3`).
pub(crate) fn to_ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            u32::from(c)
                .checked_sub(0xfee0)
                .and_then(char::from_u32)
                .filter(char::is_ascii)
                .unwrap_or(c)
        })
        .collect()
}

/// A bidirectional control (Trojan Source).
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Controls and invisible characters that are an error outside strings.
fn is_unexpected(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n' && c != '\r')
        || is_bidi(c)
        || matches!(
            c,
            '\u{a0}' | '\u{2000}'..='\u{200d}' | '\u{2028}' | '\u{2029}'
        )
        || matches!(c, '\u{202f}' | '\u{205f}' | '\u{2060}' | '\u{feff}')
}

fn is_foreign(c: char) -> bool {
    !c.is_ascii() && !is_unexpected(c) && !is_full_width(c) && c != '\u{3000}'
}

/// A name for a character reported by code point: `(English, Japanese)`.
pub(crate) fn char_name(c: char) -> (&'static str, &'static str) {
    match c {
        '\0' => ("null", "ヌル文字"),
        '\u{7f}' => ("delete", "削除文字"),
        '\u{a0}' => ("no-break space", "ノーブレークスペース"),
        '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' => ("a Unicode space", "Unicode の空白"),
        '\u{200b}' => ("zero-width space", "ゼロ幅スペース"),
        '\u{200c}' | '\u{200d}' | '\u{2060}' => ("zero-width joiner", "ゼロ幅結合子"),
        '\u{2028}' | '\u{2029}' => ("Unicode line separator", "Unicode の行区切り"),
        '\u{feff}' => (
            "byte order mark in the middle of the file",
            "ファイル途中のバイトオーダーマーク",
        ),
        c if is_bidi(c) => ("bidirectional control", "双方向制御文字"),
        _ => ("control character", "制御文字"),
    }
}

#[cfg(test)]
mod tests {
    use super::TokenKind::*;
    use super::*;

    /// Tokenizes and checks the lossless invariant: contiguous spans that rebuild the input.
    fn lex(text: &str) -> Vec<(TokenKind, &str)> {
        let tokens = tokenize(text);
        let mut pos = 0;
        let mut rebuilt = String::new();
        for t in &tokens {
            assert_eq!(t.start, pos, "gap before {t:?} in {text:?}");
            assert!(t.end > t.start, "empty token {t:?} in {text:?}");
            rebuilt.push_str(t.text(text));
            pos = t.end;
        }
        assert_eq!(pos, text.len());
        assert_eq!(rebuilt, text);
        tokens.iter().map(|t| (t.kind, t.text(text))).collect()
    }

    macro_rules! lex_tests {
        ($($name:ident: $input:expr => [$(($kind:ident, $text:expr)),* $(,)?];)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(lex($input), vec![$(($kind, $text)),*]);
            }
        )*};
    }

    lex_tests! {
        empty: "" => [];
        bom: "\u{feff}goal" => [(Bom, "\u{feff}"), (Ident, "goal")];
        whitespace: " \t x" => [(Whitespace, " \t "), (Ident, "x")];
        newlines: "a\nb\r\nc" => [(Ident, "a"), (Newline, "\n"), (Ident, "b"), (Newline, "\r\n"), (Ident, "c")];
        lone_cr: "a\rb" => [(Ident, "a"), (LoneCr, "\r"), (Ident, "b")];
        comment: "a # x \"y\"\nb" => [(Ident, "a"), (Whitespace, " "), (Comment, "# x \"y\""), (Newline, "\n"), (Ident, "b")];
        comment_crlf: "#c\r\n" => [(Comment, "#c"), (Newline, "\r\n")];
        ident_paths: "V1 G1.3 I1.3.2.a amed.hub measured-in _x" => [
            (Ident, "V1"), (Whitespace, " "), (Ident, "G1.3"), (Whitespace, " "),
            (Ident, "I1.3.2.a"), (Whitespace, " "), (Ident, "amed.hub"), (Whitespace, " "),
            (Ident, "measured-in"), (Whitespace, " "), (Ident, "_x"),
        ];
        ident_trailing_dot: "G1." => [(Ident, "G1"), (Dot, ".")];
        ident_leading_dot: ".G1" => [(Dot, "."), (Ident, "G1")];
        ident_range: "FY2022..FY2026" => [(Ident, "FY2022"), (DotDot, ".."), (Ident, "FY2026")];
        ident_number_range: "G1..3" => [(Ident, "G1"), (DotDot, ".."), (Numeric, "3")];
        numbers: "186 27.4% 1.2e9 -3 1_000 1e+5 1e-5" => [
            (Numeric, "186"), (Whitespace, " "), (Numeric, "27.4%"), (Whitespace, " "),
            (Numeric, "1.2e9"), (Whitespace, " "), (Numeric, "-3"), (Whitespace, " "),
            (Numeric, "1_000"), (Whitespace, " "), (Numeric, "1e+5"), (Whitespace, " "),
            (Numeric, "1e-5"),
        ];
        bad_numbers: "27.4%% 1__0 1G" => [
            (Numeric, "27.4%%"), (Whitespace, " "), (Numeric, "1__0"), (Whitespace, " "), (Numeric, "1G"),
        ];
        number_range: "1.5..2.5" => [(Numeric, "1.5"), (DotDot, ".."), (Numeric, "2.5")];
        date_range: "2023-01-01..2024-01-01" => [(Numeric, "2023-01-01"), (DotDot, ".."), (Numeric, "2024-01-01")];
        minus_alone: "- .5" => [(Punct, "-"), (Whitespace, " "), (Dot, "."), (Numeric, "5")];
        incomplete_ranges: "1.. ..2" => [(Numeric, "1"), (DotDot, ".."), (Whitespace, " "), (DotDot, ".."), (Numeric, "2")];
        strings: r#""a\"b" "" "x\\""# => [(Str, r#""a\"b""#), (Whitespace, " "), (Str, "\"\""), (Whitespace, " "), (Str, r#""x\\""#)];
        japanese_string: "\"医療機器\"" => [(Str, "\"医療機器\"")];
        text_block: "\"\"\"a\n\"b\"\r\n\"\"\" x" => [(Str, "\"\"\"a\n\"b\"\r\n\"\"\""), (Whitespace, " "), (Ident, "x")];
        unterminated: "\"abc\nx" => [(UnterminatedStr, "\"abc"), (Newline, "\n"), (Ident, "x")];
        unterminated_block: "\"\"\"abc\nx" => [(UnterminatedStr, "\"\"\"abc\nx")];
        eof_after_backslash: "\"ab\\" => [(UnterminatedStr, "\"ab\\")];
        backslash_newline: "\"ab\\\nx" => [(UnterminatedStr, "\"ab\\"), (Newline, "\n"), (Ident, "x")];
        punctuation: "{}[],;=:" => [
            (LBrace, "{"), (RBrace, "}"), (LBracket, "["), (RBracket, "]"), (Comma, ","),
            (Semicolon, ";"), (Punct, "="), (Punct, ":"),
        ];
        ideographic: "a\u{3000}\u{3000}b" => [(Ident, "a"), (IdeographicSpace, "\u{3000}"), (IdeographicSpace, "\u{3000}"), (Ident, "b")];
        full_width: "goal Ｇ１．３ ｛" => [(Ident, "goal"), (Whitespace, " "), (FullWidth, "Ｇ１．３"), (Whitespace, " "), (FullWidth, "｛")];
        unexpected: "a\u{a0}\u{200b}\u{feff}\0\u{7f}\u{202e}b" => [
            (Ident, "a"), (Unexpected, "\u{a0}"), (Unexpected, "\u{200b}"), (Unexpected, "\u{feff}"),
            (Unexpected, "\0"), (Unexpected, "\u{7f}"), (Unexpected, "\u{202e}"), (Ident, "b"),
        ];
        foreign: "goal 研究開発 x" => [(Ident, "goal"), (Whitespace, " "), (Foreign, "研究開発"), (Whitespace, " "), (Ident, "x")];
    }

    #[test]
    fn lossless_on_nasty_inputs() {
        for text in [
            "\u{feff}\u{feff}",
            "\"",
            "\"\"",
            "\"\"\"",
            "\"\"\"\"",
            "\\",
            "\"\\u{",
            "-",
            "--1",
            "..",
            "...",
            "1...2",
            "é\u{301}",
            "\r\r\n\n\r",
            "#\u{202e}",
            "a.b.",
            "1e+",
            "1.",
            "\u{10ffff}",
        ] {
            lex(text);
        }
    }

    #[test]
    fn full_width_to_ascii() {
        assert_eq!(to_ascii("Ｇ１．３"), "G1.3");
        assert_eq!(to_ascii("｛"), "{");
    }
}
