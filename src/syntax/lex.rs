//! Lexer: splits a spec file into a lossless token stream (trivia and bad characters included),
//! one token at a time by a hand-written scan over bytes. First step of the `syntax` stage.

use std::cell::RefCell;
use std::collections::VecDeque;

/// What a token is. Trivia (whitespace, newlines, comments, the BOM) and bad characters are
/// tokens too, so the texts of all tokens concatenate back to the input.
///
/// Eight bytes wide (`repr(u64)`): a [`Token`] then has no padding, and is copied as whole
/// words. With a one-byte kind, an `Option<Token>` was copied with its seven bytes of padding
/// as two overlapping four-byte moves that read bytes just written by narrower stores, which
/// the processor cannot forward: a stall on every token (a third of the parser's own time in
/// a `perf` profile). Parsing the peers' 100k corpus on one thread: 275 → 226 ms at best of
/// twelve (docs/performance.md, thirteenth pass).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
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
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(t) = next_token(text, pos) {
        pos = t.end;
        tokens.push(t);
    }
    tokens
}

/// Raw tokens lexed on demand and addressed by their index in the file, for the parser and the
/// notation recognisers, which look a few tokens ahead. Only the tokens between the last
/// [`Lookahead::release`] and the furthest one looked at are held, so lexing takes memory for a
/// few tokens whatever the size of the file.
pub(crate) struct Lookahead<'a> {
    text: &'a str,
    window: RefCell<Window>,
}

#[derive(Default)]
struct Window {
    /// Index of `held[0]`.
    base: usize,
    /// Where the next token to lex starts.
    next: usize,
    held: VecDeque<Token>,
    /// The most tokens held at once.
    #[cfg(test)]
    most: usize,
}

impl Window {
    /// Whether token `i` is the next one to lex and no token is held: then it can be read
    /// straight from the text, without the window ([`Lookahead::skip_blank`],
    /// [`Lookahead::take`], [`Lookahead::take_plain`]).
    #[inline]
    fn idle_at(&self, i: usize) -> bool {
        self.base == i && self.held.is_empty()
    }
}

impl<'a> Lookahead<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lookahead {
            text,
            window: RefCell::default(),
        }
    }

    /// Token `i` of the file, `None` past the end (or if it was released).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<Token> {
        let mut w = self.window.try_borrow_mut().ok()?;
        let k = i.checked_sub(w.base)?;
        while w.held.len() <= k {
            let t = next_token(self.text, w.next)?;
            w.next = t.end;
            w.held.push_back(t);
            #[cfg(test)]
            {
                w.most = w.most.max(w.held.len());
            }
        }
        w.held.get(k).copied()
    }

    /// Passes over token `i` if it is a run of spaces and tabs that nothing has looked at yet
    /// (it is the next one to lex and no token is held): the blanks between two tokens, a third
    /// of the raw tokens of a typical file, skipped without going through the window.
    /// `false` (and nothing done) otherwise; the caller then reads token `i` with
    /// [`Lookahead::get`], which gives the same `Whitespace` token.
    #[expect(
        clippy::inline_always,
        reason = "read for every token by the parser's pump, which LLVM left calling it when the crate grew"
    )]
    #[inline(always)]
    pub(crate) fn skip_blank(&mut self, i: usize) -> bool {
        // `&mut self`: the window is reached without the cell's borrow flag (this, `take` and
        // `release` run for every token; only `get` is called through a shared reference).
        let w = self.window.get_mut();
        if !w.idle_at(i) {
            return false;
        }
        let bytes = self.text.as_bytes();
        if !matches!(bytes.get(w.next), Some(b' ' | b'\t')) {
            return false;
        }
        w.next = scan(bytes, w.next + 1, |c| c == b' ' || c == b'\t');
        w.base += 1;
        true
    }

    /// Token `i` lexed, when it is the next one to lex and no token is held (`None`
    /// otherwise, or at the end: then [`Lookahead::get`] answers). It is held, as `get` would
    /// hold it, only if `look_again` says it will be asked for again; otherwise it is passed
    /// over at once: most tokens are read once, in order, and need no window.
    #[inline]
    pub(crate) fn take(
        &mut self,
        i: usize,
        look_again: impl Fn(TokenKind) -> bool,
    ) -> Option<Token> {
        let w = self.window.get_mut();
        if !w.idle_at(i) {
            return None;
        }
        let t = next_token(self.text, w.next)?;
        w.next = t.end;
        if look_again(t.kind) {
            w.held.push_back(t);
            #[cfg(test)]
            {
                w.most = w.most.max(w.held.len());
            }
        } else {
            w.base += 1;
        }
        Some(t)
    }

    /// Token `i` lexed and passed over, when it is the next one to lex, no token is held, and
    /// its first byte makes it an identifier, a bracket, `,`, `;`, a line break or a string
    /// (`None`, and nothing done, otherwise): the tokens that make most of a file, which never
    /// start a notation and report nothing when lexed, so the parser takes them without the
    /// window.
    #[expect(
        clippy::inline_always,
        reason = "read for every token by the parser's pump, which LLVM left calling it when the crate grew"
    )]
    #[inline(always)]
    pub(crate) fn take_plain(&mut self, i: usize) -> Option<Token> {
        let w = self.window.get_mut();
        if !w.idle_at(i) {
            return None;
        }
        let start = w.next;
        let (kind, end) = plain(self.text.as_bytes(), start)?;
        w.next = end;
        w.base += 1;
        Some(Token { kind, start, end })
    }

    /// The most tokens held at once so far.
    #[cfg(test)]
    pub(crate) fn most_held(&self) -> usize {
        self.window.borrow().most
    }

    /// Forgets the tokens before index `i`.
    #[inline]
    pub(crate) fn release(&mut self, i: usize) {
        let text = self.text;
        let w = self.window.get_mut();
        while w.base < i {
            if w.held.pop_front().is_none() {
                // Tokens never looked at: skip them by lexing.
                match next_token(text, w.next) {
                    Some(t) => w.next = t.end,
                    None => break,
                }
            }
            w.base += 1;
        }
    }
}

/// The token that starts at byte `pos` of `text` (a char boundary, the end of the previous
/// token), or `None` at the end. A hand-written scan over bytes: ASCII decides every token kind
/// but the non-ASCII runs, which are read by `char`.
pub(crate) fn next_token(text: &str, pos: usize) -> Option<Token> {
    let bytes = text.as_bytes();
    let &b = bytes.get(pos)?;
    let (kind, end) = match b {
        b' ' | b'\t' => (
            TokenKind::Whitespace,
            scan(bytes, pos + 1, |c| c == b' ' || c == b'\t'),
        ),
        _ => match plain(bytes, pos) {
            Some(plain) => plain,
            None => match b {
                b'\r' if bytes.get(pos + 1) == Some(&b'\n') => (TokenKind::Newline, pos + 2),
                b'\r' => (TokenKind::LoneCr, pos + 1),
                b'#' => (
                    TokenKind::Comment,
                    scan(bytes, pos + 1, |c| c != b'\n' && c != b'\r'),
                ),
                b'0'..=b'9' => (TokenKind::Numeric, numeric_end(bytes, pos + 1)),
                b'-' if bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) => {
                    (TokenKind::Numeric, numeric_end(bytes, pos + 2))
                }
                b'.' if bytes.get(pos + 1) == Some(&b'.') => (TokenKind::DotDot, pos + 2),
                b'.' => (TokenKind::Dot, pos + 1),
                0..=0x1f | 0x7f => (TokenKind::Unexpected, pos + 1),
                0x20..=0x7e => (TokenKind::Punct, pos + 1),
                0x80.. => non_ascii(text, pos)?,
            },
        },
    };
    Some(Token {
        kind,
        start: pos,
        end,
    })
}

/// The kind and end of the token at `pos` when its first byte alone makes it an identifier, a
/// bracket, `,`, `;`, a line feed or a string (`None` for any other token, and at the end).
/// [`next_token`] reads these through it, after blanks (half of a file's raw tokens, which the
/// parser passes over without lexing them and `tokenize` wants first).
#[expect(
    clippy::inline_always,
    reason = "measured: with a plain `inline` an unrelated change elsewhere in the crate left it a call from the parser's token pump (+86M instructions at 100k, 3%)"
)]
#[inline(always)]
fn plain(bytes: &[u8], pos: usize) -> Option<(TokenKind, usize)> {
    Some(match *bytes.get(pos)? {
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => (TokenKind::Ident, ident_end(bytes, pos + 1)),
        b'\n' => (TokenKind::Newline, pos + 1),
        b'"' => string_end(bytes, pos),
        b'{' => (TokenKind::LBrace, pos + 1),
        b'}' => (TokenKind::RBrace, pos + 1),
        b'[' => (TokenKind::LBracket, pos + 1),
        b']' => (TokenKind::RBracket, pos + 1),
        b',' => (TokenKind::Comma, pos + 1),
        b';' => (TokenKind::Semicolon, pos + 1),
        _ => return None,
    })
}

/// The first index from `at` whose byte does not satisfy `keep` (or the length).
fn scan(bytes: &[u8], at: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&c| !keep(c)))
        .map_or(bytes.len(), |n| at + n)
}

fn is_ident_byte(c: u8) -> bool {
    IDENT[usize::from(c)]
}

/// [`is_ident_byte`] for every byte, looked up (IDs and keys are most of a file's tokens).
static IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    table
};

/// The end of an `IDENT_PATH` whose first character ends at `at`:
/// `[A-Za-z0-9_-]* { "." [A-Za-z0-9_-]+ }`.
fn ident_end(bytes: &[u8], at: usize) -> usize {
    let mut end = scan(bytes, at, is_ident_byte);
    while bytes.get(end) == Some(&b'.') && bytes.get(end + 1).copied().is_some_and(is_ident_byte) {
        end = scan(bytes, end + 2, is_ident_byte);
    }
    end
}

/// The end of a NUMBER or DATE word whose first digit ends at `at`, read generously so that a
/// malformed one (`1__0`, `27.4%%`, `2023-2-1`, `1G`) is one token:
/// `["-"] digit { alnum | "_" | "%" | "-" | "." alnum | [eE] "+" }`. The parser checks it
/// against `NUMBER` and `DATE`.
fn numeric_end(bytes: &[u8], at: usize) -> usize {
    let mut n = at;
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
    n
}

/// `STRING = '"' { char | escape } '"' | '"""' { char | escape | newline } '"""'` at `pos`, or
/// an unterminated one (to the end of the line, or of the file for `"""`). Only ASCII bytes
/// decide where it ends, so the scan is by byte: a byte skipped after `\` that starts a
/// multi-byte character leaves continuation bytes, which match nothing.
fn string_end(bytes: &[u8], pos: usize) -> (TokenKind, usize) {
    let triple = bytes.get(pos..pos + 3) == Some(b"\"\"\"");
    let mut at = pos + if triple { 3 } else { 1 };
    // Jump to the next byte that can matter (titles are long runs of Japanese text).
    while let Some(c) = next_special(bytes, at, triple) {
        at = c;
        let Some(&b) = bytes.get(at) else { break };
        match b {
            b'"' if !triple => return (TokenKind::Str, at + 1),
            b'"' if bytes.get(at..at + 3) == Some(b"\"\"\"") => return (TokenKind::Str, at + 3),
            b'\n' | b'\r' if !triple => return (TokenKind::UnterminatedStr, at),
            b'\\' => match bytes.get(at + 1) {
                Some(b'\n' | b'\r') if !triple => {}
                Some(_) => at += 1,
                None => {}
            },
            _ => {}
        }
        at += 1;
    }
    (TokenKind::UnterminatedStr, bytes.len())
}

/// The index of the first byte from `at` that can end or escape a string: `"` or `\`, and in a
/// one-line string also a line break.
fn next_special(bytes: &[u8], at: usize, triple: bool) -> Option<usize> {
    let rest = bytes.get(at..)?;
    if triple {
        return memchr::memchr2(b'"', b'\\', rest).map(|n| at + n);
    }
    // Four bytes end the scan, one more than `memchr3` takes: a window at a time, the first of
    // `"`, `\`, LF, then a lone CR before it. Windows keep the work proportional to the bytes
    // up to the answer (a file of lone-CR lines has no LF to find).
    let mut from = 0;
    while from < rest.len() {
        let window = rest.get(from..(from + 256).min(rest.len()))?;
        let hit = memchr::memchr3(b'"', b'\\', b'\n', window);
        let cr = memchr::memchr(b'\r', window.get(..hit.unwrap_or(window.len()))?);
        if let Some(n) = cr.or(hit) {
            return Some(at + from + n);
        }
        from += window.len();
    }
    None
}

/// The token at a non-ASCII character: U+3000, a full-width run, one unexpected character, or a
/// run of other non-ASCII text.
fn non_ascii(text: &str, pos: usize) -> Option<(TokenKind, usize)> {
    let rest = text.get(pos..)?;
    let c = rest.chars().next()?;
    let run = |keep: fn(char) -> bool| {
        pos + rest
            .char_indices()
            .find(|&(_, c)| !keep(c))
            .map_or(rest.len(), |(n, _)| n)
    };
    Some(if c == '\u{3000}' {
        (TokenKind::IdeographicSpace, pos + c.len_utf8())
    } else if c == '\u{feff}' && pos == 0 {
        (TokenKind::Bom, pos + c.len_utf8())
    } else if is_full_width(c) {
        (TokenKind::FullWidth, run(is_full_width))
    } else if is_unexpected(c) {
        (TokenKind::Unexpected, pos + c.len_utf8())
    } else {
        (TokenKind::Foreign, run(is_foreign))
    })
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

/// The nom lexer the hand-written one replaced, kept as the reference it is checked against.
#[cfg(test)]
mod reference {
    use super::{is_foreign, is_full_width, is_unexpected, Token, TokenKind};
    use nom::branch::alt;
    use nom::bytes::complete::{tag, take_till, take_while, take_while1};
    use nom::character::complete::{char, satisfy};
    use nom::combinator::{opt, recognize, value};
    use nom::multi::many0_count;
    use nom::{IResult, Parser};

    pub(super) fn tokenize(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
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
            let (after, kind) = token(rest).expect("the reference lexer is total");
            let len = rest.len() - after.len();
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
    fn ident_path(i: &str) -> IResult<&str, &str> {
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
        // The numeric scan itself is the lexer's (the same byte loop written twice would test
        // nothing): the oracle checks where a number starts and how tokens are split around it.
        let n = super::numeric_end(i.as_bytes(), 0);
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

    /// Lexes `text` with both lexers and checks they agree token for token.
    fn same_as_reference(text: &str) {
        assert_eq!(
            tokenize(text),
            reference::tokenize(text),
            "the lexers disagree on {text:?}"
        );
        lex(text);
    }

    lex_tests! {
        crlf_everywhere: "goal G1 {\r\n  a \"x\"\r\n}\r\n" => [
            (Ident, "goal"), (Whitespace, " "), (Ident, "G1"), (Whitespace, " "), (LBrace, "{"),
            (Newline, "\r\n"), (Whitespace, "  "), (Ident, "a"), (Whitespace, " "), (Str, "\"x\""),
            (Newline, "\r\n"), (RBrace, "}"), (Newline, "\r\n"),
        ];
        bom_only: "\u{feff}" => [(Bom, "\u{feff}")];
        bom_twice: "\u{feff}\u{feff}x" => [(Bom, "\u{feff}"), (Unexpected, "\u{feff}"), (Ident, "x")];
        ascii_controls: "\u{1}\u{b}\u{c}\u{1f}\u{7f}" => [
            (Unexpected, "\u{1}"), (Unexpected, "\u{b}"), (Unexpected, "\u{c}"),
            (Unexpected, "\u{1f}"), (Unexpected, "\u{7f}"),
        ];
        c1_control: "\u{85}x" => [(Unexpected, "\u{85}"), (Ident, "x")];
        foreign_stops_at_other_kinds: "研究\u{3000}開発Ｇ１\u{200b}é" => [
            (Foreign, "研究"), (IdeographicSpace, "\u{3000}"), (Foreign, "開発"), (FullWidth, "Ｇ１"),
            (Unexpected, "\u{200b}"), (Foreign, "é"),
        ];
        four_byte_chars: "x\u{1f600}\u{10ffff}" => [(Ident, "x"), (Foreign, "\u{1f600}\u{10ffff}")];
        multibyte_in_strings: "\"医\\療\" \"\"\"機\\器\"\"\"" => [
            (Str, "\"医\\療\""), (Whitespace, " "), (Str, "\"\"\"機\\器\"\"\""),
        ];
        backslash_before_multibyte_at_eof: "\"\\医" => [(UnterminatedStr, "\"\\医")];
        escaped_quote_in_block: "\"\"\"a\\\"\"\"\" x" => [(Str, "\"\"\"a\\\"\"\"\""), (Whitespace, " "), (Ident, "x")];
        backslash_cr_in_block: "\"\"\"a\\\r\n\"\"\"" => [(Str, "\"\"\"a\\\r\n\"\"\"")];
        unterminated_at_cr: "\"ab\r\nx" => [(UnterminatedStr, "\"ab"), (Newline, "\r\n"), (Ident, "x")];
        two_quotes_then_text: "\"\"x" => [(Str, "\"\""), (Ident, "x")];
        ident_with_dash_and_dots: "a-b.c-d..e" => [(Ident, "a-b.c-d"), (DotDot, ".."), (Ident, "e")];
        ident_dot_dash: "a.-b" => [(Ident, "a.-b")];
        minus_minus: "--1" => [(Punct, "-"), (Numeric, "-1")];
        minus_letter: "-x" => [(Punct, "-"), (Ident, "x")];
        number_exponent_plus: "1E+5+" => [(Numeric, "1E+5"), (Punct, "+")];
        number_trailing_dot: "1." => [(Numeric, "1"), (Dot, ".")];
        comment_at_eof: "#" => [(Comment, "#")];
        comment_lone_cr: "# a\rb" => [(Comment, "# a"), (LoneCr, "\r"), (Ident, "b")];
        other_ascii_punct: "=:+*/()!?<>@$&'^`|~%\\" => [
            (Punct, "="), (Punct, ":"), (Punct, "+"), (Punct, "*"), (Punct, "/"), (Punct, "("),
            (Punct, ")"), (Punct, "!"), (Punct, "?"), (Punct, "<"), (Punct, ">"), (Punct, "@"),
            (Punct, "$"), (Punct, "&"), (Punct, "'"), (Punct, "^"), (Punct, "`"), (Punct, "|"),
            (Punct, "~"), (Punct, "%"), (Punct, "\\"),
        ];
    }

    #[test]
    fn strings_longer_than_a_scan_window_end_where_the_reference_ends_them() {
        // A string's end is found a window of 256 bytes at a time: put each byte that ends or
        // escapes it on both sides of window boundaries, after ASCII and after Japanese text.
        for fill in ["a", "医"] {
            for n in [0, 84, 85, 86, 254, 255, 256, 257, 300, 511, 512, 513, 1000] {
                let body = fill.repeat(n);
                for end in ["\"", "\n", "\r", "\r\n", "\\\"\"", "\\\n", "\\\r", "\\"] {
                    for open in ["\"", "\"\"\""] {
                        let text = format!("{open}{body}{end} x{open}{body}\"\"\"");
                        same_as_reference(&text);
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_reference_lexer_on_every_short_mix_of_fragments() {
        // Every string of up to three fragments, each chosen to sit at a token boundary.
        let fragments = [
            "",
            " ",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "#",
            "#x",
            "a",
            "Z_",
            "a-",
            ".",
            "..",
            "1",
            "-",
            "-1",
            "e",
            "E",
            "+",
            "%",
            "_",
            "\"",
            "\"\"\"",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ",",
            ";",
            "=",
            "\u{feff}",
            "\u{3000}",
            "Ｇ",
            "１．",
            "\u{a0}",
            "\u{202e}",
            "\0",
            "\u{7f}",
            "研",
            "é",
            "\u{1f600}",
            "\u{85}",
        ];
        for a in fragments {
            for b in fragments {
                for c in fragments {
                    same_as_reference(&format!("{a}{b}{c}"));
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_reference_lexer_on_every_spec_and_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("specs"), root.join("tests/fixtures")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    same_as_reference(&text);
                    files += 1;
                }
            }
        }
        assert!(files > 100, "only {files} files found");
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

    /// `plain` (the tokens the parser takes past the look-ahead window) reads exactly the
    /// identifiers, strings, brackets, commas, semicolons and line feeds, by their first
    /// byte: never a token that may start a notation or that the pump reports on, and none of
    /// those kinds left to the window.
    #[test]
    fn plain_reads_exactly_the_tokens_that_need_no_window() {
        let plain_kind = |k: TokenKind| {
            matches!(
                k,
                TokenKind::Ident
                    | TokenKind::Str
                    | TokenKind::UnterminatedStr
                    | TokenKind::LBrace
                    | TokenKind::RBrace
                    | TokenKind::LBracket
                    | TokenKind::RBracket
                    | TokenKind::Comma
                    | TokenKind::Semicolon
            )
        };
        let mut read = 0;
        for b in 0u8..0x80 {
            for rest in ["", "a", "b.c d", "\"x\" y", "\n", "\r\n", "1", "..", "]"] {
                let text = format!("{}{rest}", char::from(b));
                let Some(t) = super::next_token(&text, 0) else {
                    continue;
                };
                let line_feed = t.kind == TokenKind::Newline && b == b'\n';
                match super::plain(text.as_bytes(), 0) {
                    Some(p) => {
                        read += 1;
                        assert_eq!(p, (t.kind, t.end), "{text:?}");
                        assert!(plain_kind(t.kind) || line_feed, "{text:?}");
                    }
                    None => assert!(!plain_kind(t.kind) && !line_feed, "{text:?}"),
                }
            }
        }
        assert!(read > 500, "{read}");
    }

    /// The parser reads tokens through `skip_blank` and `take` where it can, `get` otherwise,
    /// releasing each once read: in every mix of the three it reads the tokens `next_token`
    /// gives, in order, and passes over only blanks.
    #[test]
    fn take_and_skip_blank_read_the_tokens_get_reads() {
        let texts = [
            "goal G1 \"目標\" {\n  measures [K1,  K2]\n}\n\t x \t y  ",
            "   a",
            "\t",
            "",
            "1,200 2024/03/29 令和7年度 1.2万",
            "a # c\n\n  b\r\n  \u{3000} c",
        ];
        for text in texts {
            let mut expected = Vec::new();
            let mut pos = 0;
            while let Some(t) = next_token(text, pos) {
                pos = t.end;
                expected.push(t);
            }
            // 0: `get` only; 1: blanks skipped; 2: `take`, holding numbers and punctuation
            // (as the parser does); 3: both, holding every token.
            for mode in 0..4 {
                let mut look = Lookahead::new(text);
                let mut read = Vec::new();
                let mut i = 0;
                loop {
                    if mode % 2 == 1 && look.skip_blank(i) {
                        let skipped = expected.get(i).map(|t| t.kind);
                        assert_eq!(skipped, Some(Whitespace), "{text:?} mode {mode} at {i}");
                        read.push(expected[i]);
                        i += 1;
                        continue;
                    }
                    let taken = match mode {
                        2 => look.take(i, |k| matches!(k, Numeric | Punct)),
                        3 => look.take(i, |_| true),
                        _ => None,
                    };
                    let Some(t) = taken.or_else(|| look.get(i)) else {
                        break;
                    };
                    // A token held is there to be looked at again, with the tokens after it
                    // (as a notation is recognised): those are then held, not skipped.
                    if mode >= 2 && matches!(t.kind, Numeric | Punct) {
                        assert_eq!(look.get(i), Some(t), "{text:?} mode {mode} at {i}");
                        assert_eq!(look.get(i + 2), expected.get(i + 2).copied());
                    }
                    read.push(t);
                    i += 1;
                    look.release(i);
                }
                assert_eq!(read, expected, "{text:?} mode {mode}");
            }
        }
    }

    #[test]
    fn full_width_to_ascii() {
        assert_eq!(to_ascii("Ｇ１．３"), "G1.3");
        assert_eq!(to_ascii("｛"), "{");
    }
}
