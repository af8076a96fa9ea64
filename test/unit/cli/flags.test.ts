// The flags dbt users type, on fixture projects in a temp folder: --vars, --target, --profiles-dir,
// --project-dir, --selector, a selection matching nothing, and the clean and debug commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clean } from '../../../runtime/cli/commands/clean.js';
import { compile } from '../../../runtime/cli/commands/compile.js';
import { debug } from '../../../runtime/cli/commands/debug.js';
import { ls } from '../../../runtime/cli/commands/ls.js';
import { UserError, type Io } from '../../../runtime/cli/context.js';
import { parseVars } from '../../../runtime/cli/vars.js';
import { fixture } from '../../support/fixture.js';

function project(text: string): { dir: string; io: Io & { stdout: string[]; stderr: string[] }; write(file: string, body: string): void; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-flags-'));
  const write = (file: string, body: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), body);
  };
  for (const [file, body] of Object.entries(fixture(text).files)) write(file, body);
  return { dir, io: capture(dir), write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), cwd };
}

const DBT = `
//- /dbt_project.yml
name: shop
profile: shop
vars:
  limit_rows: 10
  region: eu
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: dev.duckdb, schema: main }
    prod: { type: duckdb, path: prod.duckdb, schema: analytics }
//- /models/orders.sql
select '{{ target.name }}' as target, '{{ var("region") }}' as region, {{ var('limit_rows') }} as n, '{{ var("extra", "none") }}' as extra
//- /models/customers.sql
select * from {{ ref('orders') }}
`;

test('--vars: YAML or JSON maps as PyYAML reads them; anything else is an error naming where', () => {
  assert.deepEqual(parseVars('{key: value, n: 3}').value, { key: 'value', n: 3 });
  assert.deepEqual(parseVars('{"key": "value", "list": [1, 2]}').value, { key: 'value', list: [1, 2] });
  assert.deepEqual(parseVars('{y: n, on: yes, d: 2026-01-01}').value, { y: 'n', true: true, d: new Date('2026-01-01') });
  const bad = parseVars('{key: value');
  assert.match(bad.diagnostics[0].message, /^--vars is not valid YAML: .*at character 12 of '\{key: value'/);
  assert.equal(bad.diagnostics[0].range.start, 11);
  assert.match(parseVars('[1, 2]').diagnostics[0].message, /--vars must be a YAML map .* is a list/);
  assert.match(parseVars('just words').diagnostics[0].message, /is a string/);
  assert.match(parseVars('').diagnostics[0].message, /is nothing/);
  assert.match(parseVars('{a: *nope}').diagnostics[0].message, /--vars is not valid YAML/);
});

test('--vars win over the project vars; --target picks the profile output and names target.name', async () => {
  const p = project(DBT);
  try {
    assert.equal(await compile({ select: ['orders'], vars: '{region: us, extra: "x"}', target: 'prod' }, p.io), 0, p.io.stderr.join('\n'));
    assert.match(p.io.stdout.join('\n'), /select 'prod' as target, 'us' as region, 10 as n, 'x' as extra/);
    const json = capture(p.dir);
    await ls({ select: ['orders'], output: 'json', target: 'prod' }, json);
    assert.equal(JSON.parse(json.stdout[0]).relation, '"analytics"."orders"');
    const bad = capture(p.dir);
    await assert.rejects(compile({ vars: '{region: us' }, bad), (err: Error) => err instanceof UserError && /--vars is not valid YAML/.test(err.message));
  } finally {
    p.cleanup();
  }
});

test('an unknown --target is an error naming the profile\'s targets; --profiles-dir is the only place looked', async () => {
  const p = project(DBT);
  try {
    assert.equal(await ls({ target: 'staging' }, p.io), 1);
    assert.match(p.io.stderr.join('\n'), /Unknown target 'staging': profile 'shop' in .*profiles\.yml has the targets dev, prod/);
    const elsewhere = path.join(p.dir, 'conf');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'profiles.yml'), 'shop:\n  target: ci\n  outputs:\n    ci: { type: duckdb, path: ci.duckdb, schema: ci }\n');
    const io = capture(p.dir);
    await ls({ select: ['orders'], output: 'json', profilesDir: 'conf' }, io);
    assert.equal(JSON.parse(io.stdout[0]).relation, '"ci"."orders"');
    const missing = capture(p.dir);
    assert.equal(await ls({ profilesDir: 'nowhere' }, missing), 1);
    assert.match(missing.stderr.join('\n'), /No profiles\.yml in .*nowhere \(--profiles-dir\)/);
  } finally {
    p.cleanup();
  }
});

test('pipeline.yml projects: --target names target.name; --project-dir is --project', async () => {
  const p = project(`
//- /pipeline.yml
name: shop
//- /models/silver/t.sql
select '{{ target.name }}' as t
`);
  try {
    const io = capture(tmpdir());
    assert.equal(await compile({ projectDir: p.dir, select: ['t'], target: 'prod' }, io), 0, io.stderr.join('\n'));
    assert.match(io.stdout.join('\n'), /select 'prod' as t/);
    await assert.rejects(compile({ project: p.dir, projectDir: tmpdir() }, io), /name different folders/);
  } finally {
    p.cleanup();
  }
});

test('a selection that matches nothing exits 1 with a message; --selector reads selectors.yml', async () => {
  const p = project(DBT);
  try {
    for (const select of [['nope'], ['+++nope+++']]) {
      const io = capture(p.dir);
      await assert.rejects(ls({ select }, io), (err: Error) => err instanceof UserError && err.message === `nothing to do: --select ${select[0]} matches no node of the project`);
      assert.match(io.stderr.join('\n'), /warning: No node matches/);
    }
    // The file has an error: every command that selects reports it with its position.
    p.write('selectors.yml', 'selectors:\n  - name: downstream\n    definition: {method: fqn, value: orders, children: true}\n  - name: broken\n    definition: {method: colour, value: red}\n');
    const broken = capture(p.dir);
    await assert.rejects(ls({ selector: 'downstream' }, broken), /1 error in selectors\.yml/);
    assert.match(broken.stderr.join('\n'), /selectors\.yml:5:26: error: Unknown selector method 'colour'/);
    p.write('selectors.yml', 'selectors:\n  - name: downstream\n    definition: {method: fqn, value: orders, children: true}\n');
    const io = capture(p.dir);
    assert.equal(await ls({ selector: 'downstream' }, io), 0);
    assert.deepEqual(io.stdout, ['orders', 'customers']);
    await assert.rejects(ls({ selector: 'downstram' }, capture(p.dir)), /No selector named 'downstram'.*did you mean 'downstream'/);
    const both = capture(p.dir);
    await ls({ selector: 'downstream', select: ['customers'] }, both);
    assert.deepEqual(both.stdout, ['orders', 'customers']);
    assert.match(both.stderr.join('\n'), /--selector downstream replaces --select and --exclude/);
  } finally {
    p.cleanup();
  }
});

test('clean deletes the clean-targets inside the project, and nothing when one leads outside', async () => {
  const p = project(`
//- /dbt_project.yml
name: shop
clean-targets: [target, dbt_packages, logs]
//- /target/run_results.json
{}
//- /dbt_packages/x/dbt_project.yml
name: x
//- /models/a.sql
select 1
`);
  const outside = mkdtempSync(path.join(tmpdir(), 'medallion-outside-'));
  writeFileSync(path.join(outside, 'keep.txt'), 'keep');
  try {
    assert.equal(await clean({}, p.io), 0);
    assert.deepEqual(p.io.stdout, ['deleted target/', 'deleted dbt_packages/', 'logs/ is not there']);
    assert.ok(!existsSync(path.join(p.dir, 'target')) && existsSync(path.join(p.dir, 'models/a.sql')));
    for (const target of ['..', '.', path.relative(p.dir, outside), 'linked']) {
      p.write('dbt_project.yml', `name: shop\nclean-targets: [target, '${target}']\n`);
      p.write('target/x', '');
      if (target === 'linked' && !existsSync(path.join(p.dir, 'linked'))) symlinkSync(outside, path.join(p.dir, 'linked'));
      await assert.rejects(clean({}, capture(p.dir)), /is not a folder inside the project; nothing was deleted/, target);
      assert.ok(existsSync(path.join(p.dir, 'target/x')) && existsSync(path.join(outside, 'keep.txt')));
    }
    // dbt's default: the target path.
    p.write('dbt_project.yml', 'name: shop\ntarget-path: build/out\n');
    p.write('build/out/manifest.json', '{}');
    const io = capture(p.dir);
    await clean({}, io);
    assert.deepEqual(io.stdout, ['deleted build/out/']);
    assert.ok(existsSync(path.join(p.dir, 'target/x')));
  } finally {
    p.cleanup();
    rmSync(outside, { recursive: true, force: true });
  }
});

test('debug prints each check; exit 1 when one fails', async () => {
  const p = project(DBT);
  try {
    assert.equal(await debug({}, p.io, {}), 0, p.io.stdout.join('\n'));
    const out = p.io.stdout.join('\n');
    assert.match(out, /project +ok +dbt_project\.yml: shop, 2 models/);
    assert.match(out, /profile +ok +profiles\.yml: profile shop, target dev \(duckdb\)/);
    assert.match(out, /warehouse +ok +dev\.duckdb does not exist yet/);
    assert.match(out, /All checks passed/);
    const bad = capture(p.dir);
    assert.equal(await debug({ target: 'staging' }, bad, {}), 1);
    assert.match(bad.stdout.join('\n'), /profile +failed +Unknown target 'staging'/);
    assert.match(bad.stdout.join('\n'), /1 check failed|2 checks failed/);
    writeFileSync(path.join(p.dir, 'dev.duckdb'), 'not a database');
    const broken = capture(p.dir);
    assert.equal(await debug({}, broken, {}), 1);
    assert.match(broken.stdout.join('\n'), /warehouse +failed/);
  } finally {
    p.cleanup();
  }
});
