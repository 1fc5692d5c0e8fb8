//! What OLD and NEW name: a directory (or file) of specs, or a git revision; `A..B` names both
//! revisions, `A...B` the merge base of A and B and B. Reading one side's spec files.

use super::git::{self, Commit, GitError};
use crate::base::sanitize::line;
use crate::source::{self, Loaded, SourceFile, SourceSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// One version of the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A directory or file on disk.
    Path(PathBuf),
    /// A commit, read from the repository the command runs in.
    Rev(Commit),
}

impl Side {
    /// How the side is named in reports: the path as given, or the revision.
    pub fn label(&self) -> String {
        match self {
            Side::Path(p) => line(&p.to_string_lossy()).into_owned(),
            Side::Rev(c) => line(&c.rev).into_owned(),
        }
    }

    /// The commit's full object name, for a revision.
    pub fn commit(&self) -> Option<&str> {
        match self {
            Side::Path(_) => None,
            Side::Rev(c) => Some(&c.oid),
        }
    }

    /// Reads the side's `*.align` files under `paths` (relative to a directory side, or to
    /// the current directory in a revision; everything when empty). File names are made
    /// relative to a directory side's root, so that the same file has the same name in both
    /// versions (the fingerprint of a finding that names no node includes it).
    pub fn load(&self, paths: &[PathBuf], max_file_size: u64) -> Result<Loaded, GitError> {
        match self {
            Side::Rev(commit) => git::load(commit, paths, max_file_size),
            Side::Path(root) => {
                let targets: Vec<PathBuf> = if paths.is_empty() {
                    vec![root.clone()]
                } else {
                    paths.iter().map(|p| root.join(p)).collect()
                };
                let loaded = source::load(&targets, max_file_size);
                let shown = line(&root.to_string_lossy()).into_owned();
                let prefix = format!("{}/", shown.trim_end_matches('/'));
                Ok(relative_names(loaded, &prefix))
            }
        }
    }
}

/// The same files with `prefix` taken off their names (file IDs are kept: same order).
fn relative_names(loaded: Loaded, prefix: &str) -> Loaded {
    let mut sources = SourceSet::new();
    for (_, f) in loaded.sources.files() {
        let name = f.name.strip_prefix(prefix).unwrap_or(&f.name).to_owned();
        sources.add(SourceFile::new(
            name,
            f.path.clone(),
            f.kind,
            f.text.clone(),
            f.valid,
        ));
    }
    Loaded { sources, ..loaded }
}

/// Both sides and the paths to read in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    pub old: Side,
    pub new: Side,
    pub paths: Vec<PathBuf>,
}

/// Why the arguments name no two versions (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SidesError {
    Git(GitError),
    /// Only one version was given.
    MissingNew {
        old: String,
    },
}

impl std::fmt::Display for SidesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SidesError::Git(e) => e.fmt(f),
            SidesError::MissingNew { old } => write!(
                f,
                "`align diff` compares two versions: give OLD and NEW (`align diff {old} NEW`), \
                 or a range of revisions (`align diff {old}..HEAD`)"
            ),
        }
    }
}

impl From<GitError> for SidesError {
    fn from(e: GitError) -> Self {
        SidesError::Git(e)
    }
}

/// Reads `OLD NEW [PATHS…]` or `A..B [PATHS…]` / `A...B [PATHS…]`. An existing path is a
/// directory side (a path wins over a revision of the same name); anything else must be a
/// commit of the repository the command runs in. An empty end of a range is `HEAD`.
pub fn parse(args: &[OsString]) -> Result<Sides, SidesError> {
    let Some(first) = args.first() else {
        return Err(SidesError::MissingNew { old: "OLD".into() });
    };
    if !Path::new(first).exists() {
        if let Some(text) = first.to_str() {
            if let Some((a, b)) = text.split_once("...") {
                let (a, b) = (rev_or_head(a)?, rev_or_head(b)?);
                return Ok(Sides {
                    old: Side::Rev(git::merge_base(&a, &b)?),
                    new: Side::Rev(b),
                    paths: rest(args, 1),
                });
            }
            if let Some((a, b)) = text.split_once("..") {
                return Ok(Sides {
                    old: Side::Rev(rev_or_head(a)?),
                    new: Side::Rev(rev_or_head(b)?),
                    paths: rest(args, 1),
                });
            }
        }
    }
    let Some(second) = args.get(1) else {
        return Err(SidesError::MissingNew {
            old: line(&first.to_string_lossy()).into_owned(),
        });
    };
    Ok(Sides {
        old: side(first)?,
        new: side(second)?,
        paths: rest(args, 2),
    })
}

fn rest(args: &[OsString], from: usize) -> Vec<PathBuf> {
    args.iter().skip(from).map(PathBuf::from).collect()
}

fn rev_or_head(rev: &str) -> Result<Commit, GitError> {
    git::resolve(if rev.is_empty() { "HEAD" } else { rev })
}

fn side(arg: &OsString) -> Result<Side, GitError> {
    let path = Path::new(arg);
    if path.exists() {
        return Ok(Side::Path(path.to_path_buf()));
    }
    match arg.to_str() {
        Some(rev) => Ok(Side::Rev(git::resolve(rev)?)),
        None => Err(GitError::UnknownRevision {
            rev: line(&arg.to_string_lossy()).into_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_version_is_not_enough() {
        let dir = std::env::temp_dir();
        let err = parse(&[dir.clone().into_os_string()]).unwrap_err();
        assert!(matches!(err, SidesError::MissingNew { .. }), "{err}");
        let both = parse(&[dir.clone().into_os_string(), dir.into_os_string()]).unwrap();
        assert!(matches!(both.old, Side::Path(_)) && both.paths.is_empty());
    }

    #[test]
    fn directory_names_are_made_relative_to_the_root() {
        let mut loaded = Loaded::default();
        loaded.sources.add_spec("specs/a.align", "");
        loaded.sources.add_spec("other/b.align", "");
        let l = relative_names(loaded, "specs/");
        let names: Vec<&str> = l.sources.files().map(|(_, f)| f.name.as_str()).collect();
        assert_eq!(names, ["a.align", "other/b.align"]);
    }
}
