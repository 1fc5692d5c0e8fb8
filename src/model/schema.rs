//! The schema of a rule set (`schema.toml`): kinds, their keys, key types, required keys.
//!
//! Loaded before any spec is modelled; every problem in it is an ALN090 finding with the
//! TOML span, and a rule set with such a finding is not used.

use super::suggest::suggest;
use crate::diag::{code, Code, Finding, Span, Text};
use crate::source::FileId;
use indexmap::IndexMap;
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// Index of a kind in [`Schema::kinds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindId(pub u16);

/// A key name interned in the schema: one ID per name, shared by every kind that has a key of
/// that name, so nodes and edges compare keys and relations by integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

/// The type of a key's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyType {
    String,
    Number,
    Date,
    Bool,
    Range,
    Tag,
    Tags,
    Enum(Vec<String>),
    Ref(Vec<KindId>),
    Refs(Vec<KindId>),
    Series,
}

impl KeyType {
    /// The kinds a reference key may point at (empty for other types).
    pub fn targets(&self) -> &[KindId] {
        match self {
            KeyType::Ref(k) | KeyType::Refs(k) => k,
            _ => &[],
        }
    }
}

/// One key of a kind.
#[derive(Clone, Debug)]
pub struct KeySchema {
    pub name: String,
    pub id: KeyId,
    pub ty: KeyType,
    pub required: bool,
    pub acyclic: bool,
    /// Other spellings drafters use for a value, each with the accepted form
    /// (`経済産業省` → `METI`): a value written so gets a help naming the accepted form.
    pub aliases: Vec<(String, String)>,
}

impl KeySchema {
    /// The accepted form of a value written as one of its aliases.
    pub fn accepted_form(&self, written: &str) -> Option<&str> {
        let written = written.trim();
        self.aliases
            .iter()
            .find(|(alias, _)| alias == written)
            .map(|(_, accepted)| accepted.as_str())
    }
}

/// One kind of declaration.
#[derive(Clone, Debug)]
pub struct KindSchema {
    pub name: String,
    /// What a drafter calls it, per language (`item` → 取り組むべき事項); the name by default.
    pub label: Text,
    pub title_required: bool,
    pub doc: Text,
    pub keys: Vec<KeySchema>,
}

impl KindSchema {
    pub fn key(&self, name: &str) -> Option<&KeySchema> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The kind's key with this interned name.
    pub fn key_by_id(&self, id: KeyId) -> Option<&KeySchema> {
        self.keys.iter().find(|k| k.id == id)
    }
}

/// A loaded, validated schema.
#[derive(Clone, Debug)]
pub struct Schema {
    pub name: String,
    /// Relations that lead up the plan (`parent`, `goal`, `policy`…), in order, for the plan
    /// path shown under findings.
    pub hierarchy: Vec<String>,
    pub description: Text,
    pub kinds: Vec<KindSchema>,
    /// Fx-hashed: every declaration's kind is looked up here when it is lowered (the default
    /// hasher took 170 instructions a declaration).
    by_name: HashMap<String, KindId>,
    /// Interned key names, indexed by [`KeyId`].
    key_names: Vec<Code>,
    key_ids: HashMap<String, KeyId>,
    hierarchy_ids: Vec<KeyId>,
}

impl Schema {
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.by_name.get(name).copied()
    }

    /// A kind's label in both languages.
    pub fn label(&self, id: KindId) -> &Text {
        &self.kind(id).label
    }

    pub fn kind(&self, id: KindId) -> &KindSchema {
        // INVARIANT: KindIds are handed out by this schema.
        &self.kinds[usize::from(id.0)]
    }

    /// The ID of a key name used by any kind.
    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.key_ids.get(name).copied()
    }

    /// The name of an interned key.
    pub fn key_name(&self, id: KeyId) -> &str {
        self.key_code(id)
    }

    /// The name of an interned key, shared (a finding's relation holds it without a copy).
    pub fn key_code(&self, id: KeyId) -> &Code {
        // INVARIANT: KeyIds are handed out by this schema.
        &self.key_names[id.0 as usize]
    }

    /// The IDs of the hierarchy relations, in order.
    pub fn hierarchy_ids(&self) -> &[KeyId] {
        &self.hierarchy_ids
    }

    pub fn kind_names(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|k| k.name.as_str())
    }

    /// Whether any kind has a key of this name that is a reference (a relation).
    pub fn is_relation(&self, name: &str) -> bool {
        self.kinds
            .iter()
            .any(|k| k.key(name).is_some_and(|key| !key.ty.targets().is_empty()))
    }

    /// Names of all relations (reference keys) of all kinds, sorted and unique.
    pub fn relations(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .kinds
            .iter()
            .flat_map(|k| k.keys.iter())
            .filter(|k| !k.ty.targets().is_empty())
            .map(|k| k.name.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Names of all keys of all kinds, sorted and unique.
    pub fn all_keys(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .kinds
            .iter()
            .flat_map(|k| k.keys.iter())
            .map(|k| k.name.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Parses and validates a schema file.
    #[expect(
        clippy::too_many_lines,
        reason = "every check of schema.toml, each with its own finding"
    )]
    pub fn load(file: FileId, text: &str) -> Result<Schema, Vec<Finding>> {
        let raw: RawSchema = toml::from_str(text).map_err(|e| vec![toml_error(file, &e)])?;
        let mut errors = Vec::new();
        let mut by_name = HashMap::default();
        for (i, name) in raw.kinds.keys().enumerate() {
            by_name.insert(name.get_ref().clone(), KindId(i as u16));
        }
        let mut kinds = Vec::new();
        let mut key_names: Vec<Code> = Vec::new();
        let mut key_ids: HashMap<String, KeyId> = HashMap::default();
        for (name, raw_kind) in &raw.kinds {
            if !is_identifier(name.get_ref()) {
                errors.push(config_error(
                    file,
                    name.span(),
                    Text::new(
                        format!("kind `{}` is not an identifier", name.get_ref()),
                        format!("種類 `{}` が識別子ではありません", name.get_ref()),
                    ),
                    None,
                ));
            }
            let title_required = match raw_kind.title.as_ref().map(|t| (t.get_ref().as_str(), t)) {
                None | Some(("optional", _)) => false,
                Some(("required", _)) => true,
                Some((other, t)) => {
                    errors.push(config_error(
                        file,
                        t.span(),
                        Text::new(
                            format!("`title` must be \"required\" or \"optional\", not \"{other}\""),
                            format!("`title` は \"required\" か \"optional\" です（\"{other}\" は不可）"),
                        ),
                        None,
                    ));
                    false
                }
            };
            let mut keys = Vec::new();
            for (key_name, raw_key) in &raw_kind.keys {
                if key_name.get_ref() == "allow" {
                    errors.push(config_error(
                        file,
                        key_name.span(),
                        Text::new(
                            "`allow` is reserved for waivers and cannot be a key",
                            "`allow` は例外（waiver）用の予約語のため、キーにできません",
                        ),
                        None,
                    ));
                }
                if !raw_key.aliases.is_empty()
                    && !matches!(raw_key.ty.get_ref().as_str(), "tag" | "tags" | "enum")
                {
                    errors.push(config_error(
                        file,
                        raw_key.ty.span(),
                        Text::new(
                            "`aliases` are for `tag`, `tags` and `enum` keys",
                            "`aliases` は `tag`・`tags`・`enum` のキーにだけ指定できます",
                        ),
                        None,
                    ));
                }
                if let Some(ty) = key_type(file, raw_key, &by_name, &mut errors) {
                    let id = *key_ids
                        .entry(key_name.get_ref().clone())
                        .or_insert_with(|| {
                            key_names.push(Code::from(key_name.get_ref()));
                            KeyId(u32::try_from(key_names.len() - 1).unwrap_or(u32::MAX))
                        });
                    keys.push(KeySchema {
                        name: key_name.get_ref().clone(),
                        id,
                        ty,
                        required: raw_key.required,
                        acyclic: raw_key.acyclic,
                        aliases: raw_key
                            .aliases
                            .iter()
                            .flat_map(|(accepted, others)| {
                                others.iter().map(move |o| (o.clone(), accepted.clone()))
                            })
                            .collect(),
                    });
                }
            }
            kinds.push(KindSchema {
                name: name.get_ref().clone(),
                label: raw_kind
                    .label
                    .clone()
                    .unwrap_or_else(|| Text::same(name.get_ref())),
                title_required,
                doc: raw_kind.doc.clone().unwrap_or_default(),
                keys,
            });
        }
        if kinds.is_empty() {
            errors.push(config_error(
                file,
                0..0,
                Text::new(
                    "the schema declares no kinds",
                    "スキーマに種類が1つもありません",
                ),
                Some(Text::new(
                    "add a `[kinds.NAME]` table for each kind of declaration",
                    "宣言の種類ごとに `[kinds.NAME]` テーブルを追加してください",
                )),
            ));
        }
        let mut schema = Schema {
            name: raw.set.name,
            hierarchy: Vec::new(),
            description: raw.set.description.clone().unwrap_or_default(),
            kinds,
            by_name,
            key_names,
            key_ids,
            hierarchy_ids: Vec::new(),
        };
        let relations: Vec<String> = schema.relations().into_iter().map(str::to_owned).collect();
        for h in &raw.set.hierarchy {
            if let (true, Some(id)) = (
                relations.iter().any(|r| r == h.get_ref()),
                schema.key_id(h.get_ref()),
            ) {
                schema.hierarchy.push(h.get_ref().clone());
                schema.hierarchy_ids.push(id);
            } else {
                errors.push(unknown_name(
                    file,
                    h,
                    "relation",
                    "関係",
                    relations.iter().map(String::as_str),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(schema)
    }
}

fn key_type(
    file: FileId,
    raw: &RawKey,
    kinds: &HashMap<String, KindId>,
    errors: &mut Vec<Finding>,
) -> Option<KeyType> {
    let ty = raw.ty.get_ref().as_str();
    let targets = |errors: &mut Vec<Finding>| -> Vec<KindId> {
        let Some(to) = &raw.to else {
            errors.push(config_error(
                file,
                raw.ty.span(),
                Text::new(
                    format!("a `{ty}` key needs `to = [KIND, …]`"),
                    format!("`{ty}` 型のキーには `to = [種類, …]` が必要です"),
                ),
                None,
            ));
            return Vec::new();
        };
        let mut ids = Vec::new();
        for k in to {
            match kinds.get(k.get_ref()) {
                Some(id) => ids.push(*id),
                None => errors.push(unknown_name(
                    file,
                    k,
                    "kind",
                    "種類",
                    kinds.keys().map(String::as_str),
                )),
            }
        }
        ids
    };
    let t = match ty {
        "string" => KeyType::String,
        "number" => KeyType::Number,
        "date" => KeyType::Date,
        "bool" => KeyType::Bool,
        "range" => KeyType::Range,
        "tag" => KeyType::Tag,
        "tags" => KeyType::Tags,
        "series" => KeyType::Series,
        "enum" => match &raw.values {
            Some(v) if !v.is_empty() => KeyType::Enum(v.clone()),
            _ => {
                errors.push(config_error(
                    file,
                    raw.ty.span(),
                    Text::new(
                        "an `enum` key needs `values = [\"a\", \"b\", …]`",
                        "`enum` 型のキーには `values = [\"a\", \"b\", …]` が必要です",
                    ),
                    None,
                ));
                return None;
            }
        },
        "ref" => KeyType::Ref(targets(errors)),
        "refs" => KeyType::Refs(targets(errors)),
        _ => {
            errors.push(unknown_name(
                file,
                &raw.ty,
                "key type",
                "キーの型",
                KEY_TYPES.iter().copied(),
            ));
            return None;
        }
    };
    if raw.acyclic && t.targets().is_empty() {
        errors.push(config_error(
            file,
            raw.ty.span(),
            Text::new(
                "`acyclic` applies to `ref` and `refs` keys only",
                "`acyclic` は `ref` と `refs` 型のキーにだけ指定できます",
            ),
            None,
        ));
    }
    Some(t)
}

const KEY_TYPES: &[&str] = &[
    "string", "number", "date", "bool", "range", "tag", "tags", "enum", "ref", "refs", "series",
];

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// An ALN090 finding at a place in a configuration file.
pub(crate) fn config_error(
    file: FileId,
    range: Range<usize>,
    message: Text,
    help: Option<Text>,
) -> Finding {
    let mut f = Finding::builtin(
        &code::INVALID_CONFIG,
        Span::new(file, range.start, range.end),
        message,
    );
    f.help = help.map(Into::into);
    f
}

/// An ALN090 finding for a TOML syntax or shape error.
pub(crate) fn toml_error(file: FileId, e: &toml::de::Error) -> Finding {
    let range = e.span().unwrap_or(0..0);
    let msg = e.message().trim().to_owned();
    config_error(
        file,
        range,
        Text::new(
            format!("invalid TOML: {msg}"),
            format!("TOML として不正です: {msg}"),
        ),
        Some(Text::new(
            "correct the TOML at this place (see docs/rules.md for the format)",
            "この位置の TOML を修正してください（形式は docs/rules.md を参照）",
        )),
    )
}

/// An ALN090 finding for a name that names nothing, with a did-you-mean.
pub(crate) fn unknown_name<'a>(
    file: FileId,
    name: &Spanned<String>,
    what_en: &str,
    what_ja: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Finding {
    let mut all: Vec<&str> = candidates.into_iter().collect();
    all.sort_unstable();
    let help = match suggest(name.get_ref(), all.iter().copied()) {
        Some(s) => Text::did_you_mean(s),
        None => Text::new(
            format!("known: {}", all.join(", ")),
            format!("使えるもの: {}", all.join(", ")),
        ),
    };
    config_error(
        file,
        name.span(),
        Text::new(
            format!("unknown {what_en} `{}`", name.get_ref()),
            format!("未知の{what_ja} `{}`", name.get_ref()),
        ),
        Some(help),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    set: RawSet,
    #[serde(default)]
    kinds: IndexMap<Spanned<String>, RawKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    name: String,
    #[serde(default)]
    hierarchy: Vec<Spanned<String>>,
    description: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    title: Option<Spanned<String>>,
    label: Option<Text>,
    doc: Option<Text>,
    #[serde(default)]
    keys: IndexMap<Spanned<String>, RawKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    #[serde(rename = "type")]
    ty: Spanned<String>,
    to: Option<Vec<Spanned<String>>>,
    values: Option<Vec<String>>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    acyclic: bool,
    /// `{ METI = ["経済産業省", "経産省"] }`: the accepted form and other spellings of it.
    #[serde(default)]
    aliases: IndexMap<String, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schema_loads() {
        let s = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap();
        let item = s.kind(s.kind_id("item").unwrap());
        assert!(item.key("parent").unwrap().acyclic);
        assert!(s.is_relation("covers"));
        assert!(!s.is_relation("scope"));
        let ministry = s
            .kind(s.kind_id("program").unwrap())
            .key("ministry")
            .unwrap();
        assert_eq!(ministry.accepted_form(" 経済産業省 "), Some("METI"));
        assert_eq!(ministry.accepted_form("METI"), None);
    }

    #[test]
    fn aliases_belong_to_tag_and_enum_keys() {
        let text = "[set]\nname = \"x\"\n[kinds.a]\nkeys.n = { type = \"number\", aliases = { ONE = [\"一\"] } }\n";
        let errs = Schema::load(FileId(0), text).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0].message.en(),
            "`aliases` are for `tag`, `tags` and `enum` keys"
        );
        assert_eq!(&text[errs[0].span.range()], "\"number\"");
    }

    #[test]
    fn keys_are_interned_once_per_name() {
        let s = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap();
        let parent = s.key_id("parent").unwrap();
        assert_eq!(s.key_name(parent), "parent");
        // `parent` of items and of challenges is one key.
        for kind in ["item", "challenge"] {
            let k = s.kind(s.kind_id(kind).unwrap());
            assert_eq!(k.key("parent").unwrap().id, parent);
            assert_eq!(k.key_by_id(parent).unwrap().name, "parent");
        }
        assert!(s.key_id("no-such-key").is_none());
        let names: Vec<&str> = s.hierarchy_ids().iter().map(|&k| s.key_name(k)).collect();
        assert_eq!(names, s.hierarchy);
    }

    #[test]
    fn unknown_type_and_kind_are_reported_with_spans() {
        let text = "[set]\nname = \"x\"\n[kinds.a]\nkeys.b = { type = \"refz\" }\nkeys.c = { type = \"ref\", to = [\"aa\"] }\n";
        let errs = Schema::load(FileId(0), text).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(&text[errs[0].span.range()], "\"refz\"");
        assert_eq!(errs[0].help.as_ref().unwrap().en(), "did you mean `ref`?");
        assert_eq!(&text[errs[1].span.range()], "\"aa\"");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let errs = Schema::load(FileId(0), "[set]\nname = \"x\"\nnmae = 1\n").unwrap_err();
        assert!(
            errs[0].message.en().contains("unknown field"),
            "{}",
            errs[0].message.en()
        );
    }
}
