// Jinja2's built-in filters (and dbt's as_bool, as_number, as_text, as_native), with Python's rules:
// `x|f(args)` calls FILTERS.f(x, args, kwargs, host); the host gives attribute lookup and the tests.
import { methodOf, sortValues } from './methods.js';
import { equals, Float, isDict, isFloat, iterate, makeNumber, num, repr, str, truthy, tuple, Undefined, UNDEFINED } from './values.js';

/** What filters need from the interpreter: attribute lookup and the other filters and tests. */
export interface FilterHost {
  getattr(value: unknown, name: string): unknown;
  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown;
  test(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean;
}

export type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>, host: FilterHost) => unknown;
export type Test = (value: unknown, args: unknown[]) => boolean;

/** Binds positional and keyword arguments to parameter names, Python-style. */
function bind(args: unknown[], kwargs: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (i < args.length) out[n] = args[i];
    else if (n in kwargs) out[n] = kwargs[n];
  });
  return out;
}

/** `attribute='a.b'` paths of filters such as map, sort and selectattr; digits index lists. */
function attrGetter(host: FilterHost, path: unknown): (v: unknown) => unknown {
  const parts = String(path).split('.');
  return (v) => parts.reduce((acc, p) => (/^\d+$/.test(p) && Array.isArray(acc) ? (acc[Number(p)] ?? UNDEFINED) : host.getattr(acc, p)), v);
}

const list = (v: unknown): unknown[] => iterate(v);

function toInt(v: unknown, fallback: unknown = 0, base = 10): unknown {
  const n = num(v);
  if (n !== undefined) return Math.trunc(n);
  if (typeof v === 'string') {
    const parsed = base === 10 ? Number(v.trim()) : parseInt(v.trim(), base);
    return Number.isNaN(parsed) ? fallback : Math.trunc(parsed);
  }
  return fallback;
}

function toFloat(v: unknown, fallback: unknown = new Float(0)): unknown {
  const n = num(v);
  if (n !== undefined) return makeNumber(n, true);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return makeNumber(Number(v), true);
  return fallback;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function round(v: unknown, precision: unknown, method: unknown): unknown {
  const n = num(v) ?? 0;
  const p = Number(precision ?? 0);
  const f = 10 ** p;
  const scaled = n * f;
  const r = method === 'floor' ? Math.floor(scaled) : method === 'ceil' ? Math.ceil(scaled) : roundHalfEven(scaled);
  return makeNumber(r / f, true);
}

function selectOrReject(keep: boolean, byAttr: boolean): Filter {
  return (value, args, _kw, host) => {
    const [first, ...rest] = args;
    const get = byAttr ? attrGetter(host, first) : (v: unknown) => v;
    const testArgs = byAttr ? rest : args;
    const [testName, ...more] = testArgs;
    return list(value).filter((item) => {
      const subject = get(item);
      const passed = testName === undefined ? truthy(subject) : host.test(String(testName), subject, more, {});
      return passed === keep;
    });
  };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** JSON as Python's json.dumps writes it (", " and ": " separators); relations and macros as their strings. */
export function pyJson(v: unknown, indent?: number, depth = 0): string {
  const pad = (d: number): string => (indent === undefined ? '' : '\n' + ' '.repeat(indent * d));
  const itemSep = indent === undefined ? ', ' : ',';
  if (v === null || v === undefined || v instanceof Undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : Number.isNaN(v) ? 'NaN' : '-Infinity';
  if (v instanceof Float) return `${v.value}.0`;
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => pad(depth + 1) + pyJson(x, indent, depth + 1)).join(itemSep)}${pad(depth)}]`;
  }
  if (isDict(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, x]) => `${pad(depth + 1)}${pyJson(k)}: ${pyJson(x, indent, depth + 1)}`).join(itemSep)}${pad(depth)}}`;
  }
  return pyJson(String(v));
}

/** A filter that is the Python str method of the same meaning (`x|title` is `str(x).title()`). */
function strMethod(name: string, args: (given: unknown[]) => unknown[] = (given) => given): Filter {
  return (v, given, kwargs) => methodOf(str(v), name)!.call(args(given), kwargs);
}

export const FILTERS: Record<string, Filter> = {
  abs: (v) => makeNumber(Math.abs(num(v) ?? 0), isFloat(v)),
  attr: (v, [name], _kw, host) => host.getattr(v, String(name)),
  batch: (v, [size, fill]) => {
    const items = list(v);
    const n = Number(size);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (fill !== undefined && last) while (last.length < n) last.push(fill);
    return out;
  },
  capitalize: strMethod('capitalize'),
  center: strMethod('center', ([width]) => [width ?? 80]),
  default: (v, args, kw) => {
    const a = bind(args, kw, ['default_value', 'boolean']);
    const fallback = a.default_value ?? '';
    if (v instanceof Undefined) return fallback;
    return a.boolean === true && !truthy(v) ? fallback : v;
  },
  dictsort: (v, args, kw) => {
    const a = bind(args, kw, ['case_sensitive', 'by', 'reverse']);
    const index = a.by === 'value' ? 1 : 0;
    const fold = (x: unknown): unknown => (typeof x === 'string' && a.case_sensitive !== true ? x.toLowerCase() : x);
    const entries = isDict(v) ? Object.entries(v).map(([k, x]) => tuple([k, x])) : [];
    return sortValues(entries, a.reverse === true, (e) => fold((e as unknown[])[index]));
  },
  escape: (v) => escapeHtml(str(v)),
  first: (v) => list(v)[0] ?? UNDEFINED,
  float: (v, args, kw) => toFloat(v, bind(args, kw, ['default']).default ?? new Float(0)),
  format: (v, args, kw) => {
    const values = args.length > 0 ? args : Object.values(kw);
    let i = 0;
    return str(v).replace(/%(\(\w+\))?[-+ #0]*\d*(?:\.\d+)?([sdifr%])/g, (m, key: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const x = key ? kw[key.slice(1, -1)] : values[i++];
      if (conv === 'r') return repr(x);
      const flags = /^%(?:\(\w+\))?([-+ #0]*)(\d*)/.exec(m)!;
      let out: string;
      if (conv === 'f') {
        const prec = /\.(\d+)/.exec(m)?.[1];
        out = (num(x) ?? Number(x)).toFixed(prec === undefined ? 6 : Number(prec));
      } else if (conv === 'd' || conv === 'i') out = String(Math.trunc(num(x) ?? Number(x)));
      else out = str(x);
      const width = Number(flags[2] || 0);
      if (flags[1].includes('-')) return out.padEnd(width);
      return flags[1].includes('0') && conv !== 's' ? out.padStart(width, '0') : out.padStart(width);
    });
  },
  groupby: (v, args, kw, host) => {
    const a = bind(args, kw, ['attribute', 'default']);
    const get = attrGetter(host, a.attribute);
    const groups: Array<[unknown, unknown[]]> = [];
    for (const item of sortValues(list(v), false, get)) {
      const key = get(item) instanceof Undefined && a.default !== undefined ? a.default : get(item);
      const last = groups[groups.length - 1];
      if (last && equals(last[0], key)) last[1].push(item);
      else groups.push([key, [item]]);
    }
    return groups.map(([k, items]) => tuple([k, items]));
  },
  indent: (v, args, kw) => {
    const a = bind(args, kw, ['width', 'first', 'blank']);
    const pad = typeof a.width === 'string' ? a.width : ' '.repeat(Number(a.width ?? 4));
    const lines = str(v).split('\n');
    return lines.map((l, i) => ((i === 0 && a.first !== true) || (l.trim() === '' && a.blank !== true) ? l : pad + l)).join('\n');
  },
  int: (v, args, kw) => {
    const a = bind(args, kw, ['default', 'base']);
    return toInt(v, a.default ?? 0, Number(a.base ?? 10));
  },
  items: (v) => (isDict(v) ? Object.entries(v).map(([k, x]) => tuple([k, x])) : []),
  join: (v, args, kw, host) => {
    const a = bind(args, kw, ['d', 'attribute']);
    const get = a.attribute === undefined || a.attribute === null ? (x: unknown) => x : attrGetter(host, a.attribute);
    return list(v).map((x) => str(get(x))).join(a.d === undefined ? '' : str(a.d));
  },
  last: (v) => {
    const items = list(v);
    return items.length > 0 ? items[items.length - 1] : UNDEFINED;
  },
  length: (v) => (isDict(v) ? Object.keys(v).length : list(v).length),
  list: (v) => [...list(v)],
  lower: (v) => str(v).toLowerCase(),
  map: (v, args, kw, host) => {
    if (kw.attribute !== undefined) {
      const get = attrGetter(host, kw.attribute);
      return list(v).map((x) => {
        const got = get(x);
        return got instanceof Undefined && kw.default !== undefined ? kw.default : got;
      });
    }
    const [name, ...rest] = args;
    return list(v).map((x) => host.filter(String(name), x, rest, {}));
  },
  max: (v, args, kw, host) => {
    const items = sortValues(list(v), true, kw.attribute === undefined ? undefined : attrGetter(host, kw.attribute));
    return items[0] ?? UNDEFINED;
  },
  min: (v, args, kw, host) => {
    const items = sortValues(list(v), false, kw.attribute === undefined ? undefined : attrGetter(host, kw.attribute));
    return items[0] ?? UNDEFINED;
  },
  pprint: (v) => repr(v),
  reject: selectOrReject(false, false),
  rejectattr: selectOrReject(false, true),
  replace: strMethod('replace'),
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...list(v)].reverse()),
  round: (v, args, kw) => {
    const a = bind(args, kw, ['precision', 'method']);
    return round(v, a.precision, a.method);
  },
  safe: (v) => v,
  select: selectOrReject(true, false),
  selectattr: selectOrReject(true, true),
  slice: (v, [slices, fill]) => {
    const items = list(v);
    const n = Number(slices);
    const per = Math.floor(items.length / n);
    const extra = items.length % n;
    const out: unknown[][] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      const chunk = items.slice(at, at + size);
      at += size;
      if (fill !== undefined && i >= extra && extra > 0) chunk.push(fill);
      out.push(chunk);
    }
    return out;
  },
  sort: (v, args, kw, host) => {
    const a = bind(args, kw, ['reverse', 'case_sensitive', 'attribute']);
    const get = a.attribute === undefined || a.attribute === null ? (x: unknown) => x : attrGetter(host, a.attribute);
    const key = (x: unknown): unknown => {
      const k = get(x);
      return typeof k === 'string' && a.case_sensitive !== true ? k.toLowerCase() : k;
    };
    return sortValues(list(v), a.reverse === true, key);
  },
  string: (v) => str(v),
  striptags: (v) => str(v).replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim(),
  sum: (v, args, kw, host) => {
    const a = bind(args, kw, ['attribute', 'start']);
    const get = a.attribute === undefined || a.attribute === null ? (x: unknown) => x : attrGetter(host, a.attribute);
    let float = isFloat(a.start);
    const total = list(v).reduce<number>((acc, x) => {
      const value = get(x);
      float ||= isFloat(value);
      return acc + (num(value) ?? 0);
    }, num(a.start) ?? 0);
    return makeNumber(total, float);
  },
  title: strMethod('title'),
  tojson: (v, args, kw) => {
    const indent = bind(args, kw, ['indent']).indent;
    return pyJson(v, typeof indent === 'number' ? indent : undefined);
  },
  trim: strMethod('strip'),
  truncate: (v, args, kw) => {
    const a = bind(args, kw, ['length', 'killwords', 'end', 'leeway']);
    const s = str(v);
    const length = Number(a.length ?? 255);
    const end = a.end === undefined ? '...' : str(a.end);
    const leeway = Number(a.leeway ?? 5);
    if (s.length <= length + leeway) return s;
    if (a.killwords === true) return s.slice(0, length - end.length) + end;
    const cut = s.slice(0, length - end.length);
    const space = cut.lastIndexOf(' ');
    return (space > 0 ? cut.slice(0, space) : cut) + end;
  },
  unique: (v, args, kw, host) => {
    const get = kw.attribute === undefined ? (x: unknown) => x : attrGetter(host, kw.attribute);
    const key = (x: unknown): unknown => {
      const k = get(x);
      return typeof k === 'string' && kw.case_sensitive !== true ? k.toLowerCase() : k;
    };
    const out: unknown[] = [];
    for (const x of list(v)) if (!out.some((y) => equals(key(y), key(x)))) out.push(x);
    return out;
  },
  upper: (v) => str(v).toUpperCase(),
  urlencode: (v) => (isDict(v) ? Object.entries(v).map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(str(x))}`).join('&') : encodeURIComponent(str(v)).replace(/%2F/g, '/')),
  wordcount: (v) => (str(v).match(/\w+/g) ?? []).length,
  wordwrap: (v, args, kw) => {
    const a = bind(args, kw, ['width', 'break_long_words', 'wrapstring']);
    const width = Number(a.width ?? 79);
    const lines: string[] = [];
    let line = '';
    for (const word of str(v).split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    return lines.join(a.wrapstring === undefined ? '\n' : str(a.wrapstring));
  },
  xmlattr: (v) => (isDict(v) ? Object.entries(v).filter(([, x]) => x !== null && !(x instanceof Undefined)).map(([k, x]) => ` ${k}="${escapeHtml(str(x))}"`).join('') : ''),
  // dbt's own filters.
  as_bool: (v) => (typeof v === 'string' ? /^(true|1|yes)$/i.test(v.trim()) : truthy(v)),
  as_number: (v) => {
    const n = typeof v === 'string' ? Number(v) : num(v);
    return n === undefined || Number.isNaN(n) ? v : n;
  },
  as_text: (v) => str(v),
  as_native: (v) => v,
};
FILTERS.d = FILTERS.default;
FILTERS.e = FILTERS.escape;
FILTERS.forceescape = FILTERS.escape;
FILTERS.count = FILTERS.length;
