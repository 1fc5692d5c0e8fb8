//! Source files: find `*.align` files under the given paths, read them safely, index lines.
//!
//! First stage of the pipeline. Paths that cannot be used are [`SourceError`]s (exit 2);
//! a file that is readable but not UTF-8 is a content problem and becomes a [`Finding`].

use crate::base::ArcStr;
use crate::diag::{code, Finding, Lang, Span, Text};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use crate::base::FileId;

/// What a source file is: a spec to parse, or a configuration file kept for its spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Spec,
    Config,
}

/// One file's text with a line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative as given on the command line, lossy if not UTF-8).
    pub name: String,
    pub path: PathBuf,
    pub kind: SourceKind,
    /// The text. A file that was not valid UTF-8 holds a lossy copy and is not parsed. Shared:
    /// the model's nodes keep their IDs, titles and references as views into it.
    pub text: ArcStr,
    /// Whether `text` is the file's exact content (false for a lossy copy).
    pub valid: bool,
    /// Built on first use by [`SourceFile::new_lazy`]'s files, at once by [`SourceFile::new`]'s.
    line_starts: OnceLock<Vec<usize>>,
    /// Characters before each multiple of [`CHAR_STRIDE`] bytes, built by the first column
    /// asked for on a long line (machine formats ask for two per finding).
    char_marks: OnceLock<Vec<u32>>,
}

/// Bytes between two character-count checkpoints of a file: a column costs at most this many
/// bytes of counting, however long its line.
const CHAR_STRIDE: usize = 4096;

/// Characters in `bytes` (which may start or end inside a character): the bytes that are not
/// UTF-8 continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl SourceFile {
    pub fn new(
        name: String,
        path: PathBuf,
        kind: SourceKind,
        text: impl Into<ArcStr>,
        valid: bool,
    ) -> Self {
        let file = Self::new_lazy(name, path, kind, text, valid);
        file.starts();
        file
    }

    /// A file whose line starts are found only if a line or column is asked for (the language
    /// server builds every file's anew on each edit and converts positions with its own index).
    pub fn new_lazy(
        name: String,
        path: PathBuf,
        kind: SourceKind,
        text: impl Into<ArcStr>,
        valid: bool,
    ) -> Self {
        SourceFile {
            name,
            path,
            kind,
            text: text.into(),
            valid,
            line_starts: OnceLock::new(),
            char_marks: OnceLock::new(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| crate::base::line_starts(&self.text))
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    /// A leading BOM is not counted as a column.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let mut start = starts.get(line).copied().unwrap_or(0);
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        (line + 1, self.chars_between(start, offset).0 + 1)
    }

    /// [`SourceFile::line_col`] of `start` and of `end` (a span's two ends): when `end` is on
    /// `start`'s line, its column is counted on from `start`'s rather than found again (a
    /// second search of the line starts and a second count from the line's start; machine
    /// formats place two ends per span).
    pub fn line_cols(&self, start: usize, end: usize) -> ((usize, usize), (usize, usize)) {
        let first = self.line_col(start);
        let (a, b) = (start.min(self.text.len()), end.min(self.text.len()));
        let next_line = self.starts().get(first.0).copied();
        // On the same line, both on character boundaries, and past a leading BOM's columns:
        // otherwise the general answer (which gives an offset inside a character column 1).
        let same_line = a <= b
            && next_line.is_none_or(|n| b < n)
            && self.text.is_char_boundary(a)
            && self.text.is_char_boundary(b)
            && !(first.0 == 1 && a < 3 && self.text.starts_with('\u{feff}'));
        if same_line {
            (first, (first.0, first.1 + self.chars_between(a, b).0))
        } else {
            (first, self.line_col(end))
        }
    }

    /// Characters in `text[start..end]` (`start` ≤ `end`, on one line), and how many bytes
    /// were counted to know it: at most about two [`CHAR_STRIDE`]s, whatever the distance.
    fn chars_between(&self, start: usize, end: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let (start, end) = (start.min(bytes.len()), end.min(bytes.len()));
        // Offsets inside a character have no column (spans never are: see the guarantees).
        if end <= start || !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            return (0, 0);
        }
        if end - start <= CHAR_STRIDE {
            return (count_chars(&bytes[start..end]), end - start);
        }
        let marks = self.char_marks.get_or_init(|| {
            // Cumulative counts, one chunk at a time: marks[i] = chars in bytes[..i * STRIDE].
            let mut marks = Vec::with_capacity(bytes.len() / CHAR_STRIDE + 1);
            let mut total = 0usize;
            marks.push(0);
            for chunk in bytes.chunks(CHAR_STRIDE) {
                total += count_chars(chunk);
                marks.push(total as u32);
            }
            marks
        });
        let before = |x: usize| {
            let i = x / CHAR_STRIDE;
            let mark = marks.get(i).map_or(0, |&m| m as usize);
            (
                mark + count_chars(&bytes[i * CHAR_STRIDE..x]),
                x - i * CHAR_STRIDE,
            )
        };
        let (a, work_a) = before(start);
        let (b, work_b) = before(end);
        (b - a, work_a + work_b)
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts().binary_search(&offset.min(self.text.len())) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of the start of a 0-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts().get(line).copied().unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }
}

/// All files of one run. File IDs index into it.
#[derive(Debug, Default)]
pub struct SourceSet {
    files: Vec<SourceFile>,
}

impl SourceSet {
    pub fn new() -> Self {
        SourceSet::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// Adds an in-memory spec (tests, generated input).
    pub fn add_spec(&mut self, name: &str, text: &str) -> FileId {
        self.add(SourceFile::new(
            name.to_owned(),
            PathBuf::from(name),
            SourceKind::Spec,
            text,
            true,
        ))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        // INVARIANT: every FileId was handed out by `add` on this set.
        &self.files[id.0 as usize]
    }

    pub fn path_key(&self, id: FileId) -> &str {
        &self.get(id).name
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Number of spec files (configuration files excluded).
    pub fn spec_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.kind == SourceKind::Spec)
            .count()
    }
}

/// Sorts findings into the one stable order every renderer sees: file path, offset, code.
pub fn sort<F: std::borrow::Borrow<Finding> + Sync>(findings: &mut [F], sources: &SourceSet) {
    // Each file's rank in path order, computed once (files with one path share a rank), so
    // a comparison of findings compares two integers rather than two paths.
    let mut by_path: Vec<usize> = (0..sources.len()).collect();
    by_path.sort_by(|&a, &b| sources.files[a].name.cmp(&sources.files[b].name));
    let mut rank = vec![0usize; sources.len()];
    for (i, w) in by_path.iter().enumerate() {
        let same = i > 0 && sources.files[by_path[i - 1]].name == sources.files[*w].name;
        rank[*w] = if same { rank[by_path[i - 1]] } else { i };
    }
    // A file's rank, counted from 1: a file no rank knows (none should: every finding's file
    // is in `sources`) comes first, as before.
    let rank_of = |f: &Finding| {
        rank.get(f.span.file.0 as usize)
            .map_or(0, |&r| r as u64 + 1)
    };
    // The order is decided on small keys (file rank and start in one word, then position),
    // with the rest of a finding compared only on a tie; the findings themselves (a hundred
    // bytes and more each) are then moved once into place instead of at every step of a merge
    // sort. The position last keeps the sort stable, and makes the order total: sorted on all
    // cores, the same order.
    let mut keys: Vec<(u64, usize)> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let f = f.borrow();
            // A span's offsets are 32-bit; a model holds fewer than 2^32 files.
            ((rank_of(f) << 32) | f.span.start() as u64, i)
        })
        .collect();
    keys.par_sort_unstable_by(|&(ka, a), &(kb, b)| {
        ka.cmp(&kb).then_with(|| {
            let (fa, fb) = (findings[a].borrow(), findings[b].borrow());
            fa.code
                .cmp(&fb.code)
                .then(fa.span.end().cmp(&fb.span.end()))
                .then_with(|| fa.nodes.cmp(&fb.nodes))
                .then_with(|| fa.message.get(Lang::En).cmp(&fb.message.get(Lang::En)))
                .then(a.cmp(&b))
        })
    });
    // Apply the permutation in place by following its cycles.
    let mut order: Vec<usize> = keys.into_iter().map(|k| k.1).collect();
    for i in 0..order.len() {
        let mut cur = i;
        while order[cur] != i {
            let next = order[cur];
            findings.swap(cur, next);
            order[cur] = cur;
            cur = next;
        }
        order[cur] = cur;
    }
}

/// A problem with the paths given: usage or I/O, exit 2.
#[derive(Debug)]
pub enum SourceError {
    NotFound { path: String },
    NoSpecs { path: String },
    Unreadable { path: String, reason: String },
    TooLarge { path: String, size: u64, limit: u64 },
}

impl SourceError {
    /// The error in both languages, for stderr.
    pub fn text(&self) -> Text {
        match self {
            SourceError::NotFound { path } => Text::new(
                format!("{path}: no such file or directory"),
                format!("{path}: そのようなファイルまたはディレクトリはありません"),
            ),
            SourceError::NoSpecs { path } => Text::new(
                format!("{path}: no `.align` files found (looked for *.align recursively)"),
                format!("{path}: `.align` ファイルがありません（*.align を再帰的に探しました）"),
            ),
            SourceError::Unreadable { path, reason } => Text::new(
                format!("{path}: cannot read: {reason}"),
                format!("{path}: 読み込めません: {reason}"),
            ),
            SourceError::TooLarge { path, size, limit } => Text::new(
                format!("{path}: file is {size} bytes, larger than --max-file-size {limit}; not read"),
                format!("{path}: {size} バイトで --max-file-size {limit} を超えるため、読み込んでいません"),
            ),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotFound { path } => write!(f, "{path}: no such file or directory"),
            SourceError::NoSpecs { path } => {
                write!(
                    f,
                    "{path}: no `.align` files found (looked for *.align recursively)"
                )
            }
            SourceError::Unreadable { path, reason } => write!(f, "{path}: cannot read: {reason}"),
            SourceError::TooLarge { path, size, limit } => write!(
                f,
                "{path}: file is {size} bytes, larger than --max-file-size {limit}; not read"
            ),
        }
    }
}

/// Notes about paths that were skipped on purpose (symlinks out of the root, FIFOs…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipNote {
    pub path: String,
    pub reason: Text,
}

/// The result of loading: the files, findings about their bytes, errors and notes about paths.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceSet,
    pub findings: Vec<Finding>,
    pub errors: Vec<SourceError>,
    pub skipped: Vec<SkipNote>,
    /// Spec files left out by the configuration's `exclude` (never read).
    pub excluded: usize,
}

impl From<SourceSet> for Loaded {
    /// Sources already in memory (tests, the language server), with nothing else to say.
    fn from(sources: SourceSet) -> Loaded {
        Loaded {
            sources,
            ..Loaded::default()
        }
    }
}

/// Default `--max-file-size`: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The largest `--max-file-size`: 4 GiB less one byte (a span's offsets are 32-bit).
pub const MAX_SPEC_FILE_SIZE: u64 = crate::base::span::Span::MAX_OFFSET as u64;

/// `--max-file-size`: a number of bytes up to [`MAX_SPEC_FILE_SIZE`].
pub fn parse_max_file_size(s: &str) -> Result<u64, String> {
    let bytes: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of bytes"))?;
    if bytes > MAX_SPEC_FILE_SIZE {
        return Err(format!(
            "{bytes} bytes is more than align reads from one spec file: give at most \
             {MAX_SPEC_FILE_SIZE} (4 GiB less one byte)"
        ));
    }
    Ok(bytes)
}

/// Finds and reads every `*.align` file under `paths`.
///
/// Directories are walked recursively in sorted order; hidden entries (names starting with
/// `.`) are skipped; symlinks are followed only when they stay inside the root they were
/// found under, and each canonical file is read once.
pub fn load(paths: &[PathBuf], max_file_size: u64) -> Loaded {
    load_into(SourceSet::new(), paths, max_file_size, &|_, _| false)
}

/// [`load`] into a set that already holds other files (the configuration, kept for its
/// spans), leaving out, unread, every spec file for which `exclude(shown name, path)` holds.
pub fn load_into(
    sources: SourceSet,
    paths: &[PathBuf],
    max_file_size: u64,
    exclude: &dyn Fn(&str, &Path) -> bool,
) -> Loaded {
    let mut loaded = Loaded::from(sources);
    let mut seen: HashSet<FileKey> = HashSet::new();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for root in paths {
        let shown = display(root);
        let meta = match fs::metadata(root) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                loaded.errors.push(SourceError::NotFound { path: shown });
                continue;
            }
            Err(e) => {
                loaded.errors.push(SourceError::Unreadable {
                    path: shown,
                    reason: reason(&e),
                });
                continue;
            }
        };
        if meta.is_dir() {
            let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            // Specs found under this root, counting those already found under an earlier one
            // (`align check specs specs`, `align check dir dir/sub`): they are read once, and
            // the root is not empty.
            let found = walk(root, &canonical_root, &mut files, &mut seen, &mut loaded);
            if found == 0 {
                loaded.errors.push(SourceError::NoSpecs { path: shown });
            }
        } else if !meta.is_file() {
            // A FIFO would block the read forever; a socket or device is no spec either.
            // Named on the command line, it is an error (exit 2), not a silent skip.
            loaded.errors.push(SourceError::Unreadable {
                path: shown,
                reason: "not a regular file (FIFO, socket or device); not opened".to_owned(),
            });
        } else if seen.insert(FileKey::of(root, &meta)) {
            files.push((shown, root.clone()));
        }
    }
    let found = files.len();
    files.retain(|(name, path)| !exclude(name, path));
    loaded.excluded = found - files.len();
    // Read and decoded in parallel (most of a large tree's load time is waiting on the file
    // system, and checking that the text is UTF-8 reads every byte once more), then registered
    // in walk order so file IDs and output stay deterministic.
    let read: Vec<Result<(SourceFile, Option<MakeFinding>), SourceError>> = files
        .into_par_iter()
        .map(|(name, path)| {
            read_one(&name, &path, max_file_size).map(|bytes| decode(name, path, &bytes))
        })
        .collect();
    for decoded in read {
        match decoded {
            Ok((file, finding)) => {
                let id = loaded.sources.add(file);
                if let Some(make) = finding {
                    loaded.findings.push(make(id));
                }
            }
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}

/// What makes two paths the same file: device and inode on Unix (one `stat`, no
/// `canonicalize` walk per path component), the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl FileKey {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &fs::Metadata) -> FileKey {
        use std::os::unix::fs::MetadataExt;
        FileKey::Inode(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &fs::Metadata) -> FileKey {
        FileKey::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// Walks `dir`, adding the specs not yet `seen` to `files`; returns how many specs it found
/// (seen before or not).
fn walk(
    dir: &Path,
    root: &Path,
    files: &mut Vec<(String, PathBuf)>,
    seen: &mut HashSet<FileKey>,
    loaded: &mut Loaded,
) -> usize {
    let mut found = 0;
    // An explicit stack: a deep tree cannot overflow ours.
    let mut stack = vec![dir.to_path_buf()];
    // Directory (as a file key) → the path it was walked under, to name the loop's ancestor.
    let mut visited_dirs: HashMap<FileKey, String> = HashMap::new();
    while let Some(dir) = stack.pop() {
        let Ok(dir_meta) = fs::metadata(&dir) else {
            continue;
        };
        let dir_key = FileKey::of(&dir, &dir_meta);
        if let Some(first) = visited_dirs.get(&dir_key) {
            let is_ancestor = dir.starts_with(first);
            loaded.skipped.push(SkipNote {
                path: display(&dir),
                reason: if is_ancestor {
                    Text::new(
                        format!("symlink loop: leads back to `{first}`; not followed"),
                        format!(
                            "シンボリックリンクのループ（`{first}` に戻る）のため、たどりません"
                        ),
                    )
                } else {
                    Text::new(
                        format!("same directory as `{first}`, already checked"),
                        format!("`{first}` と同じディレクトリで、検査済みです"),
                    )
                },
            });
            continue;
        }
        visited_dirs.insert(dir_key, display(&dir));
        let entries = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                loaded.errors.push(SourceError::Unreadable {
                    path: display(&dir),
                    reason: reason(&e),
                });
                continue;
            }
        };
        // The entry's type comes with the directory listing: no extra `lstat` per entry.
        let mut entries: Vec<_> = entries
            .filter_map(Result::ok)
            .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subdirs = Vec::new();
        for (path, file_type) in entries {
            let Some(name) = path.file_name() else {
                continue;
            };
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let is_link = file_type.is_symlink();
            if file_type.is_file() && path.extension().is_none_or(|e| e != "align") {
                continue;
            }
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    if is_link {
                        loaded.skipped.push(SkipNote {
                            path: display(&path),
                            reason: if is_link_loop(&e) {
                                Text::new(
                                    "symlink loop (the links lead back to each other); not followed",
                                    "シンボリックリンクのループ（互いに指し合う）のため、たどりません",
                                )
                            } else {
                                Text::new("broken symlink", "リンク先のないシンボリックリンク")
                            },
                        });
                    }
                    continue;
                }
            };
            let escapes = is_link
                && !fs::canonicalize(&path).is_ok_and(|canonical| canonical.starts_with(root));
            if escapes {
                loaded.skipped.push(SkipNote {
                    path: display(&path),
                    reason: Text::new(
                        "symlink leads out of the root; not followed",
                        "指定したディレクトリの外を指すシンボリックリンクのため、たどりません",
                    ),
                });
                continue;
            }
            if meta.is_dir() {
                subdirs.push(path);
            } else if path.extension().is_some_and(|e| e == "align") {
                if meta.is_file() {
                    found += 1;
                    if seen.insert(FileKey::of(&path, &meta)) {
                        files.push((display(&path), path));
                    }
                } else {
                    loaded.skipped.push(SkipNote {
                        path: display(&path),
                        reason: Text::new("not a regular file", "通常のファイルではありません"),
                    });
                }
            }
        }
        // Reverse so the sorted first subdirectory is walked first.
        stack.extend(subdirs.into_iter().rev());
    }
    found
}

/// Reads one spec file's bytes, unless it is larger than the limit.
fn read_one(name: &str, path: &Path, max_file_size: u64) -> Result<Vec<u8>, SourceError> {
    read_file(path, FileKind::Spec { max: max_file_size }).map_err(|e| match e {
        ReadError::TooLarge { size, kind } => SourceError::TooLarge {
            path: name.to_owned(),
            size,
            limit: kind.limit(),
        },
        e => SourceError::Unreadable {
            path: name.to_owned(),
            reason: e.to_string(),
        },
    })
}

/// What a file is read as. Each kind has its own size limit, checked against the size the
/// file reports and again against the bytes actually read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A `*.align` spec: `--max-file-size` (default [`DEFAULT_MAX_FILE_SIZE`]).
    Spec { max: u64 },
    /// `align.toml`: [`MAX_CONFIG_SIZE`].
    Config,
    /// A rule set's `schema.toml` or `rules.toml`: [`MAX_RULE_SET_FILE_SIZE`].
    RuleSet,
    /// A baseline (`--baseline`): [`MAX_BASELINE_SIZE`].
    Baseline,
}

/// Largest `align.toml` read: 1 MiB (a real one is under 1 KiB).
pub const MAX_CONFIG_SIZE: u64 = 1 << 20;
/// Largest `schema.toml` or `rules.toml` read: 16 MiB (the basic-plan set is about 30 KiB).
pub const MAX_RULE_SET_FILE_SIZE: u64 = 16 << 20;
/// Largest baseline read: 256 MiB (about a million entries).
pub const MAX_BASELINE_SIZE: u64 = 256 << 20;

impl FileKind {
    /// The most bytes read from a file of this kind.
    pub fn limit(self) -> u64 {
        match self {
            FileKind::Spec { max } => max,
            FileKind::Config => MAX_CONFIG_SIZE,
            FileKind::RuleSet => MAX_RULE_SET_FILE_SIZE,
            FileKind::Baseline => MAX_BASELINE_SIZE,
        }
    }

    /// The limit as the error names it.
    fn limit_name(self) -> String {
        match self {
            FileKind::Spec { max } => format!("--max-file-size {max}"),
            FileKind::Config => format!("the limit of {MAX_CONFIG_SIZE} bytes for align.toml"),
            FileKind::RuleSet => {
                format!("the limit of {MAX_RULE_SET_FILE_SIZE} bytes for a rule set file")
            }
            FileKind::Baseline => format!("the limit of {MAX_BASELINE_SIZE} bytes for a baseline"),
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A directory, FIFO, socket or device: never read (a FIFO would block, `/dev/zero` never
    /// ends).
    NotRegular {
        what: &'static str,
    },
    /// The file reports a size over its kind's limit.
    TooLarge {
        size: u64,
        kind: FileKind,
    },
    /// The file reported a size under the limit (0 for `/proc` files) but more bytes came.
    Grew {
        reported: u64,
        kind: FileKind,
    },
    /// [`read_text`] only: the bytes are not UTF-8.
    NotUtf8 {
        offset: usize,
    },
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular { what } => write!(f, "not a regular file ({what}); not read"),
            ReadError::TooLarge { size, kind } => write!(
                f,
                "file is {size} bytes, larger than {}; not read",
                kind.limit_name()
            ),
            ReadError::Grew { reported, kind } => write!(
                f,
                "file grew past {} while being read (it reported {reported} bytes); not read",
                kind.limit_name()
            ),
            ReadError::NotUtf8 { offset } => {
                write!(
                    f,
                    "not valid UTF-8 (byte offset {offset}); save it as UTF-8"
                )
            }
            ReadError::Io(e) => f.write_str(&reason(e)),
        }
    }
}

/// The one way align reads a file: opened without blocking (a FIFO put in place of a file
/// after it was listed would otherwise block the open forever), refused unless the opened
/// handle is a regular file, and read up to its kind's limit, whatever size it reports.
pub fn read_file(path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // The type of the handle that was opened, not of whatever the path names now.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::NotRegular {
            what: "a directory",
        });
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            what: "a FIFO, socket or device",
        });
    }
    let limit = kind.limit();
    let reported = meta.len();
    if reported > limit {
        return Err(ReadError::TooLarge {
            size: reported,
            kind,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(reported).unwrap_or(0));
    // One byte more than the limit tells a file that grew past it from one that fits exactly.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Grew { reported, kind });
    }
    Ok(bytes)
}

/// [`read_file`] for a file that must be UTF-8 text (configuration, rule sets, baselines).
pub fn read_text(path: &Path, kind: FileKind) -> Result<String, ReadError> {
    String::from_utf8(read_file(path, kind)?).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Whether resolving a path failed because its symlinks form a cycle (`a -> b -> a`).
#[cfg(unix)]
fn is_link_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_link_loop(_e: &io::Error) -> bool {
    false
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

type MakeFinding = Box<dyn FnOnce(FileId) -> Finding + Send>;

/// Decodes a spec file's bytes. Anything but UTF-8 gives a lossy copy and one finding.
pub fn decode(name: String, path: PathBuf, bytes: &[u8]) -> (SourceFile, Option<MakeFinding>) {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let utf32 = bytes.starts_with(&[0xFF, 0xFE, 0, 0]);
        let enc = if utf32 { "UTF-32" } else { "UTF-16" };
        let file = SourceFile::new(name, path, SourceKind::Spec, String::new(), false);
        let make: MakeFinding = Box::new(move |id| {
            Finding::builtin(
                &code::NOT_UTF8,
                Span::new(id, 0, 0),
                Text::new(
                    format!("file is {enc}; align reads UTF-8 only"),
                    format!("ファイルが {enc} です。align は UTF-8 のみ読み込みます"),
                ),
            )
            .with_help(Text::new(
                "save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)",
                "UTF-8 で保存し直してください（多くのエディタでは「名前を付けて保存」→ 文字コード → UTF-8）",
            ))
        });
        return (file, Some(make));
    }
    // Validated by simdutf8 (several times faster than the standard library's check on text
    // that is mostly Japanese); the standard library's check, which says where the first bad
    // sequence is, only when the file is not valid.
    let checked = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    };
    match checked {
        // Line starts are found when a line or column of the file is first asked for: a run
        // that shows nothing of a file (`--quiet`, a file without findings) never scans it.
        Ok(text) => (
            SourceFile::new_lazy(name, path, SourceKind::Spec, text, true),
            None,
        ),
        Err(e) => {
            let at = e.valid_up_to();
            let bad_len = e.error_len().unwrap_or(1);
            let bad: Vec<String> = bytes[at..(at + bad_len).min(bytes.len())]
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            let bad = bad.join(" ");
            // The lossy copy keeps offsets up to `at`; the bad sequence becomes U+FFFD (3 bytes).
            let text = String::from_utf8_lossy(bytes).into_owned();
            let file = SourceFile::new(name, path, SourceKind::Spec, text, false);
            let make: MakeFinding = Box::new(move |id| {
                Finding::builtin(
                    &code::NOT_UTF8,
                    Span::new(id, at, at + '\u{fffd}'.len_utf8()),
                    Text::new(
                        format!("file is not valid UTF-8: byte {bad} at offset {at}"),
                        format!("ファイルが UTF-8 として正しくありません（オフセット {at} のバイト {bad}）"),
                    ),
                )
                .with_label(Text::new("not UTF-8", "UTF-8 ではないバイト"))
                .with_help(Text::new(
                    "save the file as UTF-8; a file saved as Shift_JIS must be converted (e.g. `iconv -f SHIFT_JIS -t UTF-8`)",
                    "UTF-8 で保存し直してください。Shift_JIS で保存されたファイルは変換が必要です（例: `iconv -f SHIFT_JIS -t UTF-8`）",
                ))
            });
            (file, Some(make))
        }
    }
}

/// A path as shown: lossy if not UTF-8 (A13), control characters escaped (H3).
pub fn display(p: &Path) -> String {
    crate::base::sanitize::line(&p.to_string_lossy()).into_owned()
}

fn reason(e: &io::Error) -> String {
    let s = e.to_string();
    // "Permission denied (os error 13)" → "Permission denied"
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_orders_by_file_path_then_place_and_keeps_ties_in_their_order() {
        let mut sources = SourceSet::new();
        let b = sources.add_spec("b.align", "");
        let a = sources.add_spec("a.align", "");
        let f = |file, start, code: &str, msg: &str| {
            Finding::new(
                code,
                "x",
                crate::diag::Severity::Error,
                Span::new(file, start, start + 1),
                Text::same(msg),
            )
        };
        // Shuffled, with exact ties (same file, place, code, nodes and message) whose given
        // order must be kept, and a long cycle for the in-place permutation.
        let mut findings = vec![
            f(b, 5, "ALN2", "t1"),
            f(a, 9, "ALN1", "m"),
            f(b, 5, "ALN1", "m"),
            f(a, 1, "ALN3", "m"),
            f(b, 5, "ALN2", "t2"),
            f(a, 1, "ALN2", "m"),
            f(b, 0, "ALN9", "m"),
            f(b, 5, "ALN2", "t1"),
            // A far offset in the first file still comes before the second file's start.
            f(a, 4_000_000_000, "ALN1", "m"),
        ];
        findings[7].notes.push(Text::same("second").into());
        let mut expected = findings.clone();
        expected.sort_by(|x, y| {
            (
                sources.get(x.span.file).name.as_str(),
                x.span.start(),
                &x.code,
                &x.message.en(),
            )
                .cmp(&(
                    sources.get(y.span.file).name.as_str(),
                    y.span.start(),
                    &y.code,
                    &y.message.en(),
                ))
        });
        sort(&mut findings, &sources);
        assert_eq!(findings, expected);
        assert!(findings[6].notes.is_empty() && findings[7].notes.len() == 1);
    }

    #[test]
    fn line_col_counts_chars_and_skips_bom() {
        let f = SourceFile::new(
            "a".into(),
            "a".into(),
            SourceKind::Spec,
            "\u{feff}ab\n日本x",
            true,
        );
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(4), (1, 2));
        let x = f.text.find('x').unwrap();
        assert_eq!(f.line_col(x), (2, 3));
    }

    /// A span's two ends placed together are placed as each alone: on one line or across
    /// lines, inside characters, after a BOM, past the end, and on a line longer than the
    /// character checkpoints' stride.
    #[test]
    fn both_ends_of_a_span_are_placed_as_each_alone() {
        let long = format!("{}\n", "日x".repeat(CHAR_STRIDE));
        for text in [
            "\u{feff}ab\r\n日本x\n\nlast".to_owned(),
            "goal G1 \"目標\"\nitem I1\n".to_owned(),
            format!("a\n{long}b{long}"),
            String::new(),
        ] {
            let f = SourceFile::new(
                "a".into(),
                "a".into(),
                SourceKind::Spec,
                text.as_str(),
                true,
            );
            let n = text.len() + 2;
            let step = (n / 300).max(1);
            for start in (0..=n).step_by(step) {
                for end in (start..=n).step_by(step).chain(start..(start + 8).min(n)) {
                    assert_eq!(
                        f.line_cols(start, end),
                        (f.line_col(start), f.line_col(end)),
                        "{start}..{end}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_lazy_file_answers_lines_and_columns_as_an_eager_one() {
        let text = "\u{feff}ab\r\n日本x\n\nlast";
        let file = |lazy: bool| {
            if lazy {
                SourceFile::new_lazy("a".into(), "a".into(), SourceKind::Spec, text, true)
            } else {
                SourceFile::new("a".into(), "a".into(), SourceKind::Spec, text, true)
            }
        };
        let (eager, lazy) = (file(false), file(true));
        assert!(lazy.line_starts.get().is_none());
        for offset in 0..=text.len() + 1 {
            assert_eq!(lazy.line_of(offset), eager.line_of(offset), "{offset}");
            if text.is_char_boundary(offset.min(text.len())) {
                assert_eq!(lazy.line_col(offset), eager.line_col(offset), "{offset}");
            }
        }
        for line in 0..6 {
            assert_eq!(lazy.line_start(line), eager.line_start(line));
        }
        assert_eq!((lazy.line_count(), eager.line_count()), (4, 4));
    }

    #[test]
    fn a_column_on_a_long_line_counts_a_bounded_number_of_bytes() {
        use std::fmt::Write as _;
        // One line of 200,000 declarations with multibyte titles, as a generator writes it.
        let mut line = String::new();
        for i in 0..200_000 {
            write!(line, "item I{i} \"事項{i}\" {{}} ").unwrap();
        }
        let text = format!("\u{feff}# head\n{line}\nend");
        let f = SourceFile::new("a".into(), "a".into(), SourceKind::Spec, text, true);
        let start = f.line_start(1);
        for at in [
            0usize,
            1,
            4095,
            4096,
            4097,
            123_457,
            line.len() / 2,
            line.len(),
        ] {
            let mut offset = start + at.min(line.len());
            while !f.text.is_char_boundary(offset) {
                offset -= 1;
            }
            let expected = f.text[start..offset].chars().count();
            assert_eq!(f.line_col(offset), (2, expected + 1), "at {at}");
            let (chars, work) = f.chars_between(start, offset);
            assert_eq!(chars, expected);
            assert!(work <= 2 * CHAR_STRIDE, "{work} bytes counted at {at}");
        }
        // The BOM is no column; the last line after the long one is short.
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(f.text.len()), (3, 4));
        // An offset inside a character has no column.
        let inside = start + line.find('事').unwrap_or(0) + 1;
        assert_eq!(f.line_col(inside).1, 1);
    }

    #[test]
    fn invalid_utf8_is_one_finding_at_the_bad_byte() {
        let (file, make) = decode("a.align".into(), "a.align".into(), b"goal G1 \"a\xFFb\"");
        assert!(!file.valid);
        let f = make.unwrap()(FileId(0));
        assert_eq!(f.code, "ALN001");
        assert_eq!(f.span.start(), 10);
    }

    #[test]
    fn read_file_holds_each_limit_and_reads_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.align");
        fs::write(&path, "0123456789").unwrap();
        assert_eq!(
            read_file(&path, FileKind::Spec { max: 10 }).unwrap().len(),
            10
        );
        assert!(matches!(
            read_file(&path, FileKind::Spec { max: 9 }),
            Err(ReadError::TooLarge { size: 10, .. })
        ));
        assert!(matches!(
            read_file(dir.path(), FileKind::Config),
            Err(ReadError::NotRegular {
                what: "a directory"
            })
        ));
        fs::write(&path, b"a\xFFb").unwrap();
        assert!(matches!(
            read_text(&path, FileKind::Baseline),
            Err(ReadError::NotUtf8 { offset: 1 })
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn read_file_refuses_devices_and_bounds_files_that_report_size_zero() {
        assert!(matches!(
            read_file(Path::new("/dev/zero"), FileKind::Baseline),
            Err(ReadError::NotRegular { .. })
        ));
        assert!(matches!(
            read_file(Path::new("/proc/self/maps"), FileKind::Spec { max: 8 }),
            Err(ReadError::Grew { reported: 0, .. })
        ));
    }

    #[test]
    fn utf16_is_reported_at_offset_zero() {
        let (_, make) = decode("a".into(), "a".into(), &[0xFF, 0xFE, b'g', 0]);
        let f = make.unwrap()(FileId(0));
        assert!(f.message.en().contains("UTF-16"));
        assert_eq!((f.span.start(), f.span.end()), (0, 0));
    }
}
