//! Baselines: record today's findings so that only new ones fail a build.
//!
//! A finding's identity (its fingerprint) is its code, the IDs of the nodes involved and the
//! relation, never a line number or a span: moving or reformatting a declaration changes
//! nothing. A finding that names no node (a syntax error) is identified by its file and its
//! English message instead. Equal fingerprints are counted (a multiset), so two identical
//! findings need two baseline entries.
//!
//! The file is JSON (`align-baseline`, version 1), sorted, with the code, slug, nodes and
//! messages of each entry so reviewers can read it in a diff; see docs/ci.md.

use crate::base::Substr;
use crate::diag::Code;
use crate::diag::{Finding, Text};
use crate::source::SourceSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `format` field of a baseline file.
pub const FORMAT: &str = "align-baseline";
/// The version of the baseline format this build writes and reads.
pub const VERSION: u32 = 1;

/// The identity of a finding: `code|node,node|relation` (plus `|file|message` when the
/// finding names no node), hashed with 64-bit FNV-1a and written as 16 hex digits.
pub fn fingerprint(finding: &Finding, sources: &SourceSet) -> String {
    format!("{:016x}", fingerprint_hash(finding, sources))
}

/// The number [`fingerprint`] writes in hexadecimal (a renderer that counts fingerprints
/// compares numbers, not strings).
pub fn fingerprint_hash(finding: &Finding, sources: &SourceSet) -> u64 {
    // Hashed piece by piece: the same hash as of the identity's text, without writing it.
    let mut hash = FNV_OFFSET;
    identity_parts(finding, sources, |part| {
        hash = fnv1a_from(hash, part.as_bytes());
    });
    hash
}

/// The text a fingerprint is the hash of (the tests' reference: [`fingerprint`] hashes its
/// pieces without writing it).
#[cfg(test)]
fn identity(finding: &Finding, sources: &SourceSet) -> String {
    let mut s = String::new();
    identity_parts(finding, sources, |part| s.push_str(part));
    s
}

/// The identity's text, in the pieces it is made of, in order.
fn identity_parts(finding: &Finding, sources: &SourceSet, mut put: impl FnMut(&str)) {
    put(&finding.code);
    put("|");
    for (i, node) in finding.nodes.iter().enumerate() {
        if i > 0 {
            put(",");
        }
        put(node);
    }
    put("|");
    put(finding.relation.as_deref().unwrap_or(""));
    if finding.nodes.is_empty() {
        put("|");
        put(&path_key(&sources.get(finding.span.file).name));
        put("|");
        put(&finding.message.get(crate::base::Lang::En));
    }
}

/// A file's name as it enters a fingerprint: `.` components and repeated or trailing
/// separators dropped, `/` between components, so `specs/a.align`, `./specs/a.align` and
/// `specs//a.align` are one file.
fn path_key(name: &str) -> String {
    use std::path::Component;
    let mut key = String::with_capacity(name.len());
    for c in Path::new(name).components() {
        match c {
            Component::CurDir => continue,
            Component::RootDir => {}
            c => key.push_str(&c.as_os_str().to_string_lossy()),
        }
        if !key.ends_with('/') {
            key.push('/');
        }
    }
    if key.len() > 1 {
        key.pop();
    }
    key
}

/// 64-bit FNV-1a: tiny, stable across platforms and releases, good enough to tell apart the
/// findings of one project (a collision merges two entries of the multiset, never more).
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of `bytes` (the tests' reference: fingerprints hash piece by piece).
#[cfg(test)]
fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_from(FNV_OFFSET, bytes)
}

/// FNV-1a of `bytes` continued from the hash `h` of what came before them.
fn fnv1a_from(h: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] for files this build reads.
    pub version: u32,
    /// Sorted by code, nodes, relation, fingerprint.
    pub entries: Vec<Entry>,
}

/// One recorded finding identity, with how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub code: Code,
    pub slug: String,
    pub nodes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The message when it was recorded, for reviewers; not part of the identity.
    pub message: Text,
    /// How many findings had this fingerprint.
    pub count: usize,
}

/// Why a baseline file cannot be used (exit 2).
#[derive(Debug)]
pub enum BaselineError {
    Read {
        path: String,
        reason: String,
    },
    Invalid {
        path: String,
        reason: String,
    },
    Write {
        path: String,
        reason: String,
    },
    /// `--write-baseline` names a file that is checked (a spec) or otherwise read.
    InputFile {
        path: String,
    },
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaselineError::Read { path, reason } => {
                write!(f, "{path}: cannot read the baseline: {reason}")
            }
            BaselineError::Invalid { path, reason } => {
                write!(f, "{path}: not a valid align baseline: {reason}")
            }
            BaselineError::Write { path, reason } => {
                write!(f, "{path}: cannot write the baseline: {reason}")
            }
            BaselineError::InputFile { path } => write!(
                f,
                "{path}: refusing to write the baseline over a file that is being checked"
            ),
        }
    }
}

impl Baseline {
    /// The baseline that records exactly these findings.
    pub fn of(findings: &[Finding], sources: &SourceSet) -> Baseline {
        let mut by_fp: BTreeMap<String, Entry> = BTreeMap::new();
        for f in findings {
            let fp = fingerprint(f, sources);
            by_fp
                .entry(fp.clone())
                .and_modify(|e| e.count = e.count.saturating_add(1))
                .or_insert_with(|| Entry {
                    fingerprint: fp,
                    code: f.code.clone(),
                    slug: f.slug.to_string(),
                    nodes: f.nodes.iter().map(Substr::to_string).collect(),
                    relation: f.relation.as_deref().map(str::to_owned),
                    message: f.message.to_text(),
                    count: 1,
                });
        }
        let mut entries: Vec<Entry> = by_fp.into_values().collect();
        sort_entries(&mut entries);
        Baseline {
            format: FORMAT.to_owned(),
            version: VERSION,
            entries,
        }
    }

    /// Parses a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(format!("expected `\"format\": \"{FORMAT}\"`"));
        }
        if header.version != Some(VERSION) {
            return Err(format!(
                "version {} is not supported (this align reads version {VERSION})",
                header
                    .version
                    .map_or_else(|| "(missing)".to_owned(), |v| v.to_string())
            ));
        }
        let mut b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        sort_entries(&mut b.entries);
        Ok(b)
    }

    /// Reads and parses a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = crate::source::display(path);
        let text =
            crate::source::read_text(path, crate::source::FileKind::Baseline).map_err(|e| {
                BaselineError::Read {
                    path: shown.clone(),
                    reason: e.to_string(),
                }
            })?;
        Baseline::parse(&text).map_err(|reason| BaselineError::Invalid {
            path: shown,
            reason,
        })
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes the baseline to `path` atomically, refusing to replace any of `inputs`.
    pub fn write(&self, path: &Path, inputs: &SourceSet) -> Result<(), BaselineError> {
        let shown = path.display().to_string();
        if is_input(path, inputs) {
            return Err(BaselineError::InputFile { path: shown });
        }
        write_atomic(path, self.to_json().as_bytes()).map_err(|e| BaselineError::Write {
            path: shown,
            reason: e.to_string(),
        })
    }

    /// Splits `findings` into the ones the baseline does not hold (returned, in order) and the
    /// entries that no longer occur (with the count that is missing).
    pub fn compare<'a>(&self, findings: &'a [Finding], sources: &SourceSet) -> Comparison<'a> {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.entries {
            // Counts come from the file: saturating, they cannot wrap (or panic).
            let n = left.entry(e.fingerprint.as_str()).or_default();
            *n = n.saturating_add(e.count);
        }
        let mut new = Vec::new();
        let mut matched = 0;
        for f in findings {
            let fp = fingerprint(f, sources);
            match left.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    matched += 1;
                }
                _ => new.push(f),
            }
        }
        let mut gone = Vec::new();
        for e in &self.entries {
            if let Some(n) = left.get_mut(e.fingerprint.as_str()) {
                let missing = (*n).min(e.count);
                if missing > 0 {
                    *n -= missing;
                    gone.push(Entry {
                        count: missing,
                        ..e.clone()
                    });
                }
            }
        }
        Comparison { new, matched, gone }
    }
}

/// What a baseline comparison found.
#[derive(Debug)]
pub struct Comparison<'a> {
    /// Findings the baseline does not hold, in the findings' order.
    pub new: Vec<&'a Finding>,
    /// How many findings the baseline holds (and are therefore not reported).
    pub matched: usize,
    /// Baseline entries that no longer occur, with the count missing.
    pub gone: Vec<Entry>,
}

fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        (&a.code, &a.nodes, &a.relation, &a.fingerprint).cmp(&(
            &b.code,
            &b.nodes,
            &b.relation,
            &b.fingerprint,
        ))
    });
}

/// Whether `path` is one of the files read in this run (a spec or a configuration file).
fn is_input(path: &Path, inputs: &SourceSet) -> bool {
    let Ok(target) = std::fs::canonicalize(path) else {
        // A file that does not exist yet is no input.
        return false;
    };
    inputs
        .files()
        .filter_map(|(_, f)| std::fs::canonicalize(&f.path).ok())
        .any(|p| p == target)
}

/// The longest file name most file systems take, in bytes (`NAME_MAX` on Linux and macOS).
const MAX_NAME_BYTES: usize = 255;

/// Writes `bytes` to `path` through a temporary file in the same directory, then renames it
/// into place: on any failure the old file is untouched and no partial file remains.
///
/// - An existing file keeps its permissions (the temporary file takes them before the rename).
/// - A symlink is refused, not followed: a link committed to a repository can point anywhere
///   (`baseline.json -> ~/.bashrc`), and replacing the link by a file would silently detach
///   whatever else reads through it. The error names the link's target, to write there.
/// - The directory is synced after the rename, so the new name survives a crash.
/// - A name longer than file systems allow is a clear error, not the temporary file's.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "the path names no file"))?;
    let name_len = name.as_encoded_bytes().len();
    if name_len > MAX_NAME_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "the file name is {name_len} bytes long; file systems allow at most \
                 {MAX_NAME_BYTES}"
            ),
        ));
    }
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(path)
                .map(|t| crate::source::display(&t))
                .unwrap_or_default();
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the path is a symlink (to `{target}`); not followed: give the file it \
                     points to, or remove the link"
                ),
            ));
        }
        if meta.is_dir() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "the path is a directory",
            ));
        }
        if !meta.is_file() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "the path is not a regular file (FIFO, socket or device)",
            ));
        }
    }
    let mut tmp = TempFile::create(&dir, name)?;
    tmp.file.write_all(bytes)?;
    if let Some(meta) = &existing {
        tmp.file.set_permissions(meta.permissions())?;
    }
    tmp.file.sync_all()?;
    std::fs::rename(&tmp.path, path)?;
    tmp.renamed = true;
    sync_dir(&dir)
}

/// A temporary file beside the target, removed on drop unless it was renamed into place: every
/// error path cleans up.
struct TempFile {
    path: PathBuf,
    file: std::fs::File,
    renamed: bool,
}

impl TempFile {
    /// `.NAME.tmp-PID-N` in `dir`, with `NAME` cut (on a char boundary) so the whole name
    /// stays within [`MAX_NAME_BYTES`].
    fn create(dir: &Path, name: &std::ffi::OsStr) -> std::io::Result<TempFile> {
        let name = name.to_string_lossy();
        let mut cut = name.len().min(MAX_NAME_BYTES - 40);
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        let stem = &name[..cut];
        for n in 0..100u32 {
            let path = dir.join(format!(".{stem}.tmp-{}-{n}", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file,
                        renamed: false,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Syncs a directory, so that a rename in it is durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Directories cannot be opened as files on other platforms; the rename is all there is.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Severity, Span};

    fn finding(sources: &SourceSet, code: &str, nodes: &[&str], start: usize) -> Finding {
        let file = sources.files().next().map(|(id, _)| id).unwrap();
        let mut f = Finding::new(
            code,
            "slug",
            Severity::Error,
            Span::new(file, start, start + 1),
            Text::new("m", "メ"),
        );
        f.nodes = nodes.iter().map(|s| Substr::from(*s)).collect();
        f
    }

    fn sources() -> SourceSet {
        let mut s = SourceSet::new();
        s.add_spec("a.align", "goal G1 \"g\"\n\n\n\n");
        s
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprints_ignore_spans_but_not_identity() {
        let s = sources();
        let a = finding(&s, "ALN101", &["I1"], 0);
        let moved = finding(&s, "ALN101", &["I1"], 9);
        assert_eq!(fingerprint(&a, &s), fingerprint(&moved, &s));
        // Hashed piece by piece, it is the hash of the identity's text.
        let two = finding(&s, "ALN104", &["K2", "p1"], 0).with_relation("measured-in");
        for f in [&a, &two, &finding(&s, "ALN010", &[], 3)] {
            let whole = format!("{:016x}", fnv1a(identity(f, &s).as_bytes()));
            assert_eq!(fingerprint(f, &s), whole);
        }
        assert_ne!(
            fingerprint(&a, &s),
            fingerprint(&finding(&s, "ALN101", &["I2"], 0), &s)
        );
        assert_ne!(
            fingerprint(&a, &s),
            fingerprint(&a.clone().with_relation("covers"), &s)
        );
        assert_eq!(identity(&a, &s), "ALN101|I1|");
        assert_eq!(
            identity(&finding(&s, "ALN010", &[], 3), &s),
            "ALN010|||a.align|m"
        );
    }

    #[test]
    fn identical_findings_are_counted() {
        let s = sources();
        let f = finding(&s, "ALN101", &["I1"], 0);
        let base = Baseline::of(&[f.clone(), f.clone()], &s);
        assert_eq!(base.entries.len(), 1);
        assert_eq!(base.entries[0].count, 2);
        let three = [f.clone(), f.clone(), f.clone()];
        let cmp = base.compare(&three, &s);
        assert_eq!((cmp.new.len(), cmp.matched, cmp.gone.len()), (1, 2, 0));
        let one = [f];
        let cmp = base.compare(&one, &s);
        assert_eq!((cmp.new.len(), cmp.matched), (0, 1));
        assert_eq!(cmp.gone.len(), 1);
        assert_eq!(cmp.gone[0].count, 1);
    }

    #[test]
    fn the_file_round_trips_and_rejects_other_versions() {
        let s = sources();
        let base = Baseline::of(
            &[
                finding(&s, "ALN102", &["I2"], 0),
                finding(&s, "ALN101", &["I1"], 0),
            ],
            &s,
        );
        assert_eq!(base.entries[0].code, "ALN101");
        let text = base.to_json();
        assert_eq!(Baseline::parse(&text).unwrap(), base);
        let v2 = text.replace("\"version\": 1", "\"version\": 2");
        assert!(Baseline::parse(&v2).unwrap_err().contains("version 2"));
        assert!(Baseline::parse("{}")
            .unwrap_err()
            .contains("align-baseline"));
        assert!(Baseline::parse("[").is_err());
    }

    #[test]
    fn path_keys_ignore_how_the_path_was_spelt() {
        for spelt in [
            "specs/a.align",
            "./specs/a.align",
            "specs//a.align",
            "specs/./a.align",
        ] {
            assert_eq!(path_key(spelt), "specs/a.align", "{spelt}");
        }
        assert_eq!(path_key("/abs/./a.align"), "/abs/a.align");
        assert_eq!(path_key("../a.align"), "../a.align");
        assert_eq!(path_key("a.align"), "a.align");
    }

    #[test]
    fn the_temporary_file_is_removed_on_every_early_return() {
        let dir = tempfile::tempdir().unwrap();
        let name = "日".repeat(85);
        let tmp = TempFile::create(dir.path(), std::ffi::OsStr::new(&name)).unwrap();
        let path = tmp.path.clone();
        assert!(path.file_name().unwrap().len() <= MAX_NAME_BYTES);
        assert!(path.is_file());
        // Dropped before the rename (what every `?` after creating it does): removed.
        drop(tmp);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomic(dir.path(), b"x").is_err());
        assert!(write_atomic(&dir.path().join("missing/b.json"), b"x").is_err());
    }
}
