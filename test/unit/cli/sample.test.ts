// `medallion sample` (where the files go, --clean, an S3 lake) and the action wrapper's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sample, type SampleCommandOptions } from '../../../runtime/cli/commands/sample.js';
import { action, UserError, type Io } from '../../../runtime/cli/context.js';

const DEFAULTS: SampleCommandOptions = { events: 300, seed: 3, days: 2, start: '2026-01-01', malformed: 0, source: 'app_logs' };

function workspace(files: Record<string, string>): { dir: string; io: Io & { stdout: string[]; stderr: string[] }; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-sample-cli-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { dir, io: { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), cwd: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).map((f) => f.split(path.sep).join('/')).sort();
}

test("writes into the project's lake, in the folder its source reads; --clean leaves files it did not write", async () => {
  const w = workspace({
    'pipeline.yml': 'name: clicks\nlake: ./data\nsources:\n  app_logs:\n    format: json\n    path: raw/app/**/*.json\n',
    'data/raw/app/year=2025/month=12/day=31/old.json': '{}\n',
  });
  try {
    assert.equal(await sample({ ...DEFAULTS, clean: true }, w.io), 0);
    assert.deepEqual(tree(path.join(w.dir, 'data')), ['raw/app/year=2025/month=12/day=31/old.json', 'raw/app/year=2026/month=01/day=01/part-3-0000.json', 'raw/app/year=2026/month=01/day=02/part-3-0000.json']);
    assert.match(w.io.stdout[0], /^Wrote [\d,]+ records \(300 events, \d+ duplicates?, 0 malformed\) from 10 users in \d+ sessions$/);
    assert.match(w.io.stdout[1], /^ {2}2 files, [\d.]+ MiB, under data\/raw\/app\/ in [\d.]+ s \(seed 3\)$/);
  } finally {
    w.cleanup();
  }
});

test('--out writes anywhere, even with no project; an unknown source or an S3 lake is a user error', async () => {
  const w = workspace({ 'proj/pipeline.yml': 'name: s3proj\nlake: { s3: { bucket: lake } }\nsources:\n  app_logs: { format: json, path: bronze/app_logs/*.json }\n' });
  try {
    assert.equal(await sample({ ...DEFAULTS, out: 'out' }, w.io), 0);
    assert.ok(existsSync(path.join(w.dir, 'out/bronze/app_logs/year=2026/month=01/day=01/part-3-0000.json')));
    await assert.rejects(sample({ ...DEFAULTS, project: 'proj' }, w.io), /the lake of this project is on S3/);
    await assert.rejects(sample({ ...DEFAULTS, project: 'proj', source: 'clicks' }, w.io), /no source 'clicks' in pipeline.yml \(sources: app_logs\)/);
    await assert.rejects(sample({ ...DEFAULTS }, w.io), /no pipeline.yml .* \(use --project DIR\)/);
  } finally {
    w.cleanup();
  }
});

test('action(): a UserError prints error: and sets exit code 1; other errors propagate (main exits 2)', async () => {
  const err: string[] = [];
  const io: Io = { out: () => undefined, err: (l) => err.push(l), cwd: tmpdir() };
  const saved = process.exitCode;
  try {
    await action(async () => 0, io)();
    assert.equal(process.exitCode, 0);
    await action(async () => {
      throw new UserError('no such model');
    }, io)();
    assert.equal(process.exitCode, 1);
    assert.deepEqual(err, ['error: no such model']);
    await assert.rejects(action(async () => {
      throw new TypeError('bug');
    }, io)(), TypeError);
  } finally {
    process.exitCode = saved;
  }
});
