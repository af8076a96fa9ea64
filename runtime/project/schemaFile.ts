// Parses a dbt schema YAML file (models/seeds/sources/macros with columns, types, contracts,
// constraints and data tests) into specs that keep the range of every name. Never throws.
import { checkConfig, isObject } from './config.js';
import { qualified } from '../engine/sql.js';
import type { SchemaFile } from './summary.js';
import type { ColumnConstraint, ColumnSpec, Diagnostic, ModelSpec, Range, Result, SourceTable, TestSpec } from './types.js';
import { externalLocation } from './externalLocation.js';
import { parseFreshness } from './freshness.js';
import { parseUnitTests } from './unitTests.js';
import { get, getPair, itemsOf, pairsOf, parseYaml, rangeOf, str, toJs, type YamlNode } from './yamlDoc.js';

export function parseSchemaFile(file: string, text: string): Result<SchemaFile> {
  const value: SchemaFile = { kind: 'schema', file, models: [], seeds: [], snapshots: [], sources: [], macros: [], unitTests: [] };
  const { root, diagnostics } = parseYaml(file, text);
  try {
    const list = (key: string): YamlNode[] => listOf(file, root, key, diagnostics);
    for (const n of list('models')) {
      const spec = modelSpec(file, n, diagnostics);
      if (spec) value.models.push(spec);
    }
    for (const n of list('seeds')) {
      const spec = modelSpec(file, n, diagnostics);
      if (spec) value.seeds.push(spec);
    }
    for (const n of list('snapshots')) {
      const spec = modelSpec(file, n, diagnostics);
      const relation = get(n, 'relation');
      const written = str(relation);
      // The offset of the expression itself: after the opening quote of a quoted scalar.
      const start = rangeOf(relation).start;
      if (spec && written) spec.relation = { text: written, offset: start + (/['"]/.test(text[start] ?? '') ? 1 : 0) };
      if (spec) value.snapshots.push(spec);
    }
    for (const n of list('sources')) value.sources.push(...sourceTables(file, n, diagnostics));
    value.unitTests.push(...parseUnitTests(file, text, list('unit_tests'), diagnostics));
    for (const n of list('macros')) {
      const name = str(get(n, 'name'));
      if (name) value.macros.push({ name, description: str(get(n, 'description')), file });
    }
  } catch (err) {
    diagnostics.push({ file, range: { start: 0, end: 0 }, severity: 'error', message: `internal: schema file not read: ${String(err)}`, code: 'internal' });
  }
  return { value, diagnostics };
}

/** The entries of a top-level list; anything else written there (a map, a string) is an error on its key. */
function listOf(file: string, root: YamlNode, key: string, diagnostics: Diagnostic[]): YamlNode[] {
  const pair = getPair(root, key);
  const node = pair?.value;
  if (pair && node && node.kind !== 'seq' && node.value !== null) {
    const hint = node.kind === 'map' ? ` (write each entry as '- name: ${node.pairs[0]?.key ?? '…'}')` : '';
    diagnostics.push({ file, range: pair.keyRange, severity: 'error', message: `'${key}' must be a list of entries${hint}; nothing under it is read`, code: 'schema-not-a-list' });
  }
  return itemsOf(node);
}

function modelSpec(file: string, node: YamlNode, diagnostics: Diagnostic[]): ModelSpec | undefined {
  const namePair = getPair(node, 'name');
  const name = str(namePair?.value);
  if (!name) {
    diagnostics.push({ file, range: rangeOf(node), severity: 'error', message: "Entry has no 'name'", code: 'schema-no-name' });
    return undefined;
  }
  const configNode = get(node, 'config');
  const rawConfig = toJs(configNode);
  const config = isObject(rawConfig) ? { ...rawConfig } : {};
  diagnostics.push(...checkConfig(file, config, (k) => rangeOf(get(configNode, k))));
  const configRanges = Object.fromEntries(Object.keys(config).map((k) => [k, rangeOf(get(configNode, k))]));
  // `contract:` may sit on the entry itself (older dbt) or under `config:`.
  const contract = toJs(get(node, 'contract')) ?? config.contract;
  if (contract !== undefined) config.contract = contract;
  const description = str(get(node, 'description'));
  return {
    name,
    description,
    columns: itemsOf(get(node, 'columns')).map((c) => columnSpec(file, c, diagnostics)).filter((c): c is ColumnSpec => c !== undefined),
    contractEnforced: isObject(contract) && contract.enforced === true,
    config,
    configRanges,
    tests: [...parseTests(file, get(node, 'data_tests'), undefined, diagnostics), ...parseTests(file, get(node, 'tests'), undefined, diagnostics)],
    constraints: constraints(get(node, 'constraints')),
    location: { file, range: rangeOf(namePair!.value) },
  };
}

function columnSpec(file: string, node: YamlNode, diagnostics: Diagnostic[]): ColumnSpec | undefined {
  const namePair = getPair(node, 'name');
  const name = str(namePair?.value);
  if (!name) {
    diagnostics.push({ file, range: rangeOf(node), severity: 'error', message: "Column has no 'name'", code: 'schema-no-name' });
    return undefined;
  }
  return {
    name,
    dataType: str(get(node, 'data_type')) ?? str(get(node, 'type')),
    description: str(get(node, 'description')),
    constraints: constraints(get(node, 'constraints')),
    tests: [...parseTests(file, get(node, 'data_tests'), name, diagnostics), ...parseTests(file, get(node, 'tests'), name, diagnostics)],
    location: { file, range: rangeOf(namePair!.value) },
  };
}

function constraints(node: YamlNode): ColumnConstraint[] {
  const out: ColumnConstraint[] = [];
  for (const item of itemsOf(node)) {
    const c = toJs(item);
    if (isObject(c) && typeof c.type === 'string') out.push({ type: c.type, expression: typeof c.expression === 'string' ? c.expression : undefined });
  }
  return out;
}

function sourceTables(file: string, node: YamlNode, diagnostics: Diagnostic[]): SourceTable[] {
  const source = str(get(node, 'name'));
  if (!source) {
    diagnostics.push({ file, range: rangeOf(node), severity: 'error', message: "Source has no 'name'", code: 'schema-no-name' });
    return [];
  }
  const schema = str(get(node, 'schema')) ?? source;
  const database = str(get(node, 'database'));
  const out: SourceTable[] = [];
  for (const t of itemsOf(get(node, 'tables'))) {
    const namePair = getPair(t, 'name');
    const table = str(namePair?.value);
    if (!table) {
      diagnostics.push({ file, range: rangeOf(t), severity: 'error', message: "Source table has no 'name'", code: 'schema-no-name' });
      continue;
    }
    const identifier = str(get(t, 'identifier')) ?? table;
    const external = externalLocation(file, node, t, { name: table, identifier, schema }, diagnostics);
    const freshness = parseFreshness(file, node, t, diagnostics);
    out.push({
      kind: 'source',
      id: `source.${source}.${table}`,
      source,
      table,
      description: str(get(t, 'description')),
      columns: itemsOf(get(t, 'columns')).map((c) => columnSpec(file, c, diagnostics)).filter((c): c is ColumnSpec => c !== undefined),
      dedupeOn: [],
      options: {},
      tests: [...parseTests(file, get(t, 'data_tests'), undefined, diagnostics), ...parseTests(file, get(t, 'tests'), undefined, diagnostics)],
      // A source in another database (dbt-duckdb: an attached one) is named with it: "db"."schema"."table".
      relation: database ? qualified(database, schema, identifier) : qualified(schema, identifier),
      location: { file, range: rangeOf(namePair!.value) },
      ...(external ? { external } : {}),
      ...(freshness.loadedAtField || freshness.threshold ? { freshness } : {}),
    });
  }
  return out;
}

/** Test config keys dbt also reads beside the test's arguments. */
const TEST_CONFIG = new Set(['error_if', 'warn_if', 'fail_calc', 'limit', 'store_failures', 'store_failures_as']);
const TEST_META = new Set(['config', 'name', 'severity', 'where', 'description', 'tags', 'arguments', 'meta', 'enabled', ...TEST_CONFIG]);

/**
 * A `tests:`/`data_tests:` list. Items are a test name (`unique`) or a one-key map
 * (`accepted_values: { values: [...], config: { severity: warn } }`); dbt 1.10's `arguments:` is read too.
 */
export function parseTests(file: string, node: YamlNode, column: string | undefined, diagnostics: Diagnostic[]): TestSpec[] {
  const out: TestSpec[] = [];
  for (const item of itemsOf(node)) {
    const name = str(item);
    if (name) {
      out.push({ name, column, args: {}, severity: 'error', location: { file, range: rangeOf(item) } });
      continue;
    }
    const pairs = pairsOf(item);
    const testNamePair = getPair(item, 'test_name');
    const head = testNamePair ? { key: str(testNamePair.value) ?? '', keyRange: rangeOf(testNamePair.value), value: item } : pairs[0];
    if (!head || head.key === '' || (!testNamePair && pairs.length !== 1)) {
      diagnostics.push({ file, range: rangeOf(item), severity: 'error', message: 'A test is a name or a map with one key (the test name)', code: 'bad-test' });
      continue;
    }
    const body = toJs(head.value);
    const spec = isObject(body) ? body : {};
    const cfg = isObject(spec.config) ? spec.config : {};
    const args = isObject(spec.arguments) ? { ...spec.arguments } : Object.fromEntries(Object.entries(spec).filter(([k]) => !TEST_META.has(k) && k !== 'test_name'));
    const severityRaw = String(cfg.severity ?? spec.severity ?? 'error').toLowerCase();
    if (severityRaw !== 'warn' && severityRaw !== 'error') {
      diagnostics.push({ file, range: rangeOf(get(get(head.value, 'config'), 'severity') ?? get(head.value, 'severity')), severity: 'error', message: `Unknown severity '${severityRaw}': expected warn or error`, code: 'bad-test' });
    }
    const where = cfg.where ?? spec.where;
    out.push({
      name: head.key,
      column,
      args,
      severity: severityRaw === 'warn' ? 'warn' : 'error',
      where: typeof where === 'string' ? where : undefined,
      config: { ...Object.fromEntries(Object.entries(spec).filter(([k]) => TEST_CONFIG.has(k))), ...cfg },
      location: { file, range: head.keyRange },
    });
    checkTestArgs(file, out[out.length - 1], head.keyRange, diagnostics);
  }
  return out;
}

function checkTestArgs(file: string, t: TestSpec, range: Range, diagnostics: Diagnostic[]): void {
  const bad = (message: string): void => {
    diagnostics.push({ file, range, severity: 'error', message, code: 'bad-test' });
  };
  if (t.name === 'accepted_values' && !Array.isArray(t.args.values)) bad("accepted_values needs 'values:' (a list)");
  if (t.name === 'relationships' && (typeof t.args.to !== 'string' || typeof t.args.field !== 'string')) bad("relationships needs 'to:' (e.g. ref('customers')) and 'field:'");
  if ((t.name === 'unique' || t.name === 'not_null' || t.name === 'accepted_values' || t.name === 'relationships') && t.column === undefined && typeof t.args.column_name !== 'string') {
    bad(`${t.name} on a model needs 'column_name:'`);
  }
}
