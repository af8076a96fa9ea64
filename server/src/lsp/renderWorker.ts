// Renders models on a worker thread the server can stop, so a runaway template never holds up
// completion, hover or other files' diagnostics. The worker keeps a copy of the project's models,
// sources, seeds and macros (sent again when the project is relinked, edited models one by one);
// a render still running after the editor's deadline ends the worker, reports a warning on that
// model, and the queued renders go to a fresh worker.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { compileNode } from '../../../runtime/compile/compile.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import type { CompiledNode, Diagnostic, ModelNode, Project, TemplateScan } from '../../../runtime/project/types.js';
import { dataOf, mapOf, type MapData } from '../../../runtime/template/offsetMap.js';
import type { NodeCompiler } from '../analysis/compiler.js';
import type { Snapshot } from '../analysis/snapshot.js';

const ROLE = 'medallion-renderer';

type Request =
  | { type: 'project'; project: Project }
  | { type: 'model'; name: string; text: string; scan: TemplateScan }
  | { type: 'compile'; seq: number; id: string };

type Reply = { seq: number; compiled: Omit<CompiledNode, 'map'> & { map: MapData } } | { seq: number; error: string };

interface Pending {
  id: string;
  snap: Snapshot;
  resolve(c: CompiledNode): void;
  timer?: NodeJS.Timeout;
}

export class RenderWorker implements NodeCompiler {
  private worker?: Worker;
  private synced?: { link: object; epoch: number };
  /** Text of each model as the worker has it. */
  private readonly sent = new Map<string, string>();
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  /**
   * @param entry the server's bundle, which is also the worker's entry
   * @param deadlineMs how long the editor waits for one render
   * @param epoch changes whenever macros or the project file change (Workspace.compileEpoch)
   */
  constructor(
    private readonly entry: string,
    private readonly deadlineMs: number,
    private readonly epoch: () => number,
    private readonly log: (m: string) => void,
  ) {}

  compile(snap: Snapshot, id: string): Promise<CompiledNode> {
    return new Promise((resolve) => {
      const seq = ++this.seq;
      this.pending.set(seq, { id, snap, resolve });
      this.send(seq);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send(seq: number): void {
    const job = this.pending.get(seq)!;
    const worker = this.ensure();
    this.sync(worker, job.snap, job.id);
    job.timer = setTimeout(() => this.overdue(seq), this.deadlineMs);
    worker.postMessage({ type: 'compile', seq, id: job.id } satisfies Request);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.entry, { workerData: { role: ROLE }, argv: [] });
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.log(`render worker failed: ${err.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      // Died on its own (not stopped by us): start again for whatever is waiting.
      this.worker = undefined;
      this.synced = undefined;
      for (const seq of this.pending.keys()) this.resend(seq);
    });
    worker.unref();
    this.worker = worker;
    this.synced = undefined;
    this.sent.clear();
    return worker;
  }

  /** Brings the worker's copy up to date: the whole project after a relink, else the edited models the render reads. */
  private sync(worker: Worker, snap: Snapshot, id: string): void {
    const epoch = this.epoch();
    if (this.synced?.link !== snap.link || this.synced.epoch !== epoch) {
      worker.postMessage({ type: 'project', project: renderable(snap.project) } satisfies Request);
      this.synced = { link: snap.link, epoch };
      this.sent.clear();
      for (const m of snap.project.models.values()) this.sent.set(m.name, m.text);
      return;
    }
    for (const model of modelsRead(snap, id)) {
      if (this.sent.get(model.name) === model.text) continue;
      worker.postMessage({ type: 'model', name: model.name, text: model.text, scan: model.scan } satisfies Request);
      this.sent.set(model.name, model.text);
    }
  }

  private settle(reply: Reply): void {
    const job = this.pending.get(reply.seq);
    if (!job) return;
    this.pending.delete(reply.seq);
    clearTimeout(job.timer);
    if ('error' in reply) {
      job.resolve(failed(job, `internal: render failed: ${reply.error}`, 'error'));
      return;
    }
    job.resolve({ ...reply.compiled, map: mapOf(reply.compiled.map) });
  }

  /** A render ran past the deadline: stop the worker, answer with a warning, move the rest to a new one. */
  private overdue(seq: number): void {
    const job = this.pending.get(seq);
    if (!job) return;
    this.pending.delete(seq);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.log(`rendering ${job.id} took longer than ${this.deadlineMs} ms: stopped`);
    job.resolve(failed(job, `Not checked in the editor: rendering this model took longer than ${this.deadlineMs / 1000} s (medallion compile allows the project's render budget)`, 'warning'));
    for (const other of this.pending.keys()) this.resend(other);
  }

  private resend(seq: number): void {
    clearTimeout(this.pending.get(seq)?.timer);
    this.send(seq);
  }
}

function failed(job: Pending, message: string, severity: 'error' | 'warning'): CompiledNode {
  const node = job.snap.graph.nodes.get(job.id);
  const file = node && node.kind !== 'source' ? node.file : '';
  const diagnostic: Diagnostic = { file, range: { start: 0, end: 0 }, severity, message, code: 'render-budget' };
  return { id: job.id, sql: '', map: mapOf({ kind: 'constant', range: { start: 0, end: 0 } }), diagnostics: [diagnostic] };
}

/** What compiling a model reads: the models, seeds, sources and macros, without schema tests and diagnostics. */
function renderable(project: Project): Project {
  const models = new Map([...project.models].map(([name, m]) => [name, { ...m, spec: undefined, description: undefined }]));
  return { ...project, models, tests: new Map(), diagnostics: [] };
}

/** The model and the ephemeral models it inlines. */
function modelsRead(snap: Snapshot, id: string): ModelNode[] {
  const out: ModelNode[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const node = snap.graph.nodes.get(n);
    if (node?.kind !== 'model') return;
    out.push(node);
    for (const p of snap.graph.parents.get(n) ?? []) {
      const parent = snap.graph.nodes.get(p);
      if (parent?.kind === 'model' && parent.config.materialized === 'ephemeral') visit(p);
    }
  };
  visit(id);
  return out;
}

/** True (and this thread serves renders from now on) when this thread is a render worker. */
export function runRenderWorker(): boolean {
  if (isMainThread || (workerData as { role?: string } | undefined)?.role !== ROLE) return false;
  let project: Project | undefined;
  let graph: ReturnType<typeof buildGraph> | undefined;
  parentPort!.on('message', (req: Request) => {
    if (req.type === 'project') {
      project = req.project;
      graph = buildGraph(project);
      return;
    }
    if (req.type === 'model') {
      const model = project?.models.get(req.name);
      if (model) Object.assign(model, { text: req.text, scan: req.scan });
      return;
    }
    try {
      const { map, ...compiled } = compileNode(project!, graph!, req.id);
      parentPort!.postMessage({ seq: req.seq, compiled: { ...compiled, map: dataOf(map) } } satisfies Reply);
    } catch (err) {
      parentPort!.postMessage({ seq: req.seq, error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
  return true;
}
