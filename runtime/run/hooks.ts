// The runner's default collaborators from the rest of the runtime: selection (runtime/graph),
// compilation (runtime/compile), seeds (runtime/run/seeds.ts) and tests (runtime/run/tests/).
import { compileNode } from '../compile/compile.js';
import { selectNodes } from '../graph/select.js';
import type { Graph } from '../graph/dag.js';
import { runSeedNode } from './seeds.js';
import { runTestNode } from './tests/run.js';
import type { RunHooks } from './types.js';

export const defaultHooks: Partial<RunHooks> = {
  compile: (project, graph, id, opts) => compileNode(project, graph as Graph, id, opts),
  select: (graph, selection) => selectNodes(graph as Graph, selection),
  runSeed: runSeedNode,
  runTest: runTestNode,
};
