// The scheduler: runs the planned nodes on a pool of sessions, a node once its parents succeeded,
// skipping the downstream of a failure; cancellation and --fail-fast stop what runs.
import type { EngineSession } from '../engine/adapter.js';
import { fileOf, firstLine, messageOf, nameOf } from './node.js';
import type { NodeFacts } from './results.js';
import type { GraphNode, NodeResult, RunEvent, RunGraph, RunOptions } from './types.js';

export type Work = (db: EngineSession, node: GraphNode) => Promise<Omit<NodeResult, 'ms'>>;

/** The scheduler: a node starts when its parents succeeded; a failure skips everything downstream. */
export async function execute(order: string[], parents: Map<string, Set<string>>, graph: RunGraph, sessions: EngineSession[], options: RunOptions, emit: (e: RunEvent) => void, facts: Map<string, NodeFacts>, work: Work): Promise<NodeResult[]> {
  const results = new Map<string, NodeResult>();
  const total = order.length;
  const waiting = new Set(order);
  const free = [...sessions];
  const running = new Map<string, EngineSession>();
  const interrupted = new Set<string>();
  let index = 0;
  const stopper = new Stopper(running, interrupted);
  const stop = (reason: string): void => stopper.stop(reason);
  const onAbort = (): void => stop('cancelled');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();

  const record = (result: NodeResult): void => {
    results.set(result.id, result);
    emit({ type: 'node-finish', result, index: ++index, total });
  };
  const blockedBy = (id: string): string | undefined => {
    for (const p of parents.get(id) ?? []) {
      const r = results.get(p);
      if (r && r.status !== 'success' && r.status !== 'warn') return p;
    }
    return undefined;
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      for (const id of [...waiting]) {
        const stopped = stopper.reason;
        const blocker = stopped ? undefined : blockedBy(id);
        if (stopped || blocker) {
          waiting.delete(id);
          record(notRun(graph.nodes.get(id)!, stopped, blocker ? { id: blocker, status: results.get(blocker)!.status } : undefined));
          continue;
        }
        if (free.length === 0) break;
        if ([...(parents.get(id) ?? [])].some((p) => !results.has(p))) continue;
        waiting.delete(id);
        const session = free.pop()!;
        running.set(id, session);
        const db = guard(session, () => stopper.reason !== undefined);
        const node = graph.nodes.get(id)!;
        emit({ type: 'node-start', id, kind: node.kind, name: nameOf(node), index: index + 1, total });
        const t0 = performance.now();
        const startedAt = new Date().toISOString();
        work(db, node)
          .catch((err: unknown): Omit<NodeResult, 'ms'> => ({ id, kind: node.kind, name: nameOf(node), status: 'error', message: firstLine(err), error: { file: fileOf(node), message: messageOf(err) } }))
          .then((r) => {
            running.delete(id);
            free.push(session);
            facts.set(id, { thread: sessions.indexOf(session), startedAt, completedAt: new Date().toISOString() });
            const cancelled = stopper.reason !== undefined && r.status === 'error' && (interrupted.has(id) || r.error?.message === CANCELLED);
            record(cancelled ? { ...r, status: 'cancelled', message: 'cancelled', ms: Math.round(performance.now() - t0) } : { ...r, ms: Math.round(performance.now() - t0) });
            if ((r.status === 'error' || r.status === 'fail') && !cancelled && options.failFast) stop(id);
            pump();
          });
      }
      if (waiting.size === 0 && running.size === 0) resolve();
      else if (running.size === 0 && free.length > 0) {
        // Nothing runs and nothing can start: a cycle among the remaining nodes.
        for (const id of [...waiting]) {
          waiting.delete(id);
          record(inCycle(graph.nodes.get(id)!));
        }
        resolve();
      }
    };
    pump();
  });
  options.signal?.removeEventListener('abort', onAbort);
  stopper.dispose();
  return order.map((id) => results.get(id)!);
}

const CANCELLED = 'cancelled before the statement started';

/**
 * Stops a run: DuckDB forgets an interrupt that lands between two statements, so it keeps
 * interrupting what still runs until it has stopped; statements not yet started are refused by guard().
 */
class Stopper {
  /** Why the run stopped: 'cancelled', or the id of the node whose failure stopped it (--fail-fast). */
  reason: string | undefined;
  private repeat: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly running: Map<string, EngineSession>, private readonly interrupted: Set<string>) {}

  stop(reason: string): void {
    this.reason ??= reason;
    this.interruptAll();
    this.repeat ??= setInterval(() => this.interruptAll(), 50);
  }

  dispose(): void {
    clearInterval(this.repeat);
  }

  private interruptAll(): void {
    for (const [id, session] of this.running) {
      this.interrupted.add(id);
      session.interrupt();
    }
  }
}

/** A node that does not run: the run stopped, or an upstream node did not succeed. */
function notRun(node: GraphNode, stopped: string | undefined, blocker: { id: string; status: NodeResult['status'] } | undefined): NodeResult {
  const status = stopped === 'cancelled' ? 'cancelled' : 'skipped';
  const message = blocker ? `skipped: upstream ${blocker.id} ${blocker.status === 'skipped' ? 'was skipped' : blocker.status}` : stopped === 'cancelled' ? 'cancelled' : `skipped: --fail-fast after ${stopped}`;
  return { id: node.id, kind: node.kind, name: nameOf(node), status, ms: 0, message };
}

/** A node left waiting when nothing runs and nothing can start: it is on a dependency cycle. */
function inCycle(node: GraphNode): NodeResult {
  return { id: node.id, kind: node.kind, name: nameOf(node), status: 'error', ms: 0, message: 'dependency cycle', error: { file: fileOf(node), message: 'This node is part of a dependency cycle' } };
}

/** A session that refuses new statements once the run is stopping. */
function guard(session: EngineSession, stopping: () => boolean): EngineSession {
  const check = (): void => {
    if (stopping()) throw new Error(CANCELLED);
  };
  return {
    // A rollback still goes through: it is how a stopped model leaves the previous version.
    exec: async (sql) => (/^\s*ROLLBACK/i.test(sql) || check(), session.exec(sql)),
    query: async (sql, params) => (check(), session.query(sql, params)),
    describe: async (sql) => (check(), session.describe(sql)),
    stream: (sql, opts) => (check(), session.stream(sql, opts)),
    interrupt: () => session.interrupt(),
    close: () => session.close(),
  };
}
