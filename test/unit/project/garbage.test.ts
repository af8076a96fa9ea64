// Property-style check: random text never makes a parser, the scan, the renderer or the loader
// throw, and every diagnostic points inside its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMacroFile, parseModelFile, parseSeedFile, parseTestFile } from '../../../runtime/project/files.js';
import { loadProject } from '../../../runtime/project/load.js';
import { defaultConfig, parseDbtProject, parsePipelineConfig } from '../../../runtime/project/projectConfig.js';
import { parseSchemaFile } from '../../../runtime/project/schemaFile.js';
import { MemoryFileSystem } from '../../../runtime/project/fs.js';
import type { Diagnostic } from '../../../runtime/project/types.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { compileProject } from '../../../runtime/compile/compile.js';
import { Renderer } from '../../../runtime/template/render.js';
import { scanTemplate } from '../../../runtime/template/scan.js';

const PIECES = [
  '{{', '}}', '{%', '%}', '{#', '#}', '-', "'", '"', '(', ')', '[', ']', '{', '}', ':', ',', '\n', '  ', ' ', '- ', '#', '&a', '*a', '|', '>',
  'ref', 'source', 'config', 'var', 'macro', 'endmacro', 'if', 'endif', 'for', 'in', 'endfor', 'set', 'raw', 'endraw', 'is_incremental',
  'name', 'models', 'columns', 'tests', 'sources', 'tables', 'lake', 's3', 'threads', 'materialized=', 'select', '1', '\\', '\t', 'é', '😀', 'x',
];

function generator(seed: number): () => string {
  let s = seed;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return () => Array.from({ length: Math.floor(next() * 60) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
}

function assertInside(text: string, diagnostics: Diagnostic[], file: string): void {
  for (const d of diagnostics) {
    assert.ok(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= text.length, `${JSON.stringify(d)} in ${JSON.stringify(text)}`);
    assert.ok(d.file === file || d.file === '', JSON.stringify(d));
  }
}

test('random text never throws out of any parser', () => {
  const gen = generator(7);
  const renderer = new Renderer(defaultConfig('pipeline.yml', 'pipeline'), [{ file: 'macros/m.sql', text: '{% macro m(x) %}{{ x }}{% endmacro %}' }]);
  const opts = { ref: (n: string) => n, source: (a: string, b: string) => `${a}.${b}` };
  for (let i = 0; i < 300; i++) {
    const text = gen();
    assertInside(text, parsePipelineConfig('pipeline.yml', text).diagnostics, 'pipeline.yml');
    assertInside(text, parseDbtProject('dbt_project.yml', text).diagnostics, 'dbt_project.yml');
    assertInside(text, parseSchemaFile('s.yml', text).diagnostics, 's.yml');
    assertInside(text, parseModelFile('m.sql', text).diagnostics, 'm.sql');
    assertInside(text, parseMacroFile('k.sql', text).diagnostics, 'k.sql');
    assertInside(text, parseTestFile('t.sql', text).diagnostics, 't.sql');
    assertInside(text, parseSeedFile('s.csv', text).diagnostics, 's.csv');
    assertInside(text, scanTemplate(text).diagnostics, '');
    const r = renderer.render('m.sql', text, opts);
    assertInside(text, r.diagnostics, 'm.sql');
    assert.doesNotThrow(() => r.map.toTemplate(Math.floor(r.sql.length / 2)));
  }
});

test('a project of random files loads, links, builds a graph and compiles without throwing', async () => {
  const gen = generator(11);
  for (let round = 0; round < 20; round++) {
    const fs = new MemoryFileSystem({
      '/p/pipeline.yml': round % 2 === 0 ? `name: p\n${gen()}` : gen(),
      '/p/models/a.sql': gen(),
      '/p/models/b.sql': `select * from {{ ref('a') }} ${gen()}`,
      '/p/models/s.yml': `models:\n  - name: a\n${gen()}`,
      '/p/macros/m.sql': gen(),
      '/p/seeds/x.csv': gen(),
      '/p/tests/t.sql': gen(),
    });
    const project = await loadProject(fs, '/p');
    const graph = buildGraph(project);
    const compiled = compileProject(project, graph);
    assert.ok(compiled.size >= 1);
    for (const d of project.diagnostics) assert.ok(d.file !== '' && d.range.start <= d.range.end, JSON.stringify(d));
  }
});
