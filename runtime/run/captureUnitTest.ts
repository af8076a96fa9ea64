// "Save as unit test", the part that reads the warehouse: a bounded sample of each direct input of a
// model (trimmed to the columns its SQL names) and the model's output over exactly those rows, computed
// as the unit test runner computes it (the same typing of the given rows), so the saved test passes
// for as long as the model's logic stays the same.
import type { JsonValue } from '../engine/adapter.js';
import { compileNode } from '../compile/compile.js';
import type { Graph } from '../graph/dag.js';
import type { ModelNode, TestNode, UnitTestInput } from '../project/types.js';
import { previewNode } from './preview.js';
import { unitTestQuery, type UnitTestContext } from './unitTest.js';
import type { GraphNode } from './types.js';

export type Row = Record<string, JsonValue>;

export interface CapturedInput {
  /** As a unit test's `input:` reads it: `ref('events')`, `source('bronze', 'app_logs')`. */
  input: string;
  rows: Row[];
}

export interface CapturedUnitTest {
  model: string;
  incremental: boolean;
  given: CapturedInput[];
  /** The model's rows over the given rows, in its column order. */
  expect: Row[];
}

/** Rows sampled from each input unless asked otherwise, and the most a caller may ask for. */
export const DEFAULT_CAPTURE_ROWS = 10;
const MAX_CAPTURE_ROWS = 200;
/** An output this long over a few sampled rows (a cross join) makes no readable test. */
const MAX_EXPECT_ROWS = 1000;

/** Samples the model's inputs and computes its output over them; throws an Error that says what to do. */
export async function captureUnitTest(ctx: UnitTestContext, modelId: string, options: { rows?: number } = {}): Promise<CapturedUnitTest> {
  const model = ctx.graph.nodes.get(modelId);
  if (model?.kind !== 'model') throw new Error(`No model '${modelId}' to save a unit test for`);
  if (model.snapshot || model.language === 'python') throw new Error(`Unit tests are for SQL models; ${model.name} is a ${model.snapshot ? 'snapshot' : 'Python model'}`);
  const limit = Math.min(MAX_CAPTURE_ROWS, Math.max(1, Math.floor(options.rows ?? DEFAULT_CAPTURE_ROWS)));
  const compile = (id: string, opts?: { isIncremental?: boolean }) => compileNode(ctx.project, ctx.graph as Graph, id, opts);
  const sql = compile(modelId, { isIncremental: false }).sql;
  const given: CapturedInput[] = [];
  for (const parentId of [...(ctx.graph.parents.get(modelId) ?? [])].sort()) {
    const parent = ctx.graph.nodes.get(parentId);
    const input = parent && inputOf(parent);
    if (!parent || !input) continue;
    let sample;
    try {
      sample = await previewNode(ctx.db, ctx.graph, parentId, compile, { limit });
    } catch (err) {
      throw new Error(`Could not read the input ${input} of ${model.name} (build it first): ${err instanceof Error ? err.message : String(err)}`);
    }
    const kept = readColumns(sql, sample.columns.map((c) => c.name));
    given.push({ input, rows: plainRows(sample.columns, sample.rows).map((row) => pick(row, kept)) });
  }
  const incremental = model.config.materialized === 'incremental';
  const query = await unitTestQuery(ctx, captureTest(model, given, incremental));
  if ('status' in query) throw new Error(query.error?.message ?? query.message ?? `The model ${model.name} does not run on the sampled rows`);
  const result = await ctx.db.query(query.compiled.sql);
  if (result.rows.length > MAX_EXPECT_ROWS) throw new Error(`The model gives ${result.rows.length} rows over ${limit} rows of each input: too many for a unit test (ask for fewer input rows)`);
  return { model: model.name, incremental, given, expect: plainRows(result.columns, result.rows) };
}

/** Whole numbers the engine sends as strings (BIGINT, HUGEINT) as YAML numbers when they fit a double exactly. */
function plainRows(columns: Array<{ name: string; type: string }>, rows: Row[]): Row[] {
  const integers = columns.filter((c) => /^U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/i.test(c.type)).map((c) => c.name);
  if (integers.length === 0) return rows;
  return rows.map((row) => {
    const out = { ...row };
    for (const name of integers) {
      const value = out[name];
      if (typeof value === 'string' && Number.isSafeInteger(Number(value))) out[name] = Number(value);
    }
    return out;
  });
}

/** How a unit test names a model's input; undefined for a node that cannot be one. */
function inputOf(node: GraphNode): string | undefined {
  if (node.kind === 'source') return `source('${node.source}', '${node.table}')`;
  if (node.kind === 'model' || node.kind === 'seed') return `ref('${node.name}')`;
  return undefined;
}

/**
 * The input columns the model's SQL reads: all of them when it selects `*` (or `x.*`), else those it
 * names as words (quoted or not). Where nothing is named, none: the runner fills absent columns with null.
 */
export function readColumns(sql: string, columns: string[]): string[] {
  if (/(?:\bselect(?:\s+distinct)?|,|\.)\s*\*/i.test(sql)) return columns;
  const words = new Set([...sql.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][\w$]*)/g)].map((m) => (m[1]?.replace(/""/g, '"') ?? m[2]).toLowerCase()));
  return columns.filter((c) => words.has(c.toLowerCase()));
}

function pick(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

/** An in-memory unit test of the model over the captured rows (nothing expected: its output is what is captured). */
function captureTest(model: ModelNode, given: CapturedInput[], incremental: boolean): TestNode {
  const location = { file: model.file, range: { start: 0, end: 0 } };
  const inputs: UnitTestInput[] = given.map((g) => ({ format: 'dict', rows: g.rows, input: g.input, inputRange: location.range, location }));
  return {
    kind: 'test',
    id: `unit_test.${model.name}.__capture`,
    name: '__capture',
    file: model.file,
    attachedTo: model.id,
    severity: 'error',
    tags: [],
    unit: {
      name: '__capture', model: model.name, modelRange: location.range, given: inputs, expect: { format: 'dict', rows: [], location },
      overrides: { macros: incremental ? { is_incremental: false } : {}, vars: {}, envVars: {} }, tags: [], enabled: true, location,
    },
  };
}
