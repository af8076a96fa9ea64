// What the editor does differently by the active target's engine: previews read the Trino cluster on
// a Trino target (the warehouse file otherwise), and medallion/validateOnTrino, the "Validate on Trino"
// lens, checks a model's compiled SQL with the dialect check (statically, and on the cluster when it answers).
import type * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { connectionOf, openTrino } from '../../../runtime/engine/trino.js';
import { validateForTrino } from '../../../runtime/compile/dialect.js';
import type { Workspace } from '../analysis/workspace.js';
import * as to from './toLsp.js';
import * as P from './protocol.js';

/** requests.ts's registration: waits for the index, refuses untrusted work, never throws to the client. */
export type Handle = <Params, Result>(
  method: string,
  fallback: (error: string) => Result,
  handler: (ws: Workspace, paths: to.Paths, params: Params, token: lsp.CancellationToken) => Promise<Result> | Result,
  needsTrust?: boolean,
) => void;

/** The node id a request names (requests.ts's targetId). */
export type TargetId = (ws: Workspace, paths: to.Paths, target: P.ModelTarget) => string | undefined;

export function registerEngineRequests(handle: Handle, targetId: TargetId): void {
  const failed = (error: string): P.ValidateOnTrinoResult => ({ model: '', valid: false, cluster: false, diagnostics: [], error });
  handle<P.ValidateOnTrinoParams, P.ValidateOnTrinoResult>(P.ValidateOnTrinoRequestMethod, failed, async (ws, paths, params) => {
    const snap = ws.snapshot();
    const trino = snap.project.config.trino;
    if (!trino) return failed(`The target ${snap.project.config.target.name} does not run on Trino (set medallion.target to a Trino target)`);
    const id = targetId(ws, paths, params);
    const node = id ? snap.graph.nodes.get(id) : undefined;
    const compiled = id ? await ws.binder.compiled(id) : undefined;
    if (node?.kind !== 'model' || !compiled) return failed('No model to validate here');
    // Without a cluster the static check still runs; the answer says which ran.
    const cluster = await openTrino(connectionOf(trino)).catch(() => undefined);
    try {
      const problems = compiled.diagnostics.some((d) => d.severity === 'error')
        ? compiled.diagnostics
        : await validateForTrino(compiled, { file: node.file, session: cluster });
      const text = snap.text(node.file) ?? '';
      const doc = TextDocument.create(paths.uri(node.file), 'sql', 0, text);
      // A problem placed in another file (a macro's) is shown at the model's top, naming its file.
      const diagnostics = problems.map((d): P.ValidateDiagnostic => {
        const own = d.file === node.file;
        const range = to.range(doc, own ? d.range : { start: 0, end: 0 });
        return { range, message: own ? d.message : `${d.file}: ${d.message}`, severity: d.severity === 'error' ? 1 : 2 };
      });
      return { model: node.name, uri: paths.uri(node.file), valid: !problems.some((d) => d.severity === 'error'), cluster: cluster !== undefined, diagnostics };
    } finally {
      cluster?.close();
    }
  }, true);
}
