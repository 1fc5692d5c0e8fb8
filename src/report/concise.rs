//! One line per finding (`align check --format concise`), for editors, `grep` and quick reading:
//!
//! ```text
//! specs/plan.align:145:1: ALN101 item-without-program item I1.3.2.a “…” is in the scope of no program
//! ```
//!
//! `path:line:col: CODE slug message`, line and column 1-based (columns in characters), then
//! the summary line unless `--quiet`. Spec text is made safe for one line of a terminal: control
//! characters are shown escaped, and so are line breaks and tabs (`\n`, `\t`), so a finding is
//! always exactly one line.

use super::location::Location;
use super::sanitize;
use super::Input;
use crate::diag::{Finding, Lang};
use crate::source::SourceSet;
use std::io::{self, Write};

/// `text` on one line: controls and line breaks escaped by the one sanitiser (`\u{a}`), tabs
/// as `\t`.
pub fn one_line(text: &str) -> String {
    sanitize::line(text).replace('\t', "\\t")
}

/// The line of one finding (without the final newline).
pub fn line(f: &Finding, sources: &SourceSet, lang: Lang) -> String {
    let loc = Location::of(f.span, sources);
    format!(
        "{}:{}:{}: {} {} {}",
        one_line(loc.file),
        loc.start.line,
        loc.start.column,
        f.code,
        f.slug,
        one_line(&f.message.get(lang))
    )
}

/// Writes one line per finding (already sorted), then the summary line unless `quiet`.
pub fn render(input: &Input<'_>, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, quiet, out))
}

fn render_unbuffered(input: &Input<'_>, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    for f in input.findings {
        writeln!(out, "{}", line(f, input.sources, input.lang))?;
    }
    if !quiet {
        writeln!(out, "{}", super::summary_line(input.summary, input.lang))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Severity, Span, Text};

    #[test]
    fn a_finding_is_one_safe_line() {
        let mut sources = SourceSet::new();
        let id = sources.add_spec("specs/a\nb.align", "plan P \"p\" {}\n\nitem I1 \"x\"\n");
        let f = Finding::new(
            "ALN101",
            "item-without-program",
            Severity::Error,
            Span::new(id, 15, 22),
            Text::new("item `I1` “a\nb\u{1b}[2J\tc” is uncovered", "項目 `I1`"),
        );
        assert_eq!(
            line(&f, &sources, Lang::En),
            "specs/a\\u{a}b.align:3:1: ALN101 item-without-program item `I1` “a\\u{a}b\\u{1b}[2J\\tc” is uncovered"
        );
        assert_eq!(
            line(&f, &sources, Lang::Ja),
            "specs/a\\u{a}b.align:3:1: ALN101 item-without-program 項目 `I1`"
        );
    }
}
