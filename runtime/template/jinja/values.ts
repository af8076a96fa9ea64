// The values a template can hold, and Python's rules for them (truth, equality, str() and repr()).
// Only these kinds exist inside the sandbox: strings, numbers, booleans, None, Undefined, lists,
// tuples, dicts (own properties only), Callables and JinjaObjects that name their attributes.
// No JavaScript object, prototype or function is reachable from a template.
import type { Range } from '../../project/types.js';

/** Jinja2's Undefined: prints as '', is falsy, and anything read from it is undefined again. */
export class Undefined {
  constructor(readonly hint?: string) {}
}
export const UNDEFINED = new Undefined();

/** A float whose value is a whole number, so it prints as Python does (`5.0`). */
export class Float {
  constructor(readonly value: number) {}
}

/** A tuple: a list that prints with parentheses. */
export class Tuple extends Array<unknown> {
  /** map(), filter() and slice() of a tuple give lists, as Python's functions over tuples do. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export function tuple(items: unknown[]): Tuple {
  const t = new Tuple();
  for (const i of items) t.push(i);
  return t;
}

/** Positional and keyword arguments of a call. */
export interface Args {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Anything a template can call: macros, dbt's context functions, methods, the `dbt` namespace. */
export class Callable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[], kwargs: Record<string, unknown>, caller?: Callable) => unknown,
  ) {}
}

/** A host object that exposes chosen attributes (dbt's Relation, `loop`, namespace(), agate tables). */
export interface JinjaObject {
  jinjaAttr(name: string): unknown;
  toString(): string;
  /** A sequence's items: iteration, `x[0]`, `length` (agate's tables, rows and columns). */
  jinjaItems?(): unknown[];
  /** `self op other` (or `other op self` when `reversed`), undefined when not supported (datetime arithmetic). */
  jinjaBinary?(op: string, other: unknown, reversed: boolean): unknown;
  /** Order against another value of its kind, for `<` and sorting. */
  jinjaCompare?(other: unknown): number | undefined;
  /** True when the object passes `is mapping` (dbt's Relation is a mapping with `.get()`). */
  readonly jinjaMapping?: boolean;
}

export function isJinjaObject(v: unknown): v is JinjaObject {
  return typeof v === 'object' && v !== null && typeof (v as Partial<JinjaObject>).jinjaAttr === 'function';
}

/** A dict: any other object; only its own enumerable properties are visible. */
export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Callable) && !(v instanceof Float) && !(v instanceof Undefined) && !isJinjaObject(v);
}

export function newDict(entries?: Iterable<[string, unknown]>): Dict {
  const d: Dict = Object.create(null) as Dict;
  if (entries) for (const [k, v] of entries) d[k] = v;
  return d;
}

/** Reads a dict's own key: never the prototype chain. */
export function dictGet(d: Dict, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : UNDEFINED;
}

export function dictHas(d: Dict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(d, key);
}

/**
 * Not an error: control leaving a template on purpose (dbt's return(), a loop's break, a query the
 * render must wait for). Passes through error handling untouched; templates cannot catch it.
 */
export class ControlSignal {}

/** An error of the template: positioned in `file`, with the macro calls it passed through. */
export class JinjaError extends Error {
  /** Where the error happened, innermost first, then each macro call site that led to it. */
  readonly trace: Array<{ file: string; range: Range; macro?: string }> = [];
  /** Set when the error is a call of something undefined: `name(...)` or `object.name(...)`. */
  undefinedCall?: { name: string; object?: string };
  constructor(
    message: string,
    readonly kind: 'syntax' | 'runtime' | 'budget',
    file?: string,
    range?: Range,
  ) {
    super(message);
    if (file !== undefined && range) this.trace.push({ file, range });
  }
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof Float) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

export function isFloat(v: unknown): boolean {
  return v instanceof Float || (typeof v === 'number' && !Number.isInteger(v));
}

/** A number result: whole-valued floats keep printing as floats. */
export function makeNumber(n: number, float: boolean): unknown {
  return float && Number.isInteger(n) ? new Float(n) : n;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v instanceof Undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof Float) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

export function equals(a: unknown, b: unknown): boolean {
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => dictHas(b, k) && equals(a[k], b[k]));
  }
  if (isJinjaObject(a) && isJinjaObject(b)) return a === b || String(a) === String(b);
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

/** Python's str(). */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'None';
  if (v instanceof Undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || v instanceof Float) return numberRepr(v);
  if (Array.isArray(v) || isDict(v)) return repr(v);
  if (v instanceof Callable) return `<macro ${v.name}>`;
  return String(v);
}

/** Python's repr(): strings quoted, containers recursively. */
export function repr(v: unknown): string {
  if (typeof v === 'string') return stringRepr(v);
  if (v instanceof Tuple) return v.length === 1 ? `(${repr(v[0])},)` : `(${v.map(repr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${stringRepr(k)}: ${repr(x)}`).join(', ')}}`;
  if (v instanceof Undefined) return '';
  return str(v);
}

function numberRepr(v: number | Float): string {
  if (v instanceof Float) return `${v.value}.0`;
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + quote;
}

/** The Python type name, for error messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Undefined) return 'Undefined';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof Float) return 'float';
  if (v instanceof Tuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Callable) return 'function';
  if (isJinjaObject(v)) return 'object';
  return 'dict';
}

/** Items to iterate over, as Python iterates: a list's items, a dict's keys, a string's characters. */
export function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  if (v instanceof Undefined) return [];
  if (isJinjaObject(v) && v.jinjaItems) return v.jinjaItems();
  throw new Error(`'${typeName(v)}' object is not iterable`);
}
