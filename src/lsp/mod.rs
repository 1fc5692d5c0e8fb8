//! `align lsp`: a language server over stdio (JSON-RPC, `lsp-server` + `lsp-types`).
//!
//! One thread handles messages in order. Every change marks the workspace dirty; the check
//! runs once no further message is waiting (so a burst of keystrokes costs one check), or
//! before the next request, which then sees the current text. With files open in the editor
//! a check comes in two halves: the rules judge first the open files' declarations, whose
//! diagnostics are then complete and published; the rest of the workspace is judged once the
//! client has read them and no message has come for a moment (`IDLE`), or at once for a
//! request that reads its findings. A panic inside a request or a check is caught: the
//! request is answered with an error and the server goes on.
//!
//! Files, one job each: `workspace` (document store), `analysis` (the one adapter to the
//! core), `position` and `uri` (conversions), `diagnostics`, `navigate` (definition,
//! references, rename), `hover`, `completion`, `actions` (code actions), `symbols`,
//! `transport` (stdin and stdout).

// `lsp_types::Uri` caches parts of its parse in cells, but hashes and compares by its text
// only, so it is a sound map key (the types of lsp-types use it so: `WorkspaceEdit::changes`).
#![allow(clippy::mutable_key_type)]

mod actions;
mod analysis;
mod completion;
mod diagnostics;
mod format;
mod hover;
mod navigate;
mod position;
mod symbols;
mod transport;
mod uri;
mod workspace;

pub use analysis::Settings;

use crate::base::timing;
use analysis::{Analysis, Analyzer};
use crossbeam_channel::{Receiver, RecvTimeoutError, TryRecvError};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, OneOf, PositionEncodingKind, RenameOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
};
use serde_json::Value;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use workspace::Workspace;

/// How `align lsp` was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub settings: Settings,
    /// Where `docs/rules.md` is published: diagnostics link `URL#aln101` (`--docs-url`;
    /// else `initializationOptions.docsUrl`; else the docs of this version, when the package
    /// names its repository; an empty URL links nothing).
    pub docs_url: Option<String>,
}

/// Serves on stdin/stdout until the client sends `exit`. Returns whether the client shut the
/// server down first (the exit code is 0 then, 1 otherwise, as the protocol asks).
pub fn serve(options: Options) -> Result<bool, String> {
    let (connection, out, io_threads) =
        transport::stdio().map_err(|e| format!("cannot start the server's threads: {e}"))?;
    let clean = run(connection, out, options)?;
    io_threads.join().map_err(|e| e.to_string())?;
    Ok(clean)
}

fn run(connection: Connection, out: transport::Outbox, options: Options) -> Result<bool, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "align".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;
    let docs = diagnostics::DocsUrl {
        configured: options.docs_url.clone().or_else(|| {
            params
                .initialization_options
                .as_ref()
                .and_then(|o| o.get("docsUrl"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        }),
        default: diagnostics::default_docs_url(),
    };
    let mut ws = Workspace::new(roots(&params), options.settings.max_file_size);
    ws.client_lang = params.locale.as_deref().map(crate::diag::Lang::from_locale);
    // From here on every message goes out encoded (see `transport`).
    let Connection { sender, receiver } = connection;
    drop(sender);
    let mut server = Server {
        receiver,
        out,
        ws,
        analyzer: Analyzer::default(),
        analysis: None,
        published: diagnostics::Published::default(),
        docs,
        messages: Vec::new(),
        dirty: true,
        shutdown: false,
        next_id: 0,
        watch: params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
        options,
    };
    // `initialize_finish` has read the `initialized` notification.
    server.register_watchers();
    Ok(server.main_loop())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".into(), ",".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// The workspace folders, else the root URI: the directories whose specs are checked.
#[allow(deprecated)]
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri::to_path(&f.uri))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    params
        .root_uri
        .as_ref()
        .and_then(uri::to_path)
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
        .into_iter()
        .collect()
}

/// `textDocument/publishDiagnostics`' parameters, borrowed (the fields and their names of
/// `lsp_types::PublishDiagnosticsParams`).
#[derive(serde::Serialize)]
struct Publish<'a> {
    uri: &'a lsp_types::Uri,
    diagnostics: &'a [lsp_types::Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
}

/// How long the server waits for another message, once the open files' diagnostics are
/// written, before it checks the rest of the workspace.
const IDLE: std::time::Duration = std::time::Duration::from_millis(20);

/// A request's failure: an LSP error code and a message.
type Failure = (i32, String);

struct Server {
    receiver: Receiver<Message>,
    /// Messages encoded as JSON, for the writer thread.
    out: transport::Outbox,
    ws: Workspace,
    analyzer: Analyzer,
    analysis: Option<Analysis>,
    /// What the client was last sent, per file.
    published: diagnostics::Published,
    docs: diagnostics::DocsUrl,
    /// The last problems logged, so each is logged once.
    messages: Vec<String>,
    dirty: bool,
    shutdown: bool,
    next_id: i32,
    watch: bool,
    options: Options,
}

impl Server {
    /// Returns whether `shutdown` came before `exit`.
    fn main_loop(&mut self) -> bool {
        loop {
            let pending = self.analysis.as_ref().is_some_and(|a| a.rest.is_some());
            let msg = if self.dirty {
                match self.receiver.try_recv() {
                    Ok(msg) => msg,
                    Err(TryRecvError::Empty) => {
                        self.refresh();
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return false,
                }
            } else if pending {
                // The rest of the workspace once the client has read what it was sent and
                // no key has come for a moment: checked sooner, it would take the cores from
                // the client parsing the open file's diagnostics, and from the next key.
                match self.receiver.recv_timeout(IDLE) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => {
                        if self.out.drained() {
                            self.finish();
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return false,
                }
            } else {
                match self.receiver.recv() {
                    Ok(msg) => msg,
                    Err(_) => return false,
                }
            };
            match msg {
                Message::Request(r) => {
                    let response = self.request(r);
                    self.send(&response.into());
                }
                Message::Notification(n) if n.method == note::Exit::METHOD => {
                    return self.shutdown;
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, msg: &Message) {
        match transport::encode(msg) {
            Ok(bytes) => self.out.send(bytes),
            // Only a map with keys that are not strings fails: none of ours.
            Err(e) => self.log(
                lsp_types::MessageType::ERROR,
                format!("align: internal error: cannot encode a message: {e}"),
            ),
        }
    }

    fn log(&self, kind: lsp_types::MessageType, message: String) {
        let params = lsp_types::LogMessageParams { typ: kind, message };
        // A message type and a string: nothing that could fail to encode.
        if let Ok(bytes) = transport::notification(note::LogMessage::METHOD, &params) {
            self.out.send(bytes);
        }
    }

    /// Checks the workspace and publishes the diagnostics that changed.
    fn refresh(&mut self) {
        self.dirty = false;
        let start = std::time::Instant::now();
        let inputs = timing::time("workspace inputs", || self.ws.inputs());
        let analyzer = &mut self.analyzer;
        let settings = &self.options.settings;
        // The nodes of unchanged files move from the last model into the next. Should the
        // check panic, the last analysis is kept without its model (as when the rule set
        // cannot be loaded) until the next check succeeds.
        let previous = self.analysis.as_mut().and_then(|a| a.model.take());
        let analysis = match panic::catch_unwind(AssertUnwindSafe(|| {
            analyzer.analyze_after(&inputs, settings, previous)
        })) {
            Ok(a) => a,
            Err(panic) => {
                // Keep the last good analysis; start the cache afresh.
                self.analyzer = Analyzer::default();
                self.log_internal_error(&panic);
                return;
            }
        };
        timing::report("check", start);
        let part = analysis
            .rest
            .as_ref()
            .map_or(diagnostics::Part::All, |r| diagnostics::Part::Open(&r.open));
        self.publish(&analysis, part);
        if analysis.messages != self.messages {
            for m in &analysis.messages {
                self.log(lsp_types::MessageType::WARNING, format!("align: {m}"));
            }
            self.messages.clone_from(&analysis.messages);
        }
        // Freeing the previous check (every node, finding and text of the workspace) costs as
        // much as copying it: done on a thread of its own, off the path of the next message.
        let old = self.analysis.replace(analysis);
        if let Some(old) = old {
            let freed = std::thread::Builder::new()
                .name("align-free".to_owned())
                .spawn(move || drop(old));
            if let Err(e) = freed {
                self.log(
                    lsp_types::MessageType::WARNING,
                    format!("align: cannot start a thread to free memory: {e}"),
                );
            }
        }
        timing::report("check and publish", start);
    }

    /// Checks the files not open when the last check judged only the open ones, and
    /// publishes their diagnostics that changed.
    fn finish(&mut self) {
        let Some(mut analysis) = self.analysis.take() else {
            return;
        };
        let start = std::time::Instant::now();
        match panic::catch_unwind(AssertUnwindSafe(|| analysis.finish())) {
            Ok(Some(open)) => {
                timing::report("check the files not open", start);
                self.publish(&analysis, diagnostics::Part::Others(&open));
                timing::report("check and publish the files not open", start);
            }
            Ok(None) => {}
            // The open files' diagnostics stand; the others are left as last published (the
            // rest of the check was taken before it panicked: it is not tried again).
            Err(panic) => self.log_internal_error(&panic),
        }
        self.analysis = Some(analysis);
    }

    /// Publishes the diagnostics of the files of `part` that changed since last sent.
    fn publish(&mut self, analysis: &Analysis, part: diagnostics::Part<'_>) {
        let publish = std::time::Instant::now();
        let changed = self.published.update(analysis, &self.docs, part);
        timing::report("convert diagnostics", publish);
        let send = std::time::Instant::now();
        let mut changed: Vec<_> = changed
            .into_iter()
            .map(|uri| {
                let version = uri::to_path(&uri).and_then(|p| self.ws.version(&p));
                (uri, version)
            })
            .collect();
        // The files open in the editor first (each message waits for the client to read the
        // one before): the file being typed in is not kept waiting behind the workspace's.
        changed.sort_by_key(|(_, version)| version.is_none());
        for (uri, version) in &changed {
            // Serialized from what `published` holds: no copy, no tree of JSON values.
            let params = Publish {
                uri,
                diagnostics: self.published.diagnostics(uri),
                version: *version,
            };
            match transport::notification(note::PublishDiagnostics::METHOD, &params) {
                Ok(bytes) => self.out.send(bytes),
                Err(e) => self.log(
                    lsp_types::MessageType::ERROR,
                    format!("align: internal error: cannot encode diagnostics: {e}"),
                ),
            }
        }
        timing::report("send diagnostics", send);
    }

    fn request(&mut self, r: Request) -> Response {
        if self.shutdown {
            return Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            );
        }
        if r.method == req::Shutdown::METHOD {
            self.shutdown = true;
            return Response::new_ok(r.id, ());
        }
        if self.dirty {
            self.refresh();
        }
        if self.needs_rest(&r.method, &r.params) {
            self.finish();
        }
        let Request { id, method, params } = r;
        guarded(id, &method, || self.dispatch(&method, params))
    }

    /// Whether a request reads findings that the first half of a check did not make: code
    /// actions in a file not open. (A hover judges the node it describes when it has to.)
    fn needs_rest(&self, method: &str, params: &Value) -> bool {
        let Some(a) = self.analysis.as_ref() else {
            return false;
        };
        let Some(rest) = a.rest.as_ref() else {
            return false;
        };
        method == req::CodeActionRequest::METHOD
            && serde_json::from_value::<lsp_types::CodeActionParams>(params.clone()).is_ok_and(
                |p| {
                    uri::to_path(&p.text_document.uri)
                        .and_then(|path| a.spec(&path))
                        .is_some_and(|s| !rest.open.contains(&s.id))
                },
            )
    }

    fn dispatch(&mut self, method: &str, params: Value) -> Result<Value, Failure> {
        if method == req::Formatting::METHOD {
            return to_json(self.format(&parse(params)?));
        }
        let Some(a) = self.analysis.as_ref() else {
            return Err((
                ErrorCode::ContentModified as i32,
                "the workspace has not been checked yet".to_owned(),
            ));
        };
        let lang = a.lang;
        match method {
            req::GotoDefinition::METHOD => to_json(navigate::definition(a, &parse(params)?)),
            req::References::METHOD => to_json(navigate::references(a, &parse(params)?)),
            req::PrepareRenameRequest::METHOD => {
                to_json(navigate::prepare_rename(a, &parse(params)?))
            }
            req::Rename::METHOD => to_json(navigate::rename(a, &parse(params)?, lang)?),
            req::HoverRequest::METHOD => to_json(hover::hover(a, &parse(params)?)),
            req::Completion::METHOD => to_json(completion::complete(a, &parse(params)?)),
            req::CodeActionRequest::METHOD => to_json(actions::code_actions(
                a,
                &parse(params)?,
                self.options.settings.today,
            )),
            req::DocumentSymbolRequest::METHOD => to_json(symbols::document(a, &parse(params)?)),
            req::WorkspaceSymbolRequest::METHOD => to_json(symbols::workspace(a, &parse(params)?)),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("align does not handle `{method}`"),
            )),
        }
    }

    /// `textDocument/formatting`: the edits, or none with the reason logged.
    fn format(&self, p: &lsp_types::DocumentFormattingParams) -> Option<Vec<lsp_types::TextEdit>> {
        let path = uri::to_path(&p.text_document.uri)?;
        let (name, text) = self.ws.text(&path)?;
        let lang = self
            .analysis
            .as_ref()
            .map_or(crate::diag::Lang::En, |a| a.lang);
        let result = match text {
            Ok(text) => format::document(&name, text, lang),
            Err(()) => Err(format!("{name} is not formatted: it is not UTF-8")),
        };
        match result {
            Ok(edits) => Some(edits),
            Err(why) => {
                self.log(lsp_types::MessageType::WARNING, format!("align: {why}"));
                None
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| self.on_notification(n)));
        if let Err(panic) = outcome {
            self.log(
                lsp_types::MessageType::ERROR,
                format!("align: internal error in {method}: {}", panic_text(&panic)),
            );
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    if let Some(path) = uri::to_path(&p.text_document.uri) {
                        self.ws
                            .open(path, p.text_document.text, p.text_document.version);
                        self.dirty = true;
                    }
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    if let Some(path) = uri::to_path(&p.text_document.uri) {
                        self.dirty |=
                            self.ws
                                .change(&path, p.text_document.version, p.content_changes);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = uri::to_path(&p.text_document.uri) {
                        if let Some(error) = self.ws.close(&path) {
                            self.log_errors(vec![error]);
                        }
                        self.dirty = true;
                    }
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let errors = self.ws.rescan();
                self.log_errors(errors);
                self.dirty = true;
            }
            note::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeWorkspaceFoldersParams>(n.params) {
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| uri::to_path(&f.uri))
                        .collect();
                    let mut roots: Vec<PathBuf> = self
                        .ws
                        .roots()
                        .iter()
                        .filter(|r| !removed.contains(r))
                        .cloned()
                        .collect();
                    roots.extend(p.event.added.iter().filter_map(|f| uri::to_path(&f.uri)));
                    let errors = self.ws.set_roots(roots);
                    self.log_errors(errors);
                    self.dirty = true;
                }
            }
            _ => {}
        }
    }

    fn log_internal_error(&self, panic: &Box<dyn std::any::Any + Send>) {
        self.log(
            lsp_types::MessageType::ERROR,
            format!(
                "align: internal error while checking: {}",
                panic_text(panic)
            ),
        );
    }

    fn log_errors(&self, errors: Vec<String>) {
        for e in errors {
            self.log(lsp_types::MessageType::WARNING, format!("align: {e}"));
        }
    }

    /// Asks the client to report changes of spec files and `align.toml` made outside it.
    fn register_watchers(&mut self) {
        if !self.watch {
            return;
        }
        self.next_id += 1;
        let watchers: Vec<Value> = ["**/*.align", "**/align.toml"]
            .iter()
            .map(|g| serde_json::json!({ "globPattern": g }))
            .collect();
        let params = serde_json::json!({
            "registrations": [{
                "id": "align-watched-files",
                "method": note::DidChangeWatchedFiles::METHOD,
                "registerOptions": { "watchers": watchers },
            }]
        });
        self.send(
            &Request::new(
                RequestId::from(self.next_id),
                req::RegisterCapability::METHOD.to_owned(),
                params,
            )
            .into(),
        );
    }
}

/// Runs a request handler, turning a panic into an internal-error response.
fn guarded(
    id: RequestId,
    method: &str,
    handler: impl FnOnce() -> Result<Value, Failure>,
) -> Response {
    match panic::catch_unwind(AssertUnwindSafe(handler)) {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err((code, message))) => Response::new_err(id, code, message),
        Err(panic) => Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            format!("align: internal error in {method}: {}", panic_text(&panic)),
        ),
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params).map_err(|e| {
        (
            ErrorCode::InvalidParams as i32,
            format!("invalid params: {e}"),
        )
    })
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_is_answered_with_an_internal_error() {
        let response = guarded(RequestId::from(7), "textDocument/hover", || panic!("boom"));
        let error = response.response_result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError as i32);
        assert!(error.message.contains("textDocument/hover"));
        assert!(error.message.contains("boom"));
    }

    #[test]
    fn a_handler_error_keeps_its_code() {
        let response = guarded(RequestId::from(1), "x", || {
            Err((ErrorCode::InvalidParams as i32, "bad".to_owned()))
        });
        assert_eq!(
            response.response_result.err().map(|e| e.code),
            Some(ErrorCode::InvalidParams as i32)
        );
    }
}
