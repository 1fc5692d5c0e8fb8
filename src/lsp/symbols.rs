//! Document symbols (the outline: one group per kind, its declarations inside) and workspace
//! symbols (IDs and titles matching a query).

use super::analysis::Analysis;
use super::diagnostics::range;
use super::uri;
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
        name: n.id.clone(),
        detail: n.title.clone().filter(|t| !t.is_empty()),
        kind: SymbolKind::OBJECT,
        tags: None,
        deprecated: None,
        range: range(a, n.span)?,
        selection_range: range(a, n.id_span)?,
        children: None,
    })
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
            n.id.to_lowercase().contains(&query)
                || n.title
                    .as_deref()
                    .is_some_and(|t| t.to_lowercase().contains(&query))
        })
        .filter_map(|n| {
            Some(WorkspaceSymbol {
                name: match n.title.as_deref().filter(|t| !t.is_empty()) {
                    Some(t) => format!("{} {t}", n.id),
                    None => n.id.clone(),
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
