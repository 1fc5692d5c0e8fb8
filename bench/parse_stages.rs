//! Times the front of the pipeline alone, on one thread: lexing every spec file of a directory
//! into tokens, parsing it into its syntax tree, and parsing and lowering it into nodes. The
//! best of twelve rounds of each is printed (the machine's noise only ever adds time), so two
//! builds of the parser compare within one run each. The texts are kept to the exit, as
//! `align check` keeps them (`Options::texts_live_to_exit`); `ALIGN_COUNTED_TEXTS=1` times
//! them counted, as the language server holds them.
//!
//! ```sh
//! python3 /work/shared/bench/peer-corpus.py --items 100000 --format align --out /tmp/peer100k
//! cargo run --release --example parse-stages -- /tmp/peer100k
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark driver: a panic is a failure

use align::base::ArcStr;
use align::source::{FileId, SourceSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

const ROUNDS: usize = 12;

// The allocator `align` itself uses (src/main.rs): the parser allocates for every entry and
// list, and glibc's malloc took a tenth of this benchmark's time where mimalloc takes less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse-stages DIR");
    let texts: Vec<ArcStr> = spec_files(Path::new(&dir))
        .iter()
        .map(|p| ArcStr::from(std::fs::read_to_string(p).expect("a UTF-8 spec file")))
        .collect();
    if std::env::var_os("ALIGN_COUNTED_TEXTS").is_none() {
        for t in &texts {
            let _ = t.leak();
        }
    }
    let bytes: usize = texts.iter().map(ArcStr::len).sum();
    let schema = align::rules::RuleSet::embedded(&mut SourceSet::default())
        .expect("the embedded rule set")
        .schema;
    let mut best = [f64::MAX; 3];
    let (mut tokens, mut decls, mut nodes) = (0, 0, 0);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        tokens = texts.iter().map(|t| align::syntax::tokenize(t).len()).sum();
        let lexed = Instant::now();
        decls = texts
            .iter()
            .map(|t| align::syntax::parse_shared(FileId(0), t).0.decls.len())
            .sum();
        let parsed = Instant::now();
        nodes = texts
            .iter()
            .map(|t| {
                let (file, _) = align::syntax::parse_shared(FileId(0), t);
                align::model::lower(&schema, file).0.len()
            })
            .sum();
        let lowered = Instant::now();
        for (b, (from, to)) in
            best.iter_mut()
                .zip([(start, lexed), (lexed, parsed), (parsed, lowered)])
        {
            *b = b.min((to - from).as_secs_f64() * 1e3);
        }
    }
    println!(
        "{} files, {bytes} bytes: lex {:.1} ms ({tokens} tokens), parse {:.1} ms ({decls} declarations), parse and lower {:.1} ms ({nodes} nodes); best of {ROUNDS}",
        texts.len(),
        best[0],
        best[1],
        best[2]
    );
}

/// The `*.align` files under `dir`, in path order.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            out.extend(spec_files(&path));
        } else if path.extension().is_some_and(|e| e == "align") {
            out.push(path);
        }
    }
    out.sort();
    out
}
