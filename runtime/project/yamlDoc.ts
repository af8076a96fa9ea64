// YAML with positions: parse errors as diagnostics, and small helpers to read maps, sequences and
// scalars while keeping each key's and value's range. Built on the `yaml` package; never throws.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, Range } from './types.js';

export type YamlNode = Node | null | undefined;

export interface ParsedYaml {
  doc: Document;
  diagnostics: Diagnostic[];
}

export function parseYaml(file: string, text: string): ParsedYaml {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: false });
  const diagnostics: Diagnostic[] = [];
  for (const [list, severity] of [[doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
    for (const e of list) {
      const start = Math.min(e.pos?.[0] ?? 0, text.length);
      const end = Math.min(Math.max(e.pos?.[1] ?? 0, start), text.length);
      diagnostics.push({ file, range: { start, end }, severity, message: `YAML: ${firstLine(e.message)}`, code: 'yaml-syntax' });
    }
  }
  return { doc, diagnostics };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** The range of a node's value (without trailing comments); {0,0} when unknown. */
export function rangeOf(node: YamlNode | Pair): Range {
  if (node && isPair(node)) {
    const k = rangeOf(node.key as Node);
    const v = node.value ? rangeOf(node.value as Node) : k;
    return { start: k.start, end: Math.max(k.end, v.end) };
  }
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

/** The pairs of a map node, with string keys; anything else gives none. */
export function pairsOf(node: YamlNode): Array<{ key: string; keyRange: Range; value: YamlNode; pair: Pair }> {
  if (!isMap(node)) return [];
  return (node as YAMLMap).items.map((pair) => ({
    key: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
    keyRange: rangeOf(pair.key as Node),
    value: pair.value as YamlNode,
    pair,
  }));
}

export function getPair(node: YamlNode, key: string): { keyRange: Range; value: YamlNode } | undefined {
  return pairsOf(node).find((p) => p.key === key);
}

export function get(node: YamlNode, key: string): YamlNode {
  return getPair(node, key)?.value;
}

export function itemsOf(node: YamlNode): YamlNode[] {
  return isSeq(node) ? (node.items as YamlNode[]) : [];
}

/** The plain JS value of a node (aliases resolved against the document). */
export function toJs(doc: Document, node: YamlNode): unknown {
  if (!node) return node === null ? null : undefined;
  try {
    return (node as Node).toJS(doc);
  } catch {
    return undefined;
  }
}

export function str(node: YamlNode): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return typeof node.value === 'object' ? undefined : String(node.value);
}

export function isYamlMap(node: YamlNode): boolean {
  return isMap(node);
}

export function isYamlSeq(node: YamlNode): boolean {
  return isSeq(node);
}

/** Walks a JSON-pointer-like path ('/sources/app_logs/format') through maps and sequences. */
export function nodeAt(root: YamlNode, segments: string[]): { node: YamlNode; keyRange?: Range } {
  let node = root;
  let keyRange: Range | undefined;
  for (const seg of segments) {
    if (isSeq(node)) {
      node = (node.items as YamlNode[])[Number(seg)];
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
