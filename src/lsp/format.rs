//! `textDocument/formatting` through `align fmt`: one edit replacing the whole document, none
//! when it is already in canonical layout, and a refusal (no edit, a reason for the log) when
//! it does not parse.

use super::position::LineIndex;
use crate::diag::{Lang, Severity};
use crate::fmt::{self, Outcome, Refusal};
use crate::source::FileId;
use lsp_types::{Position, Range, TextEdit};

/// The edits that format `text`, or why it is left as it is (`name` is the file's name in
/// that message). `align fmt`'s options are its own (one canonical layout), so the client's
/// tab size and spaces are not used.
pub(crate) fn document(name: &str, text: &str, lang: Lang) -> Result<Vec<TextEdit>, String> {
    match fmt::format(FileId(0), text) {
        Ok(Outcome::Unchanged) => Ok(Vec::new()),
        Ok(Outcome::Changed {
            text: formatted, ..
        }) => {
            let end = LineIndex::new(text).position(text, text.len());
            Ok(vec![TextEdit::new(
                Range::new(Position::new(0, 0), end),
                formatted,
            )])
        }
        Err(Refusal::Syntax(findings)) => {
            let first = findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .or(findings.first())
                .map(|f| {
                    let at = LineIndex::new(text).position(text, f.span.start());
                    format!(
                        " (line {}, column {}: {})",
                        at.line + 1,
                        at.character + 1,
                        f.message.get(lang)
                    )
                })
                .unwrap_or_default();
            Err(format!(
                "{name} is not formatted: it has syntax errors; fix them first{first}"
            ))
        }
        Err(Refusal::Unsafe(why)) => Err(format!(
            "{name} is not formatted: the layout failed its own check ({why}); \
             this is a bug in align"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_messy_file_gets_one_edit_over_the_whole_text() {
        let text = "goal   G1 \"拠点\"{policy V1}\r\n";
        let edits = document("a.align", text, Lang::En).unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].range.end, Position::new(1, 0));
        assert_eq!(edits[0].new_text, "goal G1 \"拠点\" { policy V1 }\r\n");
        assert!(document("a.align", &edits[0].new_text, Lang::En)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused_with_its_first_error() {
        let why = document("a.align", "goal G1 \"拠点 { policy V1 }\n", Lang::En).unwrap_err();
        assert!(
            why.starts_with("a.align is not formatted: it has syntax errors"),
            "{why}"
        );
        assert!(why.contains("line 1, column"), "{why}");
    }
}
