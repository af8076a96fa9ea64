// Code lenses on each model and snapshot file: Run | Preview | Lineage, at the top of the file, and
// Validate on Trino on models when the active target runs on Trino (the editor's DuckDB binder stays out).
import type { Snapshot } from './snapshot.js';
import type { Lens } from './types.js';

export function codeLenses(snap: Snapshot, file: string): Lens[] {
  const model = snap.modelOfFile(file);
  if (!model) return [];
  const range = { start: 0, end: 0 };
  const command = model.snapshot ? 'snapshot' : 'run';
  const actions: Lens['action'][] = ['run', 'preview', 'lineage'];
  if (snap.project.config.trino && !model.snapshot) actions.push('validate');
  return actions.map((action) => ({ range, action, model: model.name, command }));
}
