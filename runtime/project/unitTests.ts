// dbt unit tests (`unit_tests:` in schema YAML): parsed with the range of every key, then linked to
// their model as test nodes 'unit_test.<model>.<name>', with positioned errors for what dbt refuses.
import { parse as parseCsv } from 'csv-parse/sync';
import { asList, didYouMean, isObject, suggest } from './config.js';
import type { Diagnostic, Location, Project, Range, UnitTestInput, UnitTestRows, UnitTestSpec } from './types.js';
import { scanTemplate } from '../template/scan.js';
import { get, getPair, itemsOf, pairsOf, rangeOf, str, toJs, type YamlNode } from './yamlDoc.js';

const FORMATS = ['dict', 'csv', 'sql'] as const;

/** The entries of `unit_tests:`; an entry without name or model is an error on it and is left out. */
export function parseUnitTests(file: string, text: string, list: YamlNode[], diagnostics: Diagnostic[]): UnitTestSpec[] {
  const out: UnitTestSpec[] = [];
  const error = (range: Range, message: string): void => {
    diagnostics.push({ file, range, severity: 'error', message, code: 'bad-unit-test' });
  };
  for (const node of list) {
    const namePair = getPair(node, 'name');
    const name = str(namePair?.value);
    const modelPair = getPair(node, 'model');
    const model = str(modelPair?.value);
    if (!name) error(rangeOf(node), "A unit test has no 'name'");
    else if (!model) error(namePair!.keyRange, `Unit test '${name}' names no 'model' to test`);
    if (!name || !model) continue;
    const expectNode = get(node, 'expect');
    if (!expectNode) error(namePair!.keyRange, `Unit test '${name}' has no 'expect'`);
    const given: UnitTestInput[] = [];
    for (const g of itemsOf(get(node, 'given'))) {
      const inputNode = get(g, 'input');
      const input = str(inputNode);
      if (!input) {
        error(rangeOf(g), "A given input needs 'input:' (ref('model'), source('source', 'table') or this)");
        continue;
      }
      given.push({ ...rowsOf(file, text, g, error), input, inputRange: rangeOf(inputNode) });
    }
    const config = toJs(get(node, 'config'));
    const cfg = isObject(config) ? config : {};
    const overrides = get(node, 'overrides');
    const map = (key: string): Record<string, unknown> => {
      const v = toJs(get(overrides, key));
      return isObject(v) ? { ...v } : {};
    };
    out.push({
      name,
      model,
      modelRange: rangeOf(modelPair!.value),
      given,
      expect: expectNode ? rowsOf(file, text, expectNode, error) : { format: 'dict', rows: [], location: { file, range: namePair!.keyRange } },
      overrides: { macros: map('macros'), vars: map('vars'), envVars: Object.fromEntries(Object.entries(map('env_vars')).map(([k, v]) => [k, String(v)])) },
      tags: asList(cfg.tags),
      enabled: cfg.enabled !== false,
      location: { file, range: rangeOf(namePair!.value) },
    });
  }
  return out;
}

/** `format:` with `rows:` or `fixture:` of a given input or of `expect`. */
function rowsOf(file: string, text: string, node: YamlNode, error: (range: Range, message: string) => void): UnitTestRows {
  const formatNode = get(node, 'format');
  const written = str(formatNode) ?? 'dict';
  const format = (FORMATS as readonly string[]).includes(written) ? (written as UnitTestRows['format']) : 'dict';
  if (format !== written) error(rangeOf(formatNode), `Unknown unit test format '${written}': expected dict, csv or sql`);
  const rowsNode = get(node, 'rows');
  const location: Location = { file, range: rangeOf(rowsNode ?? node) };
  const fixture = str(get(node, 'fixture'));
  if (fixture !== undefined) {
    if (format === 'dict') error(rangeOf(get(node, 'fixture')), "A fixture file needs format: csv or format: sql");
    return { format, fixture, location };
  }
  if (format === 'sql') {
    const sql = str(rowsNode);
    if (sql === undefined) error(location.range, "format: sql needs 'rows:' holding a select (or 'fixture:')");
    return { format, sql: sql ?? '', location };
  }
  if (format === 'csv') {
    const csv = str(rowsNode);
    if (csv === undefined) {
      error(location.range, "format: csv needs 'rows:' holding CSV text (or 'fixture:')");
      return { format, rows: [], location };
    }
    const parsed = csvRows(csv);
    if ('error' in parsed) error(location.range, `The CSV rows do not parse: ${parsed.error}`);
    return { format, rows: 'error' in parsed ? [] : parsed.rows, keyRanges: csvKeyRanges(text, location.range, csv, 'error' in parsed ? 0 : parsed.rows.length), location };
  }
  if (rowsNode && rowsNode.kind !== 'seq') error(location.range, "format: dict needs 'rows:' as a list of maps");
  const items = itemsOf(rowsNode);
  for (const item of items) if (item.kind !== 'map') error(item.range, 'A dict row is a map of column: value');
  const maps = items.filter((i) => i.kind === 'map');
  return {
    format,
    rows: maps.map((m) => Object.fromEntries(pairsOf(m).map((p) => [p.key, toJs(p.value) ?? null]))),
    keyRanges: maps.map((m) => Object.fromEntries(pairsOf(m).map((p) => [p.key.toLowerCase(), p.keyRange]))),
    location,
  };
}

/** CSV rows as dbt reads them: a header, every value a string, an empty field null. */
export function csvRows(csv: string): { rows: Array<Record<string, unknown>> } | { error: string } {
  try {
    const records = parseCsv(csv.trim(), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
    return { rows: records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v]))) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Where the inline CSV header's names are in the YAML text (the same ranges for every row). */
function csvKeyRanges(text: string, scalar: Range, csv: string, rows: number): Array<Record<string, Range>> {
  const header = csv.trim().split('\n')[0] ?? '';
  const at = text.indexOf(header, scalar.start);
  if (at < 0 || at > scalar.end) return [];
  const ranges: Record<string, Range> = {};
  let offset = at;
  for (const cell of header.split(',')) {
    const name = cell.trim();
    const start = offset + cell.indexOf(name);
    ranges[name.toLowerCase()] = { start, end: start + name.length };
    offset += cell.length + 1;
  }
  return Array.from({ length: Math.max(rows, 1) }, () => ranges);
}

/** The node a given input names ('model.x', 'seed.y', 'snapshot.z', 'source.s.t'), or undefined. */
export function inputTarget(project: Project, model: string, input: string): string | undefined {
  if (input.trim() === 'this') return project.models.get(model)?.id;
  const scan = scanTemplate(`{{ ${input} }}`);
  const ref = scan.refs[0];
  if (ref) return project.models.get(ref.name)?.id ?? project.seeds.get(ref.name)?.id;
  const src = scan.sources[0];
  return src ? project.sources.get(`${src.source}.${src.table}`)?.id : undefined;
}

type Report = (file: string, range: Range, message: string, code: string, data?: Record<string, unknown>, severity?: Diagnostic['severity']) => void;

/**
 * Adds each enabled unit test to project.tests (keyed by its id), attached to its model. A model that
 * does not exist, an input that is not one of the model's refs/sources (or `this`), a ref of the model
 * no input gives, and an incremental model without a boolean is_incremental override are errors.
 */
export function linkUnitTests(project: Project, specs: UnitTestSpec[], err: Report): void {
  for (const spec of specs) {
    if (!spec.enabled) continue;
    const id = `unit_test.${spec.model}.${spec.name}`;
    const model = project.models.get(spec.model);
    if (!model) {
      const s = suggest(spec.model, project.models.keys());
      err(spec.location.file, spec.modelRange, `Unit test '${spec.name}': no model named '${spec.model}'${didYouMean(s)}`, 'unknown-model', s ? { suggestion: s } : undefined);
      continue;
    }
    if (project.tests.has(id)) {
      err(spec.location.file, spec.location.range, `Unit test '${spec.name}' of model '${spec.model}' is defined twice`, 'duplicate-unit-test');
      continue;
    }
    if (!model.config.enabled) continue;
    const upstream = new Set([...model.scan.refs.map((r) => project.models.get(r.name)?.id ?? project.seeds.get(r.name)?.id), ...model.scan.sources.map((s) => project.sources.get(`${s.source}.${s.table}`)?.id), ...(model.renderedRefs ?? []).map((n) => project.models.get(n)?.id ?? project.seeds.get(n)?.id)]);
    const given = new Set<string>();
    for (const g of spec.given) {
      const target = inputTarget(project, spec.model, g.input);
      if (target === undefined) err(spec.location.file, g.inputRange, `Unit test '${spec.name}': the input ${g.input} is not a model, seed or source of the project`, 'unknown-unit-test-input');
      else if (g.input.trim() !== 'this' && !upstream.has(target)) err(spec.location.file, g.inputRange, `Unit test '${spec.name}': ${g.input} is not an upstream of '${spec.model}' (it reads ${[...upstream].filter(Boolean).join(', ') || 'nothing'})`, 'unit-test-input-not-upstream');
      else given.add(target);
    }
    for (const r of model.scan.refs) {
      const target = project.models.get(r.name)?.id ?? project.seeds.get(r.name)?.id;
      if (target && !given.has(target)) err(spec.location.file, spec.location.range, `Unit test '${spec.name}': '${spec.model}' reads ref('${r.name}'), which no given input provides`, 'unit-test-missing-input');
    }
    for (const s of model.scan.sources) {
      const target = project.sources.get(`${s.source}.${s.table}`)?.id;
      if (target && !given.has(target)) err(spec.location.file, spec.location.range, `Unit test '${spec.name}': '${spec.model}' reads source('${s.source}', '${s.table}'), which no given input provides`, 'unit-test-missing-input');
    }
    // dbt's rules for a model that calls is_incremental().
    const incremental = spec.overrides.macros.is_incremental;
    if (model.scan.isIncremental.length > 0 && typeof incremental !== 'boolean') {
      err(spec.location.file, spec.location.range, `Unit test '${spec.name}': '${spec.model}' calls is_incremental(), so the test needs overrides: {macros: {is_incremental: true|false}}`, 'unit-test-incremental');
    } else if (model.scan.isIncremental.length > 0 && incremental === true && !spec.given.some((g) => g.input.trim() === 'this')) {
      err(spec.location.file, spec.location.range, `Unit test '${spec.name}': with is_incremental true, '${spec.model}' needs a 'this' input (its existing rows)`, 'unit-test-incremental');
    }
    project.tests.set(id, { kind: 'test', id, name: spec.name, file: spec.location.file, attachedTo: model.id, severity: 'error', tags: spec.tags, unit: spec });
  }
}
