// One reusable webview panel (grid, run results or lineage): created on demand, messages queued
// until its script says it is ready, and the common webview requests (open a file, copy) handled.
import * as vscode from 'vscode';
import type { FromWebview } from '../webview/messages.js';
import { webviewHtml } from './html.js';

export interface PanelHost {
  extensionUri: vscode.Uri;
  /** Opens a file (a URI, or a path relative to the project root) at a 1-based line. */
  openFile(target: { uri?: string; path?: string; line?: number; column?: number }): Promise<void>;
}

export class Panel<T> implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private pending: T[] = [];

  /** `onAction`: the webview's own requests beyond the common ones (the grid's "Save as unit test"). */
  constructor(private readonly host: PanelHost, private readonly viewType: string, private readonly script: string, private readonly onAction?: (message: FromWebview) => void) {}

  /** Shows the panel in the second editor column without taking focus, creating it if needed. */
  show(title: string): void {
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(this.panel.viewColumn, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, title, { viewColumn: vscode.ViewColumn.Two, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview')],
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.pending = [];
    });
    panel.webview.html = webviewHtml(panel.webview, this.host.extensionUri, this.script, title);
  }

  post(message: T): void {
    if (!this.panel) return;
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.pending.push(message);
  }

  private receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.pending.splice(0)) void this.panel?.webview.postMessage(m);
        break;
      case 'open':
        void this.host.openFile(message);
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text).then(() => vscode.window.setStatusBarMessage(`Medallion: copied ${message.what}`, 3000));
        break;
      default:
        this.onAction?.(message);
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
