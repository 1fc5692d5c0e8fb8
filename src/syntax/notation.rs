//! Notations drafters bring from Japanese documents and spreadsheets, recognised in the token
//! stream before parsing: era years (`令和7年度`), dates (`令和9年3月31日`, `2024/03/29`), a unit
//! or 万/億 after a number (`120件`, `1.2万`), thousands separators (`1,200`), a bare year as a
//! series key (`2025 120`), `、` between list items, `:` or `=` after a key, and a Japanese ID
//! (`item 事項1`). Each gets one ALN023 finding that names the form align reads, and is read as
//! that form, so one slip gives one finding and not a cascade.

use super::lex::{Lookahead, Token, TokenKind};
use crate::base::{Date, FileId, Span, Text};
use crate::diag::{code, Finding};

/// What the parser reads in place of the recognised tokens.
pub(crate) struct Rewrite {
    /// How many raw tokens, from the one at the cursor, were recognised.
    pub(crate) consumed: usize,
    /// The token read instead (kind and text), or `None` to drop them.
    pub(crate) replacement: Option<(TokenKind, String)>,
    pub(crate) finding: Finding,
}

/// Where in the file the cursor is, as far as the recogniser needs to know.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Context<'a> {
    /// Depth of `{` blocks.
    pub(crate) braces: usize,
    /// Depth of `[` lists.
    pub(crate) brackets: usize,
    /// The previous significant token and whether it was the first of its line.
    pub(crate) prev: Option<(Token, bool)>,
    /// Whether the token at the cursor is the first significant token of its line.
    pub(crate) line_start: bool,
    pub(crate) text: &'a str,
}

/// Recognises a drafter's notation at raw token `i`, if there is one.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per notation a drafter writes; a table of recognisers would read worse"
)]
pub(crate) fn recognize(
    file: FileId,
    tokens: &Lookahead<'_>,
    i: usize,
    cx: &Context<'_>,
) -> Option<Rewrite> {
    let text = cx.text;
    let tok = |k: usize| tokens.get(i + k);
    let s = |t: Token| t.text(text);
    let first = tok(0)?;
    // Tokens glued to the one before them, from the cursor on: `i..i+n` with no space between.
    let glued = |n: usize| {
        (1..n).all(|k| match (tok(k - 1), tok(k)) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        })
    };
    let span = |n: usize| {
        let end = tok(n - 1).map_or(first.end, |t| t.end);
        Span::new(file, first.start, end)
    };
    let rewrite =
        |n: usize, replacement: Option<(TokenKind, String)>, message: Text, help: Text| {
            Some(Rewrite {
                consumed: n,
                replacement,
                finding: Finding::builtin(&code::NOTATION, span(n), message).with_help(help),
            })
        };

    match first.kind {
        TokenKind::Foreign => {
            // 令和7年度, 令和元年度, 令和9年3月31日.
            if let Some(r) = era(file, tokens, i, text) {
                return Some(r);
            }
            // `、` between list items.
            if cx.brackets > 0 && s(first) == "、" {
                return rewrite(
                    1,
                    Some((TokenKind::Comma, ",".into())),
                    Text::new(
                        "`、` between list items",
                        "リストの項目の間に `、` があります",
                    ),
                    Text::new(
                        "separate list items with `,`: `[I1, I2]`",
                        "リストの項目は `,` で区切ってください: `[I1, I2]`",
                    ),
                );
            }
            // `item 事項1 "…"`: a Japanese ID after a declaration's kind.
            if let Some((kind, true)) = cx.prev {
                if cx.braces == 0 && cx.brackets == 0 && kind.kind == TokenKind::Ident {
                    let mut n = 1;
                    while tok(n).is_some_and(|t| {
                        matches!(
                            t.kind,
                            TokenKind::Foreign | TokenKind::Numeric | TokenKind::Ident
                        ) && glued(n + 1)
                    }) {
                        n += 1;
                    }
                    let written: String = (0..n).filter_map(tok).map(s).collect();
                    let suggestion = ascii_id(s(kind), &written);
                    return rewrite(
                        n,
                        Some((TokenKind::Ident, written.clone())),
                        Text::new(
                            format!("the ID `{written}` is not ASCII"),
                            format!("ID `{written}` が ASCII ではありません"),
                        ),
                        Text::new(
                            format!(
                                "IDs are written with ASCII letters, digits, `.`, `-` and `_`, such as `{suggestion}`; keep the Japanese name in the title"
                            ),
                            format!(
                                "ID は ASCII の英字・数字・`.`・`-`・`_` で書きます（例: `{suggestion}`）。日本語の名前はタイトルに書いてください"
                            ),
                        ),
                    );
                }
            }
            None
        }
        TokenKind::Numeric => {
            let n0 = s(first);
            // Every notation below but the bare year has a token glued to the number, starting
            // with `/`, `,` or a non-ASCII character: a number followed by anything else (a
            // space or a line break, most numbers) is looked at only for the bare year, and
            // nothing after it is lexed ahead.
            let may_glue = matches!(text.as_bytes().get(first.end), Some(b'/' | b',' | 0x80..));
            let next = if may_glue {
                tok(1).filter(|_| glued(2))
            } else {
                None
            };
            // 2025年度, 2027年3月31日.
            if let Some(r) = next.and_then(|_| western_year(file, tokens, i, text)) {
                return Some(r);
            }
            // 120件, 1.2万, 3億円.
            if let Some(unit) = next.filter(|t| t.kind == TokenKind::Foreign) {
                let unit = s(unit);
                if let Some(plain) = plain_number(n0) {
                    let (value, rest) = multiplied(&plain, unit);
                    let unit_help = if rest.is_empty() {
                        Text::default()
                    } else {
                        Text::new(
                            format!("; the unit goes in `unit \"{rest}\"`"),
                            format!("。単位は `unit \"{rest}\"` に書きます"),
                        )
                    };
                    let (message, help) = if value == plain {
                        (
                            Text::new(
                                format!("unit `{unit}` written after the number `{n0}`"),
                                format!("数値 `{n0}` の後に単位 `{unit}` があります"),
                            ),
                            Text::new(
                                format!("write the number alone, `{value}`{}", unit_help.en),
                                format!("数値だけを `{value}` と書いてください{}", unit_help.ja),
                            ),
                        )
                    } else {
                        (
                            Text::new(
                                format!("`{n0}{unit}` is not a number align reads"),
                                format!("`{n0}{unit}` は align が読める数値ではありません"),
                            ),
                            Text::new(
                                format!(
                                    "{n0}{} is {value}: write `{value}`{}",
                                    unit.trim_end_matches(rest),
                                    unit_help.en
                                ),
                                format!(
                                    "{n0}{} は {value} です。`{value}` と書いてください{}",
                                    unit.trim_end_matches(rest),
                                    unit_help.ja
                                ),
                            ),
                        )
                    };
                    return rewrite(2, Some((TokenKind::Numeric, value)), message, help);
                }
            }
            // 2024/03/29.
            // (The cheap tests first: each token looked at is lexed ahead and held.)
            if may_glue
                && tok(1).is_some_and(|t| s(t) == "/")
                && tok(3).is_some_and(|t| s(t) == "/")
                && glued(5)
            {
                if let (Some(m), Some(d)) = (tok(2), tok(4)) {
                    if let Some(date) = ymd(n0, s(m), s(d)) {
                        return rewrite(
                            5,
                            Some((TokenKind::Numeric, date.to_string())),
                            Text::new(
                                format!("date written `{}`", span_text(text, span(5))),
                                format!("日付が `{}` と書かれています", span_text(text, span(5))),
                            ),
                            Text::new(
                                format!("dates are written YYYY-MM-DD: `{date}`"),
                                format!("日付は YYYY-MM-DD の形で書きます: `{date}`"),
                            ),
                        );
                    }
                }
            }
            // 1,200 and 12,345,678 outside a list.
            if next.is_some()
                && cx.brackets == 0
                && n0.len() <= 3
                && n0.bytes().all(|b| b.is_ascii_digit())
            {
                let mut n = 1;
                let mut value = n0.to_owned();
                while tok(n).is_some_and(|t| t.kind == TokenKind::Comma)
                    && glued(n + 2)
                    && tok(n + 1).is_some_and(|t| {
                        let g = s(t);
                        let int = g.split('.').next().unwrap_or("");
                        t.kind == TokenKind::Numeric
                            && int.len() == 3
                            && int.bytes().all(|b| b.is_ascii_digit())
                    })
                {
                    value.push_str(tok(n + 1).map_or("", s));
                    n += 2;
                }
                if n > 1 {
                    let written = span_text(text, span(n));
                    let underscored = written.replace(',', "_");
                    return rewrite(
                        n,
                        Some((TokenKind::Numeric, value.clone())),
                        Text::new(
                            format!("thousands separator in `{written}`"),
                            format!("`{written}` に桁区切りの `,` があります"),
                        ),
                        Text::new(
                            format!("write `{value}` or `{underscored}`; `,` separates list items"),
                            format!("`{value}` または `{underscored}` と書いてください。`,` はリストの区切りです"),
                        ),
                    );
                }
            }
            // `2025 120` as a series entry: a bare year where a key belongs.
            if cx.line_start
                && cx.braces > 0
                && cx.brackets == 0
                && n0.len() == 4
                && n0.bytes().all(|b| b.is_ascii_digit())
                && (n0.starts_with("19") || n0.starts_with("20"))
            {
                let fy = format!("FY{n0}");
                return rewrite(
                    1,
                    Some((TokenKind::Ident, fy.clone())),
                    Text::new(
                        format!("the year `{n0}` written where a key belongs"),
                        format!("キーの位置に年 `{n0}` があります"),
                    ),
                    Text::new(
                        format!("fiscal years are written `{fy}`"),
                        format!("年度は `{fy}` と書きます"),
                    ),
                );
            }
            None
        }
        TokenKind::Punct if matches!(s(first), ":" | "=") => {
            let (key, _) = cx.prev?;
            if key.kind != TokenKind::Ident || cx.brackets > 0 {
                return None;
            }
            let key = s(key);
            let sign = s(first);
            rewrite(
                1,
                None,
                Text::new(
                    format!("`{sign}` after the key `{key}`"),
                    format!("キー `{key}` の後に `{sign}` があります"),
                ),
                Text::new(
                    format!("write the value after the key with a space only: `{key} …`"),
                    format!("キーと値の間は空白だけにしてください: `{key} …`"),
                ),
            )
        }
        _ => None,
    }
}

fn span_text(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or("")
}

/// `令和7年度` → FY2025, `令和9年3月31日` → 2027-03-31 (also 平成 and 昭和, and 元 for 1).
fn era(file: FileId, tokens: &Lookahead<'_>, i: usize, text: &str) -> Option<Rewrite> {
    let first = tokens.get(i)?;
    let head = first.text(text);
    let (name, base) = [("令和", 2018), ("平成", 1988), ("昭和", 1925)]
        .into_iter()
        .find(|(name, _)| head.starts_with(name))?;
    let after = &head[name.len()..];
    // The year: `元` inside this token, or the next (glued) numeric token.
    let (year, rest_at) = if let Some(rest) = after.strip_prefix('元') {
        (1, Rest::InToken(rest))
    } else if after.is_empty() {
        let n = tokens
            .get(i + 1)
            .filter(|t| t.kind == TokenKind::Numeric && t.start == first.end)?;
        (n.text(text).parse::<i32>().ok()?, Rest::Next(i + 2))
    } else {
        return None;
    };
    let western = base + year;
    calendar(
        file,
        tokens,
        i,
        text,
        western,
        rest_at,
        &format!(
            "{name}{}",
            if year == 1 {
                "元".to_owned()
            } else {
                year.to_string()
            }
        ),
    )
}

/// `2025年度` → FY2025, `2027年3月31日` → 2027-03-31.
fn western_year(file: FileId, tokens: &Lookahead<'_>, i: usize, text: &str) -> Option<Rewrite> {
    let first = tokens.get(i)?;
    let n = first.text(text);
    if n.len() != 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let next = tokens
        .get(i + 1)
        .filter(|t| t.kind == TokenKind::Foreign && t.start == first.end)?;
    if !next.text(text).starts_with('年') {
        return None;
    }
    calendar(file, tokens, i, text, n.parse().ok()?, Rest::Next(i + 1), n)
}

/// Where the text after an era year begins.
#[derive(Clone, Copy)]
enum Rest<'a> {
    /// In the same token (`令和元年度`: `年度`).
    InToken(&'a str),
    /// At this token index.
    Next(usize),
}

/// After a year: `年度` (a fiscal year) or `年M月D日` (a date).
fn calendar(
    file: FileId,
    tokens: &Lookahead<'_>,
    start: usize,
    text: &str,
    year: i32,
    rest: Rest<'_>,
    written_year: &str,
) -> Option<Rewrite> {
    let first = tokens.get(start)?;
    let (suffix, at) = match rest {
        Rest::InToken(s) => (s, start + 1),
        Rest::Next(k) => {
            let t = tokens.get(k).filter(|t| {
                t.kind == TokenKind::Foreign
                    && k > 0
                    && tokens.get(k - 1).is_some_and(|p| p.end == t.start)
            })?;
            (t.text(text), k + 1)
        }
    };
    let done = |end_index: usize, replacement: (TokenKind, String), message: Text, help: Text| {
        let end = tokens.get(end_index - 1).map_or(first.end, |t| t.end);
        Some(Rewrite {
            consumed: end_index - start,
            replacement: Some(replacement),
            finding: Finding::builtin(&code::NOTATION, Span::new(file, first.start, end), message)
                .with_help(help),
        })
    };
    if suffix == "年度" {
        let fy = format!("FY{year}");
        let written = format!("{written_year}年度");
        return done(
            at,
            (TokenKind::Ident, fy.clone()),
            Text::new(
                format!("fiscal year written `{written}`"),
                format!("年度が `{written}` と書かれています"),
            ),
            Text::new(
                format!("fiscal years are written `{fy}` ({written} = {fy})"),
                format!("年度は `{fy}` と書きます（{written} = {fy}）"),
            ),
        );
    }
    if suffix == "年" {
        // 年 M 月 D 日: numeric, foreign 月, numeric, foreign 日, all glued.
        let month = tokens.get(at).filter(|t| t.kind == TokenKind::Numeric)?;
        let mo = tokens.get(at + 1).filter(|t| t.text(text) == "月")?;
        let day = tokens
            .get(at + 2)
            .filter(|t| t.kind == TokenKind::Numeric)?;
        let di = tokens.get(at + 3).filter(|t| t.text(text) == "日")?;
        let glued = [
            tokens.get(at - 1),
            Some(month),
            Some(mo),
            Some(day),
            Some(di),
        ]
        .windows(2)
        .all(|w| matches!(w, [Some(a), Some(b)] if a.end == b.start));
        if !glued {
            return None;
        }
        let (m, d) = (month.text(text), day.text(text));
        let date = ymd(&year.to_string(), m, d)?;
        let written = format!("{written_year}年{m}月{d}日");
        return done(
            at + 4,
            (TokenKind::Numeric, date.to_string()),
            Text::new(
                format!("date written `{written}`"),
                format!("日付が `{written}` と書かれています"),
            ),
            Text::new(
                format!("dates are written YYYY-MM-DD: `{date}`"),
                format!("日付は YYYY-MM-DD の形で書きます: `{date}`"),
            ),
        );
    }
    None
}

/// A calendar date from year, month and day texts.
fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) || y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A number written plainly (`120`, `1.2`, `1_200`), without its `_`.
fn plain_number(s: &str) -> Option<String> {
    let s = s.replace('_', "");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(s)
}

/// The value of `number` followed by `unit`: 万, 億, 兆 and 千 multiply (exactly, by moving the
/// decimal point); the rest of the unit (`件`, `円`) is returned as the unit.
fn multiplied<'u>(number: &str, unit: &'u str) -> (String, &'u str) {
    let places = match unit.chars().next() {
        Some('千') => 3,
        Some('万') => 4,
        Some('億') => 8,
        Some('兆') => 12,
        _ => return (number.to_owned(), unit),
    };
    let rest = unit.char_indices().nth(1).map_or("", |(at, _)| &unit[at..]);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let point = int.len() + places;
    let mut digits = format!("{int}{frac}");
    while digits.len() < point {
        digits.push('0');
    }
    let (int, frac) = digits.split_at(point);
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        (int.to_owned(), rest)
    } else {
        (format!("{int}.{frac}"), rest)
    }
}

/// A form of ID to suggest: the kind's initial in upper case and the digits written
/// (`item 事項1` → `I1`).
fn ascii_id(kind: &str, written: &str) -> String {
    let initial = kind
        .chars()
        .next()
        .filter(char::is_ascii_alphabetic)
        .map_or('X', |c| c.to_ascii_uppercase());
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        format!("{initial}1")
    } else {
        format!("{initial}{digits}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipliers_move_the_decimal_point_exactly() {
        assert_eq!(multiplied("1.2", "万"), ("12000".to_owned(), ""));
        assert_eq!(multiplied("3", "億円"), ("300000000".to_owned(), "円"));
        assert_eq!(multiplied("0.00005", "万"), ("0.5".to_owned(), ""));
        assert_eq!(multiplied("120", "件"), ("120".to_owned(), "件"));
        assert_eq!(multiplied("5", "千円"), ("5000".to_owned(), "円"));
    }

    #[test]
    fn ids_are_suggested_from_the_kind_and_the_digits() {
        assert_eq!(ascii_id("item", "事項1"), "I1");
        assert_eq!(ascii_id("kpi", "指標"), "K1");
    }

    fn notations(text: &str) -> Vec<String> {
        let (_, findings) = crate::syntax::parse(FileId(0), text);
        findings
            .iter()
            .filter(|f| f.code == code::NOTATION.code)
            .map(|f| text[f.span.range()].to_owned())
            .collect()
    }

    #[test]
    fn only_the_notations_are_recognised() {
        // A list of numbers keeps its commas; ranges, dates and FY keys are the language's own.
        assert!(notations("kpi K { values [1,200]; period FY2022..FY2026 }").is_empty());
        assert!(notations("kpi K { series {\n FY2025 120\n} ; until 2027-03-31 }").is_empty());
        assert_eq!(notations("kpi K { unit 1,200 }"), ["1,200"]);
        assert_eq!(notations("kpi K { series {\n 2025 120\n} }"), ["2025"]);
        assert_eq!(notations("program p { covers [I1、I2] }"), ["、"]);
        assert_eq!(
            notations("kpi K { series { 平成30年度 1 } }"),
            ["平成30年度"]
        );
        assert_eq!(
            notations("kpi K { series { 令和元年度 1 } }"),
            ["令和元年度"]
        );
        // A date that is not in the calendar is left to the generic errors.
        assert!(notations("plan P { decided 2023/02/30 }").is_empty());
    }

    #[test]
    fn a_notation_read_as_meant_keeps_the_declaration_whole() {
        let (file, findings) = crate::syntax::parse(FileId(0), "program p { covers [I1、I2] }");
        assert_eq!(findings.len(), 1);
        let decl = &file.decls[0];
        assert!(!decl.recovered);
        let covers = &decl.block.as_ref().unwrap().entries[0];
        assert!(!covers.recovered);
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(
            ymd("2024", "03", "29").map(|d| d.to_string()),
            Some("2024-03-29".into())
        );
        assert!(ymd("2023", "02", "29").is_none());
        assert!(ymd("24", "3", "29").is_none());
    }
}
