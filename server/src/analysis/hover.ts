// Hover: on a ref, source or model name — description, layer, materialization, columns and types,
// upstream and downstream models, last run; on a column in a select list — its lineage to bronze.
import { namespaceMacros } from '../../../runtime/project/link.js';
import { isSet, type FreshnessThreshold } from '../../../runtime/project/freshness.js';
import type { Range } from '../../../runtime/project/types.js';
import type { Workspace } from './workspace.js';
import type { Hover } from './types.js';
import type { Node } from './snapshot.js';
import { columnLineage, type ColumnEdge } from './lineage.js';
import { templateContext } from './context.js';
import { pipelineKeyHover } from './yamlCompletion.js';
import { freshnessLine } from './sourceFreshness.js';

const MAX_NAMES = 12;
/** A column whose type no declaration, catalog or inference gives (columnTypes.ts). */
const UNKNOWN = '*type unknown until built*';

export async function hover(ws: Workspace, file: string, offset: number): Promise<Hover | undefined> {
  const snap = ws.snapshot();
  const text = ws.text(file);
  if (text === undefined) return undefined;
  const inside = (r: Range): boolean => offset >= r.start && offset <= r.end;
  if (file.endsWith('.sql')) {
    const scan = ws.scan(file);
    for (const r of scan.refs) {
      const node = inside(r.nameRange) ? snap.refTarget(r.name) : undefined;
      if (node) return { markdown: describeNode(ws, node), range: r.nameRange };
    }
    for (const s of scan.sources) {
      if (!inside(s.sourceRange) && !inside(s.tableRange)) continue;
      const node = snap.source(s.source, s.table);
      if (node) return { markdown: describeNode(ws, node), range: { start: s.sourceRange.start, end: s.tableRange.end } };
    }
    for (const c of scan.macroCalls) {
      const macro = inside(c.range) ? snap.project.macros.get(c.name) : undefined;
      if (macro) return { markdown: `\`\`\`jinja\n{% macro ${macro.name}(${macro.params.join(', ')}) %}\n\`\`\`\n${macro.description ?? ''}\n\n*${macro.file}*`, range: c.range };
    }
    for (const c of scan.packageCalls) {
      const macro = inside(c.range) ? namespaceMacros(snap.project, c.package)?.get(c.name) : undefined;
      if (macro) return { markdown: `\`\`\`jinja\n{% macro ${c.package}.${macro.name}(${macro.params.join(', ')}) %}\n\`\`\`\n*${macro.file}*`, range: c.range };
    }
    const model = snap.modelOfFile(file);
    const ctx = templateContext(text, offset);
    if (model && ctx.kind === 'sql' && ctx.range.end > ctx.range.start) {
      const word = text.slice(ctx.range.start, ctx.range.end);
      const columns = ws.columns(model.id);
      const column = columns.find((c) => c.name.toLowerCase() === word.toLowerCase());
      if (column && ctx.inSelectList) return { markdown: await describeColumn(ws, model.id, column.name, column.type), range: ctx.range };
    }
    return undefined;
  }
  if (file === ws.projectFile && file.startsWith('pipeline')) {
    const key = pipelineKeyHover(text, offset);
    if (key) return key;
  }
  if (/\.ya?ml$/.test(file)) {
    for (const m of snap.modelsSpecifiedIn(file)) {
      if (!m.spec) continue;
      if (inside(m.spec.location.range)) return { markdown: describeNode(ws, m), range: m.spec.location.range };
      for (const c of m.spec.columns) {
        if (c.location.file === file && inside(c.location.range)) {
          const bound = ws.columns(m.id).find((b) => b.name === c.name);
          return { markdown: await describeColumn(ws, m.id, c.name, bound?.type ?? c.dataType), range: c.location.range };
        }
      }
    }
    for (const s of snap.project.sources.values()) {
      if (s.location.file === file && inside(s.location.range)) return { markdown: describeNode(ws, s), range: s.location.range };
    }
  }
  return undefined;
}

function describeNode(ws: Workspace, node: Node): string {
  const snap = ws.snapshot();
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
  const columns = ws.columns(node.id);
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
  const run = ws.lastRun(node.id);
  if (run) lines.push(`**Last run:** ${run.status}${run.rows !== undefined ? ` · ${run.rows.toLocaleString('en-US')} rows` : ''}${run.at ? ` · ${run.at}` : ''}`);
  if (node.kind === 'source') {
    const fresh = ws.lastFreshness(node.id);
    const threshold = node.freshness?.threshold;
    if (fresh) lines.push(freshnessLine(fresh));
    else if (threshold) lines.push(`**Freshness:** ${thresholdText(threshold)}; not checked yet (\`medallion source freshness\`)`);
  }
  return lines.join('\n').trim();
}

async function describeColumn(ws: Workspace, id: string, column: string, type: string | undefined): Promise<string> {
  const edges = await columnLineage(ws, id, column);
  const lines = [`**${column}** — ${type ?? UNKNOWN}`];
  const chains = chainsFrom({ node: id, column }, edges);
  if (chains.length) {
    lines.push('', '**Lineage:**');
    for (const chain of chains.slice(0, MAX_NAMES)) lines.push(`- ${chain.join(' ← ')}`);
  }
  return lines.join('\n');

  function chainsFrom(start: { node: string; column: string }, all: ColumnEdge[], seen = new Set<string>()): string[][] {
    const key = `${start.node}.${start.column}`;
    const here = `\`${nodeLabel(ws, start.node)}.${start.column}\``;
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

function nodeLabel(ws: Workspace, id: string): string {
  const n = ws.snapshot().node(id);
  return !n ? id : n.kind === 'source' ? `${n.source}.${n.table}` : n.name;
}
