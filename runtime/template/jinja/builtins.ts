// Jinja2's built-in tests (`x is defined`, `is divisibleby 3`, ...), Python's `in`, and the global
// functions (range, dict, joiner, cycler, namespace) with the sandbox's limits (a range holds at most
// 100,000 items, as in Jinja2's SandboxedEnvironment).
import { FILTERS, type Test } from './filters.js';
import { Callable, dictHas, equals, Float, isDict, isFloat, isJinjaObject, newDict, num, repr, str, typeName, Undefined, UNDEFINED, type Dict, type JinjaObject } from './values.js';

const cmp = (a: unknown, b: unknown): number => {
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0;
};

export const TESTS: Record<string, Test> = {
  boolean: (v) => typeof v === 'boolean',
  callable: (v) => v instanceof Callable,
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  divisibleby: (v, [n]) => (num(v) ?? 0) % (num(n) ?? 1) === 0,
  eq: (v, [x]) => equals(v, x),
  ne: (v, [x]) => !equals(v, x),
  lt: (v, [x]) => cmp(v, x) < 0,
  le: (v, [x]) => cmp(v, x) <= 0,
  gt: (v, [x]) => cmp(v, x) > 0,
  ge: (v, [x]) => cmp(v, x) >= 0,
  escaped: () => false,
  even: (v) => (num(v) ?? 1) % 2 === 0,
  odd: (v) => Math.abs((num(v) ?? 0) % 2) === 1,
  false: (v) => v === false,
  true: (v) => v === true,
  float: (v) => isFloat(v),
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number' || v instanceof Float,
  in: (v, [container]) => contains(container, v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v),
  mapping: (v) => isDict(v) || (isJinjaObject(v) && v.jinjaMapping === true),
  string: (v) => typeof v === 'string',
  none: (v) => v === null,
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  sameas: (v, [x]) => v === x,
  filter: (v) => typeof v === 'string' && v in FILTERS,
  test: (v) => typeof v === 'string' && v in TESTS,
};
Object.assign(TESTS, { '==': TESTS.eq, equalto: TESTS.eq, '!=': TESTS.ne, '<': TESTS.lt, lessthan: TESTS.lt, '<=': TESTS.le, '>': TESTS.gt, greaterthan: TESTS.gt, '>=': TESTS.ge });

/** Python's `in`: a substring, a list item, a dict key. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(str(item));
  if (Array.isArray(container)) return container.some((x) => equals(x, item));
  if (isDict(container)) return typeof item === 'string' && dictHas(container, item);
  if (container instanceof Undefined) return false;
  throw new Error(`argument of type '${typeName(container)}' is not iterable`);
}

/** Jinja2's sandbox refuses larger ranges; so does ours. */
export const MAX_RANGE = 100_000;

/** namespace(): an object whose attributes `{% set ns.x = ... %}` may assign from any scope. */
export class Namespace implements JinjaObject {
  constructor(readonly values: Dict) {}
  jinjaAttr(name: string): unknown {
    return dictHas(this.values, name) ? this.values[name] : UNDEFINED;
  }
  toString(): string {
    return `<Namespace ${repr(this.values)}>`;
  }
}

/** cycler(a, b, ...): `next()` gives each item in turn, `current` the one that comes next. */
class Cycler implements JinjaObject {
  private i = 0;
  constructor(private readonly items: unknown[]) {}
  jinjaAttr(name: string): unknown {
    if (name === 'current') return this.items[this.i] ?? UNDEFINED;
    if (name === 'next')
      return new Callable('next', () => {
        const v = this.items[this.i];
        this.i = (this.i + 1) % Math.max(1, this.items.length);
        return v ?? UNDEFINED;
      });
    if (name === 'reset')
      return new Callable('reset', () => {
        this.i = 0;
        return null;
      });
    return UNDEFINED;
  }
  toString(): string {
    return '<Cycler>';
  }
}

export const GLOBALS: Record<string, unknown> = {
  range: new Callable('range', (args) => {
    const [a, b, c] = args.map((x) => num(x) ?? Number(x));
    const [start, stop, step] = args.length === 1 ? [0, a, 1] : [a, b, args.length > 2 ? c : 1];
    if (step === 0) throw new Error('range() arg 3 must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > MAX_RANGE) throw new Error(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  }),
  dict: new Callable('dict', (args, kwargs) => {
    const out = newDict();
    const [first] = args;
    if (isDict(first)) Object.assign(out, first);
    else if (Array.isArray(first)) for (const pair of first) if (Array.isArray(pair)) out[str(pair[0])] = pair[1];
    Object.assign(out, kwargs);
    return out;
  }),
  joiner: new Callable('joiner', (args) => {
    const sep = args.length > 0 ? str(args[0]) : ', ';
    let used = false;
    return new Callable('joiner', () => {
      if (used) return sep;
      used = true;
      return '';
    });
  }),
  cycler: new Callable('cycler', (items) => new Cycler(items)),
  namespace: new Callable('namespace', (args, kwargs) => {
    const values = newDict();
    if (isDict(args[0])) Object.assign(values, args[0]);
    Object.assign(values, kwargs);
    return new Namespace(values);
  }),
};
