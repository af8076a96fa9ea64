// The plain-data answers of the analysis layer. Offsets and project-relative files only; the LSP
// adapter (server/src/lsp/toLsp.ts) is the one place that turns these into protocol objects.
import type { Range } from '../../../runtime/project/types.js';

export type CompletionKind =
  | 'model' | 'source' | 'table' | 'column' | 'macro' | 'keyword' | 'function'
  | 'property' | 'value' | 'type' | 'test' | 'variable';

export interface Completion {
  label: string;
  kind: CompletionKind;
  /** One line shown beside the label (layer, type, ...). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
  /** Inserted text is a snippet with $1 placeholders. */
  snippet?: boolean;
  /** The range the insertion replaces (the word typed so far). */
  range: Range;
  sortText?: string;
}

export interface Hover {
  markdown: string;
  range: Range;
}

export interface FileRange {
  file: string;
  range: Range;
}

export type SymbolKind = 'model' | 'source' | 'table' | 'column' | 'macro' | 'key' | 'cte' | 'seed' | 'test';

/** A symbol: a named thing in a file (a model, a CTE, a column, a macro), for outlines and search. */
export interface Outline {
  name: string;
  kind: SymbolKind;
  detail?: string;
  file: string;
  /** The whole construct. */
  range: Range;
  /** The name inside it. */
  selectionRange: Range;
  children?: Outline[];
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Rename {
  edits: TextEdit[];
  /** Files to move, project-relative. */
  moves: Array<{ from: string; to: string }>;
}

export interface Lens {
  range: Range;
  /** `validate`: Validate on Trino (models, on a Trino target). */
  action: 'run' | 'preview' | 'lineage' | 'validate';
  model: string;
  /** What Run does: `snapshot` for a snapshot file, else `run`. */
  command: 'run' | 'snapshot';
}

export interface QuickFix {
  title: string;
  edit: TextEdit;
  preferred: boolean;
}
