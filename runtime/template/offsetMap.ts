// Maps compiled-SQL offsets back to template offsets. Literal template text that reached the output
// maps exactly; output printed by a `{{ }}` maps to that tag; anything else to the tags around it.
import type { OffsetMap, Range } from '../project/types.js';

/**
 * A run of output [outStart, outEnd) and where it came from: copied literal text (`exact`, starting
 * at template offset tplStart) or printed by the tag spanning [tplStart, tplEnd).
 */
export interface Piece {
  outStart: number;
  outEnd: number;
  tplStart: number;
  tplEnd: number;
  exact: boolean;
}

/** A map as plain data, so it can cross to another thread (the language server renders on a worker). */
export type MapData =
  | { kind: 'segments'; pieces: Piece[]; spans: Range[]; templateLength: number; outputLength: number }
  | { kind: 'splice'; inner: MapData; at: number; length: number; insertedFrom: Range }
  | { kind: 'constant'; range: Range };

/** An offset map that can say what it is made of. */
export interface DataMap extends OffsetMap {
  readonly data: MapData;
}

export class SegmentMap implements DataMap {
  private readonly spans: Range[];
  /**
   * @param pieces literal runs in output order
   * @param spans the template's Jinja spans, sorted by start
   * @param templateLength the template's length
   * @param outputLength the output's length
   */
  constructor(
    private readonly pieces: Piece[],
    spans: Range[],
    private readonly templateLength: number,
    private readonly outputLength: number,
  ) {
    this.spans = spans.map((s) => ({ start: s.start, end: s.end }));
  }

  get data(): MapData {
    return { kind: 'segments', pieces: this.pieces, spans: this.spans, templateLength: this.templateLength, outputLength: this.outputLength };
  }

  toTemplate(offset: number): Range {
    const i = this.pieceAtOrBefore(offset);
    const p = i >= 0 ? this.pieces[i] : undefined;
    if (p && offset < p.outEnd) {
      if (!p.exact) return { start: p.tplStart, end: p.tplEnd };
      const t = p.tplStart + (offset - p.outStart);
      return { start: t, end: Math.min(t + 1, this.templateLength) };
    }
    const next = this.pieces[i + 1];
    const a = p ? p.tplEnd : 0;
    const b = next ? next.tplStart : this.templateLength;
    return this.producer(a, b, offset >= this.outputLength);
  }

  /** The tag(s) between template offsets a and b; across a loop's back edge (a > b), the tag after a. */
  private producer(a: number, b: number, atEnd: boolean): Range {
    const inside = this.spans.filter((s) => s.start >= a && s.end <= b);
    if (a <= b && inside.length > 0) return { start: inside[0].start, end: inside[inside.length - 1].end };
    if (a <= b) return atEnd ? { start: b, end: b } : { start: a, end: b };
    const after = this.spans.find((s) => s.start >= a);
    return after ? { start: after.start, end: after.end } : { start: a, end: this.templateLength };
  }

  private pieceAtOrBefore(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.pieces[mid].outStart <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/**
 * The map after `length` characters were inserted at output offset `at` (e.g. ephemeral CTEs):
 * inserted offsets map to `insertedFrom`, later ones shift back.
 */
export function spliceMap(inner: OffsetMap, at: number, length: number, insertedFrom: Range): DataMap {
  return {
    get data(): MapData {
      return { kind: 'splice', inner: dataOf(inner), at, length, insertedFrom };
    },
    toTemplate(offset: number): Range {
      if (offset < at) return inner.toTemplate(offset);
      if (offset < at + length) return insertedFrom;
      return inner.toTemplate(offset - length);
    },
  };
}

/** A compiled-SQL range mapped back to the template: exact when both ends fall in literal text. */
export function mapRange(map: OffsetMap, range: Range): Range {
  const start = map.toTemplate(range.start);
  if (range.end <= range.start) return start;
  const end = map.toTemplate(range.end - 1);
  return { start: Math.min(start.start, end.start), end: Math.max(start.end, end.end) };
}

/** Maps every offset to one range (a node with no template, e.g. a generic test). */
export function constantMap(range: Range): DataMap {
  return { data: { kind: 'constant', range }, toTemplate: () => range };
}

/** The data of a map made here; any other map is taken as mapping everything to its start. */
export function dataOf(map: OffsetMap): MapData {
  return (map as Partial<DataMap>).data ?? { kind: 'constant', range: map.toTemplate(0) };
}

/** The map that `dataOf` described. */
export function mapOf(data: MapData): DataMap {
  switch (data.kind) {
    case 'segments':
      return new SegmentMap(data.pieces, data.spans, data.templateLength, data.outputLength);
    case 'splice':
      return spliceMap(mapOf(data.inner), data.at, data.length, data.insertedFrom);
    case 'constant':
      return constantMap(data.range);
  }
}
