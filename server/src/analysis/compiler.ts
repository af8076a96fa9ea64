// How the analysis layer gets a model's compiled SQL: rendered in process by default, or by what
// the host injects (the language server renders on a worker thread it can stop), and what a render reads.
import { compileNode } from '../../../runtime/compile/compile.js';
import type { CompiledNode, ModelNode } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';

export interface NodeCompiler {
  compile(snap: Snapshot, id: string): Promise<CompiledNode>;
}

export const inProcessCompiler: NodeCompiler = {
  compile: async (snap, id) => compileNode(snap.project, snap.graph, id),
};

/** What compiling a model reads besides its own text: macros, vars (both in `compileEpoch`), and its inputs' relations. */
export function compileKey(snap: Snapshot, compileEpoch: number, model: ModelNode): string {
  const parents = [...(snap.graph.parents.get(model.id) ?? [])].map((p) => {
    const n = snap.graph.nodes.get(p);
    return n?.kind === 'model' ? `${n.relation}${n.config.materialized === 'ephemeral' ? n.text : ''}` : (n && 'relation' in n ? n.relation : p);
  });
  return `${compileEpoch}\0${model.text}\0${JSON.stringify(model.config)}\0${parents.join('\0')}`;
}
