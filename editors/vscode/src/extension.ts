// The align extension: starts `align lsp` for .align files and hands it to VS Code's language
// client. Everything else (findings, navigation, completion, quick fixes) is the server's.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("align");
  const command = config.get<string>("path", "align");
  const args = ["lsp", ...config.get<string[]>("args", [])];
  return {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
}

async function start(): Promise<void> {
  const docsUrl = vscode.workspace.getConfiguration("align").get<string>("docsUrl", "");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "align" }],
    // Read once at start: `docsUrl` is where the codes of diagnostics link to.
    initializationOptions: docsUrl ? { docsUrl } : {},
    // The server asks for file events itself (align.toml and *.align changed on disk).
  };
  client = new LanguageClient("align", "align", serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("align").get<string>("path", "align");
    void vscode.window.showErrorMessage(
      `align: could not start \`${path} lsp\` (${String(err)}). Install align or set "align.path".`,
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("align.restartServer", async () => {
      await client?.stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (
        e.affectsConfiguration("align.path") ||
        e.affectsConfiguration("align.args") ||
        e.affectsConfiguration("align.docsUrl")
      ) {
        await client?.stop();
        await start();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
