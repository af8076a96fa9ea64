// `medallion ls`: lists the project's nodes (models, seeds, sources, tests) matching dbt selectors,
// as names, file paths or JSON lines.
import { Option, type Command } from 'commander';
import type { GraphNode } from '../../graph/dag.js';
import { action, openProject, projectOption, select, selectionOf, selectOptions, stdio, type Io, type OpenedProject, type ProjectOptions, type SelectOptions } from '../context.js';
import { nodeFile, RESOURCE_TYPES, shortName } from '../nodes.js';

export interface LsOptions extends ProjectOptions, SelectOptions {
  resourceType?: string[];
  output?: 'name' | 'path' | 'json';
}

export function register(program: Command): void {
  const command = program
    .command('ls')
    .alias('list')
    .description('list the nodes of the project (models, seeds, sources, tests) that the selectors match, in DAG order')
    .addOption(new Option('--resource-type <type...>', 'only these kinds of node').choices([...RESOURCE_TYPES, 'all']))
    .addOption(new Option('-o, --output <format>', 'what to print for each node').choices(['name', 'path', 'json']).default('name'));
  selectOptions(command);
  projectOption(command);
  command.action(action((options: LsOptions) => ls(options)));
}

/** Prints the selected nodes; exit code 1 when the project has errors (the list is printed anyway). */
export async function ls(options: LsOptions, io: Io = stdio): Promise<number> {
  const opened = await openProject(options, io, { allowErrors: true });
  const ids = await select(opened, await selectionOf(opened, options, io));
  const types = new Set(options.resourceType?.includes('all') ? RESOURCE_TYPES : (options.resourceType ?? RESOURCE_TYPES));
  for (const id of ids) {
    const node = opened.graph.nodes.get(id)!;
    if (types.has(node.kind)) io.out(line(opened, node, options.output ?? 'name'));
  }
  return opened.errors > 0 ? 1 : 0;
}

function line(opened: OpenedProject, node: GraphNode, output: 'name' | 'path' | 'json'): string {
  if (output === 'name') return shortName(node);
  if (output === 'path') return nodeFile(node);
  const base = { id: node.id, name: shortName(node), resource_type: node.kind, file: nodeFile(node), depends_on: [...opened.graph.parents.get(node.id)!].sort() };
  switch (node.kind) {
    case 'model':
      return JSON.stringify({ ...base, relation: node.relation, layer: node.layer ?? null, materialized: node.config.materialized, tags: node.config.tags });
    case 'seed':
      return JSON.stringify({ ...base, relation: node.relation, tags: node.tags });
    case 'source':
      return JSON.stringify({ ...base, relation: node.relation, format: node.format ?? null, path: node.path ?? null });
    case 'test':
      return JSON.stringify({ ...base, test: node.spec?.name ?? 'singular', attached_to: node.attachedTo ?? null, severity: node.severity, tags: node.tags });
  }
}
