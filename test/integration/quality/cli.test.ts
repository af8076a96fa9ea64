// `medallion seed`, `test` and `preview` on a project on disk: exit codes by severity, failing rows
// printed, indirect test selection, preview outputs, and preview holding the warehouse only for its query.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Io } from '../../../runtime/cli/context.js';
import { UserError } from '../../../runtime/cli/context.js';
import { preview, type PreviewOptions } from '../../../runtime/cli/commands/preview.js';
import { runNodes } from '../../../runtime/cli/commands/test.js';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { runPipeline } from '../../../runtime/run/runner.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\n',
  'seeds/people.csv': 'id,name,team\n' + Array.from({ length: 9 }, (_, i) => `${i + 1},p${i + 1},${i < 2 ? 'red' : 'blue'}\n`).join(''),
  'models/teams.sql': "select team, count(*) as members from {{ ref('people') }} group by team order by team",
  'models/roster.sql': "select id, name, case when id > 7 then 'green' else team end as team from {{ ref('people') }}",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: teams',
    '    columns:',
    '      - name: team',
    '        data_tests:',
    '          - accepted_values:',
    '              values: [red]',
    '              config: {severity: warn}',
    '  - name: roster',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique]',
    '      - name: team',
    '        data_tests:',
    '          - accepted_values:',
    '              values: [red, blue]',
    '          - not_null',
  ].join('\n'),
  'tests/everyone_is_red.sql': "select * from {{ ref('roster') }} where team <> 'red'",
};

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('medallion seed, test and preview', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-quality-cli-'));
    for (const [file, text] of Object.entries(FILES)) {
      await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fsp.writeFile(path.join(dir, file), text);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('seed loads the CSVs', async () => {
    const io = capture(dir);
    assert.equal(await runNodes('seed', { project: dir }, io), 0, io.stderr.join('\n'));
    assert.match(io.stdout.join('\n'), /PASS seed people · 9 rows/);
    const project = await loadProject(new NodeFileSystem(), dir);
    const run = await runPipeline(project, buildGraph(project), { command: 'run' });
    assert.equal(run.success, true, JSON.stringify(run.results.map((r) => r.error)));
  });

  it('test exits 0 when only warn-severity tests fail, printing the failing rows', async () => {
    const io = capture(dir);
    // -s teams selects the model; its tests come with it.
    assert.equal(await runNodes('test', { project: dir, select: ['teams'] }, io), 0);
    const out = io.stdout.join('\n');
    assert.match(out, /WARN test accepted_values_teams_team__red · Got 1 result, configured to warn if != 0/);
    assert.match(out, /value_field \| n_records\n\s+-+-\+-+\n\s+blue\s+\| 1/);
    assert.match(out, /PASS=0 WARN=1 FAIL=0 ERROR=0/);
  });

  it('test exits 1 on error-severity failures, showing the first 5 rows and how many more', async () => {
    const io = capture(dir);
    assert.equal(await runNodes('test', { project: dir, select: ['roster'] }, io), 1);
    const out = io.stdout.join('\n');
    assert.match(out, /FAIL test accepted_values_roster_team__red__blue · Got 1 result/);
    assert.match(out, /PASS test unique_roster_id/);
    assert.match(out, /PASS test not_null_roster_team/);
    // The singular test fails on 9 - 2 = 7 rows: 5 shown.
    assert.match(out, /FAIL test everyone_is_red · Got 7 results, configured to fail if != 0/);
    assert.match(out, /… and 2 more rows/);
    assert.match(out, /PASS=2 WARN=0 FAIL=2 ERROR=0/);
  });

  it('test reports a selection without tests', async () => {
    const io = capture(dir);
    assert.equal(await runNodes('test', { project: dir, select: ['people'] }, io), 0);
    assert.match(io.stdout.join('\n'), /Nothing to test in the selection/);
  });

  const previewOptions = (extra: Partial<PreviewOptions> = {}): PreviewOptions => ({ project: dir, limit: 100, output: 'table', from: 'auto', ...extra });

  it('previews a model as a table, JSON or CSV', async () => {
    const table = capture(dir);
    assert.equal(await preview('teams', previewOptions(), table), 0);
    assert.deepEqual(table.stdout.join('\n').split('\n'), ['team | members', '-----+--------', 'blue | 7', 'red  | 2']);
    assert.match(table.stderr.join('\n'), /2 rows in \d+ ms/);

    const json = capture(dir);
    await preview('roster', previewOptions({ output: 'json', limit: 2 }), json);
    const parsed = JSON.parse(json.stdout.join('\n'));
    assert.deepEqual(parsed.columns.map((c: { name: string }) => c.name), ['id', 'name', 'team']);
    assert.equal(parsed.rows.length, 2);
    assert.equal(parsed.truncated, true);

    const csv = capture(dir);
    await preview(undefined, previewOptions({ output: 'csv', sql: "select 'a,b' as x, null as y, 1 as z; -- trailing" }), csv);
    assert.deepEqual(csv.stdout, ['x,y,z', '"a,b",,1']);
  });

  it('previews a model from its compiled SQL on request', async () => {
    await fsp.writeFile(path.join(dir, 'models/teams.sql'), "select team, count(*) * 10 as members from {{ ref('people') }} group by team order by team");
    const compiled = capture(dir);
    await preview('teams', previewOptions({ from: 'compiled', output: 'json' }), compiled);
    assert.deepEqual(JSON.parse(compiled.stdout.join('\n')).rows, [{ team: 'blue', members: '70' }, { team: 'red', members: '20' }]);
    const built = capture(dir);
    await preview('teams', previewOptions({ output: 'json' }), built);
    assert.deepEqual(JSON.parse(built.stdout.join('\n')).rows, [{ team: 'blue', members: '7' }, { team: 'red', members: '2' }]);
  });

  it('names an unknown model and reports a bad query as a user error', async () => {
    await assert.rejects(preview('temas', previewOptions(), capture(dir)), (err: unknown) => err instanceof UserError && /did you mean 'teams'/.test(err.message));
    await assert.rejects(preview(undefined, previewOptions({ sql: 'select nope from teams' }), capture(dir)), (err: unknown) => err instanceof UserError && /nope/.test(err.message));
  });

  it('releases the warehouse as soon as the preview is done, and fails at once naming the holder when a writer has it', async () => {
    await preview('teams', previewOptions(), capture(dir));
    const writable = await openWarehouse(path.join(dir, 'warehouse.duckdb'));
    writable.close();

    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { openWarehouse } = require(${JSON.stringify(path.join(ROOT, 'runtime/engine/duckdb.ts'))});
         openWarehouse(${JSON.stringify(path.join(dir, 'warehouse.duckdb'))}).then(() => { process.stdout.write('ready\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
      });
      await assert.rejects(preview('teams', previewOptions(), capture(dir)), (err: unknown) => err instanceof UserError && err.message.includes(`PID ${holder.pid}`));
    } finally {
      holder.stdin.end();
    }
  });
});
