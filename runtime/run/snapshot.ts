// The snapshot materialization (SCD type 2) as dbt-core's default macros with dbt-duckdb's merge
// build it: the first run creates the table with dbt_scd_id/dbt_updated_at/dbt_valid_from/dbt_valid_to;
// later runs stage inserts, updates and (hard_deletes) deletes, then close and insert rows, in one transaction.
import type { ColumnInfo, EngineSession } from '../engine/adapter.js';
import { ident } from '../engine/sql.js';
import { snapshotSettings, type SnapshotSettings } from '../project/snapshots.js';
import type { CompiledNode, ModelNode, Range } from '../project/types.js';
import { bind, ModelError, relationKind, stripTrailing, transaction } from './materialize.js';
import { HookError, nodeHooks, runNodeHooks } from './sqlHooks.js';
import type { NodeContext, NodeOutcome } from './types.js';

/** A problem the user fixes in the snapshot's config, with the config key it is about. */
export class SnapshotConfigError extends Error {
  constructor(message: string, readonly key: string) {
    super(message);
  }
}

/** The settings of a compiled snapshot: its rendered config, checked. */
export function compiledSettings(node: ModelNode, compiled: CompiledNode): SnapshotSettings {
  const c = compiled.config ?? node.config;
  const read = snapshotSettings({ ...c.extra, unique_key: c.uniqueKey });
  const problem = read.problems[0];
  if (problem || !read.value) throw new SnapshotConfigError(problem?.message ?? 'The snapshot config is incomplete', problem?.key ?? 'strategy');
  return read.value;
}

/** Builds or updates the snapshot table; returns the rows inserted. Nothing is written when any step fails. */
export async function snapshot(db: EngineSession, node: ModelNode, compiled: CompiledNode, s: SnapshotSettings, inTransaction: () => Promise<void>): Promise<{ rows: number; message: string }> {
  const sql = stripTrailing(compiled.sql);
  const query = await bind(db, sql);
  checkColumns(query, s);
  const existing = await relationKind(db, node.relation);
  if (existing === 'view') throw new ModelError(`${node.relation} is a view; a snapshot needs a table there (drop the view first)`, 'config');
  const time = s.strategy === 'timestamp' ? s.updatedAt! : 'now()::timestamp';
  const scd = hash([...s.uniqueKey, time]);
  const m = s.columns;
  const validToCurrent = `coalesce(nullif(${time}, ${time}), ${s.validToCurrent ?? 'null'})`;
  if (existing === undefined) {
    const deleted = s.hardDeletes === 'new_record' ? `, 'False' as ${ident(m.dbt_is_deleted)}` : '';
    let rows = 0;
    await transaction(db, async () => {
      await db.exec(`create table ${node.relation} as (select *, ${scd} as ${ident(m.dbt_scd_id)}, ${time} as ${ident(m.dbt_updated_at)}, ${time} as ${ident(m.dbt_valid_from)}, ${validToCurrent} as ${ident(m.dbt_valid_to)}${deleted} from (\n${sql}\n) sbq)`);
      rows = Number((await db.query(`select count(*) as n from ${node.relation}`)).rows[0].n);
      await inTransaction();
    });
    return { rows, message: `snapshot (${s.strategy}, created)` };
  }
  const target = (await db.describe(`select * from ${node.relation}`)).map((c) => c.name);
  const stage = ident(`__medallion_snapshot_${node.name}`);
  let rows = 0;
  await transaction(db, async () => {
    await db.exec(`create or replace temp table ${stage} as ${stagingSql(sql, node.relation, s, query, target)}`);
    const internal = (c: string): boolean => c === 'dbt_change_type' || /^dbt_unique_key(_\d+)?$/.test(c);
    const staged = (await db.describe(`select * from ${stage}`)).filter((c) => !internal(c.name));
    const lower = new Set(target.map((c) => c.toLowerCase()));
    for (const c of staged) if (!lower.has(c.name.toLowerCase())) await db.exec(`alter table ${node.relation} add column ${ident(c.name)} ${c.type}`);
    const current = s.validToCurrent ? `(t.${ident(m.dbt_valid_to)} = ${s.validToCurrent} or t.${ident(m.dbt_valid_to)} is null)` : `t.${ident(m.dbt_valid_to)} is null`;
    await db.exec(`update ${node.relation} as t set ${ident(m.dbt_valid_to)} = s.${ident(m.dbt_valid_to)} from ${stage} as s where s.${ident(m.dbt_scd_id)}::text = t.${ident(m.dbt_scd_id)}::text and s.dbt_change_type::text in ('update', 'delete') and ${current}`);
    const cols = staged.map((c) => ident(c.name)).join(', ');
    rows = Number((await db.query(`select count(*) as n from ${stage} where dbt_change_type = 'insert'`)).rows[0].n);
    await db.exec(`insert into ${node.relation} (${cols}) select ${cols} from ${stage} where dbt_change_type::text = 'insert'`);
    await db.exec(`drop table ${stage}`);
    await inTransaction();
  });
  return { rows, message: `snapshot (${s.strategy}, ${rows} new row${rows === 1 ? '' : 's'})` };
}

/** check_cols and updated_at must be columns of the query (checked before anything is written). */
function checkColumns(query: ColumnInfo[], s: SnapshotSettings): void {
  const have = new Set(query.map((c) => c.name.toLowerCase()));
  const plain = (x: string): boolean => /^[A-Za-z_]\w*$/.test(x);
  if (s.checkCols !== 'all') {
    const missing = s.checkCols.filter((c) => !have.has(unquote(c).toLowerCase()));
    if (missing.length) throw new SnapshotConfigError(`check_cols names ${missing.map((c) => `'${c}'`).join(', ')}, not a column of the snapshot's query (its columns: ${query.map((c) => c.name).join(', ')})`, 'check_cols');
  }
  if (s.strategy === 'timestamp' && plain(s.updatedAt!) && !have.has(s.updatedAt!.toLowerCase())) {
    throw new SnapshotConfigError(`updated_at names '${s.updatedAt}', not a column of the snapshot's query`, 'updated_at');
  }
  const key = s.uniqueKey.find((k) => plain(k) && !have.has(k.toLowerCase()));
  if (key) throw new SnapshotConfigError(`unique_key names '${key}', not a column of the snapshot's query`, 'unique_key');
}

function unquote(c: string): string {
  return c.replace(/^"(.*)"$/, '$1');
}

/** dbt's snapshot_hash_arguments: md5 of the values cast to text, NULL as '', joined by '|'. */
function hash(args: string[]): string {
  return `md5(${args.map((a) => `coalesce(cast(${a} as varchar), '')`).join(` || '|' || `)})`;
}

/** dbt's snapshot_staging_table: the rows to insert, the current rows to close, and (hard_deletes) the deleted keys. */
function stagingSql(sql: string, target: string, s: SnapshotSettings, query: ColumnInfo[], targetCols: string[]): string {
  const m = Object.fromEntries(Object.entries(s.columns).map(([k, v]) => [k, ident(v)])) as SnapshotSettings['columns'];
  const keys = s.uniqueKey;
  const ukFields = keys.map((k, i) => `${k} as dbt_unique_key_${i + 1}`).join(', ');
  const joinOn = (a: string, b: string): string => keys.map((_, i) => `${a}.dbt_unique_key_${i + 1} = ${b}.dbt_unique_key_${i + 1}`).join(' and ');
  const now = 'now()::timestamp';
  const time = s.strategy === 'timestamp' ? s.updatedAt! : now;
  const scd = hash([...keys, time]);
  const isCurrent = (v: string): string => (s.validToCurrent ? `(${v} = ${s.validToCurrent} or ${v} is null)` : `${v} is null`);
  const inTarget = new Set(targetCols.map((c) => c.toLowerCase()));
  let rowChanged: string;
  if (s.strategy === 'timestamp') rowChanged = `(snapshotted_data.${m.dbt_valid_from} < source_data.${s.updatedAt})`;
  else {
    const checked = s.checkCols === 'all' ? query.map((c) => c.name) : s.checkCols.map(unquote);
    const added = checked.some((c) => !inTarget.has(c.toLowerCase()));
    const cols = checked.filter((c) => inTarget.has(c.toLowerCase())).map(ident);
    rowChanged = added ? '(TRUE)' : `(${cols.map((c) => `snapshotted_data.${c} != source_data.${c} or ((snapshotted_data.${c} is null) and not (source_data.${c} is null)) or ((not snapshotted_data.${c} is null) and (source_data.${c} is null))`).join(' or ') || 'FALSE'})`;
  }
  const newRecord = s.hardDeletes === 'new_record';
  const deletes = s.hardDeletes !== 'ignore';
  const wasDeleted = newRecord ? ` or snapshotted_data.${m.dbt_is_deleted} = 'True'` : '';
  const latestDeleted = `snapshotted_data.${m.dbt_is_deleted} = 'True' and ${isCurrent(`snapshotted_data.${m.dbt_valid_to}`)}`;
  const parts = [
    `with snapshot_query as (\n${sql}\n),`,
    `snapshotted_data as (select *, ${ukFields} from ${target} where ${isCurrent(m.dbt_valid_to)}),`,
    `insertions_source_data as (select *, ${ukFields}, ${time} as ${m.dbt_updated_at}, ${time} as ${m.dbt_valid_from}, coalesce(nullif(${time}, ${time}), ${s.validToCurrent ?? 'null'}) as ${m.dbt_valid_to}, ${scd} as ${m.dbt_scd_id} from snapshot_query),`,
    `updates_source_data as (select *, ${ukFields}, ${time} as ${m.dbt_updated_at}, ${time} as ${m.dbt_valid_from}, ${time} as ${m.dbt_valid_to} from snapshot_query),`,
    deletes ? `deletes_source_data as (select *, ${ukFields} from snapshot_query),` : '',
    `insertions as (select 'insert' as dbt_change_type, source_data.*${newRecord ? `, 'False' as ${m.dbt_is_deleted}` : ''} from insertions_source_data as source_data left outer join snapshotted_data on ${joinOn('snapshotted_data', 'source_data')} where snapshotted_data.dbt_unique_key_1 is null or (snapshotted_data.dbt_unique_key_1 is not null and (${rowChanged}${wasDeleted}))),`,
    `updates as (select 'update' as dbt_change_type, source_data.*, snapshotted_data.${m.dbt_scd_id}${newRecord ? `, snapshotted_data.${m.dbt_is_deleted}` : ''} from updates_source_data as source_data join snapshotted_data on ${joinOn('snapshotted_data', 'source_data')} where (${rowChanged}${wasDeleted}))`,
  ];
  if (deletes) {
    parts.push(`, deletes as (select 'delete' as dbt_change_type, source_data.*, ${now} as ${m.dbt_valid_from}, ${now} as ${m.dbt_updated_at}, ${now} as ${m.dbt_valid_to}, snapshotted_data.${m.dbt_scd_id}${newRecord ? `, snapshotted_data.${m.dbt_is_deleted}` : ''} from snapshotted_data left join deletes_source_data as source_data on ${joinOn('snapshotted_data', 'source_data')} where source_data.dbt_unique_key_1 is null${newRecord ? ` and not (${latestDeleted})` : ''})`);
  }
  if (newRecord) {
    const cols = query.map((c) => `${inTarget.has(c.name.toLowerCase()) ? 'snapshotted_data' : 'source_data'}.${ident(c.name)}`).join(', ');
    const uk = keys.map((k, i) => `snapshotted_data.dbt_unique_key_${i + 1} as dbt_unique_key_${i + 1}`).join(', ');
    parts.push(`, deletion_records as (select 'insert' as dbt_change_type, ${cols}, ${uk}, ${now} as ${m.dbt_valid_from}, ${now} as ${m.dbt_updated_at}, snapshotted_data.${m.dbt_valid_to} as ${m.dbt_valid_to}, ${hash([`snapshotted_data.${m.dbt_scd_id}`, now])} as ${m.dbt_scd_id}, 'True' as ${m.dbt_is_deleted} from snapshotted_data left join deletes_source_data as source_data on ${joinOn('snapshotted_data', 'source_data')} where source_data.dbt_unique_key_1 is null and not (${latestDeleted}))`);
  }
  parts.push(`select * from insertions union all select * from updates${deletes ? ' union all select * from deletes' : ''}${newRecord ? ' union all select * from deletion_records' : ''}`);
  return parts.join('\n');
}

/** Where a config key of the snapshot is written: its config() argument, its YAML config, else its name. */
export function configRange(node: ModelNode, key: string): { file: string; range: Range } {
  const call = node.spec?.relation ? undefined : [...node.scan.configs].reverse().find((c) => key in c.argRanges);
  if (call) return { file: node.file, range: call.argRanges[key] };
  const yaml = node.spec?.configRanges?.[key];
  if (node.spec && yaml) return { file: node.spec.location.file, range: yaml };
  return { file: node.file, range: node.spec?.relation ? node.spec.location.range : (node.scan.configs[0]?.range ?? { start: 0, end: 0 }) };
}

/** A snapshot node of a run: compile, check its config, pre-hooks, build with in-transaction post-hooks, post-hooks. */
export async function runSnapshotNode(ctx: NodeContext, node: ModelNode): Promise<NodeOutcome> {
  const compiled = await ctx.compile(node.id);
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  if (problem) return { status: 'error', message: problem.message, error: { file: problem.file || node.file, range: problem.range, message: problem.message } };
  const pre = nodeHooks(node, compiled, 'pre');
  const post = nodeHooks(node, compiled, 'post');
  try {
    const settings = compiledSettings(node, compiled);
    await runNodeHooks(ctx.db, ctx.project, node, pre, 'pre', false);
    await runNodeHooks(ctx.db, ctx.project, node, pre, 'pre', true);
    const built = await snapshot(ctx.db, node, compiled, settings, () => runNodeHooks(ctx.db, ctx.project, node, post, 'post', true));
    await runNodeHooks(ctx.db, ctx.project, node, post, 'post', false);
    return { status: 'success', rows: built.rows, message: built.message };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const first = message.split('\n')[0];
    if (err instanceof SnapshotConfigError) return { status: 'error', message: first, error: { ...configRange(node, err.key), message } };
    if (err instanceof HookError) return { status: 'error', message: first, error: { file: err.file, range: err.range, message } };
    const range = err instanceof ModelError && err.compiledOffset !== undefined ? compiled.map.toTemplate(err.compiledOffset) : undefined;
    return { status: 'error', message: first, error: { file: node.spec?.relation ? node.spec.location.file : node.file, range, message } };
  }
}
