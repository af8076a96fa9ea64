// `medallion run` and `medallion build` as the user sees them: progress lines, errors as
// file:line:col, the closing summary and the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import type { Io } from '../../../runtime/cli/context.js';
import { jsonl, tempProject } from './project.js';

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const PROJECT = `
//- /pipeline.yml
name: cli
sources:
  visits:
    format: json
    path: bronze/visits/*.json
    columns:
      id: { type: integer, required: true }
      page: { type: varchar }
//- /models/silver/visits_clean.sql
{{ config(materialized='table') }}
select id, lower(page) as page from {{ source('bronze', 'visits') }}
//- /models/gold/page_counts.sql
{{ config(materialized='table') }}
select page, count(*)::INT as visits from {{ ref('visits_clean') }} group by page
//- /models/gold/schema.yml
version: 2
models:
  - name: page_counts
    columns:
      - name: page
        tests: [not_null, unique]
`;

test('build prints one line per node and a summary, and exits 0', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  p.write('lake/bronze/visits/a.json', jsonl([{ id: 1, page: '/A' }, { id: 2, page: '/a' }, { id: 3, page: '/b' }, 'oops']));
  const io = capture(p.root);
  const code = await runCommand('build', { threads: 1 }, io);
  assert.equal(code, 0, io.stderr.join('\n'));
  const text = io.stdout.join('\n');
  assert.match(text, /^Running 5 nodes/m);
  assert.match(text, /1 of 5 OK +source bronze\.visits · 4 read, 1 rejected → _rejected\/visits\/\S+\.jsonl/);
  assert.match(text, /OK +model visits_clean · 3 rows, table/);
  assert.match(text, /OK +test unique_page_counts_page/);
  assert.match(io.stdout.at(-1)!, /^Done in \d+\.\d\ds: 2 models \(5 rows\), 1 source \(3 rows accepted, 1 rejected, 0 duplicates\), 2 tests passed$/);
});

test('a failing model is reported as file:line:col, its downstream skipped, and the exit code is 1', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  p.write('lake/bronze/visits/a.json', jsonl([{ id: 1, page: '/A' }]));
  p.write('models/silver/visits_clean.sql', "{{ config(materialized='table') }}\nselect id,\n       pgae from {{ source('bronze', 'visits') }}\n");
  const io = capture(p.root);
  const code = await runCommand('run', {}, io);
  assert.equal(code, 1);
  assert.match(io.stdout.join('\n'), /ERROR +model visits_clean/);
  assert.match(io.stdout.join('\n'), /SKIP +model page_counts · skipped: upstream model\.visits_clean error/);
  assert.match(io.stderr.join('\n'), /^models\/silver\/visits_clean\.sql:3:8: error: Binder Error: Referenced column "pgae" not found/m);
  assert.match(io.stdout.at(-1)!, /^Failed in .*1 error, 1 skipped$/);
});

test('--select runs the chosen models and the sources they read', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  p.write('lake/bronze/visits/a.json', jsonl([{ id: 1, page: '/A' }]));
  const io = capture(p.root);
  assert.equal(await runCommand('run', { select: ['visits_clean'] }, io), 0);
  assert.match(io.stdout[0], /^Running 2 nodes/);
  assert.doesNotMatch(io.stdout.join('\n'), /page_counts/);
});

test('a failing test shows its count and first failing rows, and the build exits 1', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  p.write('lake/bronze/visits/a.json', jsonl([{ id: 1, page: '/A' }, { id: 2 }, { id: 3 }]));
  const io = capture(p.root);
  assert.equal(await runCommand('build', { threads: 1 }, io), 1);
  const text = io.stdout.join('\n');
  assert.match(text, /FAIL +test not_null_page_counts_page/);
  assert.match(text, /FAIL not_null_page_counts_page: 1 failing row\n {2}page +visits\n {2}-+ +-+\n {2}null +2$/m);
});
