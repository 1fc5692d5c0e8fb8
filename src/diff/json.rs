//! JSON output of `align diff`: one versioned document (`align-diff`, version 1), described by
//! docs/diff-schema.json and docs/drafts.md. Messages and kind labels are in the chosen
//! language; everything else (IDs, kinds, keys, canonical values) is as in the specs.

use super::{Change, CoverageKind, DeclRef, Diff, FindingRef, Link, Place, SideInfo};
use crate::diag::Code;
use crate::diag::Lang;
use serde::Serialize;
use std::io::{self, Write};

/// The `format` field of the document.
pub const FORMAT: &str = "align-diff";
/// The document's version; raised on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    tool: Tool,
    rule_set: &'a str,
    lang: &'static str,
    old: &'a SideInfoJson,
    new: &'a SideInfoJson,
    summary: Summary,
    declarations: Declarations,
    links: Links<'a>,
    coverage: Vec<Coverage>,
    findings: Findings,
    suspect_links: Vec<SuspectJson<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct SideInfoJson {
    label: String,
    commit: Option<String>,
    files: usize,
    declarations: usize,
}

impl From<&SideInfo> for SideInfoJson {
    fn from(s: &SideInfo) -> Self {
        SideInfoJson {
            label: s.label.clone(),
            commit: s.commit.clone(),
            files: s.files,
            declarations: s.declarations,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    added: usize,
    removed: usize,
    renamed: usize,
    changed: usize,
    moved: usize,
    links_added: usize,
    links_removed: usize,
    coverage_lost: usize,
    coverage_gained: usize,
    coverage_new_uncovered: usize,
    findings_new: usize,
    findings_resolved: usize,
    suspect_links: usize,
}

#[derive(Serialize)]
struct DeclJson {
    id: String,
    kind: String,
    kind_label: String,
    title: Option<String>,
    file: String,
    line: usize,
}

impl DeclJson {
    fn of(d: &DeclRef, lang: Lang) -> Self {
        DeclJson {
            id: d.id.clone(),
            kind: d.kind.clone(),
            kind_label: d.kind_label.get(lang).to_owned(),
            title: d.title.clone(),
            file: d.at.file.clone(),
            line: d.at.line,
        }
    }
}

#[derive(Serialize)]
struct Declarations {
    added: Vec<DeclJson>,
    removed: Vec<DeclJson>,
    renamed: Vec<RenamedJson>,
    changed: Vec<ChangedJson>,
    moved: Vec<MovedJson>,
}

#[derive(Serialize)]
struct RenamedJson {
    old_id: String,
    #[serde(flatten)]
    decl: DeclJson,
    similarity: f64,
}

#[derive(Serialize)]
struct ChangeJson {
    key: String,
    old: Option<String>,
    new: Option<String>,
}

impl From<&Change> for ChangeJson {
    fn from(c: &Change) -> Self {
        ChangeJson {
            key: c.key.clone(),
            old: c.old.clone(),
            new: c.new.clone(),
        }
    }
}

#[derive(Serialize)]
struct ChangedJson {
    #[serde(flatten)]
    decl: DeclJson,
    old_id: Option<String>,
    changes: Vec<ChangeJson>,
}

#[derive(Serialize)]
struct MovedJson {
    #[serde(flatten)]
    decl: DeclJson,
    relation: String,
    old: Vec<String>,
    new: Vec<String>,
}

#[derive(Serialize)]
struct Links<'a> {
    added: &'a [Link],
    removed: &'a [Link],
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Link", 3)?;
        st.serialize_field("relation", &self.relation)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("to", &self.to)?;
        st.end()
    }
}

#[derive(Serialize)]
struct Coverage {
    change: &'static str,
    #[serde(flatten)]
    decl: DeclJson,
    code: Code,
    slug: String,
    severity: &'static str,
    source_kind: String,
}

#[derive(Serialize)]
struct Findings {
    new: Vec<FindingJson>,
    resolved: Vec<FindingJson>,
}

#[derive(Serialize)]
struct FindingJson {
    code: Code,
    slug: String,
    severity: &'static str,
    message: String,
    nodes: Vec<String>,
    fingerprint: String,
    file: String,
    line: usize,
}

impl FindingJson {
    fn of(f: &FindingRef, lang: Lang) -> Self {
        let Place { file, line } = f.at.clone();
        FindingJson {
            code: f.code.clone(),
            slug: f.slug.clone(),
            severity: f.severity.as_str(),
            message: f.message.get(lang).to_owned(),
            nodes: f.nodes.clone(),
            fingerprint: f.fingerprint.clone(),
            file,
            line,
        }
    }
}

#[derive(Serialize)]
struct SuspectJson<'a> {
    #[serde(flatten)]
    link: &'a Link,
    from_kind: &'a str,
    target: DeclJson,
    changes: Vec<ChangeJson>,
}

/// Writes the document and a final newline.
pub fn render(diff: &Diff, rule_set: &str, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let cov = |k| diff.coverage_of(k).count();
    let (old, new) = (SideInfoJson::from(&diff.old), SideInfoJson::from(&diff.new));
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        rule_set,
        lang: lang.pick("en", "ja"),
        old: &old,
        new: &new,
        summary: Summary {
            added: diff.added.len(),
            removed: diff.removed.len(),
            renamed: diff.renamed.len(),
            changed: diff.changed.len(),
            moved: diff.moved.len(),
            links_added: diff.links_added.len(),
            links_removed: diff.links_removed.len(),
            coverage_lost: cov(CoverageKind::Lost),
            coverage_gained: cov(CoverageKind::Gained),
            coverage_new_uncovered: cov(CoverageKind::NewUncovered),
            findings_new: diff.findings_new.len(),
            findings_resolved: diff.findings_resolved.len(),
            suspect_links: diff.suspects.len(),
        },
        declarations: Declarations {
            added: diff.added.iter().map(|d| DeclJson::of(d, lang)).collect(),
            removed: diff.removed.iter().map(|d| DeclJson::of(d, lang)).collect(),
            renamed: diff
                .renamed
                .iter()
                .map(|r| RenamedJson {
                    old_id: r.old_id.clone(),
                    decl: DeclJson::of(&r.decl, lang),
                    // Two decimals: the figure is for reading, and stays stable across platforms.
                    similarity: (r.similarity * 100.0).round() / 100.0,
                })
                .collect(),
            changed: diff
                .changed
                .iter()
                .map(|c| ChangedJson {
                    decl: DeclJson::of(&c.decl, lang),
                    old_id: c.old_id.clone(),
                    changes: c.changes.iter().map(ChangeJson::from).collect(),
                })
                .collect(),
            moved: diff
                .moved
                .iter()
                .map(|m| MovedJson {
                    decl: DeclJson::of(&m.decl, lang),
                    relation: m.relation.clone(),
                    old: m.old.clone(),
                    new: m.new.clone(),
                })
                .collect(),
        },
        links: Links {
            added: &diff.links_added,
            removed: &diff.links_removed,
        },
        coverage: diff
            .coverage
            .iter()
            .map(|c| Coverage {
                change: c.change.as_str(),
                decl: DeclJson::of(&c.decl, lang),
                code: c.code.clone(),
                slug: c.slug.clone(),
                severity: c.severity.as_str(),
                source_kind: c.source_kind.clone(),
            })
            .collect(),
        findings: Findings {
            new: diff
                .findings_new
                .iter()
                .map(|f| FindingJson::of(f, lang))
                .collect(),
            resolved: diff
                .findings_resolved
                .iter()
                .map(|f| FindingJson::of(f, lang))
                .collect(),
        },
        suspect_links: diff
            .suspects
            .iter()
            .map(|s| SuspectJson {
                link: &s.link,
                from_kind: &s.from_kind,
                target: DeclJson::of(&s.target, lang),
                changes: s.changes.iter().map(ChangeJson::from).collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
