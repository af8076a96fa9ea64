// YAML with positions: a small tree of nodes keeping every key's and value's range. Valid files are
// read with js-yaml (fast; positions from its parse events); files with errors or aliases are read
// with the `yaml` package, which recovers partial content, reports every error and bounds how far
// aliases expand (an alias bomb is a positioned error, not gigabytes). Never throws.
import { load as jsYamlLoad, CORE_SCHEMA, type State } from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, Range } from './types.js';

export interface YNode {
  kind: 'map' | 'seq' | 'scalar';
  range: Range;
  /** The plain JS value of the node. */
  value: unknown;
  /** Map entries in order; empty for sequences and scalars. */
  pairs: YPair[];
  /** Sequence items; empty for maps and scalars. */
  items: YNode[];
}

export interface YPair {
  key: string;
  keyRange: Range;
  value: YNode | undefined;
}

export type YamlNode = YNode | undefined;

export interface ParsedYaml {
  root: YamlNode;
  diagnostics: Diagnostic[];
}

export function parseYaml(file: string, text: string): ParsedYaml {
  return parseYamlFast(text) ?? fullParse(file, text);
}

// ---------------------------------------------------------------------------
// Fast path: js-yaml's open/close events give each node's start and end.

interface Frame {
  start: number;
  /** Allocated on the first child: most nodes are scalars. */
  children: YNode[] | undefined;
}

const NO_PAIRS: YPair[] = [];
const NO_ITEMS: YNode[] = [];

/** The fast path alone: undefined when the text has an error, an alias or a shape it does not map (merge keys). */
export function parseYamlFast(text: string): ParsedYaml | undefined {
  const stack: Frame[] = [];
  let root: YNode | undefined;
  let reliable = true;
  try {
    jsYamlLoad(text, {
      schema: CORE_SCHEMA,
      listener(type: 'open' | 'close', state: State & { kind?: string; result?: unknown }) {
        if (type === 'open') {
          stack.push({ start: state.position, children: undefined });
          return;
        }
        const frame = stack.pop();
        if (!frame) return;
        const node = fromEvents(text, frame, state.kind ?? '', state.result, state.position);
        if (!node) reliable = false;
        else if (stack.length > 0) (stack[stack.length - 1].children ??= []).push(node);
        else root = node;
      },
    } as Parameters<typeof jsYamlLoad>[1]);
  } catch {
    return undefined;
  }
  return reliable ? { root, diagnostics: [] } : undefined;
}

function fromEvents(text: string, frame: Frame, kind: string, result: unknown, closePos: number): YNode | undefined {
  // js-yaml appends a newline to text without one: positions may run one past the end.
  const endPos = Math.min(closePos, text.length);
  const start = skipSpace(text, Math.min(frame.start, endPos), endPos);
  // js-yaml shares an alias's value with its anchor, so the tree would be small but every walk over
  // it would expand it: aliases go to the full parser, which bounds their expansion.
  if (text.charCodeAt(start) === 42 /* * */) return undefined;
  let end = endPos;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  const range = { start, end };
  const c = frame.children;
  // js-yaml may open a node twice at one position (a sequence item, then its content): keep the inner one.
  if (c !== undefined && c.length === 1 && c[0].value === result) return c[0];
  if (kind === 'mapping') {
    if (c === undefined) return { kind: 'map', range, value: result, pairs: NO_PAIRS, items: NO_ITEMS };
    // Keys and values alternate; anything else (merge keys, keys without values) takes the full parser.
    if (c.length % 2 !== 0 || typeof result !== 'object' || result === null) return undefined;
    const pairs: YPair[] = [];
    for (let i = 0; i < c.length; i += 2) {
      const k = c[i];
      const v = c[i + 1];
      if (k.kind !== 'scalar') return undefined;
      const key = String(k.value);
      if (!(key in (result as Record<string, unknown>))) return undefined;
      const value = v.value === null && v.range.start >= v.range.end ? { ...v, range: { start: k.range.end, end: k.range.end } } : v;
      pairs.push({ key, keyRange: k.range, value });
    }
    return { kind: 'map', range, value: result, pairs, items: NO_ITEMS };
  }
  if (kind === 'sequence') return { kind: 'seq', range, value: result, pairs: NO_PAIRS, items: c ?? NO_ITEMS };
  if (c !== undefined) return undefined;
  return { kind: 'scalar', range, value: result === undefined ? null : result, pairs: NO_PAIRS, items: NO_ITEMS };
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** Skips whitespace and comments between a js-yaml open event and the node's first character. */
function skipSpace(text: string, pos: number, limit: number): number {
  let p = pos;
  while (p < limit) {
    const code = text.charCodeAt(p);
    if (isSpace(code)) p++;
    else if (code === 35 /* # */ && (p === 0 || isSpace(text.charCodeAt(p - 1)))) {
      const nl = text.indexOf('\n', p);
      p = nl < 0 ? limit : nl + 1;
    } else break;
  }
  return Math.min(p, limit);
}

// ---------------------------------------------------------------------------
// Full path: the `yaml` package, for files with errors (partial content, every error).

function fullParse(file: string, text: string): ParsedYaml {
  const diagnostics: Diagnostic[] = [];
  let doc: Document;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: false });
  } catch (err) {
    diagnostics.push({ file, range: { start: 0, end: 0 }, severity: 'error', message: `YAML: ${String(err)}`, code: 'yaml-syntax' });
    return { root: undefined, diagnostics };
  }
  for (const [list, severity] of [[doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
    for (const e of list) {
      const start = Math.min(e.pos?.[0] ?? 0, text.length);
      const end = Math.min(Math.max(e.pos?.[1] ?? 0, start), text.length);
      diagnostics.push({ file, range: { start, end }, severity, message: `YAML: ${e.message.split('\n')[0]}`, code: 'yaml-syntax' });
    }
  }
  return { root: convert(file, text, doc, doc.contents as Node | null, diagnostics), diagnostics };
}

/** How far one alias may expand, in the `yaml` package's count (its default, made explicit). */
const MAX_ALIAS_COUNT = 100;

function convert(file: string, text: string, doc: Document, node: Node | null | undefined, diagnostics: Diagnostic[]): YNode | undefined {
  if (!node) return undefined;
  const range = node.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
  // Like the fast path, a collection's range ends at its last character, not after its trailing newline.
  while (range.end > range.start && /\s/.test(text[range.end - 1])) range.end--;
  if (isMap(node)) {
    const pairs: YPair[] = [];
    for (const p of node.items) {
      const keyNode = p.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyRange = keyNode?.range ? { start: keyNode.range[0], end: keyNode.range[1] } : range;
      pairs.push({ key, keyRange, value: convert(file, text, doc, p.value as Node | null, diagnostics) });
    }
    return { kind: 'map', range, value: Object.fromEntries(pairs.map((p) => [p.key, p.value?.value ?? null])), pairs, items: [] };
  }
  if (isSeq(node)) {
    const items = (node.items as Array<Node | null>).map((n) => convert(file, text, doc, n, diagnostics)).filter((n): n is YNode => n !== undefined);
    return { kind: 'seq', range, value: items.map((i) => i.value), pairs: [], items };
  }
  if (isAlias(node)) {
    let value: unknown = null;
    try {
      value = node.resolve(doc)?.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) ?? null;
    } catch (err) {
      // An unknown anchor is already among doc.errors; only an expansion past the limit is new here.
      if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
        const message = `YAML: the alias ${text.slice(range.start, range.end)} expands too far (aliases of aliases, as in a YAML bomb); write the values out instead`;
        diagnostics.push({ file, range, severity: 'error', message, code: 'yaml-alias' });
      }
    }
    return { kind: 'scalar', range, value, pairs: [], items: [] };
  }
  return { kind: 'scalar', range, value: isScalar(node) ? (node.value ?? null) : null, pairs: [], items: [] };
}

// ---------------------------------------------------------------------------
// Reading the tree.

/** The range of a node's value; {0,0} when there is no node. */
export function rangeOf(node: YamlNode): Range {
  return node ? node.range : { start: 0, end: 0 };
}

export function pairsOf(node: YamlNode): YPair[] {
  return node?.kind === 'map' ? node.pairs : [];
}

export function getPair(node: YamlNode, key: string): YPair | undefined {
  return node?.kind === 'map' ? node.pairs.find((p) => p.key === key) : undefined;
}

export function get(node: YamlNode, key: string): YamlNode {
  return getPair(node, key)?.value;
}

export function itemsOf(node: YamlNode): YNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

export function toJs(node: YamlNode): unknown {
  return node?.value;
}

/** A float written as one (`1.0`, `2e3`) whose value is whole: templates print it as Python does (`1.0`). */
export class WholeFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** The node's value with whole-valued floats kept as WholeFloat (vars, which templates print). */
export function valueWithFloats(node: YamlNode, text: string): unknown {
  if (!node) return null;
  if (node.kind === 'map') return Object.fromEntries(node.pairs.map((p) => [p.key, valueWithFloats(p.value, text)]));
  if (node.kind === 'seq') return node.items.map((i) => valueWithFloats(i, text));
  const written = text.slice(node.range.start, node.range.end).trim();
  return typeof node.value === 'number' && Number.isInteger(node.value) && /^[-+]?[\d_]*\.[\d_]*(e[-+]?\d+)?$|^[-+]?\d+e[-+]?\d+$/i.test(written) ? new WholeFloat(node.value) : node.value;
}

/** A scalar's value as a string (numbers and booleans included); undefined for null, maps and lists. */
export function str(node: YamlNode): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null || node.value === undefined || typeof node.value === 'object') return undefined;
  return String(node.value);
}

/** Walks a JSON-pointer-like path ('/sources/app_logs/format') through maps and sequences. */
export function nodeAt(root: YamlNode, segments: string[]): { node: YamlNode; keyRange?: Range } {
  let node = root;
  let keyRange: Range | undefined;
  for (const seg of segments) {
    if (node?.kind === 'seq') {
      node = node.items[Number(seg)];
      keyRange = undefined;
    } else {
      const p = getPair(node, seg);
      if (!p) break;
      node = p.value;
      keyRange = p.keyRange;
    }
  }
  return { node, keyRange };
}
