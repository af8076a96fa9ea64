// How the CLI names and describes DAG nodes: short names, one-line summaries, and finding a node
// from what the user typed (a name, 'source.table', an id or a file path).
import { nodeName, type Graph, type GraphNode } from '../graph/dag.js';
import { didYouMean, suggest } from '../project/config.js';
import { UserError } from './context.js';

export const RESOURCE_TYPES = ['model', 'seed', 'source', 'test'] as const;

/** 'events', 'bronze.app_logs', 'unique_events_event_id'. */
export function shortName(node: GraphNode): string {
  return nodeName(node)!;
}

/** The file a node is defined in, project-relative. */
export function nodeFile(node: GraphNode): string {
  return node.kind === 'source' ? node.location.file : node.file;
}

/** 'model · silver · incremental', 'source · json', 'test · unique'. */
export function summary(node: GraphNode): string {
  switch (node.kind) {
    case 'model':
      return ['model', node.layer, node.config.materialized].filter(Boolean).join(' · ');
    case 'source':
      return ['source', node.format].filter(Boolean).join(' · ');
    case 'seed':
      return 'seed';
    case 'test':
      return `test · ${node.spec ? node.spec.name : 'singular'}`;
  }
}

/** The node the user means by `text`; a UserError with a suggestion when there is none. */
export function findNode(graph: Graph, text: string): GraphNode {
  const byId = graph.nodes.get(text);
  if (byId) return byId;
  const path = text.replace(/\\/g, '/').replace(/^\.\//, '');
  const matches = [...graph.nodes.values()].filter((n) => shortName(n) === text || (n.kind !== 'source' && n.kind !== 'test' && n.file === path));
  // A model and a seed may share a name; the model is what ref() would pick too.
  const found = matches.find((n) => n.kind === 'model') ?? matches[0];
  if (found) return found;
  const s = suggest(text, [...graph.nodes.values()].filter((n) => n.kind !== 'test').map(shortName));
  throw new UserError(`no model, seed or source named '${text}'${didYouMean(s)}`);
}
