//! `align rules --format json`: every code of the rule set as data (docs/json.md), for tools
//! that build their own views (an editor's code list, a review checklist).

use super::docs::Entry;
use crate::diag::Lang;
use crate::rules::RuleSet;
use serde::Serialize;
use std::io::{self, Write};

/// The `format` field of the document.
pub const FORMAT: &str = "align-rules";
/// The document's version; raised on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    rule_set: &'a str,
    lang: &'static str,
    codes: Vec<CodeDoc>,
}

#[derive(Serialize)]
struct CodeDoc {
    code: String,
    slug: String,
    /// The default severity (before `align.toml`'s `[severity]`).
    severity: &'static str,
    /// `structural` (built in, always runs) or `rule` (from rules.toml).
    kind: &'static str,
    /// The rule type (`coverage`, …); `null` for a structural check.
    #[serde(rename = "type")]
    rule_type: Option<String>,
    summary: String,
    why: String,
    fix: String,
    example: String,
}

/// Writes the document and a final newline.
pub fn render(set: &RuleSet, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let codes = Entry::all(set)
        .iter()
        .map(|e| CodeDoc {
            code: e.code().to_owned(),
            slug: e.slug().to_owned(),
            severity: e.severity().as_str(),
            kind: match e {
                Entry::Builtin(_) => "structural",
                Entry::Rule(_) => "rule",
            },
            rule_type: match e {
                Entry::Builtin(_) => None,
                Entry::Rule(r) => Some(r.type_name.clone()),
            },
            summary: e.summary(lang),
            why: e.why(lang),
            fix: e.fix(lang),
            example: e.example().to_owned(),
        })
        .collect();
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        rule_set: &set.schema.name,
        lang: lang.pick("en", "ja"),
        codes,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
