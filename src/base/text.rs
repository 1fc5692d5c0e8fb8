//! Text in two languages: the owned form ([`Text`], built at run time or read from a rule
//! set) and the static form ([`StaticText`], compiled in), each read with `get(lang)`.

use serde::{Deserialize, Serialize};

/// The language a plan drafter reads findings in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// The language named by a locale string such as `ja_JP.UTF-8`; English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// Picks one of two texts: `lang.pick("error", "エラー")`.
    pub fn pick<T>(self, en: T, ja: T) -> T {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

/// A text in both languages, owned. In `schema.toml` and `rules.toml` it is written
/// `{ en = "…", ja = "…" }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub ja: String,
}

impl Text {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// The same text in both languages (an ID, a list of names).
    pub fn same(s: impl Into<String>) -> Self {
        let s = s.into();
        Text {
            en: s.clone(),
            ja: s,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.ja)
    }

    /// "did you mean `X`?": the one form of a suggestion, in both languages.
    pub fn did_you_mean(suggestion: &str) -> Text {
        Text::new(
            format!("did you mean `{suggestion}`?"),
            format!("`{suggestion}` の誤りではありませんか？"),
        )
    }
}

impl From<StaticText> for Text {
    fn from(t: StaticText) -> Text {
        Text::new(t.en, t.ja)
    }
}

/// A text in both languages, compiled in (built-in code docs, fixed words of renderers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticText {
    pub en: &'static str,
    pub ja: &'static str,
}

impl StaticText {
    pub const fn new(en: &'static str, ja: &'static str) -> Self {
        StaticText { en, ja }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.ja)
    }
}

/// The parts joined, in a string of exactly their length: cheaper than `format!` where a rule
/// writes a text for each of thousands of findings.
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `a`, `a or b`, `a, b or c`: names for an English message.
/// `word` after its English indefinite article: "an item", "a goal", "an ID", "a KPI". By the
/// first letter, which is right for the kind, key and value names of a rule set.
pub fn with_article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o'));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

pub fn or_list<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", init.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_follows_the_first_letter() {
        assert_eq!(
            with_article("item, goal or field"),
            "an item, goal or field"
        );
        assert_eq!(with_article("goal"), "a goal");
        assert_eq!(with_article("ID"), "an ID");
        assert_eq!(with_article("KPI"), "a KPI");
        assert_eq!(with_article("number"), "a number");
    }

    #[test]
    fn one_way_to_pick_a_language() {
        let t = Text::new("error", "エラー");
        assert_eq!(t.get(Lang::Ja), "エラー");
        assert_eq!(StaticText::new("a", "あ").get(Lang::En), "a");
        assert_eq!(Text::from(StaticText::new("a", "あ")), Text::new("a", "あ"));
        assert_eq!(or_list(&["a", "b", "c"]), "a, b or c");
        assert_eq!(Text::did_you_mean("G1").en, "did you mean `G1`?");
    }
}
