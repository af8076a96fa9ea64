// A test client for the real language server: spawns dist/server.js over stdio in a temporary
// workspace written from an inline fixture, speaks LSP with vscode-languageserver-protocol, and
// lets tests await notifications (diagnostics, progress) instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type Diagnostic, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { fixture } from '../support/fixture.js';
import type { InitializationOptions } from '../../server/src/lsp/protocol.js';

const SERVER = path.resolve(__dirname, '../../dist/server.js');
/** Upper bound on waiting for a notification: a broken server fails the test instead of hanging it (generous: CI runs suites side by side on 2 cores). */
const WAIT_MS = 120_000;

export interface LaunchOptions {
  /** Node arguments that start the server; default: dist/server.js --stdio. */
  command?: string[];
  initializationOptions?: InitializationOptions;
  /** Called as soon as `initialized` is sent, before the server has indexed: a request sent here is queued until the index is ready. */
  onInitialized?: (client: Client) => void;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export class Client {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics in the order it arrived. */
  readonly published: Array<{ uri: string; diagnostics: Diagnostic[] }> = [];
  readonly notifications: Array<{ method: string; params: unknown; at: number }> = [];
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  /** Methods the server registered dynamically. */
  readonly registrations: string[] = [];
  stderr = '';

  private constructor(readonly root: string, readonly child: ChildProcess, private readonly owned: boolean) {
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.published.push(p);
      this.wake();
    });
    for (const method of ['medallion/projectChanged', 'medallion/runEvent', 'window/logMessage']) {
      this.connection.onNotification(method, (params: unknown) => {
        this.notifications.push({ method, params, at: performance.now() });
        this.wake();
      });
    }
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string }> }) => {
      this.registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    this.connection.onRequest('workspace/configuration', () => []);
    this.connection.listen();
  }

  /** Writes the fixture to a temporary folder, starts the server there and initializes it. */
  static async start(fixtureText: string, capabilities: Record<string, unknown> = {}, options: LaunchOptions = {}): Promise<Client> {
    const root = mkdtempSync(path.join(tmpdir(), 'medallion-lsp-')).replace(/\\/g, '/');
    const f = fixture(fixtureText);
    for (const [file, text] of Object.entries(f.files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return Client.launch(root, capabilities, true, options);
  }

  /** Starts the server on an existing project folder; `owned` folders are deleted by stop(). */
  static async launch(root: string, capabilities: Record<string, unknown> = {}, owned = false, { command = [SERVER, '--stdio'], initializationOptions, onInitialized }: LaunchOptions = {}): Promise<Client> {
    if (!existsSync(command[0])) throw new Error(`${command[0]} is missing: run npm run build`);
    const child = spawn(process.execPath, command, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new Client(root, child, owned);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
      capabilities: { window: { workDoneProgress: true }, ...capabilities },
      ...(initializationOptions ? { initializationOptions } : {}),
    });
    const indexed = client.waitFor(() => client.indexed(), 'the first index');
    await client.connection.sendNotification('initialized', {});
    onInitialized?.(client);
    await indexed;
    return client;
  }

  /** The server said the whole project is indexed (schema YAML included). */
  indexed(): boolean {
    return this.notifications.some((n) => n.method === 'medallion/projectChanged' && (n.params as { complete?: boolean }).complete === true);
  }

  uri(file: string): string {
    return pathToFileURL(path.join(this.root, file)).href;
  }

  async open(file: string, text: string): Promise<void> {
    this.versions.set(file, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId: file.endsWith('.sql') ? 'sql' : 'yaml', version: 1, text } });
  }

  async change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(file), version }, contentChanges: [{ text }] });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Resolves when `check` holds, re-checked after every notification; fails after WAIT_MS. */
  waitFor(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\nserver stderr:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** The diagnostics of a file once `check` accepts them. */
  async diagnosticsOf(file: string, check: (list: Diagnostic[]) => boolean, what = `diagnostics of ${file}`, timeoutMs = WAIT_MS): Promise<Diagnostic[]> {
    const uri = this.uri(file);
    await this.waitFor(() => this.diagnostics.has(uri) && check(this.diagnostics.get(uri)!), what, timeoutMs);
    return this.diagnostics.get(uri)!;
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (!w.check()) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Stops the server; `cleanup: false` keeps a folder this client created (to start again on it). */
  async stop(cleanup = true): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; the child is killed below either way.
    }
    const exited = new Promise((r) => this.child.once('exit', r));
    if (this.child.exitCode === null) this.child.kill();
    await exited;
    this.connection.dispose();
    if (this.owned && cleanup) rmSync(this.root, { recursive: true, force: true });
  }
}
