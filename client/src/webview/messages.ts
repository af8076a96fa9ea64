// The messages between the extension and its webviews (types only, shared by both sides).
import type { LineageResult, NodeRunResult, PreviewResult, RunResponse } from '../../../server/src/lsp/protocol.js';

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  /** Opens a file: a URI, or a path relative to the project root; line and column are 1-based. */
  | { type: 'open'; uri?: string; path?: string; line?: number; column?: number }
  | { type: 'copy'; text: string; what: string }
  /** The grid's "Save as unit test": the previewed model's inputs and output become a unit test. */
  | { type: 'saveUnitTest' }

/** Extension → results grid. */
export type ToGrid =
  | { type: 'loading'; title: string }
  /** `model`: the previewed model (not a selection), which "Save as unit test" can save. */
  | { type: 'result'; title: string; result: PreviewResult; model?: string }
  /** What "Save as unit test" did: the test and its file, or why it could not. */
  | { type: 'saved'; text: string; failed?: boolean };

/** One row of the run results view: a node's result plus where it is defined. */
export interface RunRow extends NodeRunResult {
  name: string;
  kind: string;
  uri?: string;
  /** 'running' while a node has started and not finished. */
  running?: boolean;
  /** Where its error is, resolved by the extension (1-based line and column). */
  location?: { uri: string; label: string; line: number; column: number };
}

/** Extension → run results. */
export type ToRunResults =
  | { type: 'start'; title: string; total: number }
  | { type: 'progress'; rows: RunRow[]; done: number; total: number }
  | { type: 'finish'; title: string; result: RunResponse; rows: RunRow[] };

/** Extension → lineage graph. */
export type ToLineage = { type: 'graph'; graph: LineageResult };
