//! Renderers: a run's result → text for people or machines.
//!
//! Every renderer reads one [`Input`] (the findings, already sorted, and what the run checked)
//! plus the options of its own format. Spec and rule-set text reaches output only through
//! [`sanitize`].

pub mod concise;
pub mod docs;
pub mod gap;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod location;
pub mod markdown;
mod pretty;
pub mod rules_json;
pub mod sarif;
pub mod statistics;
pub mod stats;
pub mod wrap;

pub use crate::base::sanitize;

use crate::base::{Date, Lang, Text};
use crate::config::Overrides;
use crate::diag::{Finding, Summary};
use crate::engine::{BaselineOutcome, Checked};
use crate::model::Model;
use crate::rules::RuleSet;
use crate::select::Selection;
use crate::source::SourceSet;

/// What every renderer reads: one run's result.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The findings to show, sorted by file, offset, code.
    pub findings: &'a [Finding],
    pub sources: &'a SourceSet,
    pub model: &'a Model,
    pub rules: &'a RuleSet,
    /// Counts of `findings`, files and nodes per kind.
    pub summary: &'a Summary,
    pub baseline: Option<&'a BaselineOutcome>,
    /// The configuration's severity overrides.
    pub overrides: &'a Overrides,
    /// The codes the command line selected (`--select`, `--ignore`).
    pub selection: &'a Selection,
    pub lang: Lang,
    /// The date waivers were judged against.
    pub today: Date,
    /// Where docs/rules.md is published, for links to each code (`URL#aln101`).
    pub docs_url: Option<&'a str>,
}

impl<'a> From<&'a Checked> for Input<'a> {
    fn from(c: &'a Checked) -> Input<'a> {
        Input {
            findings: &c.findings,
            sources: &c.sources,
            model: &c.model,
            rules: &c.rules,
            summary: &c.summary,
            baseline: c.baseline.as_ref(),
            overrides: &c.overrides,
            selection: &c.selection,
            lang: c.lang,
            today: c.today,
            docs_url: None,
        }
    }
}

impl Input<'_> {
    /// The link to a code's section of docs/rules.md, when its address is known.
    pub fn doc_link(&self, code: &str) -> Option<String> {
        self.docs_url
            .map(|u| format!("{u}#{}", code.to_ascii_lowercase()))
    }

    /// The language tag written in documents (`en`, `ja`).
    pub fn lang_tag(&self) -> &'static str {
        self.lang.pick("en", "ja")
    }

    /// The rule set's name (`[set] name` in schema.toml).
    pub fn rule_set_name(&self) -> &str {
        &self.rules.schema.name
    }
}

/// Runs a renderer on a buffered `out` and flushes it: a document is written in large blocks
/// rather than one `write` per line (stdout is line-buffered: a JSON report of 100,000
/// declarations was 3.7 million system calls).
pub(crate) fn buffered(
    out: &mut dyn std::io::Write,
    render: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut buffer = std::io::BufWriter::with_capacity(1 << 16, out);
    render(&mut buffer)?;
    buffer.flush()
}

/// Writes `skeleton`, a document written by `serde_json::to_vec_pretty` with an empty list
/// under `key`, a key indented `depth` levels (1: of the outermost object), with `items` in
/// that list, each written by `one(index, item, pretty)` (which calls [`Pretty::write`]): the
/// bytes `to_writer_pretty` would write for the whole, with the items serialized in parallel
/// ([`write_in_parallel`]) straight into their chunk's buffer at their depth. The empty
/// list's text cannot occur inside a string (a newline there is escaped).
pub(crate) fn splice_pretty<T: Sync>(
    out: &mut dyn std::io::Write,
    skeleton: &[u8],
    key: &str,
    depth: usize,
    items: &[T],
    one: impl Fn(usize, &T, Pretty<'_>) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    let indent = "  ".repeat(depth);
    let empty = format!("\n{indent}\"{key}\": []");
    let at = (!items.is_empty())
        .then(|| memchr::memmem::find(skeleton, empty.as_bytes()))
        .flatten();
    let Some(at) = at else {
        return out.write_all(skeleton);
    };
    out.write_all(&skeleton[..at])?;
    write!(out, "\n{indent}\"{key}\": [\n")?;
    let inner = format!("{indent}  ");
    // 128 items a chunk: a JSON finding is about 1.8 KB and a SARIF result 2.5 KB, so the
    // sixteen chunks in memory at a time hold about 4–5 MB. With 512, they held four times that,
    // and a run at 100k items peaked 22–28 MB higher for no gain in time.
    write_in_parallel(out, items, 128, b",\n", |index, item, part| {
        part.extend_from_slice(inner.as_bytes());
        one(
            index,
            item,
            Pretty {
                out: part,
                depth: depth + 1,
            },
        )
    })?;
    write!(out, "\n{indent}]")?;
    out.write_all(&skeleton[at + empty.len()..])
}

/// Where [`splice_pretty`] wants one item: a buffer, and the depth the item is nested at.
pub(crate) struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
}

impl<'a> Pretty<'a> {
    /// A writer of the item by hand, that writes what [`Pretty::write`] would.
    pub(crate) fn json(self) -> pretty::PrettyJson<'a> {
        pretty::PrettyJson::new(self.out, self.depth)
    }

    /// Appends `value` as `serde_json::to_writer_pretty` writes it at this depth of a
    /// document (the first line's indentation excepted: it is already written): the reference
    /// the tests compare JSON and SARIF output's own writer (`pretty::PrettyJson`) with.
    #[cfg(test)]
    pub(crate) fn write<S: serde::Serialize + ?Sized>(self, value: &S) -> std::io::Result<()> {
        let formatter = Nested {
            base: self.depth,
            current: 0,
            has_value: false,
        };
        let mut serializer = serde_json::Serializer::with_formatter(self.out, formatter);
        value
            .serialize(&mut serializer)
            .map_err(std::io::Error::from)
    }
}

/// `serde_json::ser::PrettyFormatter` (two spaces a level) for a value written `base` levels
/// deep in a document: the same bytes as the document written whole.
#[cfg(test)]
struct Nested {
    base: usize,
    current: usize,
    has_value: bool,
}

#[cfg(test)]
impl Nested {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = 2 * (self.base + self.current);
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current = self.current.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

#[cfg(test)]
impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The most a chunk's buffer reserves ahead of its items (it grows past that as it must).
const MAX_RESERVE: usize = 8 << 20;

/// Writes each of `items` as `render(index, item, buffer)` appends it, `separator` between
/// two, in order: rendered in parallel, `chunk` items per task, a group of
/// [`CHUNKS_PER_GROUP`] chunks at a time (a report's findings were rendered on one thread
/// while the other cores waited). The calling thread writes a group while the next is
/// rendered: a report written to a file is the kernel copying it into the page cache, which
/// left the cores idle between groups (SARIF at 100k items, 150 MB, on about 1.3 of 2 cores
/// for the second half of the run). At most two groups are held at once.
pub(crate) fn write_in_parallel<T: Sync>(
    out: &mut dyn std::io::Write,
    items: &[T],
    chunk: usize,
    separator: &[u8],
    render: impl Fn(usize, &T, &mut Vec<u8>) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    let chunk = chunk.max(1);
    let group = chunk * CHUNKS_PER_GROUP;
    let rendered =
        |g: usize, items: &[T]| render_group(g * group, items, chunk, separator, &render);
    let mut write = |g: usize, parts: Vec<Vec<u8>>| -> std::io::Result<()> {
        for (i, part) in parts.iter().enumerate() {
            if g > 0 || i > 0 {
                out.write_all(separator)?;
            }
            out.write_all(part)?;
        }
        Ok(())
    };
    if items.len() <= group {
        // One group: nothing to write while it is rendered.
        return write(0, rendered(0, items)?);
    }
    std::thread::scope(|scope| {
        // A rendezvous: the renderer hands a group over only when the writer takes it, so
        // one group is written while the next is rendered, and no more are held.
        let (give, take) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<Vec<u8>>>>(0);
        scope.spawn(move || {
            for (g, items) in items.chunks(group).enumerate() {
                let parts = rendered(g, items);
                let failed = parts.is_err();
                // The writer stopped (a write failed): nothing more is wanted.
                if give.send(parts).is_err() || failed {
                    break;
                }
            }
        });
        // On an error the receiver is dropped as this returns, which ends the renderer at its
        // next hand-over; the scope waits for it.
        for (g, parts) in take.into_iter().enumerate() {
            write(g, parts?)?;
        }
        Ok(())
    })
}

/// The chunks a group of [`write_in_parallel`] renders at once: enough to even out uneven
/// chunks over the cores.
const CHUNKS_PER_GROUP: usize = 8;

/// One group of [`write_in_parallel`]: `items`, the first of which is item `first` of the
/// whole list, rendered in chunks of `chunk` on all cores, each chunk's items in one buffer.
fn render_group<T: Sync>(
    first: usize,
    items: &[T],
    chunk: usize,
    separator: &[u8],
    render: &(impl Fn(usize, &T, &mut Vec<u8>) -> std::io::Result<()> + Sync),
) -> std::io::Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    items
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, items)| -> std::io::Result<Vec<u8>> {
            let mut part = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    part.extend_from_slice(separator);
                }
                render(first + c * chunk + i, item, &mut part)?;
                if i == 0 {
                    // Room for the chunk at the first item's size and a quarter more, rather
                    // than doubling from empty (copying the part about twice); at most
                    // `MAX_RESERVE`, so one huge first item (a finding quoting a title of
                    // megabytes) does not ask for hundreds of times its size.
                    let rest = items.len() - 1;
                    let room = (part.len() + separator.len()).saturating_mul(rest) / 4 * 5;
                    part.reserve(room.min(MAX_RESERVE));
                }
            }
            Ok(part)
        })
        .collect()
}

/// `note: 2 findings held back …`: one line saying how many rule findings were held back as
/// consequences of structural errors or unread files; `None` when none were.
pub fn held_back_line(s: &Summary, lang: Lang) -> Option<String> {
    let n = s.held_back;
    (n > 0).then(|| match lang {
        Lang::En => format!(
            "note: {n} {} held back because {} on a declaration with an error or on a file that could not be read; fix the errors above and check again",
            plural(n, "finding", "findings"),
            plural(n, "it depends", "they depend"),
        ),
        Lang::Ja => format!(
            "注: エラーのある宣言または読み込めないファイルに依存する所見 {n} 件を保留しました。上のエラーを直してから再度検査してください"
        ),
    })
}

/// `error: 1 error, 2 warnings, 0 infos in 4 files (1 plan, 3 policies, …)`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let c = s.counts;
    let kinds: Vec<String> = s
        .kinds
        .iter()
        .map(|k| format!("{} {}", sanitize::line(k.label.get(lang)), k.count))
        .collect();
    let lead = if c.errors > 0 {
        Text::new("error", "要修正")
    } else if c.warnings > 0 {
        Text::new("warning", "要確認")
    } else {
        Text::new("ok", "問題なし")
    };
    let lead = lead.get(lang);
    match lang {
        Lang::En => {
            let kinds = if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            };
            format!(
                "{lead}: {} {}, {} {}, {} {} in {} {}{kinds}",
                c.errors,
                plural(c.errors, "error", "errors"),
                c.warnings,
                plural(c.warnings, "warning", "warnings"),
                c.infos,
                plural(c.infos, "info", "infos"),
                s.files,
                plural(s.files, "file", "files"),
            )
        }
        Lang::Ja => {
            let kinds = if kinds.is_empty() {
                String::new()
            } else {
                format!(": {}", kinds.join("、"))
            };
            format!(
                "{lead}: エラー {} 件、警告 {} 件、情報 {} 件（{} ファイル{kinds}）",
                c.errors, c.warnings, c.infos, s.files,
            )
        }
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::splice_pretty;
    use serde::Serialize;

    #[derive(Serialize, Clone)]
    struct Item {
        text: String,
        empty: Vec<u8>,
        nested: Vec<Vec<&'static str>>,
        map: std::collections::BTreeMap<&'static str, usize>,
    }

    #[derive(Serialize)]
    struct Inner {
        name: &'static str,
        items: Vec<Item>,
        after: u8,
    }

    #[derive(Serialize)]
    struct Doc {
        before: &'static str,
        items: Vec<Item>,
        runs: Vec<Inner>,
        after: Option<&'static str>,
    }

    /// Items of very different sizes (a first item of 9 MiB, past the most a chunk reserves
    /// from it, then small ones, an empty one, and a second large one) come out in order with
    /// their separators, as written one after another.
    #[test]
    fn items_of_any_size_are_written_in_order() {
        let sizes: Vec<usize> = [9 << 20, 3, 0, 5, 1 << 20]
            .into_iter()
            .chain((0..1200).map(|i| i % 7))
            .collect();
        let text = |i: usize, n: usize| {
            let mut t = format!("<{i}>");
            t.push_str(&"x".repeat(n));
            t
        };
        let want: Vec<String> = sizes.iter().enumerate().map(|(i, &n)| text(i, n)).collect();
        // One group (written as rendered), and many (written while the next is rendered).
        for chunk in [512, 16, 1] {
            let mut out = Vec::new();
            super::write_in_parallel(&mut out, &sizes, chunk, b",\n", |i, &n, part| {
                part.extend_from_slice(text(i, n).as_bytes());
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
            assert!(out == want.join(",\n").as_bytes(), "chunks of {chunk}");
        }
    }

    /// A writer that fails after `left` bytes.
    struct Failing {
        written: Vec<u8>,
        left: usize,
    }

    impl std::io::Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.left {
                return Err(std::io::Error::other("disk full"));
            }
            self.left -= buf.len();
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// An error, the renderer's or the writer's, in a later group ends the writing with that
    /// error: the groups before it are written, nothing after it, and the renderer is not
    /// left running (the call returns).
    #[test]
    fn an_error_in_a_later_group_ends_the_writing() {
        let items: Vec<usize> = (0..1000).collect();
        let render = |i: usize, _: &usize, part: &mut Vec<u8>| -> std::io::Result<()> {
            if i == 700 {
                return Err(std::io::Error::other("bad item"));
            }
            part.extend_from_slice(format!("{i}").as_bytes());
            Ok(())
        };
        let mut out = Failing {
            written: Vec::new(),
            left: usize::MAX,
        };
        let err = super::write_in_parallel(&mut out, &items, 10, b",", render)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("bad item"));
        // Groups of 80 items: the nine before item 700's group are written.
        let written = String::from_utf8_lossy(&out.written).into_owned();
        assert!(
            written.ends_with(",639"),
            "{}",
            &written[written.len() - 20..]
        );

        let mut out = Failing {
            written: Vec::new(),
            left: 100,
        };
        let ok = |i: usize, _: &usize, part: &mut Vec<u8>| -> std::io::Result<()> {
            part.extend_from_slice(format!("{i}").as_bytes());
            Ok(())
        };
        let err = super::write_in_parallel(&mut out, &items, 10, b",", ok)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("disk full"));
        assert!(out.written.len() <= 100);
    }

    /// Splicing the items into a document written without them gives the bytes of the whole
    /// document written at once, at the outermost level and three levels down, with no item,
    /// one, and more than a group of chunks.
    #[test]
    fn spliced_items_are_written_as_the_whole_document_would_be() {
        let item = |i: usize| Item {
            // A decoy of the empty list's text, escaped inside a string.
            text: format!("{i} 「項目」 \"q\" \\ line\n  \"items\": []"),
            empty: Vec::new(),
            nested: if i.is_multiple_of(3) {
                vec![vec!["a", "b"], vec![]]
            } else {
                Vec::new()
            },
            map: [("k", i)].into_iter().collect(),
        };
        for n in [0, 1, 2, 513, 9000] {
            let items: Vec<Item> = (0..n).map(item).collect();
            let doc = |outer: Vec<Item>, inner: Vec<Item>| Doc {
                before: "items",
                items: outer,
                runs: vec![Inner {
                    name: "r",
                    items: inner,
                    after: 1,
                }],
                after: Some("\n  \"items\": []"),
            };
            let whole = serde_json::to_vec_pretty(&doc(items.clone(), Vec::new())).unwrap();
            let skeleton = serde_json::to_vec_pretty(&doc(Vec::new(), Vec::new())).unwrap();
            let mut out = Vec::new();
            splice_pretty(&mut out, &skeleton, "items", 1, &items, |_, i, p| {
                p.write(i)
            })
            .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole),
                "{n}"
            );

            let whole = serde_json::to_vec_pretty(&doc(Vec::new(), items.clone())).unwrap();
            let mut out = Vec::new();
            // Each item given by its index.
            splice_pretty(&mut out, &skeleton, "items", 3, &items, |i, _, p| {
                p.write(&item(i))
            })
            .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole),
                "{n}"
            );
        }
    }
}
