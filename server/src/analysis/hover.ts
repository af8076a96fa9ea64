// Hover: on what the cursor names (navigation.ts: a ref, source or model name — description, layer,
// materialization, columns and types, upstream and downstream models, last run; a macro — its
// signature); on a column in a select list or schema YAML — its type and lineage to bronze.
import { isSet, type FreshnessThreshold } from '../../../runtime/project/freshness.js';
import type { Range } from '../../../runtime/project/types.js';
import type { Node, Snapshot } from './snapshot.js';
import type { Hover } from './types.js';
import { macroOf, referentAt, type Referent } from './navigation.js';
import { columnLineage, type ColumnEdge } from './lineage.js';
import { templateContext } from './context.js';
import { pipelineKeyHover } from './yamlCompletion.js';
import { freshnessLine } from './sourceFreshness.js';

const MAX_NAMES = 12;
/** A column whose type no declaration, catalog or inference gives (columnTypes.ts). */
const UNKNOWN = '*type unknown until built*';

export async function hover(snap: Snapshot, file: string, offset: number): Promise<Hover | undefined> {
  const text = snap.text(file);
  if (text === undefined) return undefined;
  if (file === snap.projectFile && file.startsWith('pipeline')) {
    const key = pipelineKeyHover(text, offset);
    if (key) return key;
  }
  const target = referentAt(snap, file, offset);
  const named = target && describeReferent(snap, target);
  if (named) return { markdown: named, range: target.range };
  if (file.endsWith('.sql')) return sqlColumnHover(snap, file, text, offset);
  return /\.ya?ml$/.test(file) ? yamlColumnHover(snap, file, offset) : undefined;
}

/** The model, source or macro under the cursor, described; undefined when the project has none by that name. */
function describeReferent(snap: Snapshot, target: Referent): string | undefined {
  if (target.kind === 'model') {
    const node = snap.refTarget(target.name);
    return node && describeNode(snap, node);
  }
  if (target.kind === 'source') {
    const node = snap.source(target.source, target.table);
    return node && describeNode(snap, node);
  }
  const macro = macroOf(snap.project, target);
  if (!macro) return undefined;
  const signature = `\`\`\`jinja\n{% macro ${target.package ? `${target.package}.` : ''}${macro.name}(${macro.params.join(', ')}) %}\n\`\`\``;
  return target.package ? `${signature}\n*${macro.file}*` : `${signature}\n${macro.description ?? ''}\n\n*${macro.file}*`;
}

/** A column of the model in its select list: its type and lineage. */
async function sqlColumnHover(snap: Snapshot, file: string, text: string, offset: number): Promise<Hover | undefined> {
  const model = snap.modelOfFile(file);
  const ctx = templateContext(text, offset);
  if (!model || ctx.kind !== 'sql' || ctx.range.end <= ctx.range.start || !ctx.inSelectList) return undefined;
  const word = text.slice(ctx.range.start, ctx.range.end);
  const column = snap.columns(model.id).find((c) => c.name.toLowerCase() === word.toLowerCase());
  return column && { markdown: await describeColumn(snap, model.id, column.name, column.type), range: ctx.range };
}

/** A column entry of a model in schema YAML: its type and lineage. */
async function yamlColumnHover(snap: Snapshot, file: string, offset: number): Promise<Hover | undefined> {
  const inside = (r: Range): boolean => offset >= r.start && offset <= r.end;
  for (const m of snap.modelsSpecifiedIn(file)) {
    for (const c of m.spec?.columns ?? []) {
      if (c.location.file === file && inside(c.location.range)) {
        const bound = snap.columns(m.id).find((b) => b.name === c.name);
        return { markdown: await describeColumn(snap, m.id, c.name, bound?.type ?? c.dataType), range: c.location.range };
      }
    }
  }
  return undefined;
}

function describeNode(snap: Snapshot, node: Node): string {
  const lines: string[] = [];
  if (node.kind === 'model') {
    lines.push(`**${node.name}** — model${node.layer ? ` · ${node.layer}` : ''} · ${node.config.materialized}`);
  } else if (node.kind === 'source') {
    lines.push(`**${node.source}.${node.table}** — source${node.format ? ` · ${node.format}` : ''}${node.path ? ` · \`${node.path}\`` : ''}`);
  } else {
    lines.push(`**${node.name}** — seed`);
  }
  const description = node.kind === 'seed' ? node.spec?.description : node.description;
  if (description) lines.push('', description);
  const columns = snap.columns(node.id);
  if (columns.length) {
    lines.push('', '| column | type | |', '|---|---|---|');
    for (const c of columns) lines.push(`| ${c.name} | ${c.type ?? UNKNOWN} | ${(c.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  }
  const names = (ids: Set<string> | undefined): string => {
    const list = [...(ids ?? [])].map((id) => snap.node(id)).filter((n): n is Node => n !== undefined).map(label);
    return list.length > MAX_NAMES ? `${list.slice(0, MAX_NAMES).join(', ')} and ${list.length - MAX_NAMES} more` : list.join(', ');
  };
  const up = names(snap.graph.parents.get(node.id));
  const down = names(snap.graph.children.get(node.id));
  lines.push('');
  if (up) lines.push(`**Upstream:** ${up}  `);
  if (down) lines.push(`**Downstream:** ${down}  `);
  const run = snap.lastRun(node.id);
  if (run) lines.push(`**Last run:** ${run.status}${run.rows !== undefined ? ` · ${run.rows.toLocaleString('en-US')} rows` : ''}${run.at ? ` · ${run.at}` : ''}`);
  if (node.kind === 'source') {
    const fresh = snap.lastFreshness(node.id);
    const threshold = node.freshness?.threshold;
    if (fresh) lines.push(freshnessLine(fresh));
    else if (threshold) lines.push(`**Freshness:** ${thresholdText(threshold)}; not checked yet (\`medallion source freshness\`)`);
  }
  return lines.join('\n').trim();
}

async function describeColumn(snap: Snapshot, id: string, column: string, type: string | undefined): Promise<string> {
  const edges = await columnLineage(snap, id, column);
  const lines = [`**${column}** — ${type ?? UNKNOWN}`];
  const chains = chainsFrom({ node: id, column }, edges);
  if (chains.length) {
    lines.push('', '**Lineage:**');
    for (const chain of chains.slice(0, MAX_NAMES)) lines.push(`- ${chain.join(' ← ')}`);
  }
  return lines.join('\n');

  function chainsFrom(start: { node: string; column: string }, all: ColumnEdge[], seen = new Set<string>()): string[][] {
    const key = `${start.node}.${start.column}`;
    const here = `\`${nodeLabel(snap, start.node)}.${start.column}\``;
    const inputs = all.filter((e) => e.to.node === start.node && e.to.column === start.column);
    if (!inputs.length || seen.has(key)) return start.node === id ? [] : [[here]];
    seen.add(key);
    return inputs.flatMap((e) => chainsFrom(e.from, all, seen).map((c) => [here, ...c]));
  }
}

function thresholdText(t: FreshnessThreshold): string {
  const one = (name: string, x: FreshnessThreshold['warnAfter']): string[] => (isSet(x) ? [`${name} ${x.count} ${x.period}${x.count === 1 ? '' : 's'}`] : []);
  return [...one('warn after', t.warnAfter), ...one('error after', t.errorAfter)].join(', ');
}

function label(n: Node): string {
  return n.kind === 'source' ? `\`${n.source}.${n.table}\`` : `\`${n.name}\``;
}

function nodeLabel(snap: Snapshot, id: string): string {
  const n = snap.node(id);
  return !n ? id : n.kind === 'source' ? `${n.source}.${n.table}` : n.name;
}
