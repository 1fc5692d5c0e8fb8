//! JSON output (`align check --format json`): one versioned document, described by
//! docs/json-schema.json and docs/json.md.
//!
//! Findings keep the one stable order (file, offset, code); every span is given as file,
//! 1-based line and column in characters, and byte offsets.

use super::location::Location;
use super::pretty::PrettyJson;
use super::Input;
use crate::base::Substr;
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
    label: Option<Cow<'a, str>>,
    nodes: &'a [Substr],
    relation: Option<&'a str>,
    fingerprint: String,
    location: Location<'a>,
    related: Vec<Related<'a>>,
    notes: Vec<Cow<'a, str>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: Cow<'a, str>,
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
        write_finding(
            &mut pretty.json(),
            &JsonFinding {
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
            },
        );
        Ok(())
    })?;
    writeln!(out)
}

/// A finding written as `serde_json::to_writer_pretty` writes [`JsonFinding`] at a depth of
/// the document, through [`PrettyJson`] (JSON output at 10k: about 27,000 instructions a
/// finding through serde, 20,600 so). `tests::findings_are_written_as_serde_json_writes_them`
/// compares the two on findings of every shape and on every character that JSON escapes.
fn write_finding(w: &mut PrettyJson<'_>, f: &JsonFinding<'_>) {
    w.open(b'{');
    w.string_field(true, b"\"code\": ", f.code);
    w.string_field(false, b"\"slug\": ", f.slug);
    w.string_field(false, b"\"severity\": ", f.severity);
    w.string_field(false, b"\"message\": ", &f.message);
    w.key(false, b"\"help\": ");
    w.optional(f.help.as_deref());
    w.key(false, b"\"label\": ");
    w.optional(f.label.as_deref());
    w.key(false, b"\"nodes\": ");
    w.strings(f.nodes);
    w.key(false, b"\"relation\": ");
    w.optional(f.relation);
    w.string_field(false, b"\"fingerprint\": ", &f.fingerprint);
    w.key(false, b"\"location\": ");
    write_location(w, &f.location);
    w.key(false, b"\"related\": ");
    w.open(b'[');
    for (i, r) in f.related.iter().enumerate() {
        w.element(i == 0);
        w.open(b'{');
        w.string_field(true, b"\"message\": ", &r.message);
        w.key(false, b"\"location\": ");
        write_location(w, &r.location);
        w.close(b'}');
    }
    w.close(b']');
    w.key(false, b"\"notes\": ");
    w.strings(&f.notes);
    w.close(b'}');
}

fn write_location(w: &mut PrettyJson<'_>, l: &Location<'_>) {
    w.open(b'{');
    w.string_field(true, b"\"file\": ", l.file);
    w.key(false, b"\"start\": ");
    write_position(w, &l.start);
    w.key(false, b"\"end\": ");
    write_position(w, &l.end);
    w.close(b'}');
}

fn write_position(w: &mut PrettyJson<'_>, p: &super::location::Position) {
    w.open(b'{');
    w.number_field(true, b"\"line\": ", p.line);
    w.number_field(false, b"\"column\": ", p.column);
    w.number_field(false, b"\"offset\": ", p.offset);
    w.close(b'}');
}

#[cfg(test)]
mod tests {
    use super::super::location::Position;
    use super::super::pretty::{reference, written};
    use super::*;

    fn location(file: &str, n: usize) -> Location<'_> {
        Location {
            file,
            start: Position {
                line: n + 1,
                column: n % 7 + 1,
                offset: n * 13,
            },
            end: Position {
                line: n + 2,
                column: 1,
                offset: usize::MAX - n,
            },
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Any texts (every C0 control, quotes, backslashes, DEL, non-ASCII), any number of
        /// nodes, related places and notes, optional fields present or not, at any depth: the
        /// bytes `serde_json` writes.
        #[test]
        fn findings_are_written_as_serde_json_writes_them(
            texts in proptest::collection::vec("[\\x00-\\x1f\"\\\\/a-z \\x7f医療“”\\u{2028}]{0,12}", 8),
            nodes in proptest::collection::vec("[A-Za-z0-9.\"\\\\]{0,6}", 0..4),
            related in 0usize..4,
            notes in proptest::collection::vec("[a-z\\n\\t→]{0,8}", 0..3),
            some in proptest::collection::vec(proptest::bool::ANY, 3),
            depth in 0usize..4,
            n in 0usize..100_000,
        ) {
            let f = JsonFinding {
                code: &texts[0],
                slug: &texts[1],
                severity: "warning",
                message: Cow::Borrowed(&texts[2]),
                help: some[0].then(|| Cow::Borrowed(texts[3].as_str())),
                label: some[1].then(|| Cow::Borrowed(texts[4].as_str())),
                nodes: &nodes.iter().map(|n| Substr::from(n.as_str())).collect::<Vec<_>>(),
                relation: some[2].then_some(texts[5].as_str()),
                fingerprint: texts[6].clone(),
                location: location(&texts[7], n),
                related: (0..related)
                    .map(|i| Related {
                        message: Cow::Borrowed(&texts[i]),
                        location: location(&texts[7 - i], n + i),
                    })
                    .collect(),
                notes: notes.iter().map(|s| Cow::Borrowed(s.as_str())).collect(),
            };
            proptest::prop_assert_eq!(
                written(depth, |w| write_finding(w, &f)),
                reference(&f, depth)
            );
        }
    }
}
