//! The server's stdio: messages read with `lsp-server`'s reader, and written by a thread of
//! our own that takes messages already encoded as JSON.
//!
//! `lsp-server` writes a `Message`, whose parameters are a `serde_json::Value`: each
//! `publishDiagnostics` was built as a tree of values (a map per diagnostic, every string
//! copied), serialized through serde's `flatten` (which buffers every field), then freed. With
//! a workspace's findings that was an eighth of the server's work. Here a notification is
//! serialized straight from its typed parameters on the main thread, while the writer frames
//! and writes the ones before it.

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{Connection, Message, RequestId, ResponseError};
use serde::Serialize;
use serde_json::Value;
use std::cell::Cell;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

/// The threads that read stdin and write stdout.
pub(crate) struct IoThreads {
    reader: thread::JoinHandle<io::Result<()>>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads: the reader ends at `exit` or at the end of its input, the
    /// writer once every sender is dropped and what they sent is written.
    pub(crate) fn join(self) -> io::Result<()> {
        let reader = self.reader.join().map_err(|_| panicked("reader"))?;
        let writer = self.writer.join().map_err(|_| panicked("writer"))?;
        reader.and(writer)
    }
}

fn panicked(which: &str) -> io::Error {
    io::Error::other(format!("the LSP {which} thread panicked"))
}

/// The connection for `lsp-server`'s handshake (`initialize`), and the sender of encoded
/// messages that everything after it uses. The writer writes the handshake's messages until
/// the connection's sender is dropped, then the encoded ones: the server drops it once
/// initialized, before it encodes anything, so the order is the order they were sent in.
pub(crate) fn stdio() -> io::Result<(Connection, Outbox, IoThreads)> {
    let (reader_tx, reader_rx) = bounded::<Message>(0);
    let reader = thread::Builder::new()
        .name("align-lsp-reader".to_owned())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            while let Some(msg) = Message::read(&mut stdin)? {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if reader_tx.send(msg).is_err() || exit {
                    break;
                }
            }
            Ok(())
        });
    let (message_tx, message_rx) = bounded::<Message>(0);
    // A few messages may wait, so the next file's diagnostics are encoded while the client
    // reads the last.
    let (encoded_tx, encoded_rx) = bounded::<Vec<u8>>(4);
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    let writer = thread::Builder::new()
        .name("align-lsp-writer".to_owned())
        .spawn(move || write_all(&message_rx, &encoded_rx, &counter, &mut io::stdout().lock()))?;
    let outbox = Outbox {
        tx: encoded_tx,
        sent: Cell::new(0),
        written,
    };
    let connection = Connection {
        sender: message_tx,
        receiver: reader_rx,
    };
    Ok((
        connection,
        outbox,
        IoThreads {
            reader: reader?,
            writer,
        },
    ))
}

/// Where the server puts encoded messages for the writer thread.
pub(crate) struct Outbox {
    tx: Sender<Vec<u8>>,
    /// Messages put here.
    sent: Cell<usize>,
    /// Messages the writer has written out (the client has read them from the pipe).
    written: Arc<AtomicUsize>,
}

impl Outbox {
    pub(crate) fn send(&self, bytes: Vec<u8>) {
        // The writer thread ends only when the client is gone; nothing is left to tell.
        if self.tx.send(bytes).is_ok() {
            self.sent.set(self.sent.get() + 1);
        }
    }

    /// Whether every message put here is written out: the client has what it was sent, and
    /// work that would compete with its reading and parsing can start.
    pub(crate) fn drained(&self) -> bool {
        self.written.load(Ordering::Acquire) >= self.sent.get()
    }
}

/// Writes the messages, then (once their channel is closed) the encoded messages, until that
/// channel is closed too, counting those in `written`; flushes whenever nothing more is
/// waiting.
fn write_all(
    messages: &Receiver<Message>,
    encoded: &Receiver<Vec<u8>>,
    written: &AtomicUsize,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    for m in messages {
        frame(&mut out, &encode(&m)?)?;
        out.flush()?;
    }
    for body in encoded {
        frame(&mut out, &body)?;
        if encoded.is_empty() {
            out.flush()?;
        }
        written.fetch_add(1, Ordering::Release);
    }
    out.flush()
}

/// One message as the base protocol frames it.
fn frame(out: &mut impl Write, body: &[u8]) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(body)
}

/// A message of `lsp-server`'s types as JSON-RPC, without serde's `flatten`.
pub(crate) fn encode(msg: &Message) -> io::Result<Vec<u8>> {
    let wire = match msg {
        Message::Request(r) => Wire::Request {
            jsonrpc: "2.0",
            id: &r.id,
            method: &r.method,
            params: &r.params,
        },
        Message::Response(r) => match &r.response_result {
            Ok(result) => Wire::Result {
                jsonrpc: "2.0",
                id: &r.id,
                result,
            },
            Err(error) => Wire::Error {
                jsonrpc: "2.0",
                id: &r.id,
                error,
            },
        },
        Message::Notification(n) => Wire::Notification {
            jsonrpc: "2.0",
            method: &n.method,
            params: &n.params,
        },
    };
    Ok(serde_json::to_vec(&wire)?)
}

/// A notification serialized from its typed parameters.
pub(crate) fn notification<P: Serialize>(method: &str, params: &P) -> io::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    Ok(serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method,
        params,
    })?)
}

#[derive(Serialize)]
#[serde(untagged)]
enum Wire<'a> {
    Request {
        jsonrpc: &'static str,
        id: &'a RequestId,
        method: &'a str,
        #[serde(skip_serializing_if = "Value::is_null")]
        params: &'a Value,
    },
    Result {
        jsonrpc: &'static str,
        id: &'a RequestId,
        result: &'a Value,
    },
    Error {
        jsonrpc: &'static str,
        id: &'a RequestId,
        error: &'a ResponseError,
    },
    Notification {
        jsonrpc: &'static str,
        method: &'a str,
        #[serde(skip_serializing_if = "Value::is_null")]
        params: &'a Value,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::{Notification, Request, Response};

    /// What `lsp-server` reads back from what we write, as its own JSON (its types compare
    /// only so).
    fn read_back(bytes: &[u8]) -> Vec<Value> {
        let mut input = bytes;
        let mut out = Vec::new();
        while let Some(m) = Message::read(&mut input).unwrap() {
            out.push(serde_json::to_value(&m).unwrap());
        }
        out
    }

    #[test]
    fn every_kind_of_message_reads_back_as_written_and_in_order() {
        let messages: Vec<Message> = vec![
            Response::new_ok(RequestId::from(1), serde_json::json!({"capabilities": {}})).into(),
            Response::new_ok(RequestId::from("a".to_owned()), Value::Null).into(),
            Response::new_err(RequestId::from(2), -32603, "boom".to_owned()).into(),
            Request::new(
                RequestId::from(3),
                "client/registerCapability".to_owned(),
                Value::Null,
            )
            .into(),
            Notification::new(
                "window/logMessage".to_owned(),
                serde_json::json!({"type": 3}),
            )
            .into(),
            Notification::new("exit".to_owned(), Value::Null).into(),
        ];
        let (tx, rx) = bounded(messages.len());
        for m in &messages {
            tx.send(m.clone()).unwrap();
        }
        drop(tx);
        let (etx, erx) = bounded(2);
        let params = serde_json::json!({"uri": "file:///a.align", "diagnostics": []});
        etx.send(notification("textDocument/publishDiagnostics", &params).unwrap())
            .unwrap();
        drop(etx);
        let mut out = Vec::new();
        let written = AtomicUsize::new(0);
        write_all(&rx, &erx, &written, &mut out).unwrap();
        assert_eq!(written.load(Ordering::Acquire), 1);

        let mut expected: Vec<Value> = messages
            .iter()
            .map(|m| serde_json::to_value(m).unwrap())
            .collect();
        expected.push(serde_json::json!({
            "method": "textDocument/publishDiagnostics",
            "params": params,
        }));
        assert_eq!(read_back(&out), expected);
        // A `null` result is written (a response needs one of `result` and `error`), a
        // `null` parameter is not.
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains(r#"{"jsonrpc":"2.0","id":"a","result":null}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#""id":2,"error":{"code":-32603,"message":"boom"}"#),
            "{text}"
        );
    }
}
