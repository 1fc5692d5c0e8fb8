//! The document store: the workspace folders, the spec files on disk under them, and the open
//! documents, which override the disk.

use super::analysis::{self, DiskScan, Inputs, SpecInput};
use super::position::LineIndex;
use crate::config::FILE_NAME;
use crate::diag::Lang;
use lsp_types::TextDocumentContentChangeEvent;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An open document: the editor's text, which may not be saved.
#[derive(Debug)]
struct OpenDoc {
    text: String,
    version: i32,
}

/// All files the server checks together (IDs are global across them).
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    roots: Vec<PathBuf>,
    open: HashMap<PathBuf, OpenDoc>,
    disk: DiskScan,
    /// The client's language (`initialize`'s `locale`).
    pub(crate) client_lang: Option<Lang>,
    max_file_size: u64,
}

impl Workspace {
    pub(crate) fn new(roots: Vec<PathBuf>, max_file_size: u64) -> Self {
        let mut ws = Workspace {
            roots,
            max_file_size,
            ..Workspace::default()
        };
        ws.rescan();
        ws
    }

    /// Reads the spec files under the folders again (after a change on disk). Returns the
    /// paths that could not be read, for the log.
    pub(crate) fn rescan(&mut self) -> Vec<String> {
        self.disk = crate::base::timing::time("read the workspace", || {
            analysis::read_disk(&self.roots, self.max_file_size)
        });
        self.disk.errors.clone()
    }

    pub(crate) fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    pub(crate) fn set_roots(&mut self, roots: Vec<PathBuf>) -> Vec<String> {
        self.roots = roots;
        self.rescan()
    }

    pub(crate) fn open(&mut self, path: PathBuf, text: String, version: i32) {
        self.open.insert(path, OpenDoc { text, version });
    }

    /// Applies an editor's changes in order (a change without a range replaces the text).
    /// Returns false if the document is not open or the version goes backwards.
    pub(crate) fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let Some(doc) = self.open.get_mut(path) else {
            return false;
        };
        if version < doc.version {
            return false;
        }
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let lines = LineIndex::new(&doc.text);
                    let start = lines.offset(&doc.text, range.start);
                    let end = lines.offset(&doc.text, range.end).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = version;
        true
    }

    /// Closes a document: the file on disk counts again (re-read, as it may have been saved
    /// or deleted meanwhile), read as the workspace is: within `--max-file-size`, and never
    /// from a FIFO or device put in its place (which would block the server). Returns why it
    /// could not be read (for the log), if it exists and could not be.
    pub(crate) fn close(&mut self, path: &Path) -> Option<String> {
        use crate::source::{read_file, FileKind, ReadError};
        self.open.remove(path);
        let index = self.disk.files.iter().position(|f| f.path == path);
        if index.is_none() && !(self.under_a_root(path) && is_spec(path)) {
            return None;
        }
        let max = self.max_file_size;
        match (read_file(path, FileKind::Spec { max }), index) {
            (Ok(bytes), Some(i)) => self.disk.files[i] = analysis::decode(path, &bytes),
            (Ok(bytes), None) => self.disk.files.push(analysis::decode(path, &bytes)),
            (Err(e), index) => {
                if let Some(i) = index {
                    self.disk.files.remove(i);
                }
                let gone =
                    matches!(&e, ReadError::Io(io) if io.kind() == std::io::ErrorKind::NotFound);
                return (!gone).then(|| format!("{}: {e}", path.display()));
            }
        }
        None
    }

    /// The current text of a spec file (open, else on disk) with its name, or `Err` when the
    /// file on disk is not UTF-8.
    pub(crate) fn text(&self, path: &Path) -> Option<(String, Result<&str, ()>)> {
        let text = if let Some(doc) = self.open.get(path) {
            Ok(doc.text.as_str())
        } else {
            let f = self.disk.files.iter().find(|f| f.path == path)?;
            if f.valid {
                Ok(f.text.as_str())
            } else {
                Err(())
            }
        };
        Some((self.name(path), text))
    }

    pub(crate) fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|d| d.version)
    }

    fn under_a_root(&self, path: &Path) -> bool {
        self.roots.iter().any(|r| path.starts_with(r))
    }

    /// `align.toml` of the first folder (an open, unsaved copy counts).
    fn config(&self) -> Option<(PathBuf, PathBuf, String)> {
        let root = self.roots.first()?;
        let path = root.join(FILE_NAME);
        let text = match self.open.get(&path) {
            Some(doc) => doc.text.clone(),
            None => std::fs::read_to_string(&path).ok()?,
        };
        Some((path, root.clone(), text))
    }

    /// The name of a file in messages: relative to its folder.
    fn name(&self, path: &Path) -> String {
        self.roots
            .iter()
            .find_map(|r| path.strip_prefix(r).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// What the next check reads: the files on disk in the loader's order, each replaced by
    /// its open document, then the open documents that are not on disk, by path.
    pub(crate) fn inputs(&self) -> Inputs<'_> {
        let mut specs: Vec<SpecInput<'_>> = self
            .disk
            .files
            .iter()
            .map(|f| match self.open.get(&f.path) {
                Some(doc) => SpecInput {
                    path: &f.path,
                    name: self.name(&f.path),
                    text: &doc.text,
                    shared: None,
                    valid: true,
                    finding: None,
                    open: true,
                },
                None => SpecInput {
                    path: &f.path,
                    name: self.name(&f.path),
                    text: &f.text,
                    shared: Some(&f.text),
                    valid: f.valid,
                    finding: f.finding.as_ref(),
                    open: false,
                },
            })
            .collect();
        let mut extra: Vec<(&PathBuf, &OpenDoc)> = self
            .open
            .iter()
            .filter(|(p, _)| p.file_name().is_none_or(|n| n != FILE_NAME))
            .filter(|(p, _)| !self.disk.files.iter().any(|f| &f.path == *p))
            .collect();
        extra.sort_by(|a, b| a.0.cmp(b.0));
        specs.extend(extra.into_iter().map(|(path, doc)| SpecInput {
            path,
            name: self.name(path),
            text: &doc.text,
            shared: None,
            valid: true,
            finding: None,
            open: true,
        }));
        Inputs {
            specs,
            config: self.config(),
            client_lang: self.client_lang,
        }
    }
}

fn is_spec(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "align")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn incremental_changes_apply_in_order_in_utf16() {
        let mut ws = Workspace::default();
        let p = PathBuf::from("/w/a.align");
        ws.open(p.clone(), "goal G1 \"目標\" { policy V1 }\n".to_owned(), 1);
        let edit = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, from),
                Position::new(line, to),
            )),
            range_length: None,
            text: text.to_owned(),
        };
        // `V1` is at UTF-16 column 22..24 (目標 counts 2 units, not 6 bytes).
        assert!(ws.change(&p, 2, vec![edit(0, 22, 24, "V2"), edit(0, 0, 4, "item")]));
        let inputs = ws.inputs();
        assert_eq!(inputs.specs[0].text, "item G1 \"目標\" { policy V2 }\n");
        // Out-of-range positions clamp; an old version is refused.
        assert!(ws.change(&p, 3, vec![edit(7, 99, 120, "x")]));
        assert!(!ws.change(&p, 1, vec![edit(0, 0, 0, "y")]));
        assert_eq!(ws.version(&p), Some(3));
        assert!(ws.inputs().specs[0].text.ends_with("}\nx"));
    }

    /// A file closed in the editor is read again as the workspace is read: a FIFO put in its
    /// place is refused without blocking, a file grown past the limit is not read, and both
    /// leave the workspace with the reason for the log.
    #[cfg(unix)]
    #[test]
    fn a_closed_file_is_read_again_within_the_limits() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path().to_path_buf();
        let spec = root.join("a.align");
        let big = root.join("b.align");
        std::fs::write(&spec, "goal G1 \"g\" {}\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&big, "goal G2 \"g\" {}\n").unwrap_or_else(|e| panic!("{e}"));
        let mut ws = Workspace::new(vec![root.clone()], 64);
        assert_eq!(ws.inputs().specs.len(), 2);

        ws.open(spec.clone(), "goal G1 \"g\" {}\n".to_owned(), 1);
        std::fs::remove_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let made = std::process::Command::new("mkfifo").arg(&spec).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let error = ws
            .close(&spec)
            .unwrap_or_else(|| panic!("a FIFO is not read"));
        assert!(error.contains("not a regular file"), "{error}");

        ws.open(big.clone(), "goal G2 \"g\" {}\n".to_owned(), 1);
        std::fs::write(&big, "x".repeat(65)).unwrap_or_else(|e| panic!("{e}"));
        let error = ws
            .close(&big)
            .unwrap_or_else(|| panic!("a file past the limit is not read"));
        assert!(error.contains("larger than --max-file-size 64"), "{error}");
        assert!(ws.inputs().specs.is_empty());

        // A file deleted before it was closed is gone without a complaint.
        std::fs::write(&big, "goal G2 \"g\" {}\n").unwrap_or_else(|e| panic!("{e}"));
        ws.rescan();
        ws.open(big.clone(), String::new(), 1);
        std::fs::remove_file(&big).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ws.close(&big), None);
        assert!(ws.inputs().specs.is_empty());
    }
}
