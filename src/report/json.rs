//! JSON output (`align check --format json`): one versioned document, described by
//! docs/json-schema.json and docs/json.md.
//!
//! Findings keep the one stable order (file, offset, code); every span is given as file,
//! 1-based line and column in characters, and byte offsets.

use super::location::Location;
use super::Input;
use crate::baseline::{self, Entry};
use indexmap::IndexMap;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// The `format` field of the document.
pub const FORMAT: &str = "align-check";
/// The document's version; raised on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    tool: Tool,
    rule_set: &'a str,
    lang: &'static str,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// One finding, borrowing its texts from it (written once, straight into the output).
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    slug: &'a str,
    severity: &'static str,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    label: Option<&'a str>,
    nodes: &'a [String],
    relation: Option<&'a str>,
    fingerprint: String,
    location: Location<'a>,
    related: Vec<Related<'a>>,
    notes: Vec<Cow<'a, str>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
    files: usize,
    kinds: IndexMap<String, usize>,
    /// Rule findings held back as consequences of structural errors (not in `findings`).
    held_back: usize,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    matched: usize,
    gone: &'a [Entry],
}

/// Writes the document for `findings` (already sorted) and a final newline.
pub fn render(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, out))
}

fn render_unbuffered(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    let Input {
        findings,
        sources,
        summary,
        lang,
        ..
    } = *input;
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        rule_set: input.rule_set_name(),
        lang: input.lang_tag(),
        findings: Vec::new(),
        summary: JsonSummary {
            errors: summary.counts.errors,
            warnings: summary.counts.warnings,
            infos: summary.counts.infos,
            files: summary.files,
            held_back: summary.held_back,
            kinds: summary
                .kinds
                .iter()
                .map(|k| (k.name.clone(), k.count))
                .collect(),
        },
        baseline: input.baseline.map(|b| JsonBaseline {
            file: &b.file,
            matched: b.matched,
            gone: &b.gone,
        }),
    };
    let skeleton = serde_json::to_vec_pretty(&doc).map_err(io::Error::from)?;
    super::splice_pretty(out, &skeleton, "findings", 1, findings, |_, f, pretty| {
        pretty.write(&JsonFinding {
            code: &f.code,
            slug: &f.slug,
            severity: f.severity.as_str(),
            message: f.message.get(lang),
            help: f.help.as_ref().map(|h| h.get(lang)),
            label: f.label.as_ref().map(|l| l.get(lang)),
            nodes: &f.nodes,
            relation: f.relation.as_deref(),
            fingerprint: baseline::fingerprint(f, sources),
            location: Location::of(f.span, sources),
            related: f
                .labels
                .iter()
                .map(|l| Related {
                    message: l.text.get(lang),
                    location: Location::of(l.span, sources),
                })
                .collect(),
            notes: f.notes.iter().map(|n| n.get(lang)).collect(),
        })
    })?;
    writeln!(out)
}
