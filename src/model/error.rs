//! Words of the model's messages: kinds as a drafter calls them, in each language. The
//! findings themselves are built where they are found (`build`, `resolve`); what they share
//! about naming kinds lives here, so every message names a kind the same way.

use super::{KindId, Schema};
use crate::diag::{or_list, with_article, Text};

/// One kind as messages name it: its name in English (the word written in specs) and its
/// label in Japanese (`item` / 取り組むべき事項).
pub(crate) fn kind_word(schema: &Schema, kind: KindId) -> Text {
    Text::new(
        schema.kind(kind).name.clone(),
        schema.label(kind).ja.clone(),
    )
}

/// Kinds as alternatives: "item, goal or field" / 取り組むべき事項・ゴール・重点分野.
pub(crate) fn kind_list(schema: &Schema, kinds: &[KindId]) -> Text {
    let en: Vec<&str> = kinds
        .iter()
        .map(|k| schema.kind(*k).name.as_str())
        .collect();
    let ja: Vec<&str> = kinds.iter().map(|k| schema.label(*k).ja.as_str()).collect();
    Text::new(or_list(&en), ja.join("・"))
}

/// The same with the English article: "an item, goal or field" (Japanese has none).
pub(crate) fn a_kind_list(schema: &Schema, kinds: &[KindId]) -> Text {
    let list = kind_list(schema, kinds);
    Text::new(with_article(&list.en), list.ja)
}

/// Every kind of the schema, sorted by name, for "the kinds are: …" help: in Japanese each
/// name (what is written) with its label.
pub(crate) fn all_kinds(schema: &Schema) -> Text {
    let mut kinds: Vec<KindId> = (0..schema.kinds.len())
        .filter_map(|i| u16::try_from(i).ok().map(KindId))
        .collect();
    kinds.sort_by(|a, b| schema.kind(*a).name.cmp(&schema.kind(*b).name));
    let en: Vec<&str> = kinds
        .iter()
        .map(|k| schema.kind(*k).name.as_str())
        .collect();
    let ja: Vec<String> = kinds
        .iter()
        .map(|k| format!("`{}`（{}）", schema.kind(*k).name, schema.label(*k).ja))
        .collect();
    Text::new(en.join(", "), ja.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::FileId;

    #[test]
    fn kinds_are_named_by_label_in_japanese_with_an_article_in_english() {
        let schema = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let ids: Vec<KindId> = ["item", "goal", "field"]
            .iter()
            .filter_map(|n| schema.kind_id(n))
            .collect();
        assert_eq!(
            a_kind_list(&schema, &ids),
            Text::new(
                "an item, goal or field",
                "取り組むべき事項・ゴール・重点分野"
            )
        );
        let all = all_kinds(&schema);
        assert!(all.en.starts_with("challenge, field, goal"), "{}", all.en);
        assert!(
            all.ja
                .starts_with("`challenge`（社会課題）、`field`（重点分野）"),
            "{}",
            all.ja
        );
    }
}
