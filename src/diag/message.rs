//! A finding's message and help: a text written when the finding is made, or a rule's template
//! with the values of its placeholders, filled only when a renderer shows it and only in the
//! language it shows. Most findings come from rule templates, and most are never shown in both
//! languages (`--quiet`, a baseline, the language server's unchanged files show none): filling
//! four texts per finding up front was a third of the work of the longest rule.

use crate::base::{Lang, Text};
use std::borrow::Cow;
use std::sync::Arc;

/// A message or help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Written out in both languages (boxed: a finding holds two messages, and most are
    /// templates, two pointers wide, which a `Text` inline would make three times as wide).
    Text(Box<Text>),
    /// A template in both languages (shared by a rule's findings) and its values (shared by
    /// a finding's message and help).
    Template(Arc<Text>, Arc<Values>),
}

impl Message {
    /// The text in `lang`, filled now if it is a template.
    pub fn get(&self, lang: Lang) -> Cow<'_, str> {
        match self {
            Message::Text(t) => Cow::Borrowed(t.get(lang)),
            Message::Template(t, values) => {
                Cow::Owned(fill(t.get(lang), |name| values.get(name, lang)))
            }
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
        Message::Text(Box::new(text))
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
    ends: Box<[[u32; 2]]>,
}

/// A name without a value.
const NONE: u32 = u32::MAX;
/// A Japanese value that reads as the English one (most are one string passed twice).
const SAME: u32 = u32::MAX;

impl Default for Values {
    fn default() -> Self {
        Values {
            names: Arc::from(Vec::new()),
            text: Box::default(),
            ends: Box::default(),
        }
    }
}

impl Values {
    /// The values `(name, English, Japanese)`, in order (the first of two with one name is the
    /// one used, as when filling from the list). `None` if their text does not fit 32-bit
    /// offsets.
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
    /// fit 32-bit offsets.
    pub fn with_names(names: &Names, vars: &[(&'static str, &str, &str)]) -> Option<Values> {
        let same = |en: &str, ja: &str| std::ptr::eq(en, ja) || en == ja;
        let value = |name: &str| vars.iter().find(|(n, _, _)| *n == name);
        let len: usize = names
            .iter()
            .filter_map(|n| value(n))
            .map(|(_, en, ja)| en.len() + if same(en, ja) { 0 } else { ja.len() })
            .sum();
        // Every end is below `NONE` (and `SAME`).
        if u32::try_from(len).ok()? == u32::MAX {
            return None;
        }
        let mut text = String::with_capacity(len);
        let at = |s: &String| u32::try_from(s.len()).unwrap_or(NONE);
        let ends = names
            .iter()
            .map(|n| match value(n) {
                None => [NONE, NONE],
                Some((_, en, ja)) => {
                    text.push_str(en);
                    let e = at(&text);
                    if same(en, ja) {
                        [e, SAME]
                    } else {
                        text.push_str(ja);
                        [e, at(&text)]
                    }
                }
            })
            .collect();
        Some(Values {
            names: Arc::clone(names),
            text: text.into_boxed_str(),
            ends,
        })
    }

    /// The value of `name` in `lang`.
    pub fn get(&self, name: &str, lang: Lang) -> Option<&str> {
        let mut start = 0;
        for (n, &[en, ja]) in self.names.iter().zip(self.ends.iter()) {
            if en == NONE {
                // (The names are distinct: this one's has no value.)
                continue;
            }
            let end = if ja == SAME { en } else { ja };
            if **n == *name {
                let (from, to) = match (lang, ja) {
                    (Lang::Ja, ja) if ja != SAME => (en, ja),
                    _ => (start, en),
                };
                return self.text.get(from as usize..to as usize);
            }
            start = end;
        }
        None
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
    // Two passes over the template: the first measures the text, so the second writes it into
    // a string of exactly its size.
    let mut len = 0;
    pieces(template, &value, |piece| len += piece.len());
    let mut out = String::with_capacity(len);
    pieces(template, &value, |piece| out.push_str(piece));
    out
}

/// The pieces of `template` filled by `value`, in order: the text between placeholders, the
/// values of known placeholders, unknown ones as written.
fn pieces<'a>(
    template: &'a str,
    value: &impl Fn(&str) -> Option<&'a str>,
    mut piece: impl FnMut(&'a str),
) {
    let mut rest = template;
    // `{` and `}` are ASCII: a byte found is never inside a multi-byte character.
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        piece(&rest[..open]);
        let after = &rest[open + 1..];
        let known = memchr::memchr(b'}', after.as_bytes())
            .and_then(|close| Some((close, value(&after[..close])?)));
        if let Some((close, v)) = known {
            piece(v);
            rest = &after[close + 1..];
        } else {
            piece("{");
            rest = after;
        }
    }
    piece(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(en: &str, ja: &str, vars: &[(&'static str, &str, &str)]) -> Message {
        let values = Values::new(vars).unwrap_or_default();
        Message::Template(Arc::new(Text::new(en, ja)), Arc::new(values))
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
            Arc::new(Text::new("{kind} {id}{note}", "{kind}{empty}{id}")),
            Arc::new(v),
        );
        assert_eq!(m.get(Lang::En), "item I1n");
        assert_eq!(m.get(Lang::Ja), "事項空I1");
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
}
