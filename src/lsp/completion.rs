//! Completion from the text before the cursor: kinds at the top level, the keys of the kind at
//! the start of an entry, and after a key the values its type allows (IDs of the kinds a
//! reference may point at, with titles; enum values; `true`/`false`); rule slugs after `allow`.

use super::analysis::Analysis;
use super::navigate::locate;
use crate::base::Substr;
use crate::diag::Lang;
use crate::model::{KeyType, KindSchema, Model, Node};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
};

/// At most this many items go back; the list is then marked incomplete, so the client asks
/// again as the user types more of the word.
const MAX_ITEMS: usize = 500;

/// Where the cursor is, read from the text before it.
#[derive(Debug, PartialEq, Eq)]
enum Context<'t> {
    /// At the start of a declaration.
    Kind,
    /// At the start of an entry in the block of a declaration.
    Key,
    /// After `key` and `n` values of an entry.
    Value {
        key: &'t str,
        n: usize,
    },
    Nothing,
}

pub(crate) fn complete(a: &Analysis, p: &CompletionParams) -> Option<CompletionResponse> {
    let (file, offset) = locate(a, &p.text_document_position)?;
    let text = a.text(file);
    let model = a.model.as_ref()?;
    let spec = a.spec_by_id(file)?;
    let offset = offset.min(text.len());
    let word_start = text[..offset].rfind(|c: char| !is_word(c)).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &text[word_start..offset];
    let node = spec
        .nodes
        .iter()
        .find(|n| n.span.start() < word_start && word_start <= n.span.end());
    let context = match node {
        Some(n) => entry_context(&text[n.span.start()..word_start]),
        None if at_line_start(text, word_start) => Context::Kind,
        None => Context::Nothing,
    };
    let lang = a.lang;
    let mut items: Vec<CompletionItem> = match (context, node) {
        (Context::Kind, _) => kinds(model, lang),
        (Context::Key, Some(n)) => keys(model.schema.kind(n.kind), n, lang),
        (Context::Value { key: "allow", n: 0 }, _) => rules(a, lang),
        (Context::Value { key, n: count }, Some(n)) => {
            match model.schema.kind(n.kind).key(key).map(|k| &k.ty) {
                Some(KeyType::Ref(kinds)) if count == 0 => ids(model, kinds, word),
                Some(KeyType::Refs(kinds)) => ids(model, kinds, word),
                Some(KeyType::Enum(values)) if count == 0 => values
                    .iter()
                    .map(|v| item(v, None, CompletionItemKind::ENUM_MEMBER))
                    .collect(),
                Some(KeyType::Bool) if count == 0 => ["true", "false"]
                    .iter()
                    .map(|v| item(v, None, CompletionItemKind::VALUE))
                    .collect(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    let incomplete = items.len() > MAX_ITEMS;
    items.truncate(MAX_ITEMS);
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    }))
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn at_line_start(text: &str, at: usize) -> bool {
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line..at].trim().is_empty()
}

/// The context at the end of `decl`, the text of a declaration from its kind to the word
/// being typed: strings, comments and brackets are followed, so a key on an earlier line of
/// a multi-line list still counts.
fn entry_context(decl: &str) -> Context<'_> {
    let bytes = decl.as_bytes();
    let (mut braces, mut brackets) = (0usize, 0usize);
    let mut entry_start = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let triple = decl[i..].starts_with("\"\"\"");
                let close = if triple { "\"\"\"" } else { "\"" };
                match find_close(decl, i + close.len(), close, triple) {
                    Close::At(end) => i = end + close.len(),
                    Close::LineEnd(end) => i = end,
                    // The cursor is inside the string.
                    Close::Open => return Context::Nothing,
                }
                continue;
            }
            b'#' => {
                i = decl[i..].find('\n').map_or(bytes.len(), |e| i + e);
                continue;
            }
            b'{' => {
                braces += 1;
                if braces == 1 {
                    entry_start = Some(i + 1);
                }
            }
            b'}' => {
                braces = braces.saturating_sub(1);
                if braces == 1 {
                    entry_start = None;
                }
            }
            b'[' => brackets += 1,
            b']' => brackets = brackets.saturating_sub(1),
            b'\n' | b';' if braces == 1 && brackets == 0 => entry_start = Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    if braces != 1 {
        // In the header, or in a nested block (a series).
        return Context::Nothing;
    }
    let Some(start) = entry_start else {
        return Context::Nothing;
    };
    let entry = &decl[start..];
    let mut words = entry
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ','))
        .filter(|w| !w.is_empty());
    match words.next() {
        None => Context::Key,
        Some(key) if key.chars().all(is_word) => Context::Value {
            key,
            n: words.count(),
        },
        Some(_) => Context::Nothing,
    }
}

/// Where a string opened before `from` ends.
enum Close {
    /// At this offset (the closing quote).
    At(usize),
    /// Unterminated: at the end of its line (a one-line string), at this newline.
    LineEnd(usize),
    /// Not before the end of the text.
    Open,
}

fn find_close(s: &str, from: usize, close: &str, triple: bool) -> Close {
    let bytes = s.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i..].starts_with(close.as_bytes()) {
            return Close::At(i);
        }
        if bytes[i] == b'\n' && !triple {
            return Close::LineEnd(i);
        }
        i += 1;
    }
    Close::Open
}

fn item(label: &str, detail: Option<String>, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        detail,
        kind: Some(kind),
        ..CompletionItem::default()
    }
}

fn kinds(model: &Model, lang: Lang) -> Vec<CompletionItem> {
    model
        .schema
        .kinds
        .iter()
        .map(|k| {
            item(
                &k.name,
                Some(k.label.get(lang).to_owned()),
                CompletionItemKind::CLASS,
            )
        })
        .collect()
}

fn keys(kind: &KindSchema, node: &Node, lang: Lang) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = kind
        .keys
        .iter()
        .filter(|k| node.attr(k.id).is_none())
        .map(|k| {
            let mut detail = describe(&k.ty);
            if k.required {
                detail.push_str(if lang == Lang::Ja {
                    "（必須）"
                } else {
                    " (required)"
                });
            }
            item(&k.name, Some(detail), CompletionItemKind::FIELD)
        })
        .collect();
    out.push(item(
        "allow",
        Some(if lang == Lang::Ja {
            "例外: allow RULE \"理由\" until 日付".to_owned()
        } else {
            "waiver: allow RULE \"reason\" until DATE".to_owned()
        }),
        CompletionItemKind::KEYWORD,
    ));
    out
}

fn describe(ty: &KeyType) -> String {
    match ty {
        KeyType::String => "string".to_owned(),
        KeyType::Number => "number".to_owned(),
        KeyType::Date => "date".to_owned(),
        KeyType::Bool => "bool".to_owned(),
        KeyType::Range => "range".to_owned(),
        KeyType::Tag => "tag".to_owned(),
        KeyType::Tags => "tags".to_owned(),
        KeyType::Enum(v) => format!("one of {}", v.join(" | ")),
        KeyType::Ref(_) => "ref".to_owned(),
        KeyType::Refs(_) => "refs".to_owned(),
        KeyType::Series => "series".to_owned(),
    }
}

/// The IDs of the given kinds that start with the typed word (any case), in declaration
/// order, with their titles.
fn ids(model: &Model, kinds: &[crate::model::KindId], word: &str) -> Vec<CompletionItem> {
    let word = word.to_ascii_lowercase();
    model
        .nodes
        .iter()
        .filter(|n| kinds.contains(&n.kind))
        .filter(|n| n.id.to_ascii_lowercase().starts_with(&word))
        .take(MAX_ITEMS + 1)
        .enumerate()
        .map(|(i, n)| CompletionItem {
            sort_text: Some(format!("{i:06}")),
            ..item(
                &n.id,
                n.title
                    .as_ref()
                    .map(Substr::to_string)
                    .filter(|t| !t.is_empty()),
                CompletionItemKind::REFERENCE,
            )
        })
        .collect()
}

fn rules(a: &Analysis, lang: Lang) -> Vec<CompletionItem> {
    a.rules
        .iter()
        .flat_map(|set| set.rules.iter())
        .map(|r| {
            item(
                &r.slug,
                Some(format!("{} {}", r.code, r.message.get(lang))),
                CompletionItemKind::CONSTANT,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        use Context::{Key, Nothing, Value};
        assert_eq!(entry_context("goal G1 \"t\" {\n  "), Key);
        assert_eq!(
            entry_context("goal G1 \"t\" { policy "),
            Value {
                key: "policy",
                n: 0
            }
        );
        assert_eq!(
            entry_context("program p \"t\" {\n  covers [I1, "),
            Value {
                key: "covers",
                n: 1
            }
        );
        assert_eq!(
            entry_context("program p \"t\" {\n  covers [\n    I1,\n    "),
            Value {
                key: "covers",
                n: 1
            }
        );
        assert_eq!(entry_context("goal G1 \"t { policy "), Nothing);
        assert_eq!(entry_context("goal G1 \"a\\\"{\" { x 1; "), Key);
        assert_eq!(entry_context("kpi K \"t\" {\n series {\n  "), Nothing);
        assert_eq!(
            entry_context("kpi K \"t\" {\n series {\n FY1 2\n }\n "),
            Key
        );
        assert_eq!(entry_context("goal G1 "), Nothing);
        assert_eq!(entry_context("item I \"t\" { # { \n "), Key);
    }
}
