// Python's methods on str, list and dict, as dbt packages call them in templates
// (`name.lower()`, `cols.append(c)`, `d.items()`). Each is looked up by name and bound to its value;
// anything else is not an attribute.
import { Callable, dictHas, equals, isDict, isJinjaObject, newDict, num, str, Tuple, tuple, typeName, type Dict } from './values.js';

type Method = (self: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const isSpace = (c: string): boolean => /\s/.test(c);

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : String(chars);
  const drop = (c: string): boolean => (set === undefined ? isSpace(c) : set.includes(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && drop(s[a])) a++;
  if (right) while (b > a && drop(s[b - 1])) b--;
  return s.slice(a, b);
}

/** Python's str.split: on runs of whitespace without a separator, else on the separator. */
export function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest.length > 0) {
      if (out.length >= max) {
        out.push(rest.replace(/\s+$/, ''));
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const separator = String(sep);
  if (separator === '') throw new Error('empty separator');
  const parts = s.split(separator);
  if (parts.length - 1 <= max) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(separator)];
}

/** Python's str.format for `{}`, `{0}` and `{name}` fields (format specs are not interpreted). */
function pyFormat(template: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const name = (field ?? '').split(/[:!]/)[0];
    if (name === '') return str(args[auto++]);
    if (/^\d+$/.test(name)) return str(args[Number(name)]);
    return str(kwargs[name]);
  });
}

const STR: Record<string, Method> = {
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  title: (s: string) => s.replace(/\w\S*/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s: string) => (s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase()),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (s: string, [chars]) => stripChars(s, chars, true, true),
  lstrip: (s: string, [chars]) => stripChars(s, chars, true, false),
  rstrip: (s: string, [chars]) => stripChars(s, chars, false, true),
  split: (s: string, [sep, maxsplit], kw) => pySplit(s, sep ?? kw.sep, maxsplit ?? kw.maxsplit),
  rsplit: (s: string, [sep, maxsplit], kw) => {
    const max = (maxsplit ?? kw.maxsplit) as number | undefined;
    const all = pySplit(s, sep ?? kw.sep, undefined);
    if (max === undefined || max < 0 || all.length - 1 <= max) return all;
    const separator = sep === undefined || sep === null ? ' ' : String(sep);
    return [all.slice(0, all.length - max).join(separator), ...all.slice(all.length - max)];
  },
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((l, i, a) => i < a.length - 1 || l !== ''),
  replace: (s: string, [oldValue, newValue, count]) => {
    const parts = s.split(String(oldValue));
    const n = typeof count === 'number' && count >= 0 ? count : parts.length;
    return parts.slice(0, n + 1).join(String(newValue)) + (parts.length > n + 1 ? String(oldValue) + parts.slice(n + 1).join(String(oldValue)) : '');
  },
  startswith: (s: string, [prefix]) => (Array.isArray(prefix) ? prefix.some((p) => s.startsWith(String(p))) : s.startsWith(String(prefix))),
  endswith: (s: string, [suffix]) => (Array.isArray(suffix) ? suffix.some((p) => s.endsWith(String(p))) : s.endsWith(String(suffix))),
  find: (s: string, [sub]) => s.indexOf(String(sub)),
  rfind: (s: string, [sub]) => s.lastIndexOf(String(sub)),
  index: (s: string, [sub]) => {
    const i = s.indexOf(String(sub));
    if (i < 0) throw new Error('substring not found');
    return i;
  },
  count: (s: string, [sub]) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  join: (s: string, [items]) => (Array.isArray(items) ? items : [...String(items)]).map((x) => str(x)).join(s),
  format: (s: string, args, kwargs) => pyFormat(s, args, kwargs),
  isdigit: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^[A-Za-z]+$/.test(s),
  isalnum: (s: string) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  ljust: (s: string, [width, fill]) => s.padEnd(Number(width), fill === undefined ? ' ' : String(fill)),
  rjust: (s: string, [width, fill]) => s.padStart(Number(width), fill === undefined ? ' ' : String(fill)),
  center: (s: string, [width]) => {
    const total = Math.max(0, Number(width) - s.length);
    const left = Math.floor(total / 2);
    return ' '.repeat(left) + s + ' '.repeat(total - left);
  },
  zfill: (s: string, [width]) => (s.startsWith('-') ? '-' + s.slice(1).padStart(Number(width) - 1, '0') : s.padStart(Number(width), '0')),
  partition: (s: string, [sep]) => {
    const i = s.indexOf(String(sep));
    return i < 0 ? tuple([s, '', '']) : tuple([s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
};

function listIndex(list: unknown[], value: unknown): number {
  const i = list.findIndex((x) => equals(x, value));
  if (i < 0) throw new Error(`${str(value)} is not in list`);
  return i;
}

const LIST: Record<string, Method> = {
  append: (l: unknown[], [v]) => {
    l.push(v);
    return null;
  },
  extend: (l: unknown[], [items]) => {
    for (const x of Array.isArray(items) ? items : []) l.push(x);
    return null;
  },
  insert: (l: unknown[], [at, v]) => {
    l.splice(Number(at) < 0 ? Math.max(0, l.length + Number(at)) : Number(at), 0, v);
    return null;
  },
  pop: (l: unknown[], [at]) => {
    if (l.length === 0) throw new Error('pop from empty list');
    const i = at === undefined ? l.length - 1 : Number(at) < 0 ? l.length + Number(at) : Number(at);
    if (i < 0 || i >= l.length) throw new Error('pop index out of range');
    return l.splice(i, 1)[0];
  },
  remove: (l: unknown[], [v]) => {
    l.splice(listIndex(l, v), 1);
    return null;
  },
  index: (l: unknown[], [v]) => listIndex(l, v),
  count: (l: unknown[], [v]) => l.filter((x) => equals(x, v)).length,
  reverse: (l: unknown[]) => {
    l.reverse();
    return null;
  },
  sort: (l: unknown[], _args, kw) => {
    const sorted = sortValues(l, kw.reverse === true);
    l.splice(0, l.length, ...sorted);
    return null;
  },
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => {
    l.length = 0;
    return null;
  },
};

const DICT: Record<string, Method> = {
  items: (d: Dict) => Object.entries(d).map(([k, v]) => tuple([k, v])),
  keys: (d: Dict) => Object.keys(d),
  values: (d: Dict) => Object.values(d),
  get: (d: Dict, [key, fallback]) => (dictHas(d, String(key)) ? d[String(key)] : (fallback ?? null)),
  pop: (d: Dict, [key, fallback]) => {
    const k = String(key);
    if (!dictHas(d, k)) {
      if (fallback === undefined) throw new Error(`KeyError: '${k}'`);
      return fallback;
    }
    const v = d[k];
    delete d[k];
    return v;
  },
  setdefault: (d: Dict, [key, fallback]) => {
    const k = String(key);
    if (!dictHas(d, k)) d[k] = fallback ?? null;
    return d[k];
  },
  update: (d: Dict, [other], kw) => {
    if (isDict(other)) for (const [k, v] of Object.entries(other)) d[k] = v;
    for (const [k, v] of Object.entries(kw)) d[k] = v;
    return null;
  },
  copy: (d: Dict) => newDict(Object.entries(d)),
  clear: (d: Dict) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};

/** Sorts as Python does: numbers by value, strings by code point; mixed kinds are an error. */
export function sortValues(items: unknown[], reverse: boolean, key: (v: unknown) => unknown = (v) => v): unknown[] {
  const keyed = items.map((v) => [key(v), v] as const);
  keyed.sort(([a], [b]) => compareValues(a, b));
  const out = keyed.map(([, v]) => v);
  return reverse ? out.reverse() : out;
}

export function compareValues(a: unknown, b: unknown): number {
  const host = isJinjaObject(a) && a.jinjaCompare ? a.jinjaCompare(b) : undefined;
  if (host !== undefined) return host;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new Error(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** The method `name` of a str, list or dict bound to it, or undefined when there is none. */
export function methodOf(value: unknown, name: string): Callable | undefined {
  let table: Record<string, Method> | undefined;
  if (typeof value === 'string') table = STR;
  else if (Array.isArray(value)) table = value instanceof Tuple ? { index: LIST.index, count: LIST.count } : LIST;
  else if (isDict(value)) table = DICT;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const method = table[name];
  return new Callable(name, (args, kwargs) => method(value as never, args, kwargs));
}
