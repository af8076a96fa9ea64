// selectors.yml as dbt reads it, evaluated over a small DAG: each definition form, the graph
// options, references between selectors, and bad files as positioned errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, type Graph } from '../../../runtime/graph/dag.js';
import { selectNodes } from '../../../runtime/graph/select.js';
import { parseSelectors, pickSelector } from '../../../runtime/graph/selectors.js';
import { loadProject } from '../../../runtime/project/load.js';
import { fixture } from '../../support/fixture.js';

// raw_a → stg_a → mart (tag nightly) → report; raw_b → stg_b → mart
const DAG = `
//- /pipeline.yml
name: shop
//- /models/silver/stg_a.sql
select * from {{ ref('raw_a') }}
//- /models/silver/stg_b.sql
{{ config(tags=['nightly']) }}
select * from {{ ref('raw_b') }}
//- /models/gold/mart.sql
{{ config(tags=['nightly']) }}
select * from {{ ref('stg_a') }} join {{ ref('stg_b') }} using (id)
//- /models/gold/report.sql
select * from {{ ref('mart') }}
//- /seeds/raw_a.csv
id
1
//- /seeds/raw_b.csv
id
1
`;

let graph: Graph | undefined;
async function dag(): Promise<Graph> {
  if (graph) return graph;
  const f = fixture(DAG);
  return (graph = buildGraph(await loadProject(f.fs, f.root)));
}

/** The names a selector of `yaml` picks (the first selector, else `name`). */
async function pick(yaml: string, name?: string): Promise<string[]> {
  const parsed = parseSelectors('selectors.yml', yaml);
  assert.deepEqual(parsed.diagnostics, []);
  const def = name ? parsed.value.get(name)! : [...parsed.value.values()][0];
  const g = await dag();
  return selectNodes(g, { selector: def.definition }).value.map((id) => id.split('.').slice(1).join('.')).sort();
}

test('a CLI string, a method map and the key-value shorthand', async () => {
  assert.deepEqual(await pick('selectors:\n  - name: s\n    definition: "+mart"\n'), ['mart', 'raw_a', 'raw_b', 'stg_a', 'stg_b']);
  assert.deepEqual(await pick('selectors:\n  - name: s\n    definition: {method: tag, value: nightly}\n'), ['mart', 'stg_b']);
  assert.deepEqual(await pick('selectors:\n  - name: s\n    definition:\n      tag: nightly\n'), ['mart', 'stg_b']);
});

test('parents, children, their depths and childrens_parents', async () => {
  const yaml = (opts: string): string => `selectors:\n  - name: s\n    definition: {method: fqn, value: stg_a, ${opts}}\n`;
  assert.deepEqual(await pick(yaml('parents: true')), ['raw_a', 'stg_a']);
  assert.deepEqual(await pick(yaml('children: true')), ['mart', 'report', 'stg_a']);
  assert.deepEqual(await pick(yaml('children: true, children_depth: 1')), ['mart', 'stg_a']);
  assert.deepEqual(await pick(yaml('parents_depth: 1, children_depth: 1')), ['mart', 'raw_a', 'stg_a']);
  assert.deepEqual(await pick(yaml('childrens_parents: true')), ['mart', 'raw_a', 'raw_b', 'report', 'stg_a', 'stg_b']);
});

test('union, intersection and exclude, nested, and a selector naming another', async () => {
  const yaml = `
selectors:
  - name: gold
    definition: "path:models/gold"
  - name: nightly_gold
    definition:
      intersection:
        - method: selector
          value: gold
        - tag: nightly
  - name: all_but_b
    default: true
    definition:
      union:
        - method: path
          value: models
        - method: selector
          value: nightly_gold
        - exclude:
            - "stg_b"
            - intersection: ["tag:nightly", "path:models/gold"]
`;
  assert.deepEqual(await pick(yaml, 'nightly_gold'), ['mart']);
  assert.deepEqual(await pick(yaml, 'all_but_b'), ['report', 'stg_a']);
  const selectors = parseSelectors('selectors.yml', yaml).value;
  assert.equal(pickSelector(selectors, undefined).value?.name, 'all_but_b');
  assert.match(pickSelector(selectors, 'glod').diagnostics[0].message, /No selector named 'glod' in selectors\.yml \(selectors: gold, nightly_gold, all_but_b\); did you mean 'gold'\?/);
});

test('a bad selectors.yml: each problem is an error at its place', () => {
  const text = `selectors:
  - name: a
    definition: {method: colour, value: red}
  - name: b
    definition:
      union: {method: tag}
  - name: c
    definition: {method: selector, value: d}
  - name: d
    definition: {method: selector, value: c}
  - name: e
    definition: {method: tag, value: x, parent: true}
  - name: f
    definition: {method: tag}
  - name: g
    definition: {method: fqn, value: x, children_depth: -1}
`;
  const { diagnostics } = parseSelectors('selectors.yml', text);
  const at = (needle: string, message: RegExp): void => {
    const d = diagnostics.find((x) => message.test(x.message));
    assert.ok(d, `no diagnostic ${message}: ${diagnostics.map((x) => x.message).join(' | ')}`);
    assert.equal(text.slice(d.range.start, d.range.start + needle.length), needle, d.message);
    assert.equal(d.severity, 'error');
  };
  at('colour', /Unknown selector method 'colour'/);
  at('{method: tag}', /'union' takes a list/);
  at('c}', /cycle: c → d → c|cycle: d → c → d/);
  at('parent', /Unknown key 'parent' in a selector method; did you mean 'parents'\?/);
  at('tag}\n  - name: g', /Selector method 'tag' needs a value/);
  at('-1', /'children_depth' is a whole number/);
  assert.match(parseSelectors('selectors.yml', 'selectors: {a: 1}\n').diagnostics[0].message, /must have a list 'selectors:'/);
  assert.match(parseSelectors('selectors.yml', 'selectors:\n  - name: a\n    definition: x\n  - name: a\n    definition: y\n').diagnostics[0].message, /defined twice/);
});
