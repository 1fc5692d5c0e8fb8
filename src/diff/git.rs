//! Spec files of a git revision, read from the repository with the `git` command's plumbing
//! (`rev-parse`, `ls-tree`, `cat-file --batch`): the work tree and the index are never touched.
//!
//! The `git` CLI rather than a Rust git library: it is present wherever a repository is, and
//! it adds no crate (gix would multiply the build time of this tool).

use crate::base::sanitize::line;
use crate::base::Text;
use crate::source::{self, Loaded, SkipNote, SourceError};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Why a revision could not be read (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The `git` program could not be run.
    NoGit(String),
    /// The current directory is not in a git repository.
    NotARepository { rev: String },
    /// The name is neither a directory nor a commit of the repository.
    UnknownRevision { rev: String },
    /// A git command failed in another way.
    Failed { command: String, stderr: String },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NoGit(reason) => write!(f, "cannot run `git`: {reason}"),
            GitError::NotARepository { rev } => write!(
                f,
                "`{rev}` is not a directory, and the current directory is not in a git repository \
                 (a revision is read from the repository the command runs in)"
            ),
            GitError::UnknownRevision { rev } => write!(
                f,
                "`{rev}` is neither a directory nor a git revision (a branch, tag or commit of \
                 this repository)"
            ),
            GitError::Failed { command, stderr } => {
                write!(f, "`{command}` failed: {}", stderr.trim())
            }
        }
    }
}

/// A commit of the repository the command runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The revision as the user wrote it (`main`, `v2022`, `HEAD~1`).
    pub rev: String,
    /// Its full object name.
    pub oid: String,
}

fn git(args: &[&str]) -> Result<Output, GitError> {
    Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::NoGit(e.to_string()))
}

fn failed(args: &[&str], out: &Output) -> GitError {
    GitError::Failed {
        command: format!("git {}", args.join(" ")),
        stderr: line(&String::from_utf8_lossy(&out.stderr)).into_owned(),
    }
}

/// Resolves a revision to a commit (`git rev-parse --verify REV^{commit}`).
pub fn resolve(rev: &str) -> Result<Commit, GitError> {
    // A name that git would read as an option is no revision.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GitError::UnknownRevision {
            rev: line(rev).into_owned(),
        });
    }
    let spec = format!("{rev}^{{commit}}");
    let args = ["rev-parse", "--verify", "--quiet", spec.as_str()];
    let out = git(&args)?;
    if out.status.success() {
        let oid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        return Ok(Commit {
            rev: rev.to_owned(),
            oid,
        });
    }
    let shown = line(rev).into_owned();
    let in_repo = git(&["rev-parse", "--git-dir"])?.status.success();
    if in_repo {
        Err(GitError::UnknownRevision { rev: shown })
    } else {
        Err(GitError::NotARepository { rev: shown })
    }
}

/// The best common ancestor of two commits (for `A...B`, as `git diff A...B` reads it).
pub fn merge_base(a: &Commit, b: &Commit) -> Result<Commit, GitError> {
    let args = ["merge-base", a.oid.as_str(), b.oid.as_str()];
    let out = git(&args)?;
    if !out.status.success() {
        let mut e = failed(&args, &out);
        if let GitError::Failed { stderr, .. } = &mut e {
            if stderr.trim().is_empty() {
                *stderr = format!(
                    "`{}` and `{}` have no common ancestor; compare them with `..`",
                    a.rev, b.rev
                );
            }
        }
        return Err(e);
    }
    Ok(Commit {
        rev: format!("merge-base({}, {})", a.rev, b.rev),
        oid: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    })
}

/// One file of a tree listing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TreeEntry {
    mode: String,
    kind: String,
    oid: String,
    /// Bytes, for blobs; `None` for other objects.
    size: Option<u64>,
    /// As git prints it (relative to the current directory), lossy if not UTF-8.
    path: String,
}

/// Parses `git ls-tree -r -z -l` output: `MODE SP TYPE SP OID SP+ SIZE TAB PATH NUL`.
fn parse_ls_tree(bytes: &[u8]) -> Vec<TreeEntry> {
    bytes
        .split(|&b| b == 0)
        .filter(|rec| !rec.is_empty())
        .filter_map(|rec| {
            let tab = rec.iter().position(|&b| b == b'\t')?;
            let head = String::from_utf8_lossy(&rec[..tab]);
            let mut parts = head.split_whitespace();
            let (mode, kind, oid, size) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            Some(TreeEntry {
                mode: mode.to_owned(),
                kind: kind.to_owned(),
                oid: oid.to_owned(),
                size: size.parse().ok(),
                path: String::from_utf8_lossy(&rec[tab + 1..]).into_owned(),
            })
        })
        .collect()
}

/// `specs/`, `./specs`, `specs` → `specs`; `.` → empty.
fn normalize(path: &str) -> &str {
    let p = path.trim_end_matches('/');
    let p = p.strip_prefix("./").unwrap_or(p);
    if p == "." {
        ""
    } else {
        p
    }
}

/// Whether an entry found under `root` is hidden below it (a name starting with `.`), the
/// rule the directory walk follows.
fn hidden_below(root: &str, entry: &str) -> bool {
    let below = if root.is_empty() {
        entry
    } else if entry == root {
        return false;
    } else {
        entry
            .strip_prefix(root)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(entry)
    };
    below
        .split('/')
        .any(|c| c.starts_with('.') && c != "." && c != "..")
}

/// Reads every `*.align` file of `commit` under `paths` (the whole tree of the current
/// directory when empty), as [`source::load`] reads a directory: hidden names skipped, files
/// above `max_file_size` not read (reported), symlinks and submodules not followed (noted).
pub fn load(commit: &Commit, paths: &[PathBuf], max_file_size: u64) -> Result<Loaded, GitError> {
    let mut loaded = Loaded::default();
    let roots: Vec<String> = if paths.is_empty() {
        vec![".".to_owned()]
    } else {
        paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    };
    let mut wanted: Vec<TreeEntry> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in &roots {
        let shown = format!("{}:{}", commit.rev, line(root));
        let args = [
            "ls-tree",
            "-r",
            "-z",
            "-l",
            commit.oid.as_str(),
            "--",
            root.as_str(),
        ];
        let out = git(&args)?;
        if !out.status.success() {
            return Err(failed(&args, &out));
        }
        let entries = parse_ls_tree(&out.stdout);
        if entries.is_empty() {
            loaded.errors.push(SourceError::NotFound { path: shown });
            continue;
        }
        let norm = normalize(root);
        let before = wanted.len();
        for e in entries {
            let is_spec = Path::new(&e.path).extension().is_some_and(|x| x == "align");
            if !is_spec || hidden_below(norm, &e.path) {
                continue;
            }
            let display = line(&e.path).into_owned();
            if e.kind != "blob" {
                loaded.skipped.push(SkipNote {
                    path: format!("{}:{display}", commit.rev),
                    reason: Text::new(
                        "a submodule, not a file; not followed",
                        "ファイルではなくサブモジュールのため、たどりません",
                    ),
                });
            } else if e.mode == "120000" {
                loaded.skipped.push(SkipNote {
                    path: format!("{}:{display}", commit.rev),
                    reason: Text::new(
                        "a symlink in the revision; not followed",
                        "リビジョン内のシンボリックリンクのため、たどりません",
                    ),
                });
            } else if seen.insert(e.path.clone()) {
                wanted.push(e);
            }
        }
        if wanted.len() == before {
            loaded.errors.push(SourceError::NoSpecs { path: shown });
        }
    }
    let mut readable = Vec::new();
    for e in wanted {
        let size = e.size.unwrap_or(0);
        if size > max_file_size {
            loaded.errors.push(SourceError::TooLarge {
                path: format!("{}:{}", commit.rev, line(&e.path)),
                size,
                limit: max_file_size,
            });
        } else {
            readable.push(e);
        }
    }
    let blobs = cat_blobs(&readable)?;
    for (e, bytes) in readable.into_iter().zip(blobs) {
        let name = line(&e.path).into_owned();
        let (file, finding) = source::decode(name, PathBuf::from(&e.path), &bytes);
        let id = loaded.sources.add(file);
        if let Some(make) = finding {
            loaded.findings.push(make(id));
        }
    }
    Ok(loaded)
}

/// Reads the blobs with one `git cat-file --batch`, in order. The object names are written
/// from another thread so neither pipe can fill up and block the other.
fn cat_blobs(entries: &[TreeEntry]) -> Result<Vec<Vec<u8>>, GitError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let command = "git cat-file --batch";
    let io_failed = |e: std::io::Error| GitError::Failed {
        command: command.to_owned(),
        stderr: e.to_string(),
    };
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::NoGit(e.to_string()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(io_failed(std::io::Error::other("no pipe to git")));
    };
    let mut names = String::with_capacity(entries.len() * 41);
    for e in entries {
        names.push_str(&e.oid);
        names.push('\n');
    }
    let writer = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
    let mut reader = BufReader::new(stdout);
    let mut blobs = Vec::with_capacity(entries.len());
    let mut result = Ok(());
    for e in entries {
        match read_one(&mut reader, e) {
            Ok(bytes) => blobs.push(bytes),
            Err(err) => {
                result = Err(err);
                break;
            }
        }
    }
    drop(reader);
    let written = writer.join();
    let status = child.wait().map_err(io_failed)?;
    result?;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(io_failed(e)),
        Err(_) => return Err(io_failed(std::io::Error::other("writer thread failed"))),
    }
    if !status.success() {
        return Err(io_failed(std::io::Error::other(format!(
            "exit status {status}"
        ))));
    }
    Ok(blobs)
}

/// One `OID SP TYPE SP SIZE LF CONTENTS LF` record.
fn read_one(reader: &mut impl BufRead, e: &TreeEntry) -> Result<Vec<u8>, GitError> {
    let bad = |what: &str| GitError::Failed {
        command: "git cat-file --batch".to_owned(),
        stderr: format!("{}: {what}", e.path),
    };
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|err| bad(&err.to_string()))?;
    let mut parts = header.split_whitespace();
    let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad(&format!("unexpected answer `{}`", header.trim())));
    };
    let size: usize = size
        .parse()
        .map_err(|_| bad(&format!("unexpected answer `{}`", header.trim())))?;
    if kind != "blob" {
        return Err(bad(&format!("expected a blob, found a {kind}")));
    }
    let mut bytes = vec![0; size];
    reader
        .read_exact(&mut bytes)
        .map_err(|err| bad(&err.to_string()))?;
    let mut newline = [0u8; 1];
    reader
        .read_exact(&mut newline)
        .map_err(|err| bad(&err.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_records_are_parsed_with_sizes_and_odd_names() {
        let out = b"100644 blob 1111111111111111111111111111111111111111     42\tspecs/a b.align\0\
160000 commit 2222222222222222222222222222222222222222       -\tsub\0\
100644 blob 3333333333333333333333333333333333333333 7\tx\xffy.align\0";
        let e = parse_ls_tree(out);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].path, "specs/a b.align");
        assert_eq!(e[0].size, Some(42));
        assert_eq!(e[1].kind, "commit");
        assert_eq!(e[1].size, None);
        assert_eq!(e[2].path, "x\u{fffd}y.align");
    }

    #[test]
    fn hidden_names_below_the_root_are_skipped_but_a_hidden_root_is_not() {
        assert!(hidden_below("specs", "specs/.old/a.align"));
        assert!(!hidden_below("specs", "specs/a.align"));
        assert!(!hidden_below(".drafts", ".drafts/a.align"));
        assert!(hidden_below("", ".github/a.align"));
        assert_eq!(normalize("./specs/"), "specs");
        assert_eq!(normalize("."), "");
    }

    #[test]
    fn an_option_is_not_a_revision() {
        assert!(matches!(
            resolve("--output=x"),
            Err(GitError::UnknownRevision { .. })
        ));
    }
}
