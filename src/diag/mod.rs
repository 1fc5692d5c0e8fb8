//! Findings: the one type every stage reports problems with, and their stable order.

pub mod code;
pub mod message;
pub mod summary;

pub use crate::base::{or_list, with_article, Lang, Span, StaticText, Substr, Text};
pub use code::Code;
pub use message::{Message, Template, Values};
use std::fmt;
use std::sync::Arc;
pub use summary::{KindCount, Summary};
pub use thin_vec::{thin_vec, ThinVec};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a finding points at, with what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    /// A text, or a template filled from values when shown (often the finding's own: the
    /// coverage rule's first related place names the source and node its help names).
    pub text: Message,
}

/// Context shown after a finding's snippet. A plan path is kept as its steps, each step the
/// text one node adds (`G1.3 “…”`) and the step above it, shared by every path that goes
/// through that node, plus the node's own ID; the steps are joined only when the note is
/// shown. The notes of 100,000 items then cost their IDs and one step per ancestor, not a copy
/// of every ancestor's title in two languages per parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    head: Arc<PathStep>,
    /// The node's ID: the model's, shared (a view into its file's text).
    tail: Option<Substr>,
}

/// One step of a plan path, or a whole note's text: what it adds after the steps above it,
/// shown with ` → ` between two.
#[derive(Debug, PartialEq, Eq)]
pub struct PathStep {
    up: Option<Arc<PathStep>>,
    what: StepText,
}

/// What a step shows. A node's step keeps views of its ID and title (the model's) and is
/// written out, in the reader's language, only when the note is shown: making one is an
/// allocation, not two strings with a copy of the title each (a step is made for every
/// ancestor of a node with a finding: tens of thousands in a large plan).
#[derive(Debug, PartialEq, Eq)]
enum StepText {
    /// The top of a path: `plan path: ID`.
    Top(Substr),
    /// A node between the top and the last: `ID “title”` (`ID 「title」`), the bare ID when
    /// it has no title.
    Titled(Substr, Option<Substr>),
    /// A text of its own (a note made from a text).
    Text(Text),
}

/// How a plan path starts, in English and Japanese.
const PATH_EN: &str = "plan path: ";
const PATH_JA: &str = "計画上の位置: ";

impl PathStep {
    /// `text` after the steps of `up` (a first step when `None`).
    pub fn new(up: Option<Arc<PathStep>>, text: Text) -> Arc<PathStep> {
        Arc::new(PathStep {
            up,
            what: StepText::Text(text),
        })
    }

    /// The top of a path, the node with this ID: `plan path: ID`.
    pub fn top(id: Substr) -> Arc<PathStep> {
        Arc::new(PathStep {
            up: None,
            what: StepText::Top(id),
        })
    }

    /// The step of a node under `up`: `ID “title”` (the bare ID without a title).
    pub fn titled(up: Arc<PathStep>, id: Substr, title: Option<Substr>) -> Arc<PathStep> {
        Arc::new(PathStep {
            up: Some(up),
            what: StepText::Titled(id, title),
        })
    }
}

impl Note {
    /// `head → tail`.
    pub fn joined(head: Arc<PathStep>, tail: impl Into<Substr>) -> Self {
        Note {
            head,
            tail: Some(tail.into()),
        }
    }

    pub fn get(&self, lang: Lang) -> std::borrow::Cow<'_, str> {
        let head = &self.head;
        if let (None, None, StepText::Text(text)) = (&head.up, &self.tail, &head.what) {
            return text.get(lang).into();
        }
        let mut out = String::new();
        head.write(lang, &mut out);
        if let Some(tail) = &self.tail {
            out.push_str(" → ");
            out.push_str(tail);
        }
        out.into()
    }
}

impl PathStep {
    /// The steps down to this one, top first (a path is at most 16 steps deep).
    fn write(&self, lang: Lang, out: &mut String) {
        if let Some(up) = &self.up {
            up.write(lang, out);
            out.push_str(" → ");
        }
        match &self.what {
            StepText::Top(id) => {
                out.push_str(lang.pick(PATH_EN, PATH_JA));
                out.push_str(id);
            }
            StepText::Titled(id, title) => {
                out.push_str(id);
                if let Some(t) = title.as_ref().filter(|t| !t.is_empty()) {
                    let (open, close) = lang.pick(("“", "”"), ("「", "」"));
                    out.push(' ');
                    out.push_str(open);
                    out.push_str(t);
                    out.push_str(close);
                }
            }
            StepText::Text(text) => out.push_str(text.get(lang)),
        }
    }
}

impl From<Text> for Note {
    fn from(text: Text) -> Self {
        Note {
            head: PathStep::new(None, text),
            tail: None,
        }
    }
}

/// Appends `x` to a finding's list, making room for as many again when it is full (for one
/// at first): most findings name one node, have one note and one related place or none, and
/// a first push would make room for four, left empty in every finding.
fn push_tight<T>(list: &mut ThinVec<T>, x: T) {
    if list.len() == list.capacity() {
        list.reserve_exact(list.len().max(1));
    }
    list.push(x);
}

/// One problem: from a syntax error to a coverage gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, `ALN` and three digits.
    pub code: Code,
    /// Kebab-case name of the code (shared, like the code, by every finding of a rule).
    pub slug: Code,
    pub severity: Severity,
    pub message: Message,
    /// The exact place the problem is.
    pub span: Span,
    /// What the primary span is, shown under it (a template over the finding's values where a
    /// rule names its own nodes in it).
    pub label: Option<Message>,
    /// Other places involved: the other end of a relation, the first declaration.
    pub labels: ThinVec<Label>,
    /// How to fix it.
    pub help: Option<Message>,
    /// IDs of the spec nodes involved, primary first (views into the files' texts, like the
    /// model's IDs).
    pub nodes: ThinVec<Substr>,
    /// The relation involved, if any (e.g. `covers`), for fingerprints: the schema's shared
    /// name.
    pub relation: Option<Code>,
    /// Context shown after the snippet, such as the plan path above the node (shared: every
    /// finding on a node holds the one note of its plan path).
    pub notes: ThinVec<Note>,
}

impl Finding {
    pub fn new(
        code: impl Into<Code>,
        slug: impl Into<Code>,
        severity: Severity,
        span: Span,
        message: impl Into<Message>,
    ) -> Self {
        Finding {
            code: code.into(),
            slug: slug.into(),
            severity,
            message: message.into(),
            span,
            label: None,
            labels: ThinVec::new(),
            help: None,
            nodes: ThinVec::new(),
            relation: None,
            notes: ThinVec::new(),
        }
    }

    /// A finding of nothing, a place to move a finding into (see [`crate::base::join_parts`]):
    /// it holds no memory of its own (its empty message is this thread's one).
    pub(crate) fn blank() -> Self {
        thread_local! {
            static NOTHING: Arc<Text> = Arc::new(Text::same(""));
        }
        Finding::new(
            Code::empty(),
            Code::empty(),
            Severity::Info,
            Span::new(crate::base::FileId(0), 0, 0),
            Message::Text(NOTHING.with(Arc::clone)),
        )
    }

    /// A finding for a built-in code of [`code::CODES`], with its registered slug and severity.
    pub fn builtin(code: &code::CodeInfo, span: Span, message: impl Into<Message>) -> Self {
        Finding::new(code.code, code.slug, code.severity, span, message)
    }

    #[must_use]
    pub fn with_label(mut self, text: impl Into<Message>) -> Self {
        self.label = Some(text.into());
        self
    }

    #[must_use]
    pub fn with_secondary(mut self, span: Span, text: impl Into<Message>) -> Self {
        push_tight(
            &mut self.labels,
            Label {
                span,
                text: text.into(),
            },
        );
        self
    }

    /// The values of the finding's message when it is a template (shared with its help, and
    /// with related places that are templates over the same values).
    pub fn values(&self) -> Option<&Arc<Values>> {
        match &self.message {
            Message::Template(_, values) => Some(values),
            Message::Text(_) => None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<Message>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the node `id` (the model's ID, shared: no copy).
    #[must_use]
    pub fn with_node(mut self, id: &Substr) -> Self {
        push_tight(&mut self.nodes, id.clone());
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<Note>) -> Self {
        push_tight(&mut self.notes, note.into());
        self
    }

    #[must_use]
    pub fn with_relation(mut self, relation: impl Into<Code>) -> Self {
        self.relation = Some(relation.into());
        self
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding's lists are allocated for what they hold: one related place, one node, one
    /// note take room for one each; more grow by doubling and keep every element in order.
    #[test]
    fn a_finding_makes_room_for_one_related_place_node_and_note() {
        let span = Span::new(crate::base::span::FileId(0), 0, 1);
        let id = Substr::from("I1");
        let f = Finding::new("ALN101", "x", Severity::Error, span, Text::same("m"))
            .with_secondary(span, Text::same("a"))
            .with_node(&id)
            .with_note(Text::same("n"));
        assert_eq!(
            (f.labels.capacity(), f.nodes.capacity(), f.notes.capacity()),
            (1, 1, 1)
        );
        let f = (0..5).fold(f, |f, i| f.with_secondary(span, Text::same(i.to_string())));
        let texts: Vec<String> = f.labels.iter().map(|l| l.text.en().into_owned()).collect();
        assert_eq!(texts, ["a", "0", "1", "2", "3", "4"]);
        assert_eq!(f.labels.capacity(), 8);
    }

    /// A run at 100,000 items holds about 60,000 findings at once (twice, while the rules'
    /// vectors are joined): their size is memory per finding. Code, slug and relation are one
    /// pointer each, and the lists (most empty or of one element) one pointer each too. The
    /// primary label is an optional message, like the help (24 bytes: a template and the
    /// finding's values, and the tag), 16 bytes more than a pointer to a text of its own, which
    /// cost each finding of the measurement-scope rule about 150 bytes and three allocations.
    #[test]
    fn a_finding_is_at_most_128_bytes() {
        assert_eq!(std::mem::size_of::<Code>(), 8);
        assert!(std::mem::size_of::<Finding>() <= 128);
    }

    /// A plan path is written top first with ` → ` between its steps and the node's ID last,
    /// in the language asked for; two notes through the same steps share them and read alike;
    /// a note of one text reads as that text.
    #[test]
    fn notes_join_their_steps_top_first() {
        let top = PathStep::new(None, Text::new("plan path: V1", "計画上の位置: V1"));
        let goal = PathStep::new(Some(Arc::clone(&top)), Text::new("G1 “Goal”", "G1「目標」"));
        let item = Note::joined(Arc::clone(&goal), "I1");
        assert_eq!(item.get(Lang::En), "plan path: V1 → G1 “Goal” → I1");
        assert_eq!(item.get(Lang::Ja), "計画上の位置: V1 → G1「目標」 → I1");
        let under_top = Note::joined(Arc::clone(&top), "G2");
        assert_eq!(under_top.get(Lang::En), "plan path: V1 → G2");
        assert_eq!(Note::joined(goal, "I1"), item);
        assert_ne!(Note::joined(top, "I1"), item);
        let whole = Note::from(Text::new("plan path: A → B", "計画上の位置: A → B"));
        assert_eq!(whole.get(Lang::Ja), "計画上の位置: A → B");
    }
}
