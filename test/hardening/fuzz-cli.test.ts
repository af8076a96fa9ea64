// Acceptance of issue 15: random bad projects for the real CLI (dist/cli.js). Each case breaks the
// fuzz project one way (YAML, Jinja, SQL, an escape template, a runaway template, hostile bronze
// records or paths, stray bytes) and runs build plus another command: exit 0 or 1, never 2, a hang, a
// stack trace or a write outside the project. FUZZ_SEED reproduces a case, FUZZ_COUNT widens the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../support/fixture.js';
import { BROKEN_JINJA, BROKEN_SQL, BROKEN_YAML, RUNAWAY, UNICODE, escapes, mutate } from './fuzz/bad.js';
import { FILES, PROJECT } from './fuzz/project.js';
import { count, random, type Random } from './fuzz/random.js';
import { sentinel, type Sentinel } from './sentinel.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const CASES = count(10);
const files = fixture(PROJECT).files;

/** One way to break the project; returns what it did, for the failure message. */
const BREAKERS: Array<(r: Random, s: Sentinel) => string> = [
  (r, s) => breakFile(r, s, 'yaml', BROKEN_YAML),
  (r, s) => breakFile(r, s, 'template', [...BROKEN_JINJA, ...BROKEN_SQL]),
  (r, s) => {
    const { file } = r.pick(FILES.filter((f) => f.kind === 'template'));
    const evil = r.pick(escapes(path.join(s.box, 'outside', 'pwned')));
    s.write(file, `${files[file]}\n${evil}\n`);
    return `${file} += ${evil}`;
  },
  (r, s) => {
    const { file } = r.pick(FILES.filter((f) => f.kind === 'template' && f.file.startsWith('models/')));
    const runaway = r.pick(RUNAWAY);
    s.write(file, `${runaway}\n${files[file]}`);
    return `${file} starts with ${runaway}`;
  },
  (r, s) => {
    const file = r.pick(['lake/bronze/events/a.json', 'lake/bronze/payments/p.csv']);
    const bad = r.pick([Buffer.from('{"id": 9, "kind": "\xff"}\n', 'latin1'), Buffer.from(`{"id": 8, "kind": "${'z'.repeat(17 * 1024 * 1024)}"}\n`), Buffer.from('9,"unterminated\n'), Buffer.from('\0\0\0\n'), Buffer.from('[')]);
    writeFileSync(path.join(s.root, file), Buffer.concat([Buffer.from(files[file]), bad, Buffer.from(files[file].split('\n').slice(1).join('\n'))]));
    return `${file} with ${bad.subarray(0, 30).toString('latin1')}`;
  },
  (r, s) => {
    const [from, to] = r.pick([['lake: ./lake', 'lake: ../../outside'], ['warehouse: ./warehouse.duckdb', 'warehouse: ../w.duckdb'], ['path: bronze/events/*.json', 'path: ../../**/*.json'], ['path: bronze/events/*.json', 'path: /etc/**'], ['name: fuzz', 'name: fuzz\nmodel-paths: ["../../outside"]']]);
    s.write('pipeline.yml', files['pipeline.yml'].replace(from, to));
    return `pipeline.yml: ${to}`;
  },
  (r, s) => breakFile(r, s, r.pick(['yaml', 'template', 'data'] as const), UNICODE),
];

function breakFile(r: Random, s: Sentinel, kind: 'yaml' | 'template' | 'data', pool: readonly string[]): string {
  const { file } = r.pick(FILES.filter((f) => f.kind === kind));
  const text = mutate(r, files[file], pool);
  s.write(file, text);
  return `${file} := ${JSON.stringify(text.slice(0, 400))}`;
}

function medallion(root: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project', root], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test(`${CASES} random bad projects: the CLI reports, never crashes, never writes outside (seed ${random().seed})`, (t) => {
  const r = random();
  for (let i = 0; i < CASES; i++) {
    const s = sentinel(PROJECT);
    t.after(() => s.dispose());
    const before = s.around();
    const broken = [r.pick(BREAKERS)(r, s)];
    if (r.chance(0.3)) broken.push(r.pick(BREAKERS)(r, s));
    const second = r.pick([['compile'], ['ls', '-s', r.pick(['+daily', 'nope+', '+++nope+++', 'tag:x', 'source:bronze.events+', 'path:models/gold', '1+daily'])], ['test'], ['run', '--full-refresh'], ['preview', 'daily'], ['build']]);
    for (const args of [['build'], second]) {
      const { status, out } = medallion(s.root, args);
      const what = `case ${i} (FUZZ_SEED=${r.seed}): medallion ${args.join(' ')} after ${broken.join('; ')}\n${out.slice(0, 3000)}`;
      assert.ok(status === 0 || status === 1, `exit ${status}: ${what}`);
      assert.doesNotMatch(out, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace: ${what}`);
      assert.doesNotMatch(out, /internal error|internal:|TypeError|ReferenceError|RangeError|Maximum call stack/i, `an escaped exception: ${what}`);
    }
    assert.deepEqual(s.around(), before, `a write outside the project: case ${i} (FUZZ_SEED=${r.seed}) after ${broken.join('; ')}`);
    s.dispose();
  }
});
