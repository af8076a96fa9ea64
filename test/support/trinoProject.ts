// Projects that DuckDB and Trino both run, with a DuckDB target by default and a Trino target `cluster`
// on the given coordinator port, their lake on MinIO: a small one in portable SQL (app events from JSON
// lines through a raw contract into incremental silver events and a gold daily table, with data tests),
// and the sample workspace itself (its models written with dbt's cross-database macros).
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV } from './minio.js';

const SAMPLE = path.resolve(__dirname, '..', '..', 'sample-workspace');

/** The lake on MinIO under `prefix` of the bucket `lake`, and the Trino target `cluster`, as pipeline.yml lines. */
function lakeAndTarget(endpoint: string, prefix: string, trinoPort: number): { lake: string; targets: string } {
  return {
    lake: `lake: { s3: { endpoint: '${endpoint}', bucket: lake, prefix: ${prefix}, access_key_env: ${ACCESS_KEY_ENV}, secret_key_env: ${SECRET_KEY_ENV} } }`,
    targets: `targets:\n  cluster:\n    engine: trino\n    port: ${trinoPort}\n    catalog: lake\n`,
  };
}

/**
 * Copies sample-workspace's project files (models, macros, seeds, tests; not its lake or outputs) into
 * `dir`, with its lake on MinIO. The bronze files stay to be put in the lake: `sampleBronze()` lists them.
 */
export function writeSampleProject(dir: string, endpoint: string, prefix: string, trinoPort: number): void {
  for (const folder of ['models', 'macros', 'seeds', 'tests']) cpSync(path.join(SAMPLE, folder), path.join(dir, folder), { recursive: true });
  const { lake, targets } = lakeAndTarget(endpoint, prefix, trinoPort);
  const pipeline = readFileSync(path.join(SAMPLE, 'pipeline.yml'), 'utf8');
  writeFileSync(path.join(dir, 'pipeline.yml'), `${pipeline.replace(/^lake: .*$/m, lake)}\n${targets}`);
}

/** The sample's checked-in bronze files: lake key → absolute path. */
export function sampleBronze(): Record<string, string> {
  const root = path.join(SAMPLE, 'lake');
  const files: Record<string, string> = {};
  for (const entry of readdirSync(path.join(root, 'bronze'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(root, file).split(path.sep).join('/')] = file;
    }
  }
  return files;
}

/** Writes the project into `dir`, its lake under `prefix` of the bucket `lake` at `endpoint`. */
export function writeTrinoProject(dir: string, endpoint: string, prefix: string, trinoPort: number): void {
  const { lake, targets } = lakeAndTarget(endpoint, prefix, trinoPort);
  const files: Record<string, string> = {
    'pipeline.yml': `name: trino_acceptance
${lake}
warehouse: ./warehouse.duckdb
threads: 2
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    columns:
      event_id: { type: varchar, required: true, tests: [unique] }
      user_id: { type: integer, required: true }
      action: { type: varchar }
      device: { type: varchar }
      ts: { type: timestamptz, required: true }
    dedupe_on: [event_id]
${targets}`,
    'models/silver/events.sql': `{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='merge') }}
select event_id, user_id, lower(action) as action, coalesce(device, 'unknown') as device, ts as event_ts, cast(ts as date) as event_date
from {{ source('bronze', 'app_logs') }}
{% if is_incremental() %} where ts > (select max(event_ts) from {{ this }}) {% endif %}
`,
    'models/silver/_silver.yml': `version: 2
models:
  - name: events
    columns:
      - name: event_id
        data_tests: [unique, not_null]
      - name: device
        data_tests:
          - accepted_values: { values: [desktop, mobile, tablet, unknown] }
`,
    'models/gold/daily_active_users.sql': `{{ config(materialized='table') }}
select event_date, count(distinct user_id) as active_users, count(distinct case when device = 'mobile' then user_id end) as mobile_users,
  count(*) as events, count(case when action = 'purchase' then 1 end) as purchases
from {{ ref('events') }}
group by event_date
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}
