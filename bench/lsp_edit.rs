//! Times `align lsp` as an editor uses it: the first full check of a workspace, then the
//! diagnostics after one-character edits. Drives the real binary over stdio.
//!
//! ```sh
//! python3 /work/shared/bench/peer-corpus.py --items 10000 --format align --out /tmp/peer10k
//! cargo build --release && cargo run --release --example lsp-edit -- target/release/align /tmp/peer10k
//! ```
//!
//! With `--first-only` it stops after the first full check (for `bench/lsp-instructions.sh`,
//! which runs the server under callgrind).
//!
//! The edited file is the largest spec file with a `parent` reference. Each edit types one character into the first
//! `parent` reference of that file (the reference becomes unresolved, so the file's
//! diagnostics change and are published) and the next edit deletes it again: the figure is the
//! time from sending `didChange` to receiving that file's `publishDiagnostics`, which includes
//! the message's transfer and its parsing by this client (the size and parse time are printed
//! beside it). A second series
//! types into a title (no finding changes) and times `didChange` plus a `hover` request, whose
//! answer waits for the check.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark driver: a panic is a failure

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const EDITS: usize = 20;

struct Client {
    stdin: ChildStdin,
    /// Each message, with its size in bytes, the time this client took to parse it and when
    /// its last byte was read.
    rx: mpsc::Receiver<(Value, usize, Duration, Instant)>,
    next_id: i64,
    /// Size and parse time of the last message received.
    last: (usize, Duration),
    /// When the last message received was read, before it was parsed.
    read_at: Instant,
}

impl Client {
    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        let (msg, bytes, parse, read_at) = self.rx.recv_timeout(Duration::from_secs(600)).unwrap();
        self.last = (bytes, parse);
        self.read_at = read_at;
        msg
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({ "jsonrpc": "2.0", "method": method });
        msg["params"] = params;
        self.send(&msg);
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        msg["params"] = params;
        self.send(&msg);
        loop {
            let m = self.recv();
            if m["id"] == json!(id) && m.get("method").is_none() {
                return m;
            }
        }
    }

    fn wait_publish(&mut self, uri: &str) -> usize {
        loop {
            let m = self.recv();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

fn spawn(bin: &Path) -> (Client, std::process::Child) {
    let mut child = Command::new(bin)
        .args(["lsp", "--today", "2026-11-24"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // One thread reads (so the server's writes never wait for this client's parsing, as
    // with an editor's), another parses.
    let (raw_tx, raw_rx) = mpsc::channel::<(Vec<u8>, Instant)>();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            if raw_tx.send((body, Instant::now())).is_err() {
                return;
            }
        }
    });
    std::thread::spawn(move || {
        for (body, read_at) in raw_rx {
            let parse = Instant::now();
            let msg = serde_json::from_slice(&body).unwrap();
            if tx
                .send((msg, body.len(), parse.elapsed(), read_at))
                .is_err()
            {
                return;
            }
        }
    });
    (
        Client {
            stdin,
            rx,
            next_id: 0,
            last: (0, Duration::ZERO),
            read_at: Instant::now(),
        },
        child,
    )
}

fn specs(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            specs(&p, out);
        } else if p.extension().is_some_and(|x| x == "align") {
            out.push(p);
        }
    }
}

/// The LSP position (UTF-16) of a byte offset.
fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": col })
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    let p90 = ms[ms.len() * 9 / 10];
    let max = ms[ms.len() - 1];
    println!(
        "{name}: median {median:.1} ms, p90 {p90:.1} ms, max {max:.1} ms ({} edits)",
        ms.len()
    );
}

/// `ALIGN_BINARY SPEC_DIR [--first-only]`.
fn arguments(args: &[String]) -> (&String, &String, bool) {
    match args {
        [_, bin, root] => (bin, root, false),
        [_, bin, root, flag] if flag == "--first-only" => (bin, root, true),
        _ => {
            eprintln!("usage: lsp-edit ALIGN_BINARY SPEC_DIR [--first-only]");
            std::process::exit(2);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (bin, root, first_only) = arguments(&args);
    let root = std::fs::canonicalize(root).unwrap();
    let mut files = Vec::new();
    specs(&root, &mut files);
    // The largest file with a `parent` reference to type into.
    let file = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("parent ")))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .expect("a spec file with a `parent` reference")
        .clone();
    let text = std::fs::read_to_string(&file).unwrap();
    let uri = format!("file://{}", file.display());

    let (mut c, mut child) = spawn(Path::new(bin));
    let start = Instant::now();
    c.request(
        "initialize",
        json!({ "processId": null, "capabilities": {},
                "workspaceFolders": [{ "uri": format!("file://{}", root.display()), "name": "bench" }] }),
    );
    c.notify("initialized", json!({}));
    // A request waits for the first check and its diagnostics.
    c.request("workspace/symbol", json!({ "query": "no-such-symbol" }));
    let first = start.elapsed();
    let first_read = c.read_at.duration_since(start);
    println!(
        "{} spec files, {} bytes; edited file {} ({} bytes)",
        files.len(),
        files
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum::<u64>(),
        file.display(),
        text.len()
    );
    println!(
        "first full check (initialize to the answer of the first request, diagnostics of every file sent): {:.0} ms",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "  of which read by then, parsed or not: {:.0} ms",
        first_read.as_secs_f64() * 1000.0
    );
    if first_only {
        return shut_down(&mut c, &mut child);
    }

    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "align", "version": 1, "text": text } }),
    );
    let mut version = 1;

    // Typing into a reference: the file's diagnostics change each time.
    let at = text.find("parent ").expect("a reference");
    let at = at + text[at..].find(' ').unwrap() + 1;
    let at = at + text[at..].find(['\n', ' ', '}', ';']).unwrap();
    let mut ms = Vec::new();
    let mut paced = Vec::new();
    let mut published = Vec::new();
    // Keys sent as soon as the last one's diagnostics arrive, then at a typist's pace (the
    // server finishes the rest of the workspace between two keys).
    for i in 0..2 * EDITS {
        if i >= EDITS {
            std::thread::sleep(Duration::from_millis(150));
        }
        version += 1;
        let p = position(&text, at);
        let change = if i % 2 == 0 {
            json!({ "range": { "start": p, "end": p }, "text": "x" })
        } else {
            let mut end = p.clone();
            end["character"] = json!(p["character"].as_u64().unwrap() + 1);
            json!({ "range": { "start": p, "end": end }, "text": "" })
        };
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        let n = c.wait_publish(&uri);
        let elapsed = t.elapsed().as_secs_f64() * 1000.0;
        if i < EDITS {
            ms.push(elapsed);
        } else {
            paced.push(elapsed);
        }
        published.push((n, c.last.0, c.last.1.as_secs_f64() * 1000.0));
    }
    report("edit a reference → publishDiagnostics", ms);
    report("  the same, one key every 150 ms", paced);
    // What the figure includes besides the server's work: the message and its parsing here.
    published.sort_by(|a, b| a.2.total_cmp(&b.2));
    let (n, bytes, parse) = published[published.len() / 2];
    println!(
        "  the edited file's publishDiagnostics: {n} diagnostics, {} KB, parsed by this client in {parse:.1} ms (median)",
        bytes / 1024
    );

    // Typing into a title: nothing changes; a hover waits for the check.
    let title = text.find('"').unwrap() + 1;
    let mut ms = Vec::new();
    for i in 0..EDITS {
        version += 1;
        let p = position(&text, title);
        let change = if i % 2 == 0 {
            json!({ "range": { "start": p, "end": p }, "text": "あ" })
        } else {
            let mut end = p.clone();
            end["character"] = json!(p["character"].as_u64().unwrap() + 1);
            json!({ "range": { "start": p, "end": end }, "text": "" })
        };
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(&text, at - 1) }),
        );
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    report("edit a title → hover answered", ms);

    shut_down(&mut c, &mut child);
}

fn shut_down(c: &mut Client, child: &mut std::process::Child) {
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = child.wait();
}
