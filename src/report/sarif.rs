//! SARIF 2.1.0 output (`align check --format sarif`) for GitHub code scanning and other SARIF
//! viewers: one run, every code of the rule set as a rule, one result per finding.
//!
//! Typed serde structs rather than a SARIF crate: align needs a small, fixed subset, and the
//! test suite validates the output against the official OASIS schema.

use super::docs::Entry;
use super::location::Location;
use super::pretty::PrettyJson;
use super::Input;
use crate::base::Substr;
use crate::baseline;
use crate::config::Level;
use crate::diag::{Finding, Lang, Severity, Span};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

/// The schema the document names (the OASIS 2.1.0 errata 01 schema).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of align's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "alignFingerprint/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'static>>,
    properties: RunProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    rule_set: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Message<'static>,
    full_description: Message<'static>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Message<'a> {
    text: Cow<'a, str>,
}

/// One result, borrowing its texts from the finding (as the JSON output's findings do).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    slug: &'a str,
    nodes: &'a [Substr],
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

/// A result written as `serde_json::to_writer_pretty` writes [`SarifResult`] at a depth of the
/// document, through [`PrettyJson`] (as JSON output writes its findings);
/// `tests::results_are_written_as_serde_json_writes_them` compares the two.
fn write_result(w: &mut PrettyJson<'_>, r: &SarifResult<'_>) {
    w.open(b'{');
    w.string_field(true, b"\"ruleId\": ", r.rule_id);
    w.number_field(false, b"\"ruleIndex\": ", r.rule_index);
    w.string_field(false, b"\"level\": ", r.level);
    w.key(false, b"\"message\": ");
    write_message(w, &r.message.text);
    w.key(false, b"\"locations\": ");
    write_locations(w, &r.locations);
    if !r.related_locations.is_empty() {
        w.key(false, b"\"relatedLocations\": ");
        write_locations(w, &r.related_locations);
    }
    w.key(false, b"\"partialFingerprints\": ");
    w.open(b'{');
    // A map of one entry in align's results; written in its own order otherwise.
    for (i, (key, value)) in r.partial_fingerprints.iter().enumerate() {
        w.element(i == 0);
        w.string(key);
        w.raw(b": ");
        w.string(value);
    }
    w.close(b'}');
    if let Some(state) = r.baseline_state {
        w.string_field(false, b"\"baselineState\": ", state);
    }
    w.key(false, b"\"properties\": ");
    w.open(b'{');
    w.string_field(true, b"\"slug\": ", r.properties.slug);
    w.key(false, b"\"nodes\": ");
    w.strings(r.properties.nodes);
    if let Some(relation) = r.properties.relation {
        w.string_field(false, b"\"relation\": ", relation);
    }
    if let Some(help) = &r.properties.help {
        w.string_field(false, b"\"help\": ", help);
    }
    w.close(b'}');
    w.close(b'}');
}

fn write_message(w: &mut PrettyJson<'_>, text: &str) {
    w.open(b'{');
    w.string_field(true, b"\"text\": ", text);
    w.close(b'}');
}

fn write_locations(w: &mut PrettyJson<'_>, locations: &[SarifLocation<'_>]) {
    w.open(b'[');
    for (i, l) in locations.iter().enumerate() {
        w.element(i == 0);
        w.open(b'{');
        let mut first = true;
        if let Some(id) = l.id {
            w.number_field(true, b"\"id\": ", id);
            first = false;
        }
        w.key(first, b"\"physicalLocation\": ");
        w.open(b'{');
        w.key(true, b"\"artifactLocation\": ");
        w.open(b'{');
        w.string_field(
            true,
            b"\"uri\": ",
            l.physical_location.artifact_location.uri,
        );
        w.close(b'}');
        let region = &l.physical_location.region;
        w.key(false, b"\"region\": ");
        w.open(b'{');
        w.number_field(true, b"\"startLine\": ", region.start_line);
        w.number_field(false, b"\"startColumn\": ", region.start_column);
        w.number_field(false, b"\"endLine\": ", region.end_line);
        w.number_field(false, b"\"endColumn\": ", region.end_column);
        w.number_field(false, b"\"byteOffset\": ", region.byte_offset);
        w.number_field(false, b"\"byteLength\": ", region.byte_length);
        w.close(b'}');
        w.close(b'}');
        if let Some(message) = &l.message {
            w.key(false, b"\"message\": ");
            write_message(w, &message.text);
        }
        w.close(b'}');
    }
    w.close(b']');
}

/// A SARIF `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Writes the SARIF log of the findings (already sorted). With a baseline, every result is
/// marked `new` (the ones the baseline holds are not reported).
pub fn render(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, out))
}

fn render_unbuffered<'a>(input: &Input<'a>, out: &mut dyn Write) -> io::Result<()> {
    let Input {
        findings,
        sources,
        lang,
        ..
    } = *input;
    let baseline_in_use = input.baseline.is_some();
    let entries = Entry::all(input.rules);
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code(), i))
        .collect();
    let rules = entries.iter().map(|e| rule(e, input)).collect();
    // Equal identities are numbered in output order, so each result keeps its own alert.
    let fingerprints: Vec<u64> = findings
        .par_iter()
        .map(|f| baseline::fingerprint_hash(f, sources))
        .collect();
    // (The fingerprints as numbers, counted in an Fx map sized once: as strings in a SipHash
    // map grown by doubling, this was 7-9 ms on one core at 100k findings.)
    let mut seen: rustc_hash::FxHashMap<u64, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(
            fingerprints.len(),
            rustc_hash::FxBuildHasher,
        );
    let numbers: Vec<usize> = fingerprints
        .iter()
        .map(|fp| {
            let n = seen.entry(*fp).or_default();
            *n += 1;
            *n
        })
        .collect();
    // Each file's URI, percent-encoded once rather than for every location in it.
    let uris: Vec<String> = sources.files().map(|(_, file)| uri(&file.name)).collect();
    let location = |span: Span, id: Option<usize>, message: Option<Cow<'a, str>>| {
        let loc = Location::of(span, sources);
        SarifLocation {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uris.get(span.file.0 as usize).map_or("", String::as_str),
                },
                region: Region {
                    start_line: loc.start.line,
                    start_column: loc.start.column,
                    end_line: loc.end.line,
                    end_column: loc.end.column,
                    byte_offset: loc.start.offset,
                    byte_length: loc.end.offset - loc.start.offset,
                },
            },
            message: message.map(|text| Message { text }),
        }
    };
    let result = |i: usize, f: &'a Finding| {
        let (fp, n) = (&fingerprints[i], numbers[i]);
        SarifResult {
            rule_id: &f.code,
            rule_index: index.get(f.code.as_str()).copied().unwrap_or(0),
            level: level(f.severity),
            // Code scanning shows the result's message, not its properties: the finding's
            // own help goes there, after the message.
            message: Message {
                text: match &f.help {
                    Some(h) => Cow::Owned(format!(
                        "{}\n{}: {}",
                        f.message.get(lang),
                        lang.pick("help", "ヒント"),
                        h.get(lang)
                    )),
                    None => f.message.get(lang),
                },
            },
            locations: vec![location(f.span, None, None)],
            related_locations: f
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| location(l.span, Some(i + 1), Some(l.text.get(lang))))
                .collect(),
            partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, format!("{fp:016x}:{n}"))]),
            baseline_state: baseline_in_use.then_some("new"),
            properties: ResultProperties {
                slug: &f.slug,
                nodes: &f.nodes,
                relation: f.relation.as_deref(),
                help: f.help.as_ref().map(|h| h.get(lang)),
            },
        }
    };
    let repository = env!("CARGO_PKG_REPOSITORY");
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: (!repository.is_empty()).then_some(repository),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: Vec::new(),
            properties: RunProperties {
                rule_set: input.rule_set_name().to_owned(),
            },
        }],
    };
    // The results spliced in, serialized in parallel: the log's `runs[0].results`.
    let skeleton = serde_json::to_vec_pretty(&log).map_err(io::Error::from)?;
    // Item `i` is taken from `findings` itself (the same finding), so that the result may
    // borrow from it for as long as the input lives.
    super::splice_pretty(out, &skeleton, "results", 3, findings, |i, _, p| {
        write_result(&mut p.json(), &result(i, &findings[i]));
        Ok(())
    })?;
    writeln!(out)
}

fn rule(e: &Entry<'_>, input: &Input<'_>) -> Rule {
    let lang = input.lang;
    let help_uri = input.doc_link(e.code());
    // Enabled: it ran in this run (an opt-in rule only when switched on) and the command
    // line's selection reports it.
    let (enabled, severity) = match input.overrides.get(e.code()) {
        Some(Level::Off) => (false, e.severity()),
        Some(Level::On(s)) => (true, s),
        None => (e.on(), e.severity()),
    };
    let enabled = enabled && input.selection.allows(e.code());
    let summary = e.summary(lang);
    let why = e.why(lang);
    let fix = e.fix(lang);
    let (why_head, fix_head, example_head) = match lang {
        Lang::En => ("Why", "Fix", "Example"),
        Lang::Ja => ("理由", "直し方", "例"),
    };
    Rule {
        id: e.code().to_owned(),
        name: e.slug().to_owned(),
        short_description: Message {
            text: summary.into(),
        },
        full_description: Message {
            text: why.clone().into(),
        },
        help_uri,
        help: Help {
            text: fix.clone(),
            markdown: format!(
                "**{fix_head}:** {fix}\n\n**{why_head}:** {why}\n\n**{example_head}:**\n\n```\n{}\n```\n",
                e.example()
            ),
        },
        default_configuration: Configuration {
            enabled,
            level: level(severity),
        },
        properties: RuleProperties {
            tags: vec![match e {
                Entry::Builtin(_) => "structural",
                Entry::Rule(_) => "rule",
            }],
        },
    }
}

/// A path as a URI reference: relative paths stay relative (with `/` separators, `./`
/// dropped), absolute ones become `file://` URIs; anything outside the unreserved set and `/`
/// is percent-encoded as UTF-8.
pub fn uri(path: &str) -> String {
    use std::fmt::Write as _;
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    let mut out = String::with_capacity(rest.len() + 8);
    let bytes = rest.as_bytes();
    if rest.starts_with('/') {
        out.push_str("file://");
    } else if bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && bytes[2] == b'/'
    {
        // A Windows drive path (`C:/…`).
        out.push_str("file:///");
        out.push(char::from(bytes[0]));
        out.push(':');
        rest = &rest[2..];
    }
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sarif_location<'a>(
        uri: &'a str,
        n: usize,
        id: Option<usize>,
        message: Option<&'a str>,
    ) -> SarifLocation<'a> {
        SarifLocation {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region {
                    start_line: n + 1,
                    start_column: n % 9 + 1,
                    end_line: n + 3,
                    end_column: 2,
                    byte_offset: n * 17,
                    byte_length: usize::MAX - n,
                },
            },
            message: message.map(|text| Message { text: text.into() }),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Any texts, related places or none, optional fields present or not, at any depth:
        /// the bytes `serde_json` writes for the result.
        #[test]
        fn results_are_written_as_serde_json_writes_them(
            texts in proptest::collection::vec("[\\x00-\\x1f\"\\\\/a-z \\x7f医療“”]{0,10}", 6),
            nodes in proptest::collection::vec("[A-Za-z0-9.\"]{0,6}", 0..4),
            related in 0usize..4,
            some in proptest::collection::vec(proptest::bool::ANY, 3),
            depth in 0usize..5,
            n in 0usize..100_000,
        ) {
            let r = SarifResult {
                rule_id: &texts[0],
                rule_index: n % 40,
                level: "warning",
                message: Message { text: Cow::Borrowed(&texts[1]) },
                locations: vec![sarif_location(&texts[2], n, None, None)],
                related_locations: (0..related)
                    .map(|i| sarif_location(&texts[3], n + i, Some(i + 1), Some(&texts[i])))
                    .collect(),
                partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, texts[4].clone())]),
                baseline_state: some[0].then_some("new"),
                properties: ResultProperties {
                    slug: &texts[5],
                    nodes: &nodes.iter().map(|n| Substr::from(n.as_str())).collect::<Vec<_>>(),
                    relation: some[1].then_some(texts[2].as_str()),
                    help: some[2].then(|| Cow::Borrowed(texts[3].as_str())),
                },
            };
            proptest::prop_assert_eq!(
                super::super::pretty::written(depth, |w| write_result(w, &r)),
                super::super::pretty::reference(&r, depth)
            );
        }
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("specs/plan.align"), "specs/plan.align");
        assert_eq!(uri("./specs/a b.align"), "specs/a%20b.align");
        assert_eq!(uri("計画.align"), "%E8%A8%88%E7%94%BB.align");
        assert_eq!(uri("/tmp/x#1.align"), "file:///tmp/x%231.align");
        assert_eq!(uri("specs\\win.align"), "specs/win.align");
        assert_eq!(uri("C:\\p\\a.align"), "file:///C:/p/a.align");
    }
}
