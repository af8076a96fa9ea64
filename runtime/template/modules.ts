// dbt's `modules` in templates: the parts of Python's datetime, re and itertools that packages use
// (dbt_date, dbt_utils): dates and datetimes with timedelta arithmetic, strftime and isoformat,
// regular expressions, product and chain. Times are UTC.
import { Callable, newDict, num, str, tuple, Undefined, type JinjaObject } from './jinja/values.js';

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class TimeDelta implements JinjaObject {
  constructor(readonly ms: number) {}
  jinjaAttr(name: string): unknown {
    if (name === 'days') return Math.floor(this.ms / DAY_MS);
    if (name === 'seconds') return Math.floor((this.ms % DAY_MS) / 1000);
    if (name === 'total_seconds') return new Callable(name, () => this.ms / 1000);
    return new Undefined(name);
  }
  jinjaBinary(op: string, other: unknown): unknown {
    if (other instanceof TimeDelta && (op === '+' || op === '-')) return new TimeDelta(op === '+' ? this.ms + other.ms : this.ms - other.ms);
    if (op === '*' && typeof other === 'number') return new TimeDelta(this.ms * other);
    return undefined;
  }
  toString(): string {
    const days = Math.floor(this.ms / DAY_MS);
    const rest = Math.floor((this.ms - days * DAY_MS) / 1000);
    const time = `${Math.floor(rest / 3600)}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}`;
    return days === 0 ? time : `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${time}`;
  }
}

/** A datetime.datetime or, with `dateOnly`, a datetime.date. */
export class PyDateTime implements JinjaObject {
  constructor(
    readonly ms: number,
    readonly dateOnly = false,
  ) {}
  private get d(): Date {
    return new Date(this.ms);
  }
  jinjaAttr(name: string): unknown {
    const d = this.d;
    switch (name) {
      case 'year':
        return d.getUTCFullYear();
      case 'month':
        return d.getUTCMonth() + 1;
      case 'day':
        return d.getUTCDate();
      case 'hour':
        return this.dateOnly ? new Undefined(name) : d.getUTCHours();
      case 'minute':
        return this.dateOnly ? new Undefined(name) : d.getUTCMinutes();
      case 'second':
        return this.dateOnly ? new Undefined(name) : d.getUTCSeconds();
      case 'microsecond':
        return this.dateOnly ? new Undefined(name) : d.getUTCMilliseconds() * 1000;
      case 'isoformat':
        return new Callable(name, ([sep]) => this.isoformat(sep === undefined ? 'T' : str(sep)));
      case 'strftime':
        return new Callable(name, ([format]) => this.strftime(str(format)));
      case 'date':
        return new Callable(name, () => new PyDateTime(Math.floor(this.ms / DAY_MS) * DAY_MS, true));
      case 'weekday':
        return new Callable(name, () => (d.getUTCDay() + 6) % 7);
      case 'isoweekday':
        return new Callable(name, () => ((d.getUTCDay() + 6) % 7) + 1);
      case 'timestamp':
        return new Callable(name, () => this.ms / 1000);
      case 'astimezone':
        return new Callable(name, () => this);
      case 'replace':
        return new Callable(name, (_args, kw) => {
          const n = new Date(this.ms);
          if (kw.year !== undefined) n.setUTCFullYear(Number(kw.year));
          if (kw.month !== undefined) n.setUTCMonth(Number(kw.month) - 1);
          if (kw.day !== undefined) n.setUTCDate(Number(kw.day));
          if (kw.hour !== undefined) n.setUTCHours(Number(kw.hour));
          if (kw.minute !== undefined) n.setUTCMinutes(Number(kw.minute));
          if (kw.second !== undefined) n.setUTCSeconds(Number(kw.second));
          if (kw.microsecond !== undefined) n.setUTCMilliseconds(Math.floor(Number(kw.microsecond) / 1000));
          return new PyDateTime(n.getTime(), this.dateOnly);
        });
    }
    return new Undefined(name);
  }
  jinjaBinary(op: string, other: unknown, reversed: boolean): unknown {
    if (other instanceof TimeDelta && !reversed && (op === '+' || op === '-')) return new PyDateTime(op === '+' ? this.ms + other.ms : this.ms - other.ms, this.dateOnly);
    if (other instanceof TimeDelta && reversed && op === '+') return new PyDateTime(this.ms + other.ms, this.dateOnly);
    if (other instanceof PyDateTime && op === '-') return new TimeDelta(reversed ? other.ms - this.ms : this.ms - other.ms);
    return undefined;
  }
  jinjaCompare(other: unknown): number | undefined {
    return other instanceof PyDateTime ? this.ms - other.ms : undefined;
  }
  isoformat(sep = 'T'): string {
    const d = this.d;
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (this.dateOnly) return date;
    const micro = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds() * 1000, 6)}`;
    return `${date}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${micro}`;
  }
  strftime(format: string): string {
    const d = this.d;
    const codes: Record<string, () => string> = {
      Y: () => pad(d.getUTCFullYear(), 4),
      y: () => pad(d.getUTCFullYear() % 100),
      m: () => pad(d.getUTCMonth() + 1),
      d: () => pad(d.getUTCDate()),
      H: () => pad(d.getUTCHours()),
      I: () => pad(((d.getUTCHours() + 11) % 12) + 1),
      p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
      M: () => pad(d.getUTCMinutes()),
      S: () => pad(d.getUTCSeconds()),
      f: () => pad(d.getUTCMilliseconds() * 1000, 6),
      j: () => pad(Math.floor((this.ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1, 3),
      a: () => DAYS[(d.getUTCDay() + 6) % 7].slice(0, 3),
      A: () => DAYS[(d.getUTCDay() + 6) % 7],
      w: () => String(d.getUTCDay()),
      b: () => MONTHS[d.getUTCMonth()].slice(0, 3),
      B: () => MONTHS[d.getUTCMonth()],
      z: () => '+0000',
      Z: () => 'UTC',
      '%': () => '%',
    };
    return format.replace(/%([a-zA-Z%])/g, (m, c: string) => codes[c]?.() ?? m);
  }
  toString(): string {
    return this.isoformat(' ');
  }
}

function parseIso(text: string, dateOnly: boolean): PyDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(text.trim());
  if (!m) throw new Error(`Invalid isoformat string: '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
  return new PyDateTime(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac}`) * 1000)), dateOnly);
}

function pyRegex(pattern: unknown, flags: unknown): RegExp {
  const f = Number(flags ?? 0);
  const source = str(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(source, `${f & 2 ? 'i' : ''}${f & 8 ? 'm' : ''}${f & 16 ? 's' : ''}`);
}

class Match implements JinjaObject {
  constructor(private readonly m: RegExpExecArray) {}
  jinjaAttr(name: string): unknown {
    if (name === 'group') return new Callable(name, ([g]) => (g === undefined ? this.m[0] : typeof g === 'string' ? (this.m.groups?.[g] ?? null) : (this.m[Number(g)] ?? null)));
    if (name === 'groups') return new Callable(name, () => tuple(this.m.slice(1).map((x) => x ?? null)));
    if (name === 'start') return new Callable(name, () => this.m.index);
    if (name === 'end') return new Callable(name, () => this.m.index + this.m[0].length);
    return new Undefined(name);
  }
  toString(): string {
    return `<re.Match object; match='${this.m[0]}'>`;
  }
}

function reFunctions(compiled?: RegExp): Record<string, Callable> {
  const re = (args: unknown[]): [RegExp, unknown[]] => (compiled ? [compiled, args] : [pyRegex(args[0], undefined), args.slice(1)]);
  const withFlags = (args: unknown[], kw: Record<string, unknown>, at: number): RegExp => (compiled ? compiled : pyRegex(args[0], kw.flags ?? args[at]));
  return {
    match: new Callable('match', (args, kw) => {
      const r = withFlags(args, kw, 2);
      const text = str(compiled ? args[0] : args[1]);
      const m = new RegExp(`^(?:${r.source})`, r.flags).exec(text);
      return m ? new Match(m) : null;
    }),
    search: new Callable('search', (args, kw) => {
      const r = withFlags(args, kw, 2);
      const m = r.exec(str(compiled ? args[0] : args[1]));
      return m ? new Match(m) : null;
    }),
    fullmatch: new Callable('fullmatch', (args, kw) => {
      const r = withFlags(args, kw, 2);
      const m = new RegExp(`^(?:${r.source})$`, r.flags).exec(str(compiled ? args[0] : args[1]));
      return m ? new Match(m) : null;
    }),
    findall: new Callable('findall', (args) => {
      const [r, rest] = re(args);
      return [...str(rest[0]).matchAll(new RegExp(r.source, r.flags + 'g'))].map((m) => (m.length > 2 ? tuple(m.slice(1)) : (m[1] ?? m[0])));
    }),
    sub: new Callable('sub', (args) => {
      const [r, rest] = re(args);
      const replacement = str(rest[0]).replace(/\\(\d)/g, '$$$1').replace(/\\g<(\w+)>/g, '$<$1>');
      return str(rest[1]).replace(new RegExp(r.source, r.flags + 'g'), replacement);
    }),
    split: new Callable('split', (args) => {
      const [r, rest] = re(args);
      return str(rest[0]).split(new RegExp(r.source, r.flags));
    }),
  };
}

const reModule = newDict([
  ...Object.entries(reFunctions()),
  ['compile', new Callable('compile', ([pattern, flags]) => newDict(Object.entries(reFunctions(pyRegex(pattern, flags)))))],
  ['IGNORECASE', 2],
  ['I', 2],
  ['MULTILINE', 8],
  ['M', 8],
  ['DOTALL', 16],
  ['S', 16],
]);

const delta = new Callable('timedelta', (args, kw) => {
  const n = (k: string, i: number): number => num(kw[k] ?? args[i]) ?? 0;
  return new TimeDelta(n('days', 0) * DAY_MS + n('seconds', 1) * 1000 + n('microseconds', 2) / 1000 + n('milliseconds', 3) + n('minutes', 4) * 60_000 + n('hours', 5) * 3_600_000 + n('weeks', 6) * 7 * DAY_MS);
});

/** A Python class: callable to construct, with class methods as attributes (`datetime.now()`). */
class PyClass extends Callable implements JinjaObject {
  constructor(
    name: string,
    construct: (args: unknown[], kwargs: Record<string, unknown>) => unknown,
    private readonly methods: Record<string, Callable>,
  ) {
    super(name, construct);
  }
  jinjaAttr(attr: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.methods, attr) ? this.methods[attr] : new Undefined(attr);
  }
  override toString(): string {
    return `<class '${this.name}'>`;
  }
}

function construct(args: unknown[], kw: Record<string, unknown>, dateOnly: boolean): PyDateTime {
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];
  const [y, mo, d, h, mi, s, us] = names.map((n, i) => num(kw[n] ?? args[i]) ?? (i < 3 ? 1 : 0));
  return new PyDateTime(Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(us / 1000)), dateOnly);
}

/** `modules` for a run that started at `started` (what `now()` and `run_started_at` give). */
export function pythonModules(started: number): Record<string, unknown> {
  const datetime = new PyClass('datetime', (args, kw) => construct(args, kw, false), {
    now: new Callable('now', () => new PyDateTime(started)),
    utcnow: new Callable('utcnow', () => new PyDateTime(started)),
    fromisoformat: new Callable('fromisoformat', ([t]) => parseIso(str(t), false)),
    strptime: new Callable('strptime', ([t]) => parseIso(str(t), false)),
    combine: new Callable('combine', ([d]) => (d instanceof PyDateTime ? new PyDateTime(d.ms) : null)),
  });
  const date = new PyClass('date', (args, kw) => construct(args, kw, true), {
    today: new Callable('today', () => new PyDateTime(Math.floor(started / DAY_MS) * DAY_MS, true)),
    fromisoformat: new Callable('fromisoformat', ([t]) => parseIso(str(t), true)),
  });
  const itertools = newDict([
    ['product', new Callable('product', (args, kw) => {
      const pools = args.map((a) => (Array.isArray(a) ? a : []));
      const repeat = Number(kw.repeat ?? 1);
      const all = Array.from({ length: repeat }, () => pools).flat();
      return all.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((x) => [...prefix, x])), [[]]).map((t) => tuple(t));
    })],
    ['chain', new Callable('chain', (args) => args.flatMap((a) => (Array.isArray(a) ? a : [])))],
  ]);
  return {
    datetime: newDict([['datetime', datetime], ['date', date], ['timedelta', delta], ['timezone', newDict([['utc', 'UTC']])]]),
    re: reModule,
    itertools,
    pytz: newDict([['utc', 'UTC'], ['timezone', new Callable('timezone', () => 'UTC')]]),
  };
}
