//! Syntax findings: the bilingual message, label and help of every error the lexer and parser
//! report, so that `parse` and `literal` only say what went wrong and where.

use super::lex::{char_name, TokenKind};
use crate::diag::code::{self, CodeInfo};
use crate::diag::{Finding, Span, Text};

fn finding(code: &CodeInfo, span: Span, message: Text, help: Text) -> Finding {
    Finding::builtin(code, span, message).with_help(help)
}

/// How a found token is named in "expected X, found Y": `(English, Japanese)`.
pub(crate) fn describe(kind: TokenKind, text: &str) -> (String, String) {
    match kind {
        TokenKind::Newline | TokenKind::LoneCr => ("a newline".into(), "改行".into()),
        TokenKind::Str | TokenKind::UnterminatedStr => ("a string".into(), "文字列".into()),
        _ if text.is_empty() => ("end of file".into(), "ファイルの終わり".into()),
        _ => {
            let shown = quote(text);
            (shown.clone(), shown)
        }
    }
}

/// `text` in backticks, shortened to 30 chars.
pub(crate) fn quote(text: &str) -> String {
    if text.chars().count() > 30 {
        format!("`{}…`", text.chars().take(30).collect::<String>())
    } else {
        format!("`{text}`")
    }
}

/// ALN010 "expected X, found Y".
pub(crate) fn expected(span: Span, what: (&str, &str), found: &(String, String)) -> Finding {
    finding(
        &code::SYNTAX,
        span,
        Text::new(
            format!("expected {}, found {}", what.0, found.0),
            format!("{}が必要ですが、{}があります", what.1, found.1),
        ),
        Text::new(
            format!("write {} here", what.0),
            format!("ここに{}を書いてください", what.1),
        ),
    )
    .with_label(Text::new(
        format!("expected {}", what.0),
        format!("{}が必要", what.1),
    ))
}

/// ALN010 on a `.` that ends an identifier path.
pub(crate) fn missing_segment(span: Span) -> Finding {
    finding(
        &code::SYNTAX,
        span,
        Text::new(
            "expected identifier segment after `.`",
            "`.` の後に識別子の区切りが必要です",
        ),
        Text::new(
            "remove the `.` or write the next part of the ID, as in `G1.3`",
            "`.` を削除するか、`G1.3` のように ID の続きを書いてください",
        ),
    )
}

/// ALN010 on a `}` with no open block.
pub(crate) fn stray_close(span: Span) -> Finding {
    finding(
        &code::SYNTAX,
        span,
        Text::new(
            "unexpected `}` with no open block",
            "対応する `{` のない `}` があります",
        ),
        Text::new(
            "remove the `}` or add the missing `{`",
            "`}` を削除するか、欠けている `{` を追加してください",
        ),
    )
}

/// ALN010 on a carriage return that is not followed by a newline.
pub(crate) fn lone_cr(span: Span) -> Finding {
    finding(
        &code::SYNTAX,
        span,
        Text::new(
            "carriage return must be followed by a newline",
            "復帰文字（CR）の後には改行（LF）が必要です",
        ),
        Text::new(
            "save the file with LF or CRLF line endings",
            "改行コードを LF または CRLF にして保存してください",
        ),
    )
}

/// ALN011 at the opening quote of an unterminated string.
pub(crate) fn unterminated(span: Span, triple: bool) -> Finding {
    let close = if triple { "\"\"\"" } else { "\"" };
    finding(
        &code::UNTERMINATED_STRING,
        span,
        Text::new("unterminated string", "文字列が閉じられていません"),
        Text::new(
            format!("add the closing `{close}`"),
            format!("閉じる `{close}` を追加してください"),
        ),
    )
    .with_label(Text::new(
        "string starts here",
        "文字列はここから始まります",
    ))
}

/// ALN011 at a backslash that ends the file inside a string.
pub(crate) fn eof_after_backslash(span: Span, open: Span) -> Finding {
    finding(
        &code::UNTERMINATED_STRING,
        span,
        Text::new(
            "the file ends right after `\\` inside a string",
            "文字列の中の `\\` の直後でファイルが終わっています",
        ),
        Text::new(
            "complete the escape and add the closing `\"`",
            "エスケープを完成させ、閉じる `\"` を追加してください",
        ),
    )
    .with_secondary(
        open,
        Text::new("string starts here", "文字列はここから始まります"),
    )
}

/// ALN012 on exactly the escape sequence.
pub(crate) fn invalid_escape(span: Span, seq: &str, why: (&str, &str)) -> Finding {
    finding(
        &code::INVALID_ESCAPE,
        span,
        Text::new(
            format!("invalid escape {}{}", quote(seq), why.0),
            format!("不正なエスケープ {}{}", quote(seq), why.1),
        ),
        Text::new(
            "use `\\\"`, `\\\\`, `\\n`, `\\t` or `\\u{XXXX}` (a Unicode scalar value); write `\\\\` for a backslash",
            "`\\\"`、`\\\\`、`\\n`、`\\t`、`\\u{XXXX}`（Unicode スカラー値）を使ってください。バックスラッシュは `\\\\` と書きます",
        ),
    )
}

/// ALN013 on a malformed or out-of-range number.
pub(crate) fn invalid_number(span: Span, text: &str, why: (&str, &str)) -> Finding {
    finding(
        &code::INVALID_NUMBER,
        span,
        Text::new(
            format!("invalid number {}{}", quote(text), why.0),
            format!("不正な数値 {}{}", quote(text), why.1),
        ),
        Text::new(
            "write digits with an optional fraction, exponent or `%`, such as `186`, `27.4%` or `1.2e9`",
            "`186`、`27.4%`、`1.2e9` のように、数字と任意の小数部・指数部・`%` で書いてください",
        ),
    )
}

/// ALN014 on an impossible or malformed date.
pub(crate) fn invalid_date(span: Span, text: &str, why: (&str, &str)) -> Finding {
    finding(
        &code::INVALID_DATE,
        span,
        Text::new(
            format!("invalid date {}{}", quote(text), why.0),
            format!("不正な日付 {}{}", quote(text), why.1),
        ),
        Text::new(
            "write a real calendar date as `YYYY-MM-DD`, such as `2027-03-31`",
            "`2027-03-31` のように、実在する日付を `YYYY-MM-DD` で書いてください",
        ),
    )
}

/// ALN015 on a mixed, incomplete or reversed range.
pub(crate) fn invalid_range(span: Span, what: (String, String)) -> Finding {
    finding(
        &code::INVALID_RANGE,
        span,
        Text::new(what.0, what.1),
        Text::new(
            "write `A..B` with no spaces, both bounds of one kind and `A` before `B`, such as `FY2022..FY2026`",
            "`FY2022..FY2026` のように、空白なしで `A..B` と書き、両端を同じ種類にして `A` を `B` より前にしてください",
        ),
    )
}

/// ALN016 at the first bracket past the nesting limit.
pub(crate) fn too_deep(span: Span, limit: usize) -> Finding {
    finding(
        &code::NESTING_TOO_DEEP,
        span,
        Text::new(
            format!("nesting deeper than {limit} blocks and lists"),
            format!("ブロックとリストの入れ子が {limit} 段を超えています"),
        ),
        Text::new(
            "flatten the structure; specs never need this depth",
            "構造を平らにしてください。仕様にこの深さは必要ありません",
        ),
    )
}

/// ALN017 at the end of the file, pointing back at the opening bracket.
pub(crate) fn unclosed(at: Span, open: Span, list: bool) -> Finding {
    let (close, en, ja) = if list {
        ("]", "list opened here", "リストはここで開かれています")
    } else {
        ("}", "block opened here", "ブロックはここで開かれています")
    };
    let (what_en, what_ja) = if list {
        ("list", "リスト")
    } else {
        ("block", "ブロック")
    };
    finding(
        &code::UNCLOSED_DELIMITER,
        at,
        Text::new(
            format!("unclosed {what_en}: expected `{close}`, found end of file"),
            format!(
                "{what_ja}が閉じられていません（`{close}` がないままファイルが終わっています）"
            ),
        ),
        Text::new(
            format!("add the closing `{close}`"),
            format!("閉じる `{close}` を追加してください"),
        ),
    )
    .with_secondary(open, Text::new(en, ja))
}

/// ALN017 when a line at column 0 reads as the next declaration while a block is still open.
/// The finding sits on the `{`, inside the declaration it belongs to.
pub(crate) fn unclosed_before_decl(open: Span, next: Span) -> Finding {
    finding(
        &code::UNCLOSED_DELIMITER,
        open,
        Text::new(
            "unclosed block: expected `}` before the next declaration",
            "ブロックが閉じられていません（次の宣言の前に `}` が必要です）",
        ),
        Text::new(
            "add the closing `}` at the end of the block",
            "ブロックの終わりに閉じる `}` を追加してください",
        ),
    )
    .with_label(Text::new(
        "block opened here, never closed",
        "ここで開いたブロックが閉じられていない",
    ))
    .with_secondary(
        next,
        Text::new("the next declaration starts here", "次の宣言はここから"),
    )
}

/// ALN018 on one invisible or control character outside a string (or a control in a string).
pub(crate) fn unexpected_char(span: Span, c: char) -> Finding {
    let (en, ja) = char_name(c);
    let code_point = format!("U+{:04X}", u32::from(c));
    let help = if c == '\u{feff}' {
        Text::new(
            "remove it; the file was probably made by joining files together",
            "削除してください。ファイルを連結したときに混入したものと考えられます",
        )
    } else {
        Text::new(
            "remove it, or replace it with an ASCII space",
            "削除するか、ASCII の空白に置き換えてください",
        )
    };
    finding(
        &code::UNEXPECTED_CHARACTER,
        span,
        Text::new(
            format!("unexpected character {code_point} ({en})"),
            format!("予期しない文字 {code_point}（{ja}）"),
        ),
        help,
    )
}

/// ALN018 on a run of full-width ASCII forms, with the ASCII form as the fix.
pub(crate) fn full_width(span: Span, text: &str, ascii: &str) -> Finding {
    finding(
        &code::UNEXPECTED_CHARACTER,
        span,
        Text::new(
            format!("unexpected full-width characters {}", quote(text)),
            format!("全角文字 {} は使えません", quote(text)),
        ),
        Text::new(
            format!("did you mean `{ascii}`?"),
            format!("`{ascii}` ではありませんか？"),
        ),
    )
}

/// ALN018 on non-ASCII text outside a string.
pub(crate) fn foreign(span: Span, text: &str) -> Finding {
    finding(
        &code::UNEXPECTED_CHARACTER,
        span,
        Text::new(
            format!("unexpected text {} outside a string", quote(text)),
            format!("文字列の外に文字 {} があります", quote(text)),
        ),
        Text::new(
            "put text in double quotes, as in a title: `\"…\"`",
            "タイトルと同じように、文字は二重引用符で囲んでください: `\"…\"`",
        ),
    )
}

/// ALN019 warning on one U+3000 between tokens.
pub(crate) fn ideographic_space(span: Span) -> Finding {
    finding(
        &code::IDEOGRAPHIC_SPACE,
        span,
        Text::new(
            "ideographic space U+3000 between tokens",
            "トークンの間に全角空白 U+3000 があります",
        ),
        Text::new(
            "replace it with an ASCII space",
            "半角空白に置き換えてください",
        ),
    )
}

/// ALN020 warning on a bidirectional control inside a string.
pub(crate) fn bidi_in_string(span: Span, c: char) -> Finding {
    finding(
        &code::BIDI_IN_STRING,
        span,
        Text::new(
            format!("bidirectional control U+{:04X} in a string", u32::from(c)),
            format!("文字列に双方向制御文字 U+{:04X} があります", u32::from(c)),
        ),
        Text::new(
            "remove it: it can make the text display differently from what it is",
            "削除してください。表示と実際の内容が食い違う原因になります",
        ),
    )
}

/// ALN021 info: the errors past the cap.
pub(crate) fn too_many(span: Span, more: usize) -> Finding {
    finding(
        &code::TOO_MANY_ERRORS,
        span,
        Text::new(
            format!("and {more} more syntax errors not shown"),
            format!("ほかに {more} 件の構文エラーがあります（表示していません）"),
        ),
        Text::new(
            "fix the errors shown and run again",
            "表示されたエラーを直してから、もう一度実行してください",
        ),
    )
}
