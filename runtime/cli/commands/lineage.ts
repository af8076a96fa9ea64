// `medallion lineage MODEL`: the node's upstream (what it reads) and downstream (what reads it) as
// trees. A node reached twice is expanded once and marked '(see above)' after that.
import { InvalidArgumentError, type Command } from 'commander';
import type { Graph } from '../../graph/dag.js';
import { action, openProject, projectOption, stdio, type Io, type ProjectOptions } from '../context.js';
import { findNode, shortName, summary } from '../nodes.js';

export interface LineageOptions extends ProjectOptions {
  depth?: number;
  tests?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('lineage')
    .description('print the upstream and downstream trees of a model, seed or source')
    .argument('<node>', "a model or seed name, 'source.table', or a model file path")
    .option('-d, --depth <n>', 'levels to show in each direction (default: all)', depthArg)
    .option('--tests', 'show the tests among the downstream nodes');
  projectOption(command);
  command.action(action((node: string, options: LineageOptions) => lineage(node, options)));
}

function depthArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

export async function lineage(name: string, options: LineageOptions, io: Io = stdio): Promise<number> {
  const { graph, errors } = await openProject(options, io, { allowErrors: true });
  const node = findNode(graph, name);
  const depth = options.depth ?? Infinity;
  const keep = (id: string): boolean => options.tests === true || graph.nodes.get(id)!.kind !== 'test';
  io.out(`${shortName(node)}  ${summary(node)}`);
  io.out('upstream');
  for (const line of tree(graph, node.id, 'parents', depth, keep)) io.out(line);
  io.out('downstream');
  for (const line of tree(graph, node.id, 'children', depth, keep)) io.out(line);
  return errors > 0 ? 1 : 0;
}

/** Lines of the tree below `root` (not including it), sorted by name at each level. */
function tree(graph: Graph, root: string, dir: 'parents' | 'children', depth: number, keep: (id: string) => boolean): string[] {
  const lines: string[] = [];
  const expanded = new Set<string>([root]);
  const visit = (id: string, prefix: string, level: number): void => {
    const next = [...graph[dir].get(id)!].filter(keep).sort((a, b) => shortName(graph.nodes.get(a)!).localeCompare(shortName(graph.nodes.get(b)!)));
    next.forEach((childId, i) => {
      const last = i === next.length - 1;
      const child = graph.nodes.get(childId)!;
      const more = [...graph[dir].get(childId)!].some(keep);
      const seen = expanded.has(childId);
      const note = seen && more ? '  (see above)' : !seen && more && level >= depth ? '  …' : '';
      lines.push(`${prefix}${last ? '└── ' : '├── '}${shortName(child)}  ${summary(child)}${note}`);
      if (seen || level >= depth) return;
      expanded.add(childId);
      visit(childId, prefix + (last ? '    ' : '│   '), level + 1);
    });
  };
  visit(root, '', 1);
  if (lines.length === 0) lines.push('(none)');
  return lines;
}
