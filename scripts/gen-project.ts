// Generates a synthetic, realistic medallion project of any size for benchmarks: bronze sources in
// pipeline.yml, silver and gold models with 1–4 refs to earlier models (so never a cycle), Jinja
// (config, is_incremental, for loops, macros, var), schema YAML with types, contracts and tests.
// Deterministic: the same options give the same files. `format: 'dbt'` (--dbt) writes the same models
// as a dbt project instead: dbt_project.yml (folder configs, vars) and models/sources.yml for the
// bronze sources, which dbt reads as warehouse relations (it cannot load the lake's JSON files).
//   npx tsx scripts/gen-project.ts --models 10000 --out .bench/p10k [--seed 1] [--dbt]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Random } from '../runtime/sample/random.js';

export interface GenOptions {
  models: number;
  seed?: number;
  /** 'pipeline' (default): pipeline.yml; 'dbt': dbt_project.yml + models/sources.yml. */
  format?: 'pipeline' | 'dbt';
}

const DOMAINS = ['orders', 'customers', 'payments', 'shipments', 'products', 'web', 'marketing', 'support', 'inventory', 'finance', 'subscriptions', 'reviews'];
const STATUSES = ['active', 'pending', 'closed', 'cancelled'];
const MACROS: Array<{ file: string; name: string; params: string[]; body: string }> = [
  { file: 'money', name: 'cents_to_dollars', params: ['column', 'scale=2'], body: 'round({{ column }} / 100.0, {{ scale }})::double' },
  { file: 'money', name: 'safe_divide', params: ['numerator', 'denominator'], body: 'case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end' },
  { file: 'dates', name: 'day_of', params: ['column'], body: "cast(date_trunc('day', {{ column }}) as date)" },
  { file: 'dates', name: 'is_recent', params: ['column', 'days=30'], body: "{{ column }} >= current_date - interval '{{ days }} days'" },
  { file: 'text', name: 'clean_status', params: ['column'], body: "coalesce(nullif(lower(trim({{ column }})), ''), 'pending')" },
];

interface Model {
  name: string;
  domain: string;
  layer: 'silver' | 'gold';
  file: string;
  /** Output columns with their DuckDB types, in order. */
  columns: Array<[string, string]>;
}

/** The project as project-relative path → text. */
export function generateProject(options: GenOptions): Map<string, string> {
  const rng = new Random(options.seed ?? 1);
  const files = new Map<string, string>();
  const sourceCount = Math.max(3, Math.ceil(options.models / 100));
  const sources = Array.from({ length: sourceCount }, (_, i) => `${DOMAINS[i % DOMAINS.length]}_raw_${i}`);
  if (options.format === 'dbt') {
    files.set('dbt_project.yml', dbtProjectYml());
    files.set('models/sources.yml', dbtSourcesYml(sources));
  } else {
    files.set('pipeline.yml', pipelineYml(sources));
  }
  for (const [file, macros] of groupBy(MACROS, (m) => m.file)) {
    files.set(`macros/${file}.sql`, macros.map((m) => `{% macro ${m.name}(${m.params.join(', ')}) -%}\n${m.body}\n{%- endmacro %}\n`).join('\n'));
  }
  files.set('seeds/status_codes.csv', `status,label,is_open\n${STATUSES.map((s, i) => `${s},${s[0].toUpperCase()}${s.slice(1)},${i < 2}`).join('\n')}\n`);

  const models: Model[] = [];
  const stagingCount = Math.min(options.models, sourceCount * 2);
  const yml = new Map<string, string[]>();
  for (let i = 0; i < options.models; i++) {
    const staging = i < stagingCount;
    const layer = staging || i < options.models * 0.6 ? 'silver' : 'gold';
    const domain = staging ? sources[i % sourceCount].replace(/_raw_\d+$/, '') : rng.pick(DOMAINS);
    const prefix = staging ? 'stg' : layer === 'silver' ? 'int' : rng.chance(0.3) ? 'dim' : 'fct';
    const name = `${prefix}_${domain}_${String(i).padStart(5, '0')}`;
    const model: Model = { name, domain, layer, file: `models/${layer}/${domain}/${name}.sql`, columns: [] };
    const refs = staging ? [] : pickRefs(rng, models, i);
    const sql = staging ? stagingModel(rng, model, sources[i % sourceCount]) : derivedModel(rng, model, refs);
    files.set(model.file, sql);
    models.push(model);
    if (rng.chance(0.85)) {
      const key = `models/${layer}/${domain}/_${domain}.yml`;
      yml.set(key, [...(yml.get(key) ?? []), schemaEntry(rng, model, refs)]);
    }
  }
  for (const [file, entries] of yml) files.set(file, `version: 2\n\nmodels:\n${entries.join('\n')}`);
  for (let t = 0; t < Math.max(1, Math.floor(options.models / 500)); t++) {
    const target = models[rng.int(0, models.length - 1)];
    files.set(`tests/assert_${target.name}_amount_not_negative.sql`, `-- Amounts are never negative.\nselect id, amount\nfrom {{ ref('${target.name}') }}\nwhere amount < 0\n`);
  }
  return files;
}

function pipelineYml(sources: string[]): string {
  const lines = ['name: synthetic', 'description: A generated project for benchmarks.', 'lake: ./lake', 'warehouse: ./warehouse.duckdb', 'threads: 4', '', 'sources:'];
  for (const s of sources) {
    lines.push(
      `  ${s}:`,
      '    format: json',
      `    path: bronze/${s}/**/*.json`,
      '    columns:',
      '      id: { type: bigint, required: true }',
      '      amount: { type: bigint }',
      '      status: { type: varchar }',
      '      updated_at: { type: timestamp, required: true }',
      '    dedupe_on: [id]',
    );
  }
  lines.push('', 'vars:', "  start_date: '2025-01-01'", '  lookback_days: 3', '', 'models:', '  silver:', '    +materialized: view', '  gold:', '    +materialized: table', '    +tags: [reporting]', '');
  return lines.join('\n');
}

/** pipeline.yml's settings for a dbt project: the same vars and folder configs, under the project's name. */
function dbtProjectYml(): string {
  return [
    'name: synthetic',
    "version: '1.0.0'",
    'config-version: 2',
    'profile: synthetic',
    '',
    'model-paths: [models]',
    'seed-paths: [seeds]',
    'test-paths: [tests]',
    'macro-paths: [macros]',
    '',
    'vars:',
    "  start_date: '2025-01-01'",
    '  lookback_days: 3',
    '',
    'models:',
    '  synthetic:',
    '    silver:',
    '      +materialized: view',
    '    gold:',
    '      +materialized: table',
    '      +tags: [reporting]',
    '',
  ].join('\n');
}

/** The bronze sources as dbt source tables (relations bronze.<name>), with pipeline.yml's columns. */
function dbtSourcesYml(sources: string[]): string {
  const lines = ['version: 2', '', 'sources:', '  - name: bronze', '    tables:'];
  for (const s of sources) {
    lines.push(`      - name: ${s}`, '        columns:');
    for (const [column, type] of [['id', 'bigint'], ['amount', 'bigint'], ['status', 'varchar'], ['updated_at', 'timestamp']]) {
      lines.push(`          - name: ${column}`, `            data_type: ${type}`);
    }
  }
  return lines.join('\n') + '\n';
}

function stagingModel(rng: Random, model: Model, source: string): string {
  model.columns = [['id', 'bigint'], ['amount', 'double'], ['status', 'varchar'], ['updated_at', 'timestamp'], ['updated_day', 'date']];
  const materialized = rng.chance(0.5) ? 'table' : 'view';
  return `-- Typed ${model.domain} records from the bronze source ${source}.
{{ config(materialized='${materialized}', tags=['staging', '${model.domain}']) }}

select
    id,
    {{ cents_to_dollars('amount') }} as amount,
    {{ clean_status('status') }} as status,
    updated_at,
    {{ day_of('updated_at') }} as updated_day
from {{ source('bronze', '${source}') }}
where updated_at >= '{{ var("start_date") }}'
`;
}

/** 1–4 distinct earlier models, mostly recent ones (a project's refs are local). */
function pickRefs(rng: Random, models: Model[], i: number): Model[] {
  const want = Math.min(models.length, rng.weighted([1, 2, 3, 4], [35, 35, 20, 10]));
  const picked = new Set<number>();
  while (picked.size < want) picked.add(i - 1 - rng.zipf(i, 20));
  return [...picked].map((k) => models[k]);
}

const INCREMENTAL_FILTER = `
    {% if is_incremental() %}
    where updated_at > (select max(updated_at) - interval '{{ var("lookback_days") }} days' from {{ this }})
    {% endif %}`;

function derivedModel(rng: Random, model: Model, refs: Model[]): string {
  const kind = rng.weighted(['table', 'view', 'incremental', 'ephemeral'], model.layer === 'gold' ? [60, 15, 20, 5] : [35, 35, 20, 10]);
  const metrics = rng.int(1, 4);
  model.columns = [['id', 'bigint'], ['amount', 'double'], ['status', 'varchar'], ['updated_at', 'timestamp']];
  for (let j = 1; j < refs.length; j++) model.columns.push([`amount_${j}`, 'double']);
  for (let m = 1; m <= metrics; m++) model.columns.push([`metric_${m}`, 'double']);
  const config = kind === 'incremental' ? `materialized='incremental', unique_key='id', incremental_strategy='${rng.pick(['merge', 'delete+insert'])}'` : `materialized='${kind}'`;
  const joins = refs.slice(1).map((r, j) => `,\n\nr${j + 1} as (\n    select id, amount as amount_${j + 1}\n    from {{ ref('${r.name}') }}\n)`).join('');
  return `-- ${model.layer === 'gold' ? 'Reporting' : 'Intermediate'} ${model.domain} figures built from ${refs.map((r) => r.name).join(', ')}.
{{ config(${config}) }}
{% set weights = [${Array.from({ length: metrics }, (_, m) => (m + 1) * 10).join(', ')}] %}

with base as (
    select *
    from {{ ref('${refs[0].name}') }}${kind === 'incremental' ? INCREMENTAL_FILTER : ''}
)${joins}

select
    base.id,
    base.amount,
    base.status,
    base.updated_at,
${refs.slice(1).map((_, j) => `    r${j + 1}.amount_${j + 1},\n`).join('')}    {% for w in weights %}
    {{ safe_divide('base.amount', w) }} as metric_{{ loop.index }}{% if not loop.last %},{% endif %}
    {% endfor %}
from base
${refs.slice(1).map((_, j) => `left join r${j + 1} using (id)\n`).join('')}`;
}

/** The model's schema YAML entry; a relationships test points at one of the models it reads, as a foreign key would. */
function schemaEntry(rng: Random, model: Model, refs: Model[]): string {
  const contract = model.layer === 'gold' && rng.chance(0.5);
  const lines = [`  - name: ${model.name}`, `    description: ${model.layer === 'gold' ? 'Reporting' : 'Cleaned'} ${model.domain} data, one row per id.`];
  // dbt refuses an enforced contract on an incremental model unless on_schema_change is fail or append_new_columns.
  if (contract) lines.push('    config:', '      contract: { enforced: true }', '      on_schema_change: fail');
  lines.push('    columns:');
  for (const [column, type] of model.columns) {
    lines.push(`      - name: ${column}`, `        description: The ${column.replace(/_/g, ' ')}.`, `        data_type: ${type}`);
    if (column === 'id') {
      lines.push('        data_tests:', '          - unique', '          - not_null');
      if (refs.length > 0 && rng.chance(0.1)) {
        lines.push('          - relationships:', `              to: ref('${rng.pick(refs).name}')`, '              field: id', '              config: { severity: warn }');
      }
    }
    if (column === 'status' && rng.chance(0.5)) lines.push('        data_tests:', '          - accepted_values:', `              values: [${STATUSES.join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** Writes the project into `dir`, replacing what was there. */
export function writeProject(dir: string, files: Map<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

function main(argv: string[]): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const models = Number(arg('models'));
  const out = arg('out');
  if (!Number.isInteger(models) || models < 1 || !out) {
    console.error('usage: npx tsx scripts/gen-project.ts --models N --out DIR [--seed S] [--dbt]');
    process.exit(1);
  }
  const started = performance.now();
  const files = generateProject({ models, seed: Number(arg('seed') ?? 1), format: argv.includes('--dbt') ? 'dbt' : 'pipeline' });
  writeProject(out, files);
  console.log(`wrote ${files.size} files (${models} models) to ${out} in ${Math.round(performance.now() - started)} ms`);
}

if (require.main === module) main(process.argv.slice(2));
