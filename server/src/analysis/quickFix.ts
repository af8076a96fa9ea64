// Quick fixes for diagnostics that carry a suggestion: "did you mean" for unknown refs, sources
// and columns. The diagnostic's data holds the replacement and the offsets it replaces.
import type { QuickFix } from './types.js';

export interface FixableDiagnostic {
  code?: string;
  data?: Record<string, unknown>;
}

export function quickFixes(file: string, d: FixableDiagnostic): QuickFix[] {
  const suggestion = d.data?.suggestion;
  const replace = d.data?.replace as { start?: unknown; end?: unknown } | undefined;
  if (typeof suggestion !== 'string' || typeof replace?.start !== 'number' || typeof replace.end !== 'number') return [];
  return [{
    title: `Change to '${suggestion}'`,
    preferred: true,
    edit: { file, range: { start: replace.start, end: replace.end }, newText: suggestion },
  }];
}
