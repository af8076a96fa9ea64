// Acceptance for the dialect: the sample workspace's own files build on a real Trino cluster (coordinator
// + worker) over a real MinIO and on DuckDB, to the same gold tables; dbt's cross-database macros give
// the same values on both engines; DuckDB-only syntax is a positioned error at compile time, found
// statically and by the cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../../runtime/cli/commands/compile.js';
import { validateOnCluster } from '../../../runtime/compile/dialect.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { defaultConfig } from '../../../runtime/project/projectConfig.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { Renderer } from '../../../runtime/template/render.js';
import { ACCEPTED, REFUSED, WITH_T } from '../../support/dialectCases.js';
import { startTrinoHarness, trinoSkip, type TrinoHarness } from '../../support/trinoCluster.js';
import { sampleBronze, writeSampleProject } from '../../support/trinoProject.js';

type Engine = 'trino' | 'duckdb';

/** Each gold model of the sample, with its columns (both engines give them the same types). */
const GOLD: Record<string, string[]> = {
  daily_active_users: ['activity_date', 'active_users', 'mobile_users', 'events', 'sessions', 'avg_session_seconds', 'conversion_rate'],
  top_pages: ['activity_date', 'page_rank', 'page', 'section', 'title', 'page_views', 'unique_visitors'],
};

/** Cross-database macro calls whose values must agree on both engines (each a SQL expression). */
const MACRO_VALUES = `select
  {{ dbt.datediff("timestamp '2026-01-01 00:00:00.900'", "timestamp '2026-01-01 00:00:01.100'", 'second') }} as diff_second,
  {{ dbt.datediff("timestamp '2026-01-01 23:00:00'", "timestamp '2026-01-08 01:00:00'", 'week') }} as diff_week,
  {{ dbt.datediff("date '2026-01-31'", "date '2026-02-01'", 'month') }} as diff_month,
  {{ dbt.datediff("timestamp '2026-01-01 00:00:00'", dbt.dateadd('hour', -3, "timestamp '2026-01-01 00:00:00'"), 'minute') }} as back_three_hours,
  cast(cast({{ dbt.dateadd('month', 1, "date '2026-01-31'") }} as date) as varchar) as month_later,
  cast({{ dbt.last_day("date '2026-02-10'", 'month') }} as varchar) as last_of_month,
  cast({{ dbt.last_day("date '2026-02-10'", 'quarter') }} as varchar) as last_of_quarter,
  cast({{ dbt.date(2026, 1, 5) }} as varchar) as made_date,
  {{ dbt.hash("'medallion'") }} as hashed,
  {{ dbt.split_part("'a,b,c'", "','", 2) }} as second_part,
  {{ dbt.split_part("'a,b,c'", "','", -1) }} as last_part,
  {{ dbt.right("'medallion'", 3) }} as right_3,
  {{ dbt.right("'ab'", 5) }} as right_5,
  {{ dbt.safe_cast("'x'", dbt.type_int()) }} as safe_int,
  {{ dbt.cast_bool_to_text('true') }} as bool_text,
  {{ dbt.position("'l'", "'medallion'") }} as position_l,
  {{ dbt.concat(["'a'", "'b'"]) }} as concatenated,
  {{ dbt.replace("'medallion'", "'l'", "'L'") }} as replaced,
  {{ dbt.length("'medallion'") }} as length_9,
  cast(cast(7 as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) as typed,
  {{ dbt.string_literal('it') }} as literal_it,
  cast(cast({{ dbt.current_timestamp() }} as date) = current_date as varchar) as today_now,
  (select {{ dbt.listagg('v', "'-'", 'order by v desc') }} from (values ('a'), ('c'), ('b')) t(v)) as joined,
  (select {{ dbt.listagg('v', "'-'", 'order by v', 2) }} from (values ('a'), ('c'), ('b')) t(v)) as joined_two,
  (select cast({{ dbt.bool_or('v > 2') }} as varchar) from (values (1), (3)) t(v)) as any_big,
  (select {{ dbt.any_value('v') }} from (values (4), (4)) t(v)) as some_value
`;

describe('the sample workspace on a Trino cluster over MinIO', { skip: trinoSkip(), timeout: 900_000 }, () => {
  let cluster: TrinoHarness;
  const dirs: Record<Engine, string> = { trino: '', duckdb: '' };
  const lakes: Partial<Record<Engine, Lake>> = {};
  const done: Partial<Record<Engine, string>> = {};
  const options = (engine: Engine): { project: string; target?: string } => (engine === 'trino' ? { project: dirs.trino, target: 'cluster' } : { project: dirs.duckdb });

  before(async () => {
    cluster = await startTrinoHarness();
    for (const engine of ['trino', 'duckdb'] as const) {
      dirs[engine] = path.join(cluster.work, engine);
      writeSampleProject(dirs[engine], cluster.minio.endpoint, `sample-${engine}`, cluster.port);
      const lake = (lakes[engine] = openLake(await loadProject(new NodeFileSystem(), dirs[engine])));
      for (const [key, file] of Object.entries(sampleBronze())) await lake.putFile(key, file);
    }
    await cluster.up(dirs.trino);
  });

  after(async () => {
    await cluster?.dispose();
  });

  /** `medallion <command>` on one engine's copy; exit 0 expected; what it printed. */
  async function medallion(command: 'build' | 'compile', engine: Engine, extra: Record<string, unknown> = {}): Promise<string> {
    cluster.lines.length = 0;
    const code = command === 'build' ? await runCommand('build', { ...options(engine), ...extra }, cluster.io(dirs[engine])) : await compile({ ...options(engine), ...extra }, cluster.io(dirs[engine]));
    const out = cluster.lines.join('\n');
    assert.equal(code, 0, out);
    return out;
  }

  /** Rows and an order-independent checksum of a model's current Parquet in an engine's lake, read by DuckDB. */
  async function fingerprint(engine: Engine, model: string, columns: string[]): Promise<{ rows: number; checksum: string }> {
    const lake = lakes[engine]!;
    const objects = (await lake.list(`gold/${model}/`)).filter((o) => o.key.endsWith('.parquet'));
    assert.ok(objects.length > 0, `no Parquet for ${model} in ${lake.describe}`);
    const files = await Promise.all(objects.map((o) => lake.localPath(o)));
    const db = await openMemory();
    try {
      const cells = columns.map((c) => `coalesce(cast(${c} as varchar), '∅')`).join(', ');
      const result = await db.query(`SELECT count(*) AS n, sum(hash(concat_ws('|', ${cells})))::VARCHAR AS h FROM read_parquet(${literalList(files)})`);
      return { rows: Number(result.rows[0].n), checksum: String(result.rows[0].h) };
    } finally {
      db.close();
    }
  }

  it('builds on Trino and on DuckDB from the same files: the same counts, and every gold table equal', async () => {
    for (const engine of ['trino', 'duckdb'] as const) {
      const out = await medallion('build', engine);
      done[engine] = /Done in [\d.]+s: (.*)$/m.exec(out)?.[1];
    }
    assert.equal(done.duckdb, '4 models (3,419 rows), 1 source (2,996 rows accepted, 4 rejected, 16 duplicates), 1 seed, 26 tests passed');
    assert.equal(done.trino, done.duckdb);
    for (const [model, columns] of Object.entries(GOLD)) {
      const onTrino = await fingerprint('trino', model, columns);
      assert.ok(onTrino.rows > 0, model);
      assert.deepEqual(onTrino, await fingerprint('duckdb', model, columns), model);
    }
  });

  it('compile --target cluster validates every model on the cluster and finds nothing to refuse', async () => {
    const out = await medallion('compile', 'trino');
    assert.match(out, /Validated for Trino on the cluster at http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(out, /warning|error/);
  });

  it("dbt's cross-database macros give the same values on Trino (trino__) as on DuckDB", async () => {
    const base = defaultConfig('pipeline.yml', 'pipeline');
    const sql = (engine: Engine): string => {
      const r = new Renderer({ ...base, target: { ...base.target, type: engine } }, []).render('macros.sql', MACRO_VALUES, { ref: () => undefined, source: () => undefined });
      assert.deepEqual(r.diagnostics, []);
      return r.sql;
    };
    const db = await openMemory();
    const trino = await cluster.client();
    try {
      const text = (row: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
      const onDuckdb = text((await db.query(sql('duckdb'))).rows[0]);
      const onTrino = text((await trino.query(sql('trino'))).rows[0]);
      assert.deepEqual(onTrino, onDuckdb);
      // The values themselves, as dbt means them (DuckDB's boundary counts for datediff).
      assert.deepEqual([onTrino.diff_second, onTrino.diff_week, onTrino.back_three_hours, onTrino.last_of_quarter, onTrino.joined, onTrino.joined_two], ['1', '1', '-180', '2026-03-31', 'c-b-a', 'a-b']);
    } finally {
      db.close();
      trino.close();
    }
  });

  it('DuckDB-only SQL is an error at its place in the model at compile time: statically, and by the cluster for what the table does not know', async () => {
    const file = path.join(dirs.trino, 'models', 'gold', 'duckdb_only.sql');
    writeFileSync(file, "select event_date,\n  count(*) as n\nfrom {{ ref('events') }}\ngroup by 1\nqualify n > 1\n");
    try {
      cluster.lines.length = 0;
      assert.equal(await compile({ ...options('trino'), select: ['duckdb_only'] }, cluster.io(dirs.trino)), 1);
      assert.match(cluster.lines.join('\n'), /models\/gold\/duckdb_only\.sql:5:1: error: Trino: QUALIFY is DuckDB's/);
      // No relation to resolve first: the function is what Trino refuses.
      writeFileSync(file, "select 1 as one,\n  len('medallion') as n\n");
      cluster.lines.length = 0;
      assert.equal(await compile({ ...options('trino'), select: ['duckdb_only'] }, cluster.io(dirs.trino)), 1);
      assert.match(cluster.lines.join('\n'), /models\/gold\/duckdb_only\.sql:2:3: error: Trino: Function 'len' not registered/);
    } finally {
      rmSync(file);
    }
  });

  it("the static check's table holds on the cluster: Trino refuses every query it flags and accepts every one it lets through", async () => {
    const trino = await cluster.client();
    try {
      /** The queries whose verdict is not the expected one, with Trino's message. */
      const wrong = async (sqls: string[], refuse: boolean): Promise<Array<[string, string | undefined]>> => {
        const out: Array<[string, string | undefined]> = [];
        for (const sql of sqls) {
          const refused = await validateOnCluster(trino, `${WITH_T}\n${sql}`);
          if ((refused !== undefined) !== refuse) out.push([sql, refused?.message]);
        }
        return out;
      };
      assert.deepEqual(await wrong(REFUSED.map(([sql]) => sql), true), [], 'flagged, yet Trino accepts them');
      assert.deepEqual(await wrong(ACCEPTED, false), [], 'let through, yet Trino refuses them');
    } finally {
      trino.close();
    }
  });
});
