//! What a rule type is: the [`RuleKind`] trait each type implements in its own file, and how a
//! rule's parameters table becomes an instance of its type.
//!
//! The types themselves are listed once, in the `rule_types!` invocation in `rules/mod.rs`.

use super::spec::Checker;
use super::{Ctx, Found};
use crate::diag::{Finding, Text};
use crate::model::schema::{config_error, toml_error};
use crate::model::suggest::suggest;
use crate::model::{KindId, Schema};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// A rule type: its name in `rules.toml`, the placeholders its messages may use, its
/// parameters (a serde struct with `deny_unknown_fields`), and its check.
pub(crate) trait RuleKind: Sized {
    /// The name written as `type = "…"` in `rules.toml`.
    const NAME: &'static str;
    /// Placeholders this type fills, beyond `{id}`, `{title}` and `{kind}`.
    const PLACEHOLDERS: &'static [&'static str];
    /// The static templates this type fills from a finding's values: clauses it gives as
    /// placeholder values (see [`crate::diag::Values::with_clauses`]) and related places or
    /// labels over the finding's values (see [`super::over_values`]). The values they name
    /// are kept with a finding, as those the rule's message and help name.
    const TEMPLATES: &'static [&'static crate::base::StaticText] = &[];
    /// The type's own parameters, every other key of the rule.
    type Params: DeserializeOwned;

    /// Checks the parameters against the schema (errors go to `c`) and builds the rule.
    fn build(kind: KindId, params: Self::Params, c: &mut Checker<'_>) -> Option<Self>;

    /// Runs the check on the model, adding its findings to `out`.
    fn run(&self, ctx: &Ctx<'_>, out: &mut Found);

    /// The rule's parameters as `align explain` and docs/rules.md show them.
    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)>;
}

/// The parameter names of a rule type, as written in `rules.toml` (read from its serde struct).
pub(crate) fn param_names<T: RuleKind>() -> &'static [&'static str] {
    struct_fields::<T::Params>()
}

/// Builds a rule of type `T` from the keys of its rule that are not common to every rule.
/// A key that is not one of `T`'s parameters is an ALN090 error at the key, with a did-you-mean
/// over `T`'s parameters; a parameter of the wrong shape is an ALN090 error at its value.
pub(crate) fn build<T: RuleKind>(
    kind: KindId,
    params: Spanned<DeTable<'_>>,
    c: &mut Checker<'_>,
) -> Option<T> {
    let names = param_names::<T>();
    let mut foreign = false;
    for key in params.get_ref().keys() {
        if !names.contains(&key.get_ref().as_ref()) {
            foreign = true;
            let f = unknown_param(c, T::NAME, names, key);
            c.errors.push(f);
        }
    }
    if foreign {
        return None;
    }
    let span = params.span();
    let value = Spanned::new(span, DeValue::Table(params.into_inner()));
    match T::Params::deserialize(ValueDeserializer::from(value)) {
        Ok(p) => T::build(kind, p, c),
        Err(e) => {
            c.errors.push(toml_error(c.file, &e));
            None
        }
    }
}

/// "rule type \`coverage\` has no parameter \`threshold\`", with a did-you-mean over the type's
/// own parameters, else the rule types that take it, else the type's parameters.
fn unknown_param(
    c: &Checker<'_>,
    ty: &str,
    names: &[&str],
    key: &Spanned<std::borrow::Cow<'_, str>>,
) -> Finding {
    let name = key.get_ref().as_ref();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    // Failing its own, the nearest parameter of another rule type (`threshold`, `leaves_only`).
    let others: Vec<&str> = super::RULE_TYPES
        .iter()
        .filter(|t| t.name != ty)
        .flat_map(|t| t.params().iter().copied())
        .collect();
    let help = if let Some(s) = suggest(name, names.iter().copied()) {
        Text::did_you_mean(s)
    } else if let Some(s) = others
        .iter()
        .copied()
        .find(|o| *o == name)
        .or_else(|| suggest(name, others.iter().copied()))
    {
        let owners = super::RULE_TYPES
            .iter()
            .filter(|t| t.params().contains(&s))
            .map(|t| format!("`{}`", t.name))
            .collect::<Vec<_>>()
            .join(", ");
        Text::new(
            format!("`{s}` is a parameter of {owners}; rule type `{ty}` takes {list}"),
            format!("`{s}` は {owners} のパラメータです。規則の型 `{ty}` のパラメータ: {list}"),
        )
    } else {
        Text::new(
            format!("rule type `{ty}` takes {list}"),
            format!("規則の型 `{ty}` のパラメータ: {list}"),
        )
    };
    config_error(
        c.file,
        key.span(),
        Text::new(
            format!("rule type `{ty}` has no parameter `{name}`"),
            format!("規則の型 `{ty}` にパラメータ `{name}` はありません"),
        ),
        Some(help),
    )
}

/// The field names serde expects for a struct, by asking its `Deserialize` impl: it calls
/// `deserialize_struct` with them, and the answer is an error that ends the call.
pub(super) fn struct_fields<'de, T: de::Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The call ends in our own error by design; only the recorded names matter.
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

struct Fields<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A registered rule type, as the registry lists it.
#[derive(Debug, Clone, Copy)]
pub struct RuleTypeInfo {
    pub name: &'static str,
    pub placeholders: &'static [&'static str],
    params: fn() -> &'static [&'static str],
}

impl RuleTypeInfo {
    pub(crate) const fn of<T: RuleKind>() -> RuleTypeInfo {
        RuleTypeInfo {
            name: T::NAME,
            placeholders: T::PLACEHOLDERS,
            params: param_names::<T>,
        }
    }

    /// The type's parameter names, as written in `rules.toml`.
    pub fn params(&self) -> &'static [&'static str] {
        (self.params)()
    }
}
