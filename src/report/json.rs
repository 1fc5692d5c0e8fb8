//! JSON output (`align check --format json`): one versioned document, described by
//! docs/json-schema.json and docs/json.md.
//!
//! Findings keep the one stable order (file, offset, code); every span is given as file,
//! 1-based line and column in characters, and byte offsets.

use super::location::Location;
use super::Input;
use crate::baseline::{self, Entry};
use indexmap::IndexMap;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// The `format` field of the document.
pub const FORMAT: &str = "align-check";
/// The document's version; raised on any incompatible change.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    tool: Tool,
    rule_set: &'a str,
    lang: &'static str,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// One finding, borrowing its texts from it (written once, straight into the output).
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    slug: &'a str,
    severity: &'static str,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    label: Option<&'a str>,
    nodes: &'a [String],
    relation: Option<&'a str>,
    fingerprint: String,
    location: Location<'a>,
    related: Vec<Related<'a>>,
    notes: Vec<Cow<'a, str>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
    files: usize,
    kinds: IndexMap<String, usize>,
    /// Rule findings held back as consequences of structural errors (not in `findings`).
    held_back: usize,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    matched: usize,
    gone: &'a [Entry],
}

/// Writes the document for `findings` (already sorted) and a final newline.
pub fn render(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::buffered(out, |out| render_unbuffered(input, out))
}

fn render_unbuffered(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    let Input {
        findings,
        sources,
        summary,
        lang,
        ..
    } = *input;
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        rule_set: input.rule_set_name(),
        lang: input.lang_tag(),
        findings: Vec::new(),
        summary: JsonSummary {
            errors: summary.counts.errors,
            warnings: summary.counts.warnings,
            infos: summary.counts.infos,
            files: summary.files,
            held_back: summary.held_back,
            kinds: summary
                .kinds
                .iter()
                .map(|k| (k.name.clone(), k.count))
                .collect(),
        },
        baseline: input.baseline.map(|b| JsonBaseline {
            file: &b.file,
            matched: b.matched,
            gone: &b.gone,
        }),
    };
    let skeleton = serde_json::to_vec_pretty(&doc).map_err(io::Error::from)?;
    super::splice_pretty(out, &skeleton, "findings", 1, findings, |_, f, pretty| {
        let (buf, depth) = pretty.into_parts();
        let mut w = PrettyJson::new(buf, depth);
        w.finding(&JsonFinding {
            code: &f.code,
            slug: &f.slug,
            severity: f.severity.as_str(),
            message: f.message.get(lang),
            help: f.help.as_ref().map(|h| h.get(lang)),
            label: f.label.as_ref().map(|l| l.get(lang)),
            nodes: &f.nodes,
            relation: f.relation.as_deref(),
            fingerprint: baseline::fingerprint(f, sources),
            location: Location::of(f.span, sources),
            related: f
                .labels
                .iter()
                .map(|l| Related {
                    message: l.text.get(lang),
                    location: Location::of(l.span, sources),
                })
                .collect(),
            notes: f.notes.iter().map(|n| n.get(lang)).collect(),
        });
        Ok(())
    })?;
    writeln!(out)
}

/// A finding written as `serde_json::to_writer_pretty` writes [`JsonFinding`] at a depth of
/// the document, by hand: keys written out with their quotes, numbers and indentation without
/// the formatter's calls (JSON output at 10k: about 27,000 instructions a finding through
/// serde, 20,600 so). `tests::findings_are_written_as_serde_json_writes_them` compares the two
/// on findings of every shape and on every character that JSON escapes.
pub(super) struct PrettyJson<'a> {
    out: &'a mut Vec<u8>,
    /// The nesting level, counting the levels the value is written under.
    level: usize,
    /// Whether the object or array being written has a value yet.
    has_value: bool,
}

/// What each byte of a string is escaped as after a `\\` (`u`: `\\u00XX`); 0 when it is
/// written as it is. `serde_json`'s table.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

impl<'a> PrettyJson<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>, depth: usize) -> Self {
        PrettyJson {
            out,
            level: depth,
            has_value: false,
        }
    }

    fn indent(&mut self) {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = 2 * self.level;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.extend_from_slice(&SPACES[..k]);
            n -= k;
        }
    }

    pub(super) fn open(&mut self, bracket: u8) {
        self.level += 1;
        self.has_value = false;
        self.out.push(bracket);
    }

    pub(super) fn close(&mut self, bracket: u8) {
        self.level -= 1;
        if self.has_value {
            self.out.push(b'\n');
            self.indent();
        }
        self.out.push(bracket);
        // The value this closes is written: the one it is in has a value.
        self.has_value = true;
    }

    /// `"key": ` (given written out, quoted, with its colon and space) as the first entry of
    /// its object or a later one.
    pub(super) fn key(&mut self, first: bool, quoted: &[u8]) {
        self.out
            .extend_from_slice(if first { b"\n" } else { b",\n" });
        self.indent();
        self.out.extend_from_slice(quoted);
        self.has_value = true;
    }

    /// Bytes as they are (a map's `": "` between a key written as a string and its value).
    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub(super) fn element(&mut self, first: bool) {
        self.out
            .extend_from_slice(if first { b"\n" } else { b",\n" });
        self.indent();
        self.has_value = true;
    }

    /// A JSON string, escaped as `serde_json` escapes it: `"`, `\\`, and the C0 controls
    /// (`\b`, `\t`, `\n`, `\f`, `\r` by name, others as `\u00XX` in lower-case hex).
    pub(super) fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let named = ESCAPE[usize::from(b)];
            if named == 0 {
                continue;
            }
            self.out.extend_from_slice(&bytes[run..i]);
            run = i + 1;
            self.out.push(b'\\');
            self.out.push(named);
            if named == b'u' {
                self.out.extend_from_slice(b"00");
                self.out.push(HEX[usize::from(b >> 4)]);
                self.out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        self.out.extend_from_slice(&bytes[run..]);
        self.out.push(b'"');
    }

    pub(super) fn number(&mut self, mut n: usize) {
        // Digits from the last, into a buffer as long as the longest `usize`.
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            // A digit: `n % 10` is below 10.
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    pub(super) fn optional(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    pub(super) fn strings<S: AsRef<str>>(&mut self, items: &[S]) {
        self.open(b'[');
        for (i, s) in items.iter().enumerate() {
            self.element(i == 0);
            self.string(s.as_ref());
        }
        self.close(b']');
    }

    fn position(&mut self, p: &super::location::Position) {
        self.open(b'{');
        self.key(true, b"\"line\": ");
        self.number(p.line);
        self.key(false, b"\"column\": ");
        self.number(p.column);
        self.key(false, b"\"offset\": ");
        self.number(p.offset);
        self.close(b'}');
    }

    fn location(&mut self, l: &Location<'_>) {
        self.open(b'{');
        self.key(true, b"\"file\": ");
        self.string(l.file);
        self.key(false, b"\"start\": ");
        self.position(&l.start);
        self.key(false, b"\"end\": ");
        self.position(&l.end);
        self.close(b'}');
    }

    fn finding(&mut self, f: &JsonFinding<'_>) {
        self.open(b'{');
        self.key(true, b"\"code\": ");
        self.string(f.code);
        self.key(false, b"\"slug\": ");
        self.string(f.slug);
        self.key(false, b"\"severity\": ");
        self.string(f.severity);
        self.key(false, b"\"message\": ");
        self.string(&f.message);
        self.key(false, b"\"help\": ");
        self.optional(f.help.as_deref());
        self.key(false, b"\"label\": ");
        self.optional(f.label);
        self.key(false, b"\"nodes\": ");
        self.strings(f.nodes);
        self.key(false, b"\"relation\": ");
        self.optional(f.relation);
        self.key(false, b"\"fingerprint\": ");
        self.string(&f.fingerprint);
        self.key(false, b"\"location\": ");
        self.location(&f.location);
        self.key(false, b"\"related\": ");
        self.open(b'[');
        for (i, r) in f.related.iter().enumerate() {
            self.element(i == 0);
            self.open(b'{');
            self.key(true, b"\"message\": ");
            self.string(r.message);
            self.key(false, b"\"location\": ");
            self.location(&r.location);
            self.close(b'}');
        }
        self.close(b']');
        self.key(false, b"\"notes\": ");
        self.strings(&f.notes);
        self.close(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::super::location::Position;
    use super::super::Pretty;
    use super::*;

    fn location(file: &str, n: usize) -> Location<'_> {
        Location {
            file,
            start: Position {
                line: n + 1,
                column: n % 7 + 1,
                offset: n * 13,
            },
            end: Position {
                line: n + 2,
                column: 1,
                offset: usize::MAX - n,
            },
        }
    }

    /// What `serde_json` writes for `f` at `depth`, and what [`PrettyJson`] writes.
    fn both(f: &JsonFinding<'_>, depth: usize) -> (String, String) {
        let mut theirs = Vec::new();
        Pretty {
            out: &mut theirs,
            depth,
        }
        .write(f)
        .expect("serialized");
        let mut ours = Vec::new();
        PrettyJson::new(&mut ours, depth).finding(f);
        (
            String::from_utf8_lossy(&theirs).into_owned(),
            String::from_utf8_lossy(&ours).into_owned(),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Any texts (every C0 control, quotes, backslashes, DEL, non-ASCII), any number of
        /// nodes, related places and notes, optional fields present or not, at any depth: the
        /// bytes `serde_json` writes.
        #[test]
        fn findings_are_written_as_serde_json_writes_them(
            texts in proptest::collection::vec("[\\x00-\\x1f\"\\\\/a-z \\x7f医療“”\\u{2028}]{0,12}", 8),
            nodes in proptest::collection::vec("[A-Za-z0-9.\"\\\\]{0,6}", 0..4),
            related in 0usize..4,
            notes in proptest::collection::vec("[a-z\\n\\t→]{0,8}", 0..3),
            some in proptest::collection::vec(proptest::bool::ANY, 3),
            depth in 0usize..4,
            n in 0usize..100_000,
        ) {
            let f = JsonFinding {
                code: &texts[0],
                slug: &texts[1],
                severity: "warning",
                message: Cow::Borrowed(&texts[2]),
                help: some[0].then(|| Cow::Borrowed(texts[3].as_str())),
                label: some[1].then_some(texts[4].as_str()),
                nodes: &nodes,
                relation: some[2].then_some(texts[5].as_str()),
                fingerprint: texts[6].clone(),
                location: location(&texts[7], n),
                related: (0..related)
                    .map(|i| Related {
                        message: &texts[i],
                        location: location(&texts[7 - i], n + i),
                    })
                    .collect(),
                notes: notes.iter().map(|s| Cow::Borrowed(s.as_str())).collect(),
            };
            let (theirs, ours) = both(&f, depth);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
