// Issue 15, item 4: project-relative paths that leave the project (after `..` or symlinks) are
// errors on their YAML position; an absolute lake or warehouse is allowed; the local lake does not
// follow a symlink out of itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalLake } from '../../runtime/lake/local.js';
import { MemoryFileSystem, NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { readDbtProfile } from '../../runtime/project/profiles.js';
import { defaultConfig, parseDbtProject, parsePipelineConfig } from '../../runtime/project/projectConfig.js';
import type { Diagnostic } from '../../runtime/project/types.js';
import { sentinel } from './sentinel.js';

/** Each error as `file: text under its range: message`. */
function errors(diagnostics: Diagnostic[], text: string): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${text.slice(d.range.start, d.range.end)}: ${d.message}`);
}

test('pipeline.yml: a relative lake, warehouse or source path climbing out is an error on its value; absolute lake and warehouse are fine', () => {
  const text = 'name: x\nlake: ../../lake\nwarehouse: ./w/../../w.duckdb\nsources:\n  a: { format: json, path: ../../**/*.json }\n  b: { format: json, path: /etc/** }\n  c: { format: json, path: bronze/c/*.json }\n';
  const found = errors(parsePipelineConfig('pipeline.yml', text).diagnostics, text);
  assert.equal(found.length, 4, found.join('\n'));
  assert.match(found[0], /^pipeline\.yml: \.\.\/\.\.\/lake: .*outside the project/);
  assert.match(found[1], /^pipeline\.yml: \.\/w\/\.\.\/\.\.\/w\.duckdb: .*outside the project/);
  assert.match(found[2], /^pipeline\.yml: \.\.\/\.\.\/\*\*\/\*\.json: .*outside the lake/);
  assert.match(found[3], /^pipeline\.yml: \/etc\/\*\*: .*relative to the lake/);
  const fine = 'name: x\nlake: /data/lake\nwarehouse: /data/w.duckdb\n';
  assert.deepEqual(errors(parsePipelineConfig('pipeline.yml', fine).diagnostics, fine), []);
});

test('dbt_project.yml: model-paths and the other dbt folders must stay inside the project', () => {
  const text = 'name: shop\nmodel-paths: [models, ../../elsewhere]\nmacro-paths: [/usr/share]\nseed-paths: [seeds]\n';
  const found = errors(parseDbtProject('dbt_project.yml', text).diagnostics, text);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /^dbt_project\.yml: \.\.\/\.\.\/elsewhere: .*outside the project/);
  assert.match(found[1], /^dbt_project\.yml: \/usr\/share: .*outside the project/);
});

test("a project-local profiles.yml path climbing out is an error in profiles.yml; the user's own ~/.dbt is trusted", async () => {
  const profile = 'shop:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: ../../../stolen.duckdb }\n';
  const config = { ...defaultConfig('dbt_project.yml', 'dbt'), profile: 'shop' };
  const local = await readDbtProfile(new MemoryFileSystem({ '/p/profiles.yml': profile }), '/p', config, 'shop', { env: {} });
  const found = errors(local.diagnostics, profile);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0], /^profiles\.yml: \.\.\/\.\.\/\.\.\/stolen\.duckdb: .*outside the project/);
  assert.equal(local.settings.warehouse, undefined);
  const home = await readDbtProfile(new MemoryFileSystem({ '/home/me/.dbt/profiles.yml': profile }), '/p', config, 'shop', { env: {}, home: '/home/me' });
  assert.deepEqual(home.diagnostics, []);
  assert.equal(home.settings.warehouse, '../../../stolen.duckdb');
});

test('a symlink leading out of the project (the lake, a bronze folder, a model folder) is an error on the path that goes through it', async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: linked
lake: ./lake
sources:
  app_logs: { format: json, path: bronze/app_logs/**/*.json }
//- /models/silver/a.sql
select 1 as id
`);
  t.after(() => s.dispose());
  mkdirSync(path.join(s.root, 'lake/bronze'), { recursive: true });
  symlinkSync(path.join(s.box, 'outside'), path.join(s.root, 'lake/bronze/app_logs'));
  const project = await loadProject(new NodeFileSystem(), s.root);
  const text = readFileSync(path.join(s.root, 'pipeline.yml'), 'utf8');
  const found = project.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${text.slice(d.range.start, d.range.end)}: ${d.message}`);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0], /^pipeline\.yml: bronze\/app_logs\/\*\*\/\*\.json: .*symlink.*outside the lake/);

  const text2 = 'name: linked\nlake: ./data\nmodel-paths: [models, linked_models]\n';
  s.write('pipeline.yml', text2);
  symlinkSync(path.join(s.box, 'outside'), path.join(s.root, 'data'));
  symlinkSync(path.join(s.box, 'outside/deep'), path.join(s.root, 'linked_models'));
  const again = await loadProject(new NodeFileSystem(), s.root);
  const found2 = again.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${text2.slice(d.range.start, d.range.end)}: ${d.message}`);
  assert.equal(found2.length, 2, found2.join('\n'));
  assert.match(found2[0], /^pipeline\.yml: \.\/data: .*symlink.*outside the project/);
  assert.match(found2[1], /^pipeline\.yml: linked_models: .*symlink.*outside the project/);
});

test('the local lake neither lists, reads, publishes nor deletes through a symlink that leaves it', async (t) => {
  const s = sentinel('//- /pipeline.yml\nname: x\n');
  t.after(() => s.dispose());
  const lakeDir = path.join(s.root, 'lake');
  mkdirSync(path.join(lakeDir, 'bronze'), { recursive: true });
  symlinkSync(path.join(s.box, 'outside'), path.join(lakeDir, 'bronze/app_logs'));
  symlinkSync(path.join(s.box, 'outside'), path.join(lakeDir, 'silver'));
  symlinkSync(path.join(s.box, 'outside/keep.json'), path.join(lakeDir, 'bronze/linked.json'));
  const before = s.around();
  const lake = new LocalLake(lakeDir);
  assert.deepEqual(await lake.list('bronze/'), []);
  await assert.rejects(lake.list('bronze/app_logs/'), /outside the lake/);
  assert.equal(await lake.get('bronze/app_logs/keep.json'), undefined);
  const built = mkdtempSync(path.join(os.tmpdir(), 'medallion-built-'));
  t.after(() => rmSync(built, { recursive: true, force: true }));
  writeFileSync(path.join(built, 'part.parquet'), 'x');
  await assert.rejects(lake.publishDirectory(built, 'silver/deep'), /outside the lake/);
  await assert.rejects(lake.put('silver/deep/keep.json', 'overwritten'), /outside the lake/);
  await assert.rejects(lake.deletePrefix('bronze/app_logs/'), /outside the lake/);
  assert.deepEqual(s.around(), before);
});
