// A conformance project's conformance.yml: its steps, the columns whose values are not compared, and
// the differences from dbt it is known to have (each with the feature and the reason).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';

/** What a difference is about; see compare.ts for how each is found. */
export const DIFFERENCE_KINDS = ['run', 'missing', 'kind', 'columns', 'type', 'rows', 'checksum', 'status', 'max_loaded_at'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** What a step runs in both tools; `source freshness` is compared through each tool's target/sources.json. */
export const STEP_COMMANDS = ['build', 'source freshness'] as const;
export type StepCommand = (typeof STEP_COMMANDS)[number];

export interface Step {
  name: string;
  /** `build` when absent. */
  command?: StepCommand;
  /** A folder of the project (outside its dbt paths) copied over the project before this step's build. */
  files?: string;
  /** A .sql file of the project run against each tool's DuckDB file before this step's build: source data landing or changing. */
  sql?: string;
  /** Project-relative files removed before this step's build. */
  delete?: string[];
  /** Extra arguments for both tools' command (e.g. --full-refresh). */
  args?: string[];
}

export interface IgnoredColumn {
  relation: string;
  column: string;
  reason: string;
}

export interface ExpectedDifference {
  /** The feature, as the README's compatibility table names it. */
  feature: string;
  what: DifferenceKind;
  /** `schema.name` of a relation, or a node key (`model.x`, `test.y`); exactly one of the two; a trailing `*` matches by prefix. */
  relation?: string;
  node?: string;
  column?: string;
  /** 1-based; every step when absent. */
  step?: number;
  reason: string;
}

export interface Spec {
  dir: string;
  name: string;
  description: string;
  env: Record<string, string>;
  /** More keys of the duckdb output in both tools' profiles.yml (attach, settings, external_root, …). */
  profile: Record<string, unknown>;
  steps: Step[];
  ignoreColumns: IgnoredColumn[];
  expected: ExpectedDifference[];
  /** Folders of the project that are conformance inputs, not part of the dbt project. */
  stepFolders: string[];
}

/** Reads `<dir>/conformance.yml`; throws with the file's name on anything malformed. */
export function readSpec(dir: string): Spec {
  const file = path.join(dir, 'conformance.yml');
  const raw = existsSync(file) ? load(readFileSync(file, 'utf8')) : {};
  const fail = (message: string): never => {
    throw new Error(`${file}: ${message}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('must be a mapping');
  const doc = raw as Record<string, unknown>;
  const known = ['description', 'env', 'profile', 'steps', 'ignore_columns', 'expected_differences'];
  for (const key of Object.keys(doc)) if (!known.includes(key)) fail(`unknown key '${key}' (known: ${known.join(', ')})`);

  const env = (doc.env ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(env)) if (typeof v !== 'string') fail(`env.${k} must be a string`);

  const profile = doc.profile ?? {};
  if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) fail('profile must be a mapping (keys of the duckdb output)');

  const steps = ((doc.steps as Array<Record<string, unknown>> | undefined) ?? [{ name: 'build' }]).map((s, i): Step => {
    if (typeof s?.name !== 'string') fail(`steps[${i}] needs a name`);
    if (s.files !== undefined && !existsSync(path.join(dir, String(s.files)))) fail(`steps[${i}].files: no folder ${String(s.files)}`);
    if (s.sql !== undefined && !existsSync(path.join(dir, String(s.sql)))) fail(`steps[${i}].sql: no file ${String(s.sql)}`);
    if (s.command !== undefined && !STEP_COMMANDS.includes(s.command as StepCommand)) fail(`steps[${i}].command must be one of ${STEP_COMMANDS.join(', ')}`);
    return { name: s.name as string, command: s.command as StepCommand | undefined, files: s.files as string | undefined, sql: s.sql as string | undefined, delete: s.delete as string[] | undefined, args: s.args as string[] | undefined };
  });

  const ignoreColumns = ((doc.ignore_columns as IgnoredColumn[] | undefined) ?? []).map((c, i) => {
    if (!c?.relation || !c.column || !c.reason) fail(`ignore_columns[${i}] needs relation, column and reason`);
    return c;
  });

  const expected = ((doc.expected_differences as ExpectedDifference[] | undefined) ?? []).map((d, i) => {
    if (!d?.feature || !d.reason) fail(`expected_differences[${i}] needs a feature and a reason`);
    if (!DIFFERENCE_KINDS.includes(d.what)) fail(`expected_differences[${i}].what must be one of ${DIFFERENCE_KINDS.join(', ')}`);
    if ((d.relation === undefined) === (d.node === undefined) && d.what !== 'run') fail(`expected_differences[${i}] names either a relation or a node`);
    return d;
  });

  return {
    dir,
    name: path.basename(dir),
    description: typeof doc.description === 'string' ? doc.description.trim() : '',
    env: env as Record<string, string>,
    profile: profile as Record<string, unknown>,
    steps,
    ignoreColumns,
    expected,
    stepFolders: [...new Set(steps.flatMap((s) => [s.files, s.sql].filter((p): p is string => p !== undefined).map((p) => p.split('/')[0])))],
  };
}
