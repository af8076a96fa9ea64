// The cost of typing columns before a run (issue 12): dbt's seed type inference on the CSVs, reading the
// last build's target/catalog.json, and typing every relation's stub (columnTypes.ts), on generated
// projects of 1,000 and 10,000 models (scripts/gen-project.ts) with one 200-row seed per 50 models and
// a catalog of every relation; and sources typed from their files (fileSchema.ts): 50 external CSV and
// JSON sources sniffed cold and re-checked warm, and one large CSV. Sizes: INFERENCE_BENCH_MODELS=1000,10000 (default).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateProject, writeProject } from '../../scripts/gen-project.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { readSeed } from '../../runtime/project/seedTypes.js';
import { Workspace } from '../../server/src/analysis/workspace.js';
import { readCatalog } from '../../server/src/analysis/catalog.js';
import { relationColumns } from '../../server/src/analysis/columnTypes.js';
import { literal, splitRelation } from '../../runtime/engine/sql.js';
import { openMemory } from '../../runtime/engine/duckdb.js';
import { FileSchemas, type WithEngine } from '../../server/src/analysis/fileSchema.js';
import { medianMs, printTable, timed } from './harness.js';

const SIZES = (process.env.INFERENCE_BENCH_MODELS ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const SEED_ROWS = 200;
const FILE_SOURCES = 50;
const FILE_ROWS = 1000;
const LARGE_ROWS = 2_000_000;
/** Columns a relation gets in the catalog when its YAML names none. */
const DEFAULT_COLUMNS: Array<[string, string]> = [['id', 'BIGINT'], ['amount', 'DOUBLE'], ['status', 'VARCHAR'], ['updated_at', 'TIMESTAMP']];

/** A seed of every kind dbt infers: integer, text, decimal, date, datetime, boolean. */
function seedCsv(k: number): string {
  const rows = ['id,code,amount,day,at,flag'];
  for (let i = 0; i < SEED_ROWS; i++) {
    const day = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    rows.push(`${k * SEED_ROWS + i},c${i % 17},${(i * 1.25).toFixed(2)},${day},${day} 0${i % 10}:15:00,${i % 3 === 0}`);
  }
  return rows.join('\n') + '\n';
}

/** dbt's catalog.json for every relation of the project, as a build would leave it. */
function catalogJson(ws: Workspace): string {
  const snap = ws.snapshot();
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const node of snap.graph.nodes.values()) {
    if (node.kind === 'test' || (node.kind === 'model' && node.config.materialized === 'ephemeral')) continue;
    const declared = snap.declaredColumns(node).filter((c) => c.type);
    const columns: Array<[string, string]> = declared.length ? declared.map((c) => [c.name, c.type!.toUpperCase()]) : DEFAULT_COLUMNS;
    const { schema, name } = splitRelation(node.relation);
    const table = {
      metadata: { type: 'BASE TABLE', schema, name, database: 'warehouse', comment: null, owner: null },
      columns: Object.fromEntries(columns.map(([c, type], i) => [c, { type, index: i + 1, name: c, comment: null }])),
      stats: {},
      unique_id: node.id,
    };
    (node.kind === 'source' ? sources : nodes)[node.id] = table;
  }
  return JSON.stringify({ metadata: {}, nodes, sources, errors: null }, null, 2);
}

async function bench(models: number): Promise<void> {
  const root = path.resolve(`.bench/inference/p${models}`);
  writeProject(root, generateProject({ models }));
  const seeds = Array.from({ length: Math.max(1, Math.floor(models / 50)) }, (_, k) => ({ file: `seeds/ref_${k}.csv`, text: seedCsv(k) }));
  for (const s of seeds) writeFileSync(path.join(root, s.file), s.text);
  const ws = await Workspace.open(new NodeFileSystem(), root);
  const catalog = catalogJson(ws);
  mkdirSync(path.join(root, 'target'), { recursive: true });
  writeFileSync(path.join(root, 'target/catalog.json'), catalog);

  const seedMs = await medianMs(5, () => seeds.forEach((s) => readSeed(s.file, s.text)), { warmup: true });
  const catalogMs = await medianMs(5, () => readCatalog(catalog), { warmup: true });
  // The workspace reads the catalog it now finds on disk, as the server does when it opens the project.
  const withCatalog = await Workspace.open(new NodeFileSystem(), root);
  const snap = withCatalog.snapshot();
  const nodes = [...snap.graph.nodes.values()].filter((n) => n.kind !== 'test');
  const typed = (): number => nodes.filter((n) => relationColumns(snap, n, snap.catalog, undefined)?.length).length;
  const stubsMs = await medianMs(5, typed, { warmup: true });
  const reopened = await timed(() => Workspace.open(new NodeFileSystem(), root));
  const files = await sniffing(root);

  printTable(`type inference, ${models.toLocaleString('en-US')} models`, [
    { name: `seed type inference (dbt's rules): ${seeds.length} seeds × ${SEED_ROWS} rows`, value: seedMs, unit: 'ms' },
    { name: `catalog.json read (${snap.catalog.size.toLocaleString('en-US')} relations, ${(catalog.length / 1e6).toFixed(1)} MB)`, value: catalogMs, unit: 'ms' },
    { name: `every relation typed: declared → catalog → inferred (${typed().toLocaleString('en-US')} of ${nodes.length.toLocaleString('en-US')} known)`, value: stubsMs, unit: 'ms' },
    { name: 'cold index with the catalog and seeds (in process, for scale)', value: reopened.ms, unit: 'ms' },
    { name: `file sources sniffed, cold: ${FILE_SOURCES} external CSV/JSON × ${FILE_ROWS} rows (list, stat, DESCRIBE) (${files.known} known)`, value: files.coldMs, unit: 'ms' },
    { name: `file sources re-checked, warm: the same ${FILE_SOURCES}, unchanged (list and stat only)`, value: files.warmMs, unit: 'ms' },
    { name: `one large external CSV sniffed (${LARGE_ROWS.toLocaleString('en-US')} rows, ${files.largeMb.toFixed(0)} MB; DuckDB samples its first rows)`, value: files.largeMs, unit: 'ms' },
  ]);
}

/** 50 external sources (half CSV, half JSON lines) and one large CSV, typed from their files as the editor does before a run. */
async function sniffing(root: string): Promise<{ coldMs: number; warmMs: number; largeMs: number; largeMb: number; known: number }> {
  mkdirSync(path.join(root, 'data'), { recursive: true });
  const db = await openMemory();
  const tables: string[] = [];
  for (let k = 0; k < FILE_SOURCES; k++) {
    const ext = k % 2 ? 'json' : 'csv';
    const file = path.join(root, `data/ext_${k}.${ext}`);
    await db.exec(`COPY (SELECT i AS id, 'c' || (i % 17) AS code, i * 1.25 AS amount, DATE '2025-01-01' + (i % 300)::INTEGER AS day FROM range(${FILE_ROWS}) t(i)) TO ${literal(file)} (FORMAT ${ext})`);
    tables.push(`      - name: ext_${k}\n        meta: { external_location: "data/ext_${k}.${ext}" }`);
  }
  await db.exec(`COPY (SELECT i AS id, 'c' || (i % 17) AS code, i * 1.25 AS amount FROM range(${LARGE_ROWS}) t(i)) TO ${literal(path.join(root, 'data/large.csv'))} (FORMAT csv)`);
  tables.push('      - name: large\n        meta: { external_location: "data/large.csv" }');
  writeFileSync(path.join(root, 'models/file_sources.yml'), `version: 2\nsources:\n  - name: files\n    tables:\n${tables.join('\n')}\n`);
  const ws = await Workspace.open(new NodeFileSystem(), root);
  const project = ws.snapshot().project;
  const sources = [...project.sources.values()].filter((s) => s.source === 'files' && s.table !== 'large');
  const withEngine: WithEngine = (fn) => fn(db);
  const fs = new NodeFileSystem();
  let schemas = new FileSchemas();
  const refreshAll = async (): Promise<void> => {
    for (const s of sources) await schemas.refresh(fs, project, s, withEngine);
  };
  const coldMs = await medianMs(5, async () => {
    schemas = new FileSchemas();
    await refreshAll();
  }, { warmup: true });
  const warmMs = await medianMs(5, refreshAll, { warmup: true });
  const known = sources.filter((s) => schemas.columns(s.id)?.length).length;
  const large = project.sources.get('files.large')!;
  const largeMs = await medianMs(3, () => new FileSchemas().refresh(fs, project, large, withEngine));
  const largeMb = statSync(path.join(root, 'data/large.csv')).size / 1e6;
  db.close();
  return { coldMs, warmMs, largeMs, largeMb, known };
}

async function main(): Promise<void> {
  for (const n of SIZES) await bench(n);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
