#!/usr/bin/env node
// `npm run sample`: builds the CLI, resets the sample workspace's outputs (warehouse, silver/gold,
// dead letters, target/) and runs `medallion build` on it end to end, then prints the head of the
// gold daily_active_users table. The bronze files checked in under sample-workspace/lake stay.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = join(repo, 'sample-workspace');

function step(args) {
  const result = spawnSync(process.execPath, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step(['scripts/build.mjs']);
for (const out of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'target', 'lake/silver', 'lake/gold', 'lake/_rejected']) {
  rmSync(join(workspace, out), { recursive: true, force: true });
}
console.log('▶ medallion build --project sample-workspace\n');
step(['dist/cli.js', 'build', '--project', 'sample-workspace']);

// The command has closed the warehouse, so it can be read here.
const db = await DuckDBInstance.create(join(workspace, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
const connection = await db.connect();
const reader = await connection.runAndReadAll('SELECT * FROM daily_active_users ORDER BY 1 LIMIT 10');
const columns = reader.columnNames();
const rows = reader.getRowObjectsJson().map((row) => columns.map((c) => (row[c] === null ? '' : String(row[c]))));
const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
console.log('\ndaily_active_users (first rows):');
console.log(line(columns));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
connection.closeSync();
db.closeSync();
