//! Document symbols (the outline: one group per kind, its declarations inside) and workspace
//! symbols (IDs and titles matching a query).

use super::analysis::Analysis;
use super::diagnostics::range;
use super::uri;
use crate::base::Substr;
use crate::model::{KindId, Node};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, OneOf, SymbolKind,
    WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use std::collections::BTreeMap;

/// At most this many workspace symbols go back.
const MAX_SYMBOLS: usize = 500;

pub(crate) fn document(a: &Analysis, p: &DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let path = uri::to_path(&p.text_document.uri)?;
    let spec = a.spec(&path)?;
    let model = a.model.as_ref()?;
    let mut by_kind: BTreeMap<KindId, Vec<&Node>> = BTreeMap::new();
    for n in spec.nodes.iter() {
        by_kind.entry(n.kind).or_default().push(n);
    }
    let mut groups = Vec::new();
    for (kind, nodes) in by_kind {
        let children: Vec<DocumentSymbol> = nodes.iter().filter_map(|n| symbol(a, n)).collect();
        let (Some(first), Some(last)) = (children.first(), children.last()) else {
            continue;
        };
        let schema = model.schema.kind(kind);
        #[allow(deprecated)]
        groups.push(DocumentSymbol {
            name: schema.name.clone(),
            detail: Some(format!("{} ({})", schema.label.get(a.lang), children.len())),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: lsp_types::Range::new(first.range.start, last.range.end),
            selection_range: first.selection_range,
            children: Some(children),
        });
    }
    Some(DocumentSymbolResponse::Nested(groups))
}

fn symbol(a: &Analysis, n: &Node) -> Option<DocumentSymbol> {
    #[allow(deprecated)]
    Some(DocumentSymbol {
        name: n.id.to_string(),
        detail: n
            .title
            .as_ref()
            .map(Substr::to_string)
            .filter(|t| !t.is_empty()),
        kind: SymbolKind::OBJECT,
        tags: None,
        deprecated: None,
        range: range(a, n.span)?,
        selection_range: range(a, n.id_span)?,
        children: None,
    })
}

/// Whether `text` lower-cased contains `query` (lower-cased already), without lower-casing
/// an ASCII `text` (most IDs: a workspace has tens of thousands).
fn contains_lowercased(text: &str, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    if text.is_ascii() {
        // An ASCII text lower-cases to ASCII: it cannot hold a query that is not.
        return query.is_ascii()
            && text
                .as_bytes()
                .windows(query.len())
                .any(|w| w.eq_ignore_ascii_case(query.as_bytes()));
    }
    if query.is_ascii() {
        // Only the ASCII bytes of the lower-cased text can match an ASCII query: ASCII letters
        // lower-cased, KELVIN SIGN (`k`) and LATIN CAPITAL I WITH DOT (`i` and a combining
        // dot); every other character lower-cases to characters that are not ASCII, which no
        // ASCII query crosses (0xFF stands for them). No Unicode table is read per character.
        const OTHER: u8 = 0xFF;
        let mut folded = Vec::with_capacity(text.len());
        for c in text.chars() {
            match c {
                c if c.is_ascii() => folded.push(c.to_ascii_lowercase() as u8),
                '\u{212A}' => folded.push(b'k'),
                '\u{130}' => folded.extend([b'i', OTHER]),
                _ => folded.push(OTHER),
            }
        }
        return folded.windows(query.len()).any(|w| w == query.as_bytes());
    }
    text.to_lowercase().contains(query)
}

pub(crate) fn workspace(
    a: &Analysis,
    p: &WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let model = a.model.as_ref()?;
    let query = p.query.to_lowercase();
    let found: Vec<WorkspaceSymbol> = a
        .specs
        .iter()
        .flat_map(|s| s.nodes.iter())
        .filter(|n| {
            contains_lowercased(&n.id, &query)
                || n.title
                    .as_deref()
                    .is_some_and(|t| contains_lowercased(t, &query))
        })
        .filter_map(|n| {
            Some(WorkspaceSymbol {
                name: match n.title.as_deref().filter(|t| !t.is_empty()) {
                    Some(t) => format!("{} {t}", n.id),
                    None => n.id.to_string(),
                },
                kind: SymbolKind::OBJECT,
                tags: None,
                container_name: Some(model.schema.kind(n.kind).name.clone()),
                location: OneOf::Left(Location::new(
                    uri::from_path(a.path(n.span.file)?)?,
                    range(a, n.id_span)?,
                )),
                data: None,
            })
        })
        .take(MAX_SYMBOLS)
        .collect();
    Some(WorkspaceSymbolResponse::Nested(found))
}

#[cfg(test)]
mod tests {
    use super::contains_lowercased;

    /// The characters `contains_lowercased` folds by hand are the only ones outside ASCII that
    /// lower-case to something holding ASCII (so a Unicode update would show here).
    #[test]
    fn only_two_characters_outside_ascii_lower_case_to_ascii() {
        let to_ascii: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(to_ascii, ['\u{130}', '\u{212A}']);
        assert_eq!('\u{130}'.to_lowercase().collect::<String>(), "i\u{307}");
        assert_eq!('\u{212A}'.to_lowercase().collect::<String>(), "k");
    }

    #[test]
    fn the_ascii_shortcut_matches_lower_casing_the_text() {
        let texts = [
            "I1.3.2",
            "amed.P00003",
            "MIXED-Case_id",
            "",
            "開発支援に係る品質管理",
            "Ｉ１ 全角 ID",
            "\u{212A}elvin",  // KELVIN SIGN lower-cases to an ASCII `k`
            "\u{130}stanbul", // İ lower-cases to `i` and a combining dot
            "ÄÖÜ straße",
            "AI を活用した\u{212A}ELVIN 計測",
            "医療機器 IoT と \u{130}zmir",
            "Σ ΟΔΟΣ Ωmega",
        ];
        let queries = [
            "",
            "i1",
            ".3.2",
            "p0000",
            "case_",
            "x",
            "品質",
            "ｉ１",
            "kelvin",
            "i\u{307}st",
            "ä",
            "i",
            "ai",
            "ai を",
            "iot",
            "izmir",
            "i\u{307}zmir",
            "mega",
            "ωmega",
            "kelvin 計",
            " ",
            "k",
        ];
        for text in texts {
            for query in queries {
                let query = query.to_lowercase();
                assert_eq!(
                    contains_lowercased(text, &query),
                    text.to_lowercase().contains(&query),
                    "{text:?} / {query:?}"
                );
            }
        }
    }
}
