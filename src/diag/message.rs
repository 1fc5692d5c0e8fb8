//! A finding's message and help: a text written when the finding is made, or a rule's template
//! with the values of its placeholders, filled only when a renderer shows it and only in the
//! language it shows. Most findings come from rule templates, and most are never shown in both
//! languages (`--quiet`, a baseline, the language server's unchanged files show none): filling
//! four texts per finding up front was a third of the work of the longest rule.

use crate::base::{Lang, StaticText, Text};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use thin_vec::ThinVec;

/// A message, help or related place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Written out in both languages, behind a pointer (a finding holds two messages, and
    /// most are templates, two pointers wide, which a `Text` inline would make three times as
    /// wide), shared where a rule gives many findings the same text (the program that covers
    /// a goal but misses its items' topics is named on every item under the goal).
    Text(Arc<Text>),
    /// A template in both languages (shared by a rule's findings) and its values (shared by
    /// a finding's message and help).
    Template(Arc<Template>, Arc<Values>),
}

impl Message {
    /// The text in `lang`, filled now if it is a template.
    pub fn get(&self, lang: Lang) -> Cow<'_, str> {
        match self {
            Message::Text(t) => Cow::Borrowed(t.get(lang)),
            Message::Template(t, values) => Cow::Owned(values.fill_template(t, lang)),
        }
    }

    /// The English text (what fingerprints and tests read).
    pub fn en(&self) -> Cow<'_, str> {
        self.get(Lang::En)
    }

    /// Both languages, written out.
    pub fn to_text(&self) -> Text {
        match self {
            Message::Text(t) => Text::clone(t),
            Message::Template(..) => Text::new(self.get(Lang::En), self.get(Lang::Ja)),
        }
    }
}

impl From<Text> for Message {
    fn from(text: Text) -> Self {
        Message::Text(Arc::new(text))
    }
}

impl From<Arc<Text>> for Message {
    fn from(text: Arc<Text>) -> Self {
        Message::Text(text)
    }
}

/// A rule's template in both languages, shared by its findings, with where its placeholders
/// are and which names they are worked out once, for the names of the values it is filled
/// from, rather than searched for and looked up by name at every fill (a third of writing a
/// finding as JSON).
#[derive(Debug)]
pub struct Template {
    text: Text,
    pieces: OnceLock<Pieces>,
}

/// A template's pieces in each language, for one list of names.
#[derive(Debug)]
struct Pieces {
    names: Names,
    en: Box<[Piece]>,
    ja: Box<[Piece]>,
}

/// A piece of a template: text as written (a range of the template), or a placeholder `{…}`.
#[derive(Clone, Copy, Debug)]
enum Piece {
    Text(u32, u32),
    /// The index of the placeholder's name in the names (`None`: not one of them), and where
    /// its `{` is.
    Name(Option<u32>, u32),
}

impl Template {
    pub fn new(text: Text) -> Template {
        Template {
            text,
            pieces: OnceLock::new(),
        }
    }

    /// The pieces of the template for `names`, if it was first filled from those names.
    fn pieces(&self, names: &Names, lang: Lang) -> Option<&[Piece]> {
        let pieces = self.pieces.get_or_init(|| Pieces {
            names: Arc::clone(names),
            en: Piece::split(&self.text.en, names),
            ja: Piece::split(&self.text.ja, names),
        });
        Arc::ptr_eq(&pieces.names, names).then_some(match lang {
            Lang::En => &*pieces.en,
            Lang::Ja => &*pieces.ja,
        })
    }

    /// The template in both languages with `values[i]` for the `i`-th of `names` (in both
    /// languages): what [`fill`] writes with those values, from the template's pieces when
    /// they were worked out for `names` (the template is then for this use only).
    pub fn written(&self, names: &Names, values: &[&str]) -> Text {
        let value = |name: &str| {
            let i = names.iter().position(|n| **n == *name)?;
            values.get(i).copied()
        };
        let at = |i: usize| values.get(i).map(|v| Value::Text(v));
        let named = |name: &str| value(name).map(Value::Text);
        let one = |lang: Lang| {
            let text = self.text.get(lang);
            let Some(split) = self.pieces(names, lang) else {
                return fill(text, value);
            };
            // Measured, then written into a string of exactly its size, as `fill` does.
            let mut len = 0;
            split_pieces(text, split, at, &named, false, &mut |piece| {
                len += piece.len();
            });
            let mut out = String::with_capacity(len);
            split_pieces(text, split, at, &named, false, &mut |piece| {
                out.push_str(piece);
            });
            out
        };
        Text::new(one(Lang::En), one(Lang::Ja))
    }
}

impl std::ops::Deref for Template {
    type Target = Text;

    fn deref(&self) -> &Text {
        &self.text
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.text == other.text
    }
}

impl Eq for Template {}

impl Piece {
    /// `template` in pieces as [`pieces`] reads it: each `{` up to the next `}` is a
    /// placeholder (a `{` with no `}` after it is text).
    fn split(template: &str, names: &[Box<str>]) -> Box<[Piece]> {
        let bytes = template.as_bytes();
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(open) = memchr::memchr(b'{', bytes.get(from..).unwrap_or_default()) {
            let open = from + open;
            let Some(close) = memchr::memchr(b'}', bytes.get(open + 1..).unwrap_or_default())
            else {
                break;
            };
            let close = open + 1 + close;
            if from < open {
                out.push(Piece::Text(at(from), at(open)));
            }
            let name = template.get(open + 1..close).unwrap_or_default();
            let index = names.iter().position(|n| **n == *name);
            out.push(Piece::Name(index.map(at), at(open)));
            from = close + 1;
        }
        if from < template.len() {
            out.push(Piece::Text(at(from), at(template.len())));
        }
        out.into_boxed_slice()
    }
}

/// The placeholder names a rule's templates can have, in a fixed order, shared by the
/// [`Values`] of all its findings (each finding keeps only offsets per name, not the names).
pub type Names = Arc<[Box<str>]>;

/// The values of a template's placeholders in both languages, kept in one string.
#[derive(Debug, PartialEq, Eq)]
pub struct Values {
    names: Names,
    text: Box<str>,
    /// Per name of `names`, the ends of its English and Japanese values in `text`: English
    /// from the end of the previous value to the first, Japanese from there to the second, or
    /// the English value when the second is [`SAME`]; no value when the first is [`NONE`].
    ends: Box<[[End; 2]]>,
    /// The values that are clauses (see [`Values::with_clauses`]): a name whose first end is
    /// [`CLAUSE`] has the clause its second end indexes here.
    clauses: ThinVec<&'static StaticText>,
}

/// Where a name of [`Names`] takes its value from (see [`Values::slots`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The value of that index.
    Value(usize),
    /// The clause of that index.
    Clause(usize),
    None,
}

/// An offset in a finding's value text: 16 bits, as a finding's values (IDs, a list of topics)
/// are a few dozen bytes, and every name of its rule has two ends (with 32-bit ends, 120 of a
/// coverage finding's about 200 bytes of values). A finding whose values are longer is
/// written out instead (see [`Values::from_slots`]).
type End = u16;

/// A name without a value.
const NONE: End = End::MAX;
/// A Japanese value that reads as the English one (most are one string passed twice).
const SAME: End = End::MAX;
/// A name whose value is a clause.
const CLAUSE: End = End::MAX - 1;

/// A value as a template reads it.
#[derive(Clone, Copy)]
enum Value<'a> {
    Text(&'a str),
    /// A template of its own, filled from the same values.
    Clause(&'static str),
}

impl Default for Values {
    fn default() -> Self {
        Values {
            names: Arc::from(Vec::new()),
            text: Box::default(),
            ends: Box::default(),
            clauses: ThinVec::new(),
        }
    }
}

impl Values {
    /// The values `(name, English, Japanese)`, in order (the first of two with one name is the
    /// one used, as when filling from the list). `None` if their text does not fit 16-bit
    /// offsets. (Rules use [`Values::with_clauses`] with their shared names.)
    #[cfg(test)]
    pub fn new(vars: &[(&'static str, &str, &str)]) -> Option<Values> {
        let mut names: Vec<Box<str>> = Vec::with_capacity(vars.len());
        for (name, _, _) in vars {
            if !names.iter().any(|n| **n == **name) {
                names.push((*name).into());
            }
        }
        Values::with_names(&Arc::from(names), vars)
    }

    /// The values of `vars` for `names` only (a rule's names, shared by its findings: the
    /// values of names its templates do not have are not kept). `None` if their text does not
    /// fit 16-bit offsets.
    #[cfg(test)]
    pub fn with_names(names: &Names, vars: &[(&'static str, &str, &str)]) -> Option<Values> {
        Values::with_clauses(names, vars, &[])
    }

    /// [`Values::with_names`], and values that are clauses: a static template in both
    /// languages, filled from the same values where a template names it (one level: a clause
    /// in a clause is left as written). A clause's fixed words are then not copied into every
    /// finding, only the values it names (`", or add one of them to the `{skey}` of {sid}"`:
    /// two IDs and a key, not the sentence twice). A name in both `vars` and `clauses` has its
    /// value in `vars`.
    pub fn with_clauses(
        names: &Names,
        vars: &[(&'static str, &str, &str)],
        clauses: &[(&'static str, &'static StaticText)],
    ) -> Option<Values> {
        Values::from_slots(names, &Values::slots(names, vars, clauses), vars, clauses)
    }

    /// Where each of `names` takes its value from among `vars` and `clauses` (see
    /// [`Values::with_clauses`]): the same for every list of values with the same names in
    /// the same order, so a caller making many can work it out once ([`Values::from_slots`]).
    pub fn slots(
        names: &Names,
        vars: &[(&'static str, &str, &str)],
        clauses: &[(&'static str, &'static StaticText)],
    ) -> Vec<Slot> {
        names
            .iter()
            .map(|n| {
                let var = vars.iter().position(|(v, _, _)| **v == **n);
                let clause = || clauses.iter().position(|(c, _)| **c == **n);
                match (var, var.is_none().then(clause).flatten()) {
                    (Some(i), _) => Slot::Value(i),
                    (None, Some(i)) => Slot::Clause(i),
                    (None, None) => Slot::None,
                }
            })
            .collect()
    }

    /// [`Values::with_clauses`] with the places of the values worked out by [`Values::slots`]
    /// for `names` and values with the names of `vars` and `clauses`.
    pub fn from_slots(
        names: &Names,
        slots: &[Slot],
        vars: &[(&'static str, &str, &str)],
        clauses: &[(&'static str, &'static StaticText)],
    ) -> Option<Values> {
        let same = |en: &str, ja: &str| std::ptr::eq(en, ja) || en == ja;
        let var = |slot: &Slot| match *slot {
            Slot::Value(i) => vars.get(i),
            _ => None,
        };
        let len: usize = slots
            .iter()
            .filter_map(var)
            .map(|(_, en, ja)| en.len() + if same(en, ja) { 0 } else { ja.len() })
            .sum();
        // Every end is below `CLAUSE` (and `NONE`, `SAME`).
        if End::try_from(len).ok()? >= CLAUSE {
            return None;
        }
        let mut text = String::with_capacity(len);
        let mut kept = ThinVec::new();
        let at = |s: &String| End::try_from(s.len()).unwrap_or(NONE);
        let ends = slots
            .iter()
            .map(|slot| match (slot, var(slot)) {
                (_, Some((_, en, ja))) => {
                    text.push_str(en);
                    let e = at(&text);
                    if same(en, ja) {
                        [e, SAME]
                    } else {
                        text.push_str(ja);
                        [e, at(&text)]
                    }
                }
                (&Slot::Clause(i), None) => match clauses.get(i) {
                    Some(&(_, clause)) => {
                        kept.push(clause);
                        [CLAUSE, End::try_from(kept.len() - 1).unwrap_or(NONE)]
                    }
                    None => [NONE, NONE],
                },
                _ => [NONE, NONE],
            })
            .collect();
        Some(Values {
            names: Arc::clone(names),
            text: text.into_boxed_str(),
            ends,
            clauses: kept,
        })
    }

    /// The value of `name` in `lang` (`None` for a clause: see [`Values::fill`]).
    pub fn get(&self, name: &str, lang: Lang) -> Option<&str> {
        match self.value(name, lang)? {
            Value::Text(t) => Some(t),
            Value::Clause(_) => None,
        }
    }

    fn value(&self, name: &str, lang: Lang) -> Option<Value<'_>> {
        let i = self.names.iter().position(|n| **n == *name)?;
        self.value_at(i, lang)
    }

    /// The value of the `i`-th name.
    fn value_at(&self, i: usize, lang: Lang) -> Option<Value<'_>> {
        let [en, ja] = *self.ends.get(i)?;
        match en {
            NONE => None,
            CLAUSE => Some(Value::Clause(self.clauses.get(ja as usize)?.get(lang))),
            _ => {
                let (from, to) = match (lang, ja) {
                    (Lang::Ja, ja) if ja != SAME => (en, ja),
                    // The value starts where the last value before it with a text ends.
                    _ => (self.text_end_before(i), en),
                };
                self.text.get(from as usize..to as usize).map(Value::Text)
            }
        }
    }

    /// Where the text of the values before the `i`-th name ends.
    fn text_end_before(&self, i: usize) -> End {
        self.ends[..i]
            .iter()
            .rev()
            .find(|[en, _]| *en != NONE && *en != CLAUSE)
            .map_or(0, |&[en, ja]| if ja == SAME { en } else { ja })
    }

    /// `template` in `lang` filled with these values, and each clause it names with them in
    /// turn (see [`fill`] for placeholders without a value).
    pub fn fill(&self, template: &str, lang: Lang) -> String {
        let mut out = self.room(template, lang);
        pieces(
            template,
            &|name| self.value(name, lang),
            true,
            &mut |piece| out.push_str(piece),
        );
        out
    }

    /// An empty string with room for `template` filled with these values: one pass writes it
    /// (a clause's text is at most the value text again).
    fn room(&self, template: &str, lang: Lang) -> String {
        let clauses: usize = self.clauses.iter().map(|c| c.get(lang).len()).sum();
        String::with_capacity(template.len() + clauses + 2 * self.text.len())
    }

    /// [`Values::fill`] of a shared template, from its pieces when they were worked out for
    /// these values' names: the same text.
    pub fn fill_template(&self, template: &Template, lang: Lang) -> String {
        let text = template.text.get(lang);
        let Some(split) = template.pieces(&self.names, lang) else {
            return self.fill(text, lang);
        };
        let mut out = self.room(text, lang);
        split_pieces(
            text,
            split,
            |i| self.value_at(i, lang),
            &|name| self.value(name, lang),
            true,
            &mut |piece| out.push_str(piece),
        );
        out
    }
}

/// `text` given piece by piece from `split` (its pieces for the names `at` answers by index):
/// what [`pieces`] gives with `named` answering by name. A placeholder without a value is
/// left as written and the rest read on from inside it, as `pieces` does.
fn split_pieces<'a>(
    text: &'a str,
    split: &[Piece],
    at: impl Fn(usize) -> Option<Value<'a>>,
    named: &impl Fn(&str) -> Option<Value<'a>>,
    clauses: bool,
    piece: &mut impl FnMut(&'a str),
) {
    for &p in split {
        match p {
            Piece::Text(a, b) => piece(text.get(a as usize..b as usize).unwrap_or("")),
            Piece::Name(i, open) => match i.and_then(|i| at(i as usize)) {
                Some(Value::Text(v)) => piece(v),
                Some(Value::Clause(c)) if clauses => pieces(c, named, false, piece),
                _ => {
                    piece("{");
                    let rest = text.get(open as usize + 1..).unwrap_or("");
                    pieces(rest, named, clauses, piece);
                    return;
                }
            },
        }
    }
}

/// Every name [`fill`] may look up in `template`: the text between each `{` and the next `}`
/// (in `{a{id}`, both `a{id` and `id`).
pub fn names(template: &str) -> impl Iterator<Item = &str> {
    template.match_indices('{').filter_map(|(open, _)| {
        let after = &template[open + 1..];
        after.find('}').map(|close| &after[..close])
    })
}

/// Replaces the `{name}` placeholders of `template` whose value `value` knows; others are left
/// as written.
pub fn fill<'a>(template: &'a str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let value = |name: &str| value(name).map(Value::Text);
    // Two passes over the template: the first measures the text, so the second writes it into
    // a string of exactly its size.
    let mut len = 0;
    pieces(template, &value, false, &mut |piece| len += piece.len());
    let mut out = String::with_capacity(len);
    pieces(template, &value, false, &mut |piece| out.push_str(piece));
    out
}

/// The pieces of `template` filled by `value`, in order: the text between placeholders, the
/// values of known placeholders, unknown ones as written. A value that is a clause is filled
/// in turn from the same values when `clauses` (one level: a clause in a clause is left as
/// written).
fn pieces<'a>(
    template: &'a str,
    value: &impl Fn(&str) -> Option<Value<'a>>,
    clauses: bool,
    piece: &mut impl FnMut(&'a str),
) {
    let mut rest = template;
    // `{` and `}` are ASCII: a byte found is never inside a multi-byte character.
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        piece(&rest[..open]);
        let after = &rest[open + 1..];
        let known = memchr::memchr(b'}', after.as_bytes()).and_then(|close| {
            match value(&after[..close])? {
                Value::Clause(_) if !clauses => None,
                v => Some((close, v)),
            }
        });
        match known {
            Some((close, Value::Text(v))) => {
                piece(v);
                rest = &after[close + 1..];
            }
            Some((close, Value::Clause(c))) => {
                pieces(c, value, false, piece);
                rest = &after[close + 1..];
            }
            None => {
                piece("{");
                rest = after;
            }
        }
    }
    piece(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(en: &str, ja: &str, vars: &[(&'static str, &str, &str)]) -> Message {
        let values = Values::new(vars).unwrap_or_default();
        Message::Template(Arc::new(Template::new(Text::new(en, ja))), Arc::new(values))
    }

    #[test]
    fn a_template_is_filled_in_the_language_asked_and_leaves_unknown_placeholders() {
        let m = template(
            "item {id} “{title}” {nope} {",
            "事項 {id}「{title}」{nope} {",
            &[
                ("id", "I1", "I1"),
                ("title", "Trials", "治験"),
                ("id", "X", "X"),
            ],
        );
        assert_eq!(m.get(Lang::En), "item I1 “Trials” {nope} {");
        assert_eq!(m.get(Lang::Ja), "事項 I1「治験」{nope} {");
        assert_eq!(m.to_text().ja, "事項 I1「治験」{nope} {");
        // `{{id}`: the first brace is text, the second opens the placeholder.
        let m = template("{{id}}", "{{id}}", &[("id", "I1", "I1")]);
        assert_eq!(m.get(Lang::En), "{I1}");
    }

    #[test]
    fn values_keep_one_copy_of_a_value_read_alike() {
        let v = Values::new(&[("id", "I1", "I1"), ("kind", "item", "事項")]).unwrap_or_default();
        assert_eq!(&*v.text, "I1item事項");
        assert_eq!(v.get("id", Lang::Ja), Some("I1"));
        assert_eq!(v.get("kind", Lang::En), Some("item"));
        assert_eq!(v.get("kind", Lang::Ja), Some("事項"));
        assert_eq!(v.get("unused", Lang::En), None);
    }

    #[test]
    fn values_for_shared_names_keep_only_those_names_and_every_value_as_given() {
        let names: Names = ["kind", "gone", "id", "empty", "note", "a{id"]
            .into_iter()
            .map(Box::from)
            .collect();
        let v = Values::with_names(
            &names,
            &[
                ("id", "I1", "I1"),
                ("kind", "item", "事項"),
                ("unused", "x", "y"),
                ("empty", "", "空"),
                ("note", "n", ""),
                ("id", "I2", "I2"),
            ],
        )
        .unwrap_or_default();
        // One copy of a value read alike; nothing of a name the rule does not have.
        assert_eq!(&*v.text, "item事項I1空n");
        for (name, en, ja) in [
            ("kind", Some("item"), Some("事項")),
            ("id", Some("I1"), Some("I1")),
            ("empty", Some(""), Some("空")),
            ("note", Some("n"), Some("")),
            ("gone", None, None),
            ("a{id", None, None),
            ("unused", None, None),
        ] {
            assert_eq!(v.get(name, Lang::En), en, "{name}");
            assert_eq!(v.get(name, Lang::Ja), ja, "{name}");
        }
        let m = Message::Template(
            Arc::new(Template::new(Text::new(
                "{kind} {id}{note}",
                "{kind}{empty}{id}",
            ))),
            Arc::new(v),
        );
        assert_eq!(m.get(Lang::En), "item I1n");
        assert_eq!(m.get(Lang::Ja), "事項空I1");
    }

    /// A clause is filled from the same values where a template names it, in the language
    /// asked; a clause named in a clause, and a name without a value, are left as written; a
    /// value given as text wins over a clause of the same name.
    #[test]
    fn clauses_are_filled_from_the_values_one_level_deep() {
        static HINT: StaticText = StaticText {
            en: ", or link {sid} ({nested}, {missing})",
            ja: "。または {sid} を結ぶ（{nested}）",
        };
        static NESTED: StaticText = StaticText {
            en: "{hint}",
            ja: "{hint}",
        };
        static SHADOWED: StaticText = StaticText {
            en: "clause",
            ja: "句",
        };
        let names: Names = ["id", "hint", "sid", "nested", "both"]
            .into_iter()
            .map(Box::from)
            .collect();
        let v = Values::with_clauses(
            &names,
            &[
                ("id", "I1", "I1"),
                ("sid", "P1", "P1"),
                ("both", "text", "文"),
            ],
            &[("hint", &HINT), ("nested", &NESTED), ("both", &SHADOWED)],
        )
        .unwrap_or_default();
        // Only the values given as text are copied.
        assert_eq!(&*v.text, "I1P1text文");
        assert_eq!(v.get("hint", Lang::En), None);
        let m = Message::Template(
            Arc::new(Template::new(Text::new(
                "add {id}{hint} [{both}]",
                "{id} を追加{hint}[{both}]",
            ))),
            Arc::new(v),
        );
        assert_eq!(
            m.get(Lang::En),
            "add I1, or link P1 ({nested}, {missing}) [text]"
        );
        assert_eq!(
            m.get(Lang::Ja),
            "I1 を追加。または P1 を結ぶ（{nested}）[文]"
        );
    }

    #[test]
    fn names_are_every_lookup_fill_can_make() {
        let t = "{id} {a{title} {} {open";
        assert_eq!(names(t).collect::<Vec<_>>(), ["id", "a{title", "title", ""]);
    }

    #[test]
    fn a_written_text_is_borrowed() {
        let m = Message::from(Text::new("a", "あ"));
        assert!(matches!(m.get(Lang::Ja), Cow::Borrowed("あ")));
    }

    static CLAUSE: StaticText = StaticText {
        en: " ({id}, {kind}{",
        ja: "（{hint}{gone}）",
    };

    /// Values for the template proptest: two texts, one empty, one clause, one name without a
    /// value, over `names`.
    fn sample_values(names: &Names) -> Values {
        Values::with_clauses(
            names,
            &[
                ("id", "I1", "I1"),
                ("kind", "item", "事項"),
                ("empty", "", ""),
            ],
            &[("hint", &CLAUSE)],
        )
        .unwrap_or_default()
    }

    proptest::proptest! {
        /// A shared template filled from its pieces reads as the template filled by search,
        /// whatever braces and names it has, in both languages; so does one filled from
        /// values with other names than those it was split for.
        #[test]
        fn a_template_filled_from_its_pieces_reads_as_filled_by_search(
            en in proptest::collection::vec(
                proptest::sample::select(vec!["{", "}", "{id}", "{kind}", "{hint}", "{gone}",
                    "{empty}", "{nope}", "{a{id}", "id", " ", "事項", "}{"]),
                0..12,
            ),
            ja in proptest::collection::vec(
                proptest::sample::select(vec!["{", "}", "{id}", "{kind}", "{hint}", "{gone}",
                    "{empty}", "」", "{{kind}}", "は"]),
                0..12,
            ),
        ) {
            let text = Text::new(en.concat(), ja.concat());
            let names: Names = ["kind", "id", "hint", "gone", "empty"].into_iter().map(Box::from).collect();
            let others: Names = ["id", "kind", "hint"].into_iter().map(Box::from).collect();
            let template = Arc::new(Template::new(text.clone()));
            for names in [&names, &others, &names] {
                let values = Arc::new(sample_values(names));
                let m = Message::Template(Arc::clone(&template), Arc::clone(&values));
                for lang in [Lang::En, Lang::Ja] {
                    proptest::prop_assert_eq!(m.get(lang), values.fill(text.get(lang), lang));
                }
            }
            // Written with plain values, by index: as `fill` writes it, looking names up.
            let plain = ["事項", "I1", "{id}", ""];
            let plain_names: Names = ["kind", "id", "hint", "empty"].into_iter().map(Box::from).collect();
            let fresh = Template::new(text.clone());
            for _ in 0..2 {
                let got = fresh.written(&plain_names, &plain);
                for lang in [Lang::En, Lang::Ja] {
                    let expect = fill(text.get(lang), |name| {
                        plain_names.iter().position(|n| **n == *name).and_then(|i| plain.get(i).copied())
                    });
                    proptest::prop_assert_eq!(got.get(lang), expect.as_str());
                }
            }
            // A template split for other names is written by search, the same text.
            let got = template.written(&plain_names, &plain);
            let expect = fill(text.get(Lang::En), |name| {
                plain_names.iter().position(|n| **n == *name).and_then(|i| plain.get(i).copied())
            });
            proptest::prop_assert_eq!(got.get(Lang::En), expect.as_str());
        }
    }
}
