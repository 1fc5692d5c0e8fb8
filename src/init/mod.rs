//! `align init`: the skeleton of a new plan for the embedded `basic-plan` rule set — an
//! `align.toml` with every key commented, and one file per kind with one example declaration,
//! each pointing to docs/language.md. The templates are files under `src/init/templates/`,
//! embedded in the binary; together they check with no finding and are in canonical layout.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The files of the skeleton: name and content.
pub const FILES: &[(&str, &str)] = &[
    ("align.toml", include_str!("templates/align.toml")),
    ("plan.align", include_str!("templates/plan.align")),
    ("policy.align", include_str!("templates/policy.align")),
    ("goal.align", include_str!("templates/goal.align")),
    ("item.align", include_str!("templates/item.align")),
    ("field.align", include_str!("templates/field.align")),
    ("challenge.align", include_str!("templates/challenge.align")),
    ("program.align", include_str!("templates/program.align")),
    ("kpi.align", include_str!("templates/kpi.align")),
    ("kgi.align", include_str!("templates/kgi.align")),
    ("project.align", include_str!("templates/project.align")),
];

/// Why the skeleton was not written.
#[derive(Debug)]
pub enum InitError {
    /// These files exist already; nothing was written.
    Exists(Vec<PathBuf>),
    /// The directory is a file, or could not be created; nothing was written.
    NotADirectory(PathBuf, String),
    /// A file could not be written; the files written before it were removed again.
    Io(PathBuf, io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Exists(paths) => {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                let (verb, it) = if paths.len() == 1 {
                    ("exists", "it")
                } else {
                    ("exist", "them")
                };
                write!(
                    f,
                    "{} already {verb}; `align init` never overwrites a file, so nothing was written (move {it} away, or choose another directory)",
                    list.join(", ")
                )
            }
            InitError::NotADirectory(dir, why) => {
                write!(f, "{}: {why}; nothing was written", dir.display())
            }
            InitError::Io(path, e) => write!(
                f,
                "{}: cannot write: {e}; the files written before it were removed",
                path.display()
            ),
        }
    }
}

/// Writes the skeleton into `dir` (created if missing), each file atomically. Refuses, writing
/// nothing, when any of its files exists. Returns the paths written, in order.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotADirectory(
            dir.to_path_buf(),
            "not a directory".to_owned(),
        ));
    }
    let targets: Vec<(PathBuf, &str)> = FILES
        .iter()
        .map(|(name, text)| (dir.join(name), *text))
        .collect();
    // `symlink_metadata`: a dangling link is a file in the way too.
    let existing: Vec<PathBuf> = targets
        .iter()
        .filter(|(p, _)| p.symlink_metadata().is_ok())
        .map(|(p, _)| p.clone())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| InitError::NotADirectory(dir.to_path_buf(), e.to_string()))?;
    let mut written = Vec::with_capacity(targets.len());
    for (path, text) in targets {
        if let Err(e) = crate::baseline::write_atomic(&path, text.as_bytes()) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(InitError::Io(path, e));
        }
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn every_kind_of_the_embedded_set_has_a_file() {
        let mut sources = crate::source::SourceSet::new();
        let set = crate::rules::RuleSet::embedded(&mut sources).unwrap();
        for kind in &set.schema.kinds {
            let file = format!("{}.align", kind.name);
            assert!(
                FILES.iter().any(|(name, _)| *name == file),
                "no template for kind {}",
                kind.name
            );
        }
    }

    #[test]
    fn every_template_is_in_canonical_layout() {
        for (name, text) in FILES.iter().filter(|(n, _)| *n != "align.toml") {
            assert_eq!(
                crate::fmt::format(FileId(0), text).unwrap(),
                crate::fmt::Outcome::Unchanged,
                "{name}"
            );
        }
    }

    #[test]
    fn every_template_points_to_the_language_docs() {
        for (name, text) in FILES {
            assert!(text.contains("docs/"), "{name}");
        }
    }
}
