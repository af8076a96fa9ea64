// Seeds on Trino: the CSV is typed by the same SQL as on DuckDB (seeds.ts: dbt's inference, column_types
// winning), in an in-memory DuckDB, written as one Parquet file into a new version of the lake's
// seeds/<seed>/ folder (so DuckDB reads it too), and Trino's table is pointed at that version.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { openMemory } from '../../engine/duckdb.js';
import { ident, literal } from '../../engine/sql.js';
import type { SeedNode } from '../../project/types.js';
import { seedSelect, type SeedLoad } from '../seeds.js';
import type { NodeContext } from '../types.js';
import { lakeUrl } from './source.js';
import { pointRelation, s3LakeOf, trinoTypeOf } from './table.js';

/**
 * Replaces the seed's table. A CSV that does not read or cast fails here, before anything is written
 * to the lake; until the lake's pointer switches, readers see the previous version.
 */
export async function loadSeedOnTrino(ctx: NodeContext, seed: SeedNode): Promise<SeedLoad> {
  const started = performance.now();
  const select = await seedSelect(ctx.project, seed);
  const dir = path.join(ctx.tempDir, 'seeds', seed.name);
  const file = path.join(dir, 'data_0.parquet');
  await fsp.mkdir(dir, { recursive: true });
  const duck = await openMemory();
  let columns: string;
  let rows: number;
  try {
    columns = (await duck.describe(select)).map((c) => `${ident(c.name)} ${trinoTypeOf(c.type, `${seed.name}.${c.name}`)}`).join(', ');
    await duck.exec(`COPY (${select}) TO ${literal(file)} (FORMAT parquet, COMPRESSION zstd)`);
    rows = Number((await duck.query(`SELECT count(*) AS n FROM read_parquet(${literal(file)})`)).rows[0].n);
  } finally {
    duck.close();
  }
  const lake = s3LakeOf(ctx.lake);
  const root = lakeUrl(ctx.project.config.lake, '');
  let version = '';
  const upload = async (url: string): Promise<void> => {
    version = url;
    await lake.putFile(`${url.slice(root.length)}data_0.parquet`, file);
  };
  try {
    await lake.publishWritten(`seeds/${seed.name}`, upload, () => pointRelation(ctx.db, seed.relation, columns, version));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
  return { relation: seed.relation, rows, ms: performance.now() - started };
}
