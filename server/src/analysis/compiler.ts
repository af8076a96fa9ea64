// How the analysis layer gets a model's compiled SQL: rendered in process by default, or by what
// the host injects (the language server renders on a worker thread it can stop).
import { compileNode } from '../../../runtime/compile/compile.js';
import type { CompiledNode } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';

export interface NodeCompiler {
  compile(snap: Snapshot, id: string): Promise<CompiledNode>;
}

export const inProcessCompiler: NodeCompiler = {
  compile: async (snap, id) => compileNode(snap.project, snap.graph, id),
};
