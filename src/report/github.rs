//! GitHub Actions workflow-command annotations (`align check --format github`): one
//! `::error`, `::warning` or `::notice` line per finding, shown on the changed lines of a pull
//! request, then the summary line as plain log text.
//!
//! Escaping follows the runner's rules: in the message (data) `%`, CR and LF are
//! percent-encoded; in properties `:` and `,` are too.

use super::location::Location;
use super::sanitize::line;
use super::Input;
use crate::diag::{Finding, Lang, Severity};
use crate::source::SourceSet;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escapes a command's data (the text after `::`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property's value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One annotation line (without the final newline).
pub fn annotation(f: &Finding, sources: &SourceSet, lang: Lang) -> String {
    let loc = Location::of(f.span, sources);
    let title = format!("{} {}", f.code, f.slug);
    // The message: the finding, the other places involved, then the help, one per line.
    // Terminal controls in spec text are shown escaped, as in human output.
    let mut body = line(&f.message.get(lang)).into_owned();
    for l in &f.labels {
        let at = Location::of(l.span, sources);
        let _ = write!(
            body,
            "\n{}:{}:{}: {}",
            at.file,
            at.start.line,
            at.start.column,
            line(&l.text.get(lang))
        );
    }
    if let Some(help) = &f.help {
        let head = match lang {
            Lang::En => "help",
            Lang::Ja => "ヘルプ",
        };
        let _ = write!(body, "\n{head}: {}", line(&help.get(lang)));
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(f.severity),
        escape_property(loc.file),
        loc.start.line,
        loc.start.column,
        loc.end.line,
        loc.end.column,
        escape_property(&title),
        escape_data(&body)
    )
}

/// Writes one annotation per finding (already sorted), then the summary line unless `quiet`.
pub fn render(input: &Input<'_>, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, quiet, out))
}

fn render_unbuffered(input: &Input<'_>, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    for f in input.findings {
        writeln!(out, "{}", annotation(f, input.sources, input.lang))?;
    }
    if !quiet {
        writeln!(out, "{}", super::summary_line(input.summary, input.lang))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Span, Text};

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("100% done"), "100%25 done");
        assert_eq!(escape_data("a\r\nb\nc"), "a%0D%0Ab%0Ac");
        assert_eq!(escape_data("a::b, c: d"), "a::b, c: d");
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("国際共同治験"), "国際共同治験");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_property("C:\\x%\n"), "C%3A\\x%25%0A");
        assert_eq!(
            escape_property("ALN101 item-without-program"),
            "ALN101 item-without-program"
        );
    }

    #[test]
    fn an_annotation_has_every_property_and_an_escaped_message() {
        let mut sources = SourceSet::new();
        let id = sources.add_spec("specs/a,b:c.align", "item I1 \"x\"\nprogram p {}\n");
        let f = Finding::new(
            "ALN101",
            "item-without-program",
            Severity::Error,
            Span::new(id, 0, 11),
            Text::new("item `I1` 50% done:\nyes", "項目"),
        )
        .with_secondary(Span::new(id, 12, 21), Text::new("p, here", "ここ"))
        .with_help(Text::new("add it", "追加"));
        assert_eq!(
            annotation(&f, &sources, Lang::En),
            "::error file=specs/a%2Cb%3Ac.align,line=1,col=1,endLine=1,endColumn=12,\
             title=ALN101 item-without-program::item `I1` 50%25 done:\\u{a}yes\
             %0Aspecs/a,b:c.align:2:1: p, here%0Ahelp: add it"
        );
        let mut w = f.clone();
        w.severity = Severity::Warning;
        assert!(annotation(&w, &sources, Lang::Ja).starts_with("::warning file="));
        w.severity = Severity::Info;
        assert!(annotation(&w, &sources, Lang::Ja).starts_with("::notice file="));
    }
}
