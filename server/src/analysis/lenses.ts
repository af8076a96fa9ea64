// Code lenses on each model and snapshot file: Run | Preview | Lineage, at the top of the file.
import type { Workspace } from './workspace.js';
import type { Lens } from './types.js';

export function codeLenses(ws: Workspace, file: string): Lens[] {
  const model = ws.snapshot().modelOfFile(file);
  if (!model) return [];
  const range = { start: 0, end: 0 };
  return (['run', 'preview', 'lineage'] as const).map((action) => ({ range, action, model: model.name, command: model.snapshot ? 'snapshot' : 'run' }));
}
