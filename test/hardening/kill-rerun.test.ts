// Acceptance of issue 15: `medallion build` (the real CLI) on a copy of sample-workspace with 60,000
// generated events is SIGKILLed at several moments — found by its progress output or by the files it
// creates, never by a timer — then run again. After the rerun the accounting, the warehouse tables,
// the lake (Parquet and dead letters) and the project's files equal a clean run's: no leftover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWarehouse } from '../../runtime/engine/duckdb.js';
import { literal } from '../../runtime/engine/sql.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const box = mkdtempSync(path.join(os.tmpdir(), 'medallion-kill-'));
const template = path.join(box, 'template');

/** A moment of the build: the progress line or the file (relative to the project) that marks it. */
const MOMENTS: Array<{ name: string; line?: RegExp; file?: RegExp }> = [
  { name: 'bronze load', line: /OK +seed pages/ },
  { name: 'dead letters', file: /^lake\/_rejected\/app_logs\/[^/]+$/ },
  { name: 'model write', file: /^\.medallion\/scratch\/[^/]+\/parquet\// },
  { name: 'lake publish', file: /^lake\/(silver|gold)\/\.medallion-/ },
  { name: 'tests', line: /OK +test not_null_events_event_id/ },
];

function medallion(root: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `medallion ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Starts a build and SIGKILLs it when the moment comes; resolves with what it printed and whether the kill landed. */
function killAt(root: string, moment: (typeof MOMENTS)[number]): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'build', '--threads', '1', '--project', root], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    const kill = (): void => void (child.exitCode === null && child.kill('SIGKILL'));
    const watcher = moment.file ? watch(root, { recursive: true }, (_event, name) => moment.file!.test(String(name)) && kill()) : undefined;
    child.stdout.on('data', (d) => {
      out += String(d);
      if (moment.line?.test(out)) kill();
    });
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('exit', (_code, signal) => {
      watcher?.close();
      resolve({ out, killed: signal === 'SIGKILL' });
    });
  });
}

/** The state a build leaves: source accounting, every table's rows, the lake's Parquet and dead letters, the project's files. */
async function state(root: string): Promise<Record<string, unknown>> {
  const files = walk(root).filter((f) => !/^(target|logs)\//.test(f));
  const db = await openWarehouse(path.join(root, 'warehouse.duckdb'), { readOnly: true });
  const tables: Record<string, unknown> = {};
  let load: Record<string, number>;
  try {
    // The accounting of the load the bronze table holds, as the loader recorded it.
    load = (await db.query(`SELECT "read"::INTEGER AS "read", accepted::INTEGER AS accepted, rejected::INTEGER AS rejected, duplicates::INTEGER AS duplicates FROM "_medallion"."source_loads" WHERE relation = '"bronze"."app_logs"'`)).rows[0] as Record<string, number>;
    const list = await db.query(`SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema <> '_medallion' ORDER BY ALL`);
    for (const { s, t } of list.rows as Array<{ s: string; t: string }>) {
      const rel = `"${s}"."${t}"`;
      tables[`${s}.${t}`] = (await db.query(`SELECT count(*)::INTEGER AS n, md5(coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '')) AS h FROM ${rel} x`)).rows[0];
    }
    for (const f of files.filter((f) => f.endsWith('.parquet'))) {
      tables[f] = (await db.query(`SELECT count(*)::INTEGER AS n, md5(coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '')) AS h FROM read_parquet(${literal(path.join(root, f))}) x`)).rows[0];
    }
  } finally {
    db.close();
  }
  assert.equal(load.read, load.accepted + load.rejected + load.duplicates, 'read = accepted + rejected + duplicates');
  const deadLetters = files.filter((f) => f.startsWith('lake/_rejected/') && !f.endsWith('/')).map((f) => `${f} ${readFileSync(path.join(root, f), 'utf8').split('\n').filter(Boolean).length}`);
  return { load, tables, deadLetters, files };
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [`${prefix}${e.name}/`, ...walk(path.join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`])).sort();
}

let clean: Record<string, unknown>;

before(async () => {
  cpSync(path.resolve(__dirname, '../../sample-workspace'), template, { recursive: true });
  for (const out of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'target', 'logs', 'lake/silver', 'lake/gold', 'lake/_rejected', '.medallion']) rmSync(path.join(template, out), { recursive: true, force: true });
  medallion(template, 'sample', '--events', '60000', '--malformed', '12', '--days', '3');
  const root = path.join(box, 'clean');
  cpSync(template, root, { recursive: true });
  medallion(root, 'build', '--threads', '1');
  clean = await state(root);
});
after(() => rmSync(box, { recursive: true, force: true }));

for (const moment of MOMENTS) {
  test(`killed at the ${moment.name}, a rerun ends as a clean run does`, async () => {
    const root = path.join(box, moment.name.replace(/ /g, '-'));
    cpSync(template, root, { recursive: true });
    const killed = await killAt(root, moment);
    assert.ok(killed.killed, `the build ended before the ${moment.name}:\n${killed.out}`);
    medallion(root, 'build', '--threads', '1');
    const rerun = await state(root);
    assert.deepEqual(rerun, clean);
    assert.equal(existsSync(path.join(root, 'warehouse.duckdb.wal')), false);
  });
}
