//! GitLab Code Quality report (`align check --format gitlab`): a JSON array with one issue per
//! finding, for `artifacts:reports:codequality` (merge-request widget and diff annotations).
//!
//! Each issue has the fields GitLab reads: `description` (code, slug and message),
//! `check_name` (the code), `fingerprint`, `severity` and `location.path` with
//! `location.lines.begin`. The fingerprint is the baseline fingerprint (line numbers are not
//! part of it) followed by `:N`, numbering equal fingerprints in output order as SARIF does:
//! GitLab shows only the first of several issues with one fingerprint, and compares the
//! merge request's issues with the target branch's by fingerprint.
//!
//! Severities: a structural error (the spec cannot be read or modelled, so nothing else about
//! it can be trusted) is `blocker`, any other error `critical`, a warning `major`, an info
//! `info`. `minor` is not used: GitLab sorts by severity, and align has three levels.

use super::location::Location;
use super::Input;
use crate::baseline;
use crate::diag::Code;
use crate::diag::{Finding, Severity};
use crate::select::is_structural_error;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: Code,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The Code Quality severity of a finding.
pub fn severity(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Error if is_structural_error(&f.code) => "blocker",
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// A path as GitLab expects it: relative to the repository root, `/`-separated, no `./`.
pub fn repo_path(shown: &str) -> String {
    let path = shown.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_owned()
}

/// Writes the report (a JSON array, `[]` when there is no finding) and a final newline.
pub fn render(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, out))
}

fn render_unbuffered(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue> = input
        .findings
        .iter()
        .map(|f| {
            let fp = baseline::fingerprint(f, input.sources);
            let n = seen.entry(fp.clone()).or_default();
            *n += 1;
            let loc = Location::of(f.span, input.sources);
            Issue {
                description: format!("{} {}: {}", f.code, f.slug, f.message.get(input.lang)),
                check_name: f.code.clone(),
                fingerprint: format!("{fp}:{n}"),
                severity: severity(f),
                location: IssueLocation {
                    path: repo_path(loc.file),
                    lines: Lines {
                        begin: loc.start.line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Span, Text};
    use crate::source::SourceSet;

    #[test]
    fn severities_and_paths() {
        let mut sources = SourceSet::new();
        let id = sources.add_spec("x.align", "");
        let f = |code: &str, severity| {
            Finding::new(code, "s", severity, Span::new(id, 0, 0), Text::same("m"))
        };
        assert_eq!(severity(&f("ALN010", Severity::Error)), "blocker");
        assert_eq!(severity(&f("ALN101", Severity::Error)), "critical");
        assert_eq!(severity(&f("ALN104", Severity::Warning)), "major");
        assert_eq!(severity(&f("ALN019", Severity::Warning)), "major");
        assert_eq!(severity(&f("ALN106", Severity::Info)), "info");
        assert_eq!(repo_path("./specs/plan.align"), "specs/plan.align");
        assert_eq!(repo_path("specs\\a b.align"), "specs/a b.align");
    }
}
