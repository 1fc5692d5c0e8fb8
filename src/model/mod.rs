//! The model: AST + schema → typed nodes in a petgraph graph, an ID index, and the structural
//! findings of that step (unknown kinds and keys, wrong types, unresolved references,
//! duplicate IDs, cycles).
//!
//! Third stage of the pipeline: it reads `syntax::ast` and knows nothing of rules or output.

mod build;
pub(crate) mod error;
pub mod graph;
mod resolve;
pub mod schema;
pub use crate::base::suggest;

pub use graph::{Edge, Graph};
pub use resolve::SuggestMemo;
pub use schema::{KeyId, KeySchema, KeyType, KindId, KindSchema, Schema};

use crate::base::timing;
use crate::diag::{Finding, Span};
use crate::source::FileId;
use crate::syntax::ast::{self, Date};

/// Node IDs to their index in the model: a table of node indices hashed by their node's ID,
/// which is read from the nodes rather than copied into the index (one string allocation fewer
/// per declaration). Hashed with `rustc_hash`: IDs are short keys from the user's own specs, not
/// from an adversary who could pick colliding hashes.
#[derive(Debug, Default)]
pub struct IdIndex {
    table: hashbrown::HashTable<NodeIx>,
}

impl IdIndex {
    pub fn with_capacity(n: usize) -> Self {
        IdIndex {
            table: hashbrown::HashTable::with_capacity(n),
        }
    }

    fn hash(id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// The node declaring `id`, among `nodes` (the ones this index was built over).
    pub fn get(&self, nodes: &[Node], id: &str) -> Option<NodeIx> {
        self.table
            .find(Self::hash(id), |&ix| nodes[ix.index()].id == id)
            .copied()
    }

    /// Indexes `nodes[ix]` under its ID, unless that ID is indexed already: then the node
    /// indexed under it.
    pub fn insert(&mut self, nodes: &[Node], ix: NodeIx) -> Result<(), NodeIx> {
        let id = nodes[ix.index()].id.as_str();
        match self.table.entry(
            Self::hash(id),
            |&other| nodes[other.index()].id == id,
            |&other| Self::hash(&nodes[other.index()].id),
        ) {
            hashbrown::hash_table::Entry::Occupied(first) => Err(*first.get()),
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(ix);
                Ok(())
            }
        }
    }
}

/// Lowers one parsed file to typed nodes with their findings (unknown kinds and keys, wrong
/// types, missing keys, waivers). Files are independent here, so this runs in parallel. The
/// tree is consumed: what the nodes keep is moved out of it.
pub fn lower(schema: &Schema, file: ast::File) -> (Vec<Node>, Vec<Finding>) {
    build::lower(schema, file)
}

/// Index of a node in [`Model::nodes`] (and of its vertex in the graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIx(usize);

impl NodeIx {
    /// The node at this position of [`Model::nodes`].
    pub fn new(index: usize) -> NodeIx {
        NodeIx(index)
    }

    /// Its position in [`Model::nodes`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// A declaration, typed by its kind's schema.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: String,
    pub kind: KindId,
    pub title: Option<String>,
    /// The whole declaration.
    pub span: Span,
    /// The ID token.
    pub id_span: Span,
    /// From the kind to the title (or ID): where "this declaration" is pointed at.
    pub header: Span,
    pub attrs: Vec<Attr>,
    pub waivers: Vec<Waiver>,
    /// The declaration holds a syntax error: rules do not report on it (the error is reported).
    pub recovered: bool,
}

impl Node {
    pub fn attr(&self, key: KeyId) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    /// The node's tags under `key` (a `tag` or `tags` key).
    pub fn tags(&self, key: KeyId) -> impl Iterator<Item = &str> + '_ {
        // Borrowed, not collected: rules ask for tags once per node and source they compare.
        let (one, many): (Option<&str>, &[(String, Span)]) = match self.attr(key).map(|a| &a.value)
        {
            Some(AttrValue::Tag(t)) => (Some(t.as_str()), &[]),
            Some(AttrValue::Tags(ts)) => (None, ts.as_slice()),
            _ => (None, &[]),
        };
        one.into_iter().chain(many.iter().map(|(t, _)| t.as_str()))
    }

    /// The identifier value of a `tag` or `enum` key.
    pub fn word(&self, key: KeyId) -> Option<&str> {
        match self.attr(key).map(|a| &a.value) {
            Some(AttrValue::Tag(t) | AttrValue::Enum(t)) => Some(t),
            _ => None,
        }
    }

    pub fn number(&self, key: KeyId) -> Option<f64> {
        match self.attr(key).map(|a| &a.value) {
            Some(AttrValue::Number(n)) => Some(n.value),
            _ => None,
        }
    }

    pub fn title_or_id(&self) -> &str {
        self.title
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or(&self.id)
    }
}

/// A key's value after type checking.
#[derive(Clone, Debug)]
pub struct Attr {
    pub key: KeyId,
    pub key_span: Span,
    /// The whole entry.
    pub span: Span,
    /// The value (or the block, for a series).
    pub value_span: Span,
    pub value: AttrValue,
}

/// A typed value.
#[derive(Clone, Debug)]
pub enum AttrValue {
    Str(String),
    Number(ast::Number),
    Date(Date),
    Bool(bool),
    /// Boxed: ranges are rare, and inline they would double the size of every value.
    Range(Box<(ast::Value, ast::Value)>),
    Tag(String),
    Tags(Vec<(String, Span)>),
    Enum(String),
    /// References, resolved into graph edges; kept here with their spans.
    Refs(Vec<(String, Span)>),
    Series(Vec<SeriesPoint>),
}

/// One value of a series block: `FY2022 148`.
#[derive(Clone, Debug)]
pub struct SeriesPoint {
    pub label: String,
    /// The fiscal year of a `FY2022` label.
    pub year: Option<i32>,
    pub value: ast::Number,
    pub span: Span,
}

/// `allow RULE "reason" until DATE` on a declaration.
#[derive(Clone, Debug)]
pub struct Waiver {
    pub rule: String,
    pub rule_span: Span,
    pub reason: String,
    pub until: Date,
    pub span: Span,
}

/// The whole model of a run.
#[derive(Debug)]
pub struct Model {
    pub schema: Schema,
    pub nodes: Vec<Node>,
    /// The nodes by ID.
    pub index: IdIndex,
    pub graph: Graph,
    /// Files that were modelled.
    pub files: Vec<FileId>,
}

impl Model {
    /// Joins files lowered by [`lower`] (in file order): the ID index with duplicate IDs,
    /// references resolved into edges, cycles.
    pub fn assemble(schema: Schema, files: Vec<(FileId, Vec<Node>)>) -> (Model, Vec<Finding>) {
        Model::assemble_with(schema, files, None)
    }

    /// [`Model::assemble`] reusing the did-you-mean answers of an earlier assembly kept in
    /// `memo` (the language server, which assembles again after each edit).
    pub fn assemble_with(
        schema: Schema,
        files: Vec<(FileId, Vec<Node>)>,
        memo: Option<&mut SuggestMemo>,
    ) -> (Model, Vec<Finding>) {
        let mut findings = Vec::new();
        let file_ids: Vec<FileId> = files.iter().map(|f| f.0).collect();
        let (nodes, index) = timing::time("model: ID index", || {
            build::index(files.into_iter().map(|f| f.1).collect(), &mut findings)
        });
        let graph = timing::time("model: references", || {
            resolve::edges(&schema, &nodes, &index, &mut findings, memo)
        });
        let model = Model {
            schema,
            nodes,
            index,
            graph,
            files: file_ids,
        };
        timing::time("model: cycles", || resolve::cycles(&model, &mut findings));
        (model, findings)
    }

    pub fn node(&self, ix: NodeIx) -> &Node {
        &self.nodes[ix.index()]
    }

    pub fn get(&self, id: &str) -> Option<NodeIx> {
        self.index.get(&self.nodes, id)
    }

    pub fn kind_name(&self, ix: NodeIx) -> &str {
        &self.schema.kind(self.nodes[ix.index()].kind).name
    }

    /// Indices of the nodes of a kind, in declaration order.
    pub fn nodes_of(&self, kind: KindId) -> impl Iterator<Item = NodeIx> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.kind == kind)
            .map(|(i, _)| NodeIx(i))
    }
}
