// Quick fixes for diagnostics that carry a suggestion: "did you mean" for unknown refs, sources and
// columns. The fix replaces the diagnostic's own range, as the editor holds it when the fix is asked
// for (moved by any edits since the diagnostic was published).
import type { Range } from '../../../runtime/project/types.js';
import type { QuickFix } from './types.js';

export interface FixableDiagnostic {
  code?: string;
  range: Range;
  data?: Record<string, unknown>;
}

export function quickFixes(file: string, d: FixableDiagnostic): QuickFix[] {
  const suggestion = d.data?.suggestion;
  if (typeof suggestion !== 'string') return [];
  return [{ title: `Change to '${suggestion}'`, preferred: true, edit: { file, range: d.range, newText: suggestion } }];
}
