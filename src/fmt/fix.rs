//! The safe fixes `align fmt` applies before laying a file out: an ideographic space (U+3000)
//! between tokens becomes an ASCII space (ALN019), and a run of full-width ASCII forms outside
//! strings becomes its ASCII form (ALN018) when the parser already reads it so.

use crate::syntax::{tokenize, Token, TokenKind};

/// `text` with the safe fixes applied, and how many places were fixed.
pub(super) fn apply(text: &str, tokens: &[Token]) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut fixed = 0;
    for t in tokens {
        let s = t.text(text);
        match t.kind {
            TokenKind::IdeographicSpace => {
                out.push(' ');
                fixed += 1;
            }
            TokenKind::FullWidth => match ascii_form(s) {
                Some(ascii) => {
                    out.push_str(&ascii);
                    fixed += 1;
                }
                None => out.push_str(s),
            },
            _ => out.push_str(s),
        }
    }
    (out, fixed)
}

/// The ASCII form of a full-width run when the parser reads the run as that one token (as it
/// does for `Ｇ１．３` or `｛`); `None` when it skips the run (it is then a syntax error and the
/// file is not formatted).
fn ascii_form(s: &str) -> Option<String> {
    let ascii = crate::syntax::full_width_to_ascii(s);
    match tokenize(&ascii).as_slice() {
        [one]
            if !one.kind.is_trivia()
                && !matches!(one.kind, TokenKind::Str | TokenKind::UnterminatedStr) =>
        {
            Some(ascii)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str) -> (String, usize) {
        apply(text, &tokenize(text))
    }

    #[test]
    fn ideographic_spaces_become_ascii_spaces() {
        assert_eq!(
            fix("goal\u{3000}G1 \"a\u{3000}b\""),
            ("goal G1 \"a\u{3000}b\"".into(), 1)
        );
    }

    #[test]
    fn full_width_runs_read_as_one_token_become_ascii() {
        assert_eq!(
            fix("goal Ｇ１．３ ｛ ｘ １ ｝"),
            ("goal G1.3 { x 1 }".into(), 5)
        );
    }

    #[test]
    fn full_width_inside_strings_and_comments_stays() {
        let text = "goal G1 \"Ｇ１\" # Ｇ１\n";
        assert_eq!(fix(text), (text.into(), 0));
    }

    #[test]
    fn a_run_the_parser_skips_stays() {
        // `ａ＝ｂ` is three ASCII tokens: the parser does not read it, so neither does the fix.
        assert_eq!(fix("ａ＝ｂ"), ("ａ＝ｂ".into(), 0));
    }
}
