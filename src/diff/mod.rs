//! `align diff OLD NEW`: what a draft changes, and what it newly leaves uncovered.
//!
//! Each file has one job, data flowing one way:
//! [`side`] (what OLD and NEW name) and [`git`] (a revision's files through git plumbing) →
//! [`version`] (each version checked as `align check` checks it: the one call into the core) →
//! [`decl`] (declarations as canonical text) → [`matching`] (same ID, then renames by
//! similarity) → [`compare`] (the [`Diff`]) → renderers [`human`], [`json`] and [`markdown`].
//!
//! The renderers live here rather than in `report/`: they read a [`Diff`], not findings.

pub mod compare;
pub mod decl;
pub mod git;
pub mod human;
pub mod json;
pub mod markdown;
pub mod matching;
pub mod side;
pub mod version;

pub use compare::compare;

use crate::diag::Code;
use crate::diag::{Severity, Text};

/// Everything one version changes relative to another. Lists are in a stable order: by file
/// and position in the version they are found in, links by relation, source and target.
#[derive(Debug, Clone)]
pub struct Diff {
    pub old: SideInfo,
    pub new: SideInfo,
    pub added: Vec<DeclRef>,
    pub removed: Vec<DeclRef>,
    pub renamed: Vec<Renamed>,
    /// Declarations (same ID or renamed) whose title or other non-reference keys changed.
    pub changed: Vec<Changed>,
    /// Declarations whose place in the plan (a relation of the schema's `hierarchy`) changed.
    pub moved: Vec<Moved>,
    pub links_added: Vec<Link>,
    pub links_removed: Vec<Link>,
    pub coverage: Vec<CoverageChange>,
    pub findings_new: Vec<FindingRef>,
    pub findings_resolved: Vec<FindingRef>,
    pub suspects: Vec<Suspect>,
}

impl Diff {
    /// Whether the two versions mean the same and have the same findings.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.changed.is_empty()
            && self.moved.is_empty()
            && self.links_added.is_empty()
            && self.links_removed.is_empty()
            && self.coverage.is_empty()
            && self.findings_new.is_empty()
            && self.findings_resolved.is_empty()
            && self.suspects.is_empty()
    }

    /// Coverage changes of one kind.
    pub fn coverage_of(&self, kind: CoverageKind) -> impl Iterator<Item = &CoverageChange> {
        self.coverage.iter().filter(move |c| c.change == kind)
    }
}

/// One version, as the report names it.
#[derive(Debug, Clone)]
pub struct SideInfo {
    /// The directory or the revision as given.
    pub label: String,
    /// The commit's full object name, for a revision.
    pub commit: Option<String>,
    pub files: usize,
    pub declarations: usize,
}

/// Where something is: a file of one version and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
}

/// What every entry about a declaration says of it.
#[derive(Debug, Clone)]
pub struct DeclRef {
    pub id: String,
    /// The kind's name in the schema.
    pub kind: String,
    /// What drafters call the kind.
    pub kind_label: Text,
    pub title: Option<String>,
    /// In the version it is found in (the old one for a removal).
    pub at: Place,
}

/// A declaration whose ID changed.
#[derive(Debug, Clone)]
pub struct Renamed {
    pub old_id: String,
    /// The declaration in the new version.
    pub decl: DeclRef,
    /// [`matching`]'s similarity, in 0..=1.
    pub similarity: f64,
}

/// One key's old and new canonical text (`None`: absent in that version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A declaration whose content changed.
#[derive(Debug, Clone)]
pub struct Changed {
    pub decl: DeclRef,
    /// The old ID, when it was renamed too.
    pub old_id: Option<String>,
    pub changes: Vec<Change>,
}

/// A declaration with a new place in the plan.
#[derive(Debug, Clone)]
pub struct Moved {
    pub decl: DeclRef,
    pub relation: String,
    /// Targets in the old version (IDs renamed since are given by their new ID).
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// A reference from one declaration to another through a relation (a schema reference key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Link {
    pub relation: String,
    pub from: String,
    pub to: String,
}

/// How a declaration's coverage changed, as the rule set's `coverage` rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageKind {
    /// In both versions; the coverage finding is new: it lost its last source (a regression).
    Lost,
    /// In both versions; the coverage finding is gone: it gained a source.
    Gained,
    /// New in this version, with a coverage finding.
    NewUncovered,
}

impl CoverageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageKind::Lost => "lost",
            CoverageKind::Gained => "gained",
            CoverageKind::NewUncovered => "new-uncovered",
        }
    }
}

/// A coverage change of one declaration under one coverage rule.
#[derive(Debug, Clone)]
pub struct CoverageChange {
    pub change: CoverageKind,
    pub decl: DeclRef,
    pub code: Code,
    pub slug: String,
    pub severity: Severity,
    /// The kind that covers (`program`, `kpi`), by name and label.
    pub source_kind: String,
    pub source_label: Text,
}

/// A finding of one version that the other does not have.
#[derive(Debug, Clone)]
pub struct FindingRef {
    pub code: Code,
    pub slug: String,
    pub severity: Severity,
    pub message: Text,
    pub nodes: Vec<String>,
    /// The baseline fingerprint (`crate::baseline::fingerprint`) in its version.
    pub fingerprint: String,
    pub at: Place,
}

/// A link present in both versions to a declaration whose title or tags changed: it was made
/// for a text that is no longer there.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub link: Link,
    /// The kind of the declaration the link starts from.
    pub from_kind: String,
    pub from_label: Text,
    /// The declaration it points at, in the new version.
    pub target: DeclRef,
    /// The title and tag changes of the target.
    pub changes: Vec<Change>,
}
