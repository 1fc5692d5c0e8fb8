//! The model: AST + schema → typed nodes in a petgraph graph, an ID index, and the structural
//! findings of that step (unknown kinds and keys, wrong types, unresolved references,
//! duplicate IDs, cycles).
//!
//! Third stage of the pipeline: it reads `syntax::ast` and knows nothing of rules or output.

pub(crate) mod above;
mod build;
pub(crate) mod error;
pub mod graph;
mod resolve;
pub mod schema;
pub use crate::base::suggest;

pub use graph::{Edge, Graph};
pub use resolve::SuggestMemo;
pub use schema::{KeyId, KeySchema, KeyType, KindId, KindSchema, Schema};

use crate::base::{timing, ArcStr, Substr};
use crate::diag::{Finding, Span, ThinVec};
use crate::source::FileId;
use crate::syntax::ast::{self, Date};

/// Node IDs to their index in the model: tables of entries hashed by their node's ID. An entry
/// holds the node's index and kind and the ID's length and first [`Entry::HEAD`] bytes, so
/// that finding a reference's target reads the table alone: reading the node and then its
/// ID's text were two cache misses per lookup at 100,000 items (a third of the references
/// stage's samples). A longer ID's rest is compared in the node. Hashed with `rustc_hash`:
/// IDs are short keys from the user's own specs, not from an adversary who could pick
/// colliding hashes.
///
/// The index is split into [`IdIndex::SHARDS`] tables by a few bits of the hash, built in
/// parallel: each table takes its nodes in node order, so the first declaration of an ID is
/// the one indexed wherever it lies, and each table is small enough to stay in cache (one table
/// of a million IDs misses it on every insert, which made this stage grow faster than the
/// input).
#[derive(Debug, Default)]
pub struct IdIndex {
    shards: Vec<hashbrown::HashTable<Entry>>,
}

/// One node in the [`IdIndex`]: 24 bytes.
#[derive(Clone, Copy, Debug)]
struct Entry {
    ix: u32,
    kind: KindId,
    /// The ID's length in bytes, at most `u16::MAX` (a longer one is compared in the node).
    len: u16,
    /// The ID's first bytes, zeros after its end.
    head: [u8; Entry::HEAD],
}

impl Entry {
    const HEAD: usize = 16;

    /// The length and first bytes of `id`, as an entry holds them.
    ///
    /// The bytes are copied as two overlapping words of a fixed size, not as one copy of the
    /// ID's length: that was a call to `memmove` per lookup, 2% of a run at 100k items.
    #[inline]
    fn key(id: &str) -> (u16, [u8; Entry::HEAD]) {
        let bytes = id.as_bytes();
        let mut head = [0; Entry::HEAD];
        let n = bytes.len().min(Entry::HEAD);
        let mut both = |w: usize| {
            if let (Some(a), Some(b)) = (bytes.get(..w), bytes.get(n - w..n)) {
                head[..w].copy_from_slice(a);
                head[n - w..n].copy_from_slice(b);
            }
        };
        match n {
            8.. => both(8),
            4..=7 => both(4),
            2..=3 => both(2),
            _ => head[..n].copy_from_slice(&bytes[..n]),
        }
        (u16::try_from(bytes.len()).unwrap_or(u16::MAX), head)
    }

    /// Whether this entry's node has ID `id`, whose [`Entry::key`] is `key`.
    #[inline]
    fn is(&self, key: (u16, [u8; Entry::HEAD]), id: &str, nodes: &[Node]) -> bool {
        self.len == key.0
            && self.head == key.1
            && (id.len() <= Entry::HEAD
                || nodes.get(self.ix as usize).is_some_and(|n| {
                    n.id.as_bytes().get(Entry::HEAD..) == id.as_bytes().get(Entry::HEAD..)
                }))
    }

    /// Whether this entry's node and `other`'s have the same ID: [`Entry::is`], with `other`'s
    /// node read only for an ID longer than the bytes an entry holds.
    #[inline]
    fn same_id(&self, other: &Entry, nodes: &[Node]) -> bool {
        let key = (other.len, other.head);
        if usize::from(other.len) <= Entry::HEAD {
            return self.len == key.0 && self.head == key.1;
        }
        nodes
            .get(other.ix as usize)
            .is_some_and(|n| self.is(key, &n.id, nodes))
    }

    fn node(&self) -> NodeIx {
        NodeIx(self.ix as usize)
    }
}

impl IdIndex {
    /// How many tables the index is split into (a constant, so the index does not depend on
    /// the number of cores).
    const SHARDS: usize = 16;

    fn hash(id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// The table of a hash: bits the tables themselves do not use (they place an entry by the
    /// low bits and tag it with the top seven).
    fn shard(hash: u64) -> usize {
        // At most SHARDS - 1: fits.
        usize::try_from((hash >> 32) % Self::SHARDS as u64).unwrap_or(0)
    }

    /// Indexes `nodes` by ID, and lists the nodes whose ID an earlier node declares, each
    /// with that earlier node, in node order (such a node is not indexed). A model holds
    /// fewer than 2^32 nodes (each takes tens of bytes; its file, more).
    pub fn build(nodes: &[Node]) -> (IdIndex, Vec<(NodeIx, NodeIx)>) {
        use rayon::prelude::*;
        // Each node's entry and hash, read in node order on all cores and sorted by table in
        // each chunk of nodes: the tables then read only these, chunk after chunk (a table
        // reading its nodes' IDs and kinds in the nodes' list, one node in sixteen, missed the
        // cache at every node: 9-25 ms of the stage at 100k items).
        let chunk = crate::base::chunk_len(nodes.len(), 4, 4096);
        let parts: Vec<Vec<Vec<(u64, Entry)>>> = nodes
            .par_chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                let room = part.len() / Self::SHARDS + part.len() / (4 * Self::SHARDS) + 1;
                let mut by_shard: Vec<Vec<(u64, Entry)>> = (0..Self::SHARDS)
                    .map(|_| Vec::with_capacity(room))
                    .collect();
                for (i, node) in part.iter().enumerate() {
                    let id = node.id.as_str();
                    let (len, head) = Entry::key(id);
                    let entry = Entry {
                        ix: u32::try_from(c * chunk + i).unwrap_or(u32::MAX),
                        kind: node.kind,
                        len,
                        head,
                    };
                    let hash = Self::hash(id);
                    by_shard[Self::shard(hash)].push((hash, entry));
                }
                by_shard
            })
            .collect();
        let built: Vec<_> = (0..Self::SHARDS)
            .into_par_iter()
            .map(|shard| {
                let members = parts.iter().filter_map(|p| p.get(shard));
                let count = members.clone().map(Vec::len).sum();
                let mut table = hashbrown::HashTable::with_capacity(count);
                let mut repeated = Vec::new();
                for &(hash, entry) in members.flatten() {
                    match table.entry(
                        hash,
                        |other: &Entry| other.same_id(&entry, nodes),
                        // Only when the table grows, which its capacity rules out.
                        |other| {
                            nodes
                                .get(other.ix as usize)
                                .map_or(0, |n| Self::hash(&n.id))
                        },
                    ) {
                        hashbrown::hash_table::Entry::Occupied(first) => {
                            repeated.push((entry.node(), first.get().node()));
                        }
                        hashbrown::hash_table::Entry::Vacant(slot) => {
                            slot.insert(entry);
                        }
                    }
                }
                (table, repeated)
            })
            .collect();
        drop(parts);
        let mut shards = Vec::with_capacity(Self::SHARDS);
        let mut repeated = Vec::new();
        for (table, r) in built {
            shards.push(table);
            repeated.extend(r);
        }
        repeated.sort_unstable();
        (IdIndex { shards }, repeated)
    }

    /// The node declaring `id`, among `nodes` (the ones this index was built over).
    pub fn get(&self, nodes: &[Node], id: &str) -> Option<NodeIx> {
        self.get_kind(nodes, id).map(|(n, _)| n)
    }

    /// [`IdIndex::get`] with the node's kind, read from the index rather than the node.
    pub fn get_kind(&self, nodes: &[Node], id: &str) -> Option<(NodeIx, KindId)> {
        let hash = Self::hash(id);
        let key = Entry::key(id);
        self.shards
            .get(Self::shard(hash))?
            .find(hash, |e| e.is(key, id, nodes))
            .map(|e| (e.node(), e.kind))
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
    /// Views into the file's text (see [`Substr`]): a node costs no string of its own unless a
    /// value was read as something else than it is written.
    pub id: Substr,
    pub kind: KindId,
    pub title: Option<Substr>,
    /// The whole declaration.
    pub span: Span,
    /// The ID token.
    pub id_span: Span,
    /// From the kind to the title (or ID): where "this declaration" is pointed at.
    pub header: Span,
    pub attrs: ThinVec<Attr>,
    pub waivers: ThinVec<Waiver>,
    /// The declaration holds a syntax error: rules do not report on it (the error is reported).
    pub recovered: bool,
}

impl Node {
    /// A node of nothing, holding no memory: a place to move a node into.
    pub(crate) fn blank() -> Node {
        let nowhere = Span::new(crate::base::FileId(0), 0, 0);
        Node {
            id: Substr::new(),
            kind: KindId(0),
            title: None,
            span: nowhere,
            id_span: nowhere,
            header: nowhere,
            attrs: ThinVec::new(),
            waivers: ThinVec::new(),
            recovered: false,
        }
    }

    pub fn attr(&self, key: KeyId) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    /// The node's tags under `key` (a `tag` or `tags` key).
    pub fn tags(&self, key: KeyId) -> impl Iterator<Item = &str> + '_ {
        // Borrowed, not collected: rules ask for tags once per node and source they compare.
        let (one, many): (Option<&str>, Option<&Words>) = match self.attr(key).map(|a| &a.value) {
            Some(AttrValue::Tag(t)) => (Some(t.as_str()), None),
            Some(AttrValue::Tags(ts)) => (None, Some(ts)),
            _ => (None, None),
        };
        one.into_iter()
            .chain(many.into_iter().flat_map(Words::texts))
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
    /// The value (or the block, for a series).
    pub value_span: Span,
    pub value: AttrValue,
}

impl Attr {
    /// The whole entry, from its key to the end of its value (an entry read only in part is
    /// not lowered, so nothing follows the value).
    pub fn span(&self) -> Span {
        Span::new(
            self.key_span.file,
            self.key_span.start(),
            self.value_span.end(),
        )
    }
}

/// A typed value.
#[derive(Clone, Debug)]
pub enum AttrValue {
    Str(Substr),
    Number(ast::Number),
    Date(Date),
    Bool(bool),
    /// Boxed: ranges are rare, and inline they would double the size of every value.
    Range(Box<(ast::Value, ast::Value)>),
    Tag(Substr),
    Tags(Words),
    Enum(Substr),
    /// References, resolved into graph edges; kept here with their spans.
    Refs(Words),
    Series(ThinVec<SeriesPoint>),
}

/// The identifiers of a list of tags or references, each with its span: views into one text
/// held once for the list (the file's), 8 bytes an identifier: its offsets in the file, which
/// are its span's (a view of its own beside its span was 32 bytes, and a count on the file's
/// text each; the offsets and the span side by side, 20).
#[derive(Clone, Debug, Default)]
pub struct Words {
    /// The file's text, or, when an identifier reads otherwise than written (a full-width run
    /// read as ASCII), a text of the list's own made of its identifiers.
    text: ArcStr,
    /// Each identifier's offsets in `text`. With a text of the list's own, a first entry
    /// [`Words::OWN`] says so, and the identifiers' spans in the file follow their offsets.
    items: ThinVec<[u32; 2]>,
}

impl Words {
    /// The mark of a list with a text of its own: no identifier is empty, so no identifier's
    /// offsets are equal.
    const OWN: [u32; 2] = [u32::MAX, u32::MAX];

    /// The identifiers `words` (views, as the syntax tree holds them) with their spans.
    pub fn new<'a>(words: impl Iterator<Item = (&'a Substr, Span)> + Clone) -> Words {
        // One look at the words first: how many, and whether they view one text, each at its
        // span (as an identifier read as written does).
        let first = words.clone().next().map(|(w, _)| w.parent());
        let (count, one_text) = words.clone().fold((0, true), |(n, one), (w, span)| {
            (
                n + 1,
                one && first.is_some_and(|p| ArcStr::ptr_eq(p, w.parent()))
                    && w.range() == span.range(),
            )
        });
        // Offsets in a file fit 32 bits (as spans do); a word past them reads as empty.
        let cut = |n: usize| u32::try_from(n).unwrap_or(0);
        match first {
            None => Words::default(),
            Some(p) if one_text => {
                let mut items = ThinVec::with_capacity(count);
                for (w, _) in words {
                    let range = w.range();
                    items.push([cut(range.start), cut(range.end)]);
                }
                Words {
                    text: p.clone(),
                    items,
                }
            }
            Some(_) => {
                let text = ArcStr::from(words.clone().map(|(w, _)| w.as_str()).collect::<String>());
                let mut items = ThinVec::with_capacity(1 + 2 * count);
                items.push(Words::OWN);
                let mut end = 0;
                for (w, _) in words.clone() {
                    end += w.len();
                    items.push([cut(end - w.len()), cut(end)]);
                }
                for (_, span) in words {
                    items.push([cut(span.start()), cut(span.end())]);
                }
                Words { text, items }
            }
        }
    }

    /// The offsets of the identifiers in [`Words::text`], and their spans' when those are
    /// other offsets (in the file).
    fn parts(&self) -> (&[[u32; 2]], Option<&[[u32; 2]]>) {
        match self.items.split_first() {
            Some((&Words::OWN, rest)) => {
                let (at, spans) = rest.split_at(rest.len() / 2);
                (at, Some(spans))
            }
            _ => (&self.items, None),
        }
    }

    pub fn len(&self) -> usize {
        self.parts().0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The identifiers, in order.
    pub fn texts(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator + '_ {
        self.parts()
            .0
            .iter()
            .map(|&[a, b]| self.text.get(a as usize..b as usize).unwrap_or(""))
    }

    /// The identifiers and their spans in `file` (the file of the node that holds them), in
    /// order.
    pub fn iter(
        &self,
        file: FileId,
    ) -> impl ExactSizeIterator<Item = (&str, Span)> + DoubleEndedIterator + '_ {
        let (at, spans) = self.parts();
        let spans = spans.unwrap_or(at);
        self.texts()
            .zip(spans)
            .map(move |(text, &[a, b])| (text, Span::new(file, a as usize, b as usize)))
    }
}

/// One value of a series block: `FY2022 148`.
#[derive(Clone, Debug)]
pub struct SeriesPoint {
    pub label: Substr,
    /// The fiscal year of a `FY2022` label.
    pub year: Option<i32>,
    pub value: ast::Number,
    pub span: Span,
}

/// `allow RULE "reason" until DATE` on a declaration.
#[derive(Clone, Debug)]
pub struct Waiver {
    pub rule: Substr,
    pub rule_span: Span,
    pub reason: Substr,
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
    /// The nodes of each kind (by [`KindId`]), in declaration order: a rule asks for the
    /// nodes of its kind, and a scan of every node for each rule read the whole model a dozen
    /// times (2% of a run's samples at 100k items).
    by_kind: Vec<Vec<NodeIx>>,
    /// Each node's kind, 2 bytes a node: rules ask for the kind of nodes met along the graph's
    /// edges (is this source a program?), in no order, and reading it from the node read a
    /// node of 88 bytes for it.
    kinds: Vec<KindId>,
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
        let (by_kind, kinds) = Model::by_kind(&schema, &nodes);
        let mut model = Model {
            schema,
            nodes,
            index,
            graph: Graph::default(),
            files: file_ids,
            by_kind,
            kinds,
        };
        let (graph, misses) = timing::time("model: references", || {
            resolve::edges(&model.schema, &model.nodes, &model.index, &mut findings)
        });
        model.graph = graph;
        // The did-you-mean of the unresolved references (a few long scans, which leave a core
        // idle when there are fewer than cores) and the cycle check (mostly one core) are
        // independent: run side by side. The cycles' findings come after the others, as
        // before.
        let mut cycles = Vec::new();
        rayon::join(
            || {
                timing::time("model: did-you-mean", || {
                    resolve::suggest_all(&model.nodes, &misses, &mut findings, memo);
                });
            },
            || timing::time("model: cycles", || resolve::cycles(&model, &mut cycles)),
        );
        drop(misses);
        findings.append(&mut cycles);
        (model, findings)
    }

    pub fn node(&self, ix: NodeIx) -> &Node {
        &self.nodes[ix.index()]
    }

    pub fn get(&self, id: &str) -> Option<NodeIx> {
        self.index.get(&self.nodes, id)
    }

    /// Frees the ID index and the graph (a seventh of a large check's memory) before a
    /// renderer that reads only the findings and the files' texts: its buffers then take the
    /// memory these held instead of fresh pages. The model answers no lookup or graph query
    /// afterwards (as if it had no nodes).
    pub fn free_lookups(&mut self) {
        self.index = IdIndex::default();
        self.graph = Graph::default();
    }

    /// The kind of node `ix` (what `node(ix).kind` reads, from a list of kinds alone).
    pub fn kind_of(&self, ix: NodeIx) -> KindId {
        self.kinds
            .get(ix.index())
            .copied()
            .unwrap_or_else(|| self.node(ix).kind)
    }

    pub fn kind_name(&self, ix: NodeIx) -> &str {
        &self.schema.kind(self.kind_of(ix)).name
    }

    /// Indices of the nodes of a kind, in declaration order.
    pub fn nodes_of(&self, kind: KindId) -> impl ExactSizeIterator<Item = NodeIx> + '_ {
        self.by_kind
            .get(usize::from(kind.0))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
    }

    /// The nodes of each kind of `schema`, in order: their kinds read on all cores, then
    /// sorted into lists on one (2 bytes a node); and the kinds, which the model keeps.
    fn by_kind(schema: &Schema, nodes: &[Node]) -> (Vec<Vec<NodeIx>>, Vec<KindId>) {
        use rayon::prelude::*;
        let kinds: Vec<KindId> = nodes.par_iter().map(|n| n.kind).collect();
        let mut counts = vec![0usize; schema.kinds.len()];
        for k in &kinds {
            if let Some(c) = counts.get_mut(usize::from(k.0)) {
                *c += 1;
            }
        }
        let mut by_kind: Vec<Vec<NodeIx>> = counts.into_iter().map(Vec::with_capacity).collect();
        for (i, k) in kinds.iter().enumerate() {
            if let Some(list) = by_kind.get_mut(usize::from(k.0)) {
                list.push(NodeIx(i));
            }
        }
        (by_kind, kinds)
    }

    /// Indices of the nodes for which `pick` holds, in declaration order: one scan on all
    /// cores (a large plan's nodes do not fit the caches; a scan for the few nodes with
    /// something, alone on one core, was a stage of its own at 100,000 items).
    pub fn nodes_where(&self, pick: impl Fn(&Node) -> bool + Sync + Send) -> Vec<NodeIx> {
        use rayon::prelude::*;
        self.nodes
            .par_iter()
            .enumerate()
            .filter(|(_, n)| pick(n))
            .map(|(i, _)| NodeIx(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model at 100,000 items holds 167,783 nodes and about 380,000 attributes: their sizes
    /// are memory per declaration. Lists are one pointer (`ThinVec`: most nodes have no
    /// waiver, and an attribute's list is allocated once, at its length).
    #[test]
    fn a_node_is_at_most_88_bytes_and_an_attribute_56() {
        assert!(std::mem::size_of::<Node>() <= 88);
        assert!(std::mem::size_of::<AttrValue>() <= 24);
        assert!(std::mem::size_of::<Attr>() <= 56);
        // A tag or reference in a list: its offsets in the file, which are its span's.
        assert!(std::mem::size_of::<[u32; 2]>() == 8);
        assert!(std::mem::size_of::<Words>() <= 16);
    }

    fn node(id: &str) -> Node {
        Node {
            id: Substr::from(id),
            kind: KindId(0),
            title: None,
            span: Span::new(crate::base::FileId(0), 0, 0),
            id_span: Span::new(crate::base::FileId(0), 0, 0),
            header: Span::new(crate::base::FileId(0), 0, 0),
            attrs: ThinVec::new(),
            waivers: ThinVec::new(),
            recovered: false,
        }
    }

    /// Enough IDs to fill every table; every seventh declared again later (and every 49th a
    /// third time): the first declaration is the one indexed, the others listed in node order
    /// with it, whichever table the ID falls in.
    #[test]
    fn the_index_finds_the_first_declaration_of_every_id() {
        let distinct = 5000;
        let mut ids: Vec<String> = (0..distinct).map(|i| format!("I{i}.{}", i % 13)).collect();
        let again: Vec<String> = (0..distinct)
            .step_by(7)
            .chain((0..distinct).step_by(49))
            .map(|i| ids[i].clone())
            .collect();
        ids.extend(again);
        let nodes: Vec<Node> = ids.iter().map(|id| node(id)).collect();
        let (index, repeated) = IdIndex::build(&nodes);
        for (i, id) in ids.iter().take(distinct).enumerate() {
            assert_eq!(index.get(&nodes, id), Some(NodeIx(i)), "{id}");
        }
        assert_eq!(index.get(&nodes, "I5000.0"), None);
        let first = |id: &str| ids.iter().position(|x| x == id).map(NodeIx);
        let expected: Vec<(NodeIx, NodeIx)> = (distinct..ids.len())
            .filter_map(|i| Some((NodeIx(i), first(&ids[i])?)))
            .collect();
        assert_eq!(expected.len(), ids.len() - distinct);
        assert_eq!(repeated, expected);
        assert!(index.shards.iter().filter(|t| !t.is_empty()).count() == IdIndex::SHARDS);
    }

    /// IDs longer than the bytes an index entry holds are told apart by the rest, in the node:
    /// IDs that share their first 16 bytes and their length, or only their first 16 bytes.
    /// And IDs of every length up to 16 that differ in one byte (an entry's bytes are copied
    /// as words, which must cover them all).
    #[test]
    fn the_index_tells_apart_long_ids_that_begin_alike() {
        let head = "PROGRAM-SUPPORT-";
        assert_eq!(head.len(), Entry::HEAD);
        let ids: Vec<String> = (0..300)
            .map(|i| format!("{head}{i:03}"))
            .chain([format!("{head}0"), format!("{head}0000")])
            .chain((1..=Entry::HEAD).flat_map(|len| {
                // Every length, and at each length IDs that differ in one byte only.
                (0..=len).map(move |at| {
                    (0..len)
                        .map(|i| if i == at { 'B' } else { 'A' })
                        .collect::<String>()
                })
            }))
            .collect();
        // An entry holds exactly the ID's first bytes, zeros after (lookups compare them only
        // when hashes meet, so a wrong copy would rarely show through the index).
        for id in &ids {
            let (len, head) = Entry::key(id);
            let n = id.len().min(Entry::HEAD);
            assert_eq!(usize::from(len), id.len());
            assert_eq!(&head[..n], &id.as_bytes()[..n], "{id}");
            assert!(head[n..].iter().all(|&b| b == 0), "{id}");
        }
        // Declared again at the end: long IDs (told apart by their rest) and a short one.
        let again = [
            format!("{head}123"),
            format!("{head}0000"),
            "AAB".to_owned(),
        ];
        let nodes: Vec<Node> = ids.iter().chain(&again).map(|id| node(id)).collect();
        let (index, repeated) = IdIndex::build(&nodes);
        let first = |id: &str| ids.iter().position(|x| x == id).map(NodeIx);
        let want: Vec<(NodeIx, NodeIx)> = again
            .iter()
            .enumerate()
            .filter_map(|(k, id)| Some((NodeIx(ids.len() + k), first(id)?)))
            .collect();
        assert_eq!(want.len(), again.len());
        assert_eq!(repeated, want);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(&nodes, id), Some(NodeIx(i)), "{id}");
        }
        for missing in [
            format!("{head}300"),
            format!("{head}00"),
            "PROGRAM".to_owned(),
        ] {
            assert_eq!(index.get(&nodes, &missing), None, "{missing}");
        }
    }

    /// The model's list of kinds answers what each node says, for nodes of every kind in
    /// any order of declaration.
    #[test]
    fn the_kind_of_a_node_is_its_own() {
        let spec = "program P \"p\" {}\nplan PL \"p\" {}\nitem I1 \"a\" {}\n\
                    policy V1 \"v\" { plan PL }\nkpi K \"k\" {}\nitem I2 \"b\" {}\n";
        let schema = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, _) = crate::syntax::parse(FileId(0), spec);
        let (nodes, _) = lower(&schema, ast);
        let (model, _) = Model::assemble(schema, vec![(FileId(0), nodes)]);
        assert_eq!(model.nodes.len(), 6);
        let kinds: Vec<&str> = (0..model.nodes.len())
            .map(|i| model.schema.kind(model.kind_of(NodeIx(i))).name.as_str())
            .collect();
        assert_eq!(kinds, ["program", "plan", "item", "policy", "kpi", "item"]);
        for i in 0..model.nodes.len() {
            assert_eq!(model.kind_of(NodeIx(i)), model.node(NodeIx(i)).kind);
        }
    }

    /// A list whose identifiers are all views into one text (the file's) holds that text
    /// once; one with an identifier of its own (read otherwise than written, as a full-width
    /// run read as ASCII) holds a text made of its identifiers. Each keeps its span.
    #[test]
    fn words_hold_their_file_text_or_one_of_their_own() {
        let file = ArcStr::from("topics [ai, ｓｍｅ, rare-disease]");
        let span = |a: usize, b: usize| Span::new(FileId(3), a, b);
        let ai = crate::base::substr(&file, 8, 10);
        let rare = crate::base::substr(&file, 23, 35);
        let sme = Substr::from("sme");
        let viewed = Words::new([(&ai, span(8, 10)), (&rare, span(23, 35))].into_iter());
        assert!(ArcStr::ptr_eq(&viewed.text, &file));
        assert_eq!(
            viewed.iter(FileId(3)).collect::<Vec<_>>(),
            [("ai", span(8, 10)), ("rare-disease", span(23, 35))]
        );
        let own = Words::new(
            [
                (&ai, span(8, 10)),
                (&sme, span(12, 21)),
                (&rare, span(23, 35)),
            ]
            .into_iter(),
        );
        assert!(!ArcStr::ptr_eq(&own.text, &file) && own.text.len() == 17);
        assert_eq!(
            own.iter(FileId(3)).collect::<Vec<_>>(),
            [
                ("ai", span(8, 10)),
                ("sme", span(12, 21)),
                ("rare-disease", span(23, 35))
            ]
        );
        let one = Words::new([(&sme, span(12, 21))].into_iter());
        assert_eq!(
            one.iter(FileId(3)).collect::<Vec<_>>(),
            [("sme", span(12, 21))]
        );
        assert_eq!((own.len(), one.len()), (3, 1));
        assert_eq!(
            own.texts().collect::<Vec<_>>(),
            ["ai", "sme", "rare-disease"]
        );
        // Views whose spans are not their offsets (no identifier read as written has one):
        // kept with a text of their own, spans and all.
        let moved = Words::new([(&ai, span(40, 42))].into_iter());
        assert!(!ArcStr::ptr_eq(&moved.text, &file));
        assert_eq!(
            moved.iter(FileId(3)).collect::<Vec<_>>(),
            [("ai", span(40, 42))]
        );
        let none = Words::new(std::iter::empty());
        assert!(none.is_empty() && none.iter(FileId(3)).next().is_none());
    }

    /// A node's ID, title, references and tags are views into its file's text, not copies
    /// (what keeps a node's memory to its own fields); a title with an escape and an ID read
    /// from full-width characters are strings of their own, with the values read.
    #[test]
    fn nodes_view_their_file_text_and_copy_only_what_reads_otherwise() {
        let schema = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap();
        let text = crate::base::ArcStr::from(
            "item I1 \"治験の推進\" {\n  topics [ai, rare-disease]\n}\n\
             item I1.1 \"a \\\"quoted\\\" title\" {\n  parent I1\n}\n\
             item Ｉ２ \"全角\"\n",
        );
        let (ast, _) = crate::syntax::parse_shared(FileId(0), &text);
        let (nodes, _) = lower(&schema, ast);
        let in_text = |s: &Substr| std::ptr::eq(s.parent().as_ptr(), text.as_ptr());
        let [first, second, third] = nodes.as_slice() else {
            panic!("three nodes: {nodes:?}");
        };
        assert!(in_text(&first.id) && first.id == "I1");
        let title = first.title.as_ref().unwrap();
        assert!(in_text(title) && title == "治験の推進");
        let topics = schema.key_id("topics").unwrap();
        assert_eq!(
            first.tags(topics).collect::<Vec<_>>(),
            ["ai", "rare-disease"]
        );
        match first.attr(topics).map(|a| &a.value) {
            Some(AttrValue::Tags(tags)) => assert!(ArcStr::ptr_eq(&tags.text, first.id.parent())),
            other => panic!("tags: {other:?}"),
        }
        match second
            .attr(schema.key_id("parent").unwrap())
            .map(|a| &a.value)
        {
            Some(AttrValue::Refs(refs)) => {
                assert!(ArcStr::ptr_eq(&refs.text, second.id.parent()));
                assert_eq!(refs.texts().collect::<Vec<_>>(), ["I1"]);
            }
            other => panic!("parent: {other:?}"),
        }
        let quoted = second.title.as_ref().unwrap();
        assert!(!in_text(quoted) && quoted == "a \"quoted\" title");
        assert!(!in_text(&third.id) && third.id == "I2");
    }
}
