// Python's operators on template values (arithmetic, comparison, attribute and item access,
// slicing). Attribute access is the sandbox's gate: a dict's own keys, a JinjaObject's named
// attributes and the Python methods of str/list/dict are all a template can reach.
import { contains } from './builtins.js';
import { FILTERS } from './filters.js';
import { compareValues, methodOf } from './methods.js';
import { dictHas, equals, isDict, isFloat, isJinjaObject, makeNumber, num, str, Tuple, tuple, typeName, Undefined, UNDEFINED } from './values.js';

export class OperatorError extends Error {}

function typeError(op: string, a: unknown, b: unknown): OperatorError {
  return new OperatorError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function undefinedOperand(v: unknown): OperatorError {
  return new OperatorError(`'${(v as Undefined).hint ?? 'value'}' is undefined`);
}

/** `%` on a string: printf-style formatting, as Python does it. */
function formatString(template: string, values: unknown): string {
  const args = values instanceof Tuple ? [...values] : [values];
  const kwargs = isDict(values) ? values : {};
  return FILTERS.format(template, isDict(values) ? [] : args, kwargs, undefined as never) as string;
}

export function binary(op: string, a: unknown, b: unknown, maxLength: number): unknown {
  if (op === '~') return limit(str(a) + str(b), maxLength);
  const host = isJinjaObject(a) && a.jinjaBinary ? a.jinjaBinary(op, b, false) : isJinjaObject(b) && b.jinjaBinary ? b.jinjaBinary(op, a, true) : undefined;
  if (host !== undefined) return host;
  if (a instanceof Undefined) throw undefinedOperand(a);
  if (b instanceof Undefined) throw undefinedOperand(b);
  const na = num(a);
  const nb = num(b);
  const numeric = na !== undefined && nb !== undefined;
  const float = isFloat(a) || isFloat(b);
  switch (op) {
    case '+':
      if (numeric) return makeNumber(na! + nb!, float);
      if (typeof a === 'string' && typeof b === 'string') return limit(a + b, maxLength);
      if (Array.isArray(a) && Array.isArray(b)) return a instanceof Tuple ? tuple([...a, ...b]) : [...a, ...b];
      throw typeError('+', a, b);
    case '-':
      if (numeric) return makeNumber(na! - nb!, float);
      throw typeError('-', a, b);
    case '*': {
      if (numeric) return makeNumber(na! * nb!, float);
      const [seq, times] = typeof b === 'number' ? [a, b] : [b, na];
      if (typeof times === 'number' && Number.isInteger(times)) {
        if (typeof seq === 'string') return limit(seq.repeat(Math.max(0, times)), maxLength, seq.length * times);
        if (Array.isArray(seq)) {
          if (seq.length * times > maxLength) throw new OperatorError('list too large');
          return Array.from({ length: Math.max(0, times) }, () => seq).flat();
        }
      }
      throw typeError('*', a, b);
    }
    case '/':
      if (!numeric) throw typeError('/', a, b);
      if (nb === 0) throw new OperatorError('division by zero');
      return makeNumber(na! / nb!, true);
    case '//':
      if (!numeric) throw typeError('//', a, b);
      if (nb === 0) throw new OperatorError('integer division or modulo by zero');
      return makeNumber(Math.floor(na! / nb!), float);
    case '%':
      if (typeof a === 'string') return limit(formatString(a, b), maxLength);
      if (!numeric) throw typeError('%', a, b);
      if (nb === 0) throw new OperatorError('integer division or modulo by zero');
      return makeNumber(((na! % nb!) + nb!) % nb!, float);
    case '**':
      if (!numeric) throw typeError('**', a, b);
      return makeNumber(na! ** nb!, float || nb! < 0);
  }
  throw new OperatorError(`unknown operator ${op}`);
}

function limit(s: string, maxLength: number, wanted = s.length): string {
  if (wanted > maxLength) throw new OperatorError(`string of ${wanted} characters exceeds the output limit (${maxLength})`);
  return s;
}

export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
  }
  if (a instanceof Undefined) throw undefinedOperand(a);
  if (b instanceof Undefined) throw undefinedOperand(b);
  const c = compareValues(a, b);
  return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
}

/** `value.name`: a Python method, a dict's own key, or a JinjaObject's attribute; else undefined. */
export function getAttr(value: unknown, name: string): unknown {
  if (value instanceof Undefined) throw undefinedOperand(value);
  if (isJinjaObject(value)) return value.jinjaAttr(name);
  const method = methodOf(value, name);
  if (method) return method;
  if (isDict(value) && dictHas(value, name)) return value[name];
  return new Undefined(name);
}

/** `value[key]`: list and string indexes (negative from the end), dict keys, then attributes. */
export function getItem(value: unknown, key: unknown): unknown {
  if (value instanceof Undefined) throw undefinedOperand(value);
  const index = num(key);
  const seq = isJinjaObject(value) && value.jinjaItems && index !== undefined ? value.jinjaItems() : value;
  if ((Array.isArray(seq) || typeof seq === 'string') && index !== undefined && typeof key !== 'boolean') {
    const i = index < 0 ? seq.length + index : index;
    return i >= 0 && i < seq.length ? seq[i] : UNDEFINED;
  }
  if (isDict(value)) return dictHas(value, str(key)) ? value[str(key)] : UNDEFINED;
  if (isJinjaObject(value) && typeof key === 'string') return value.jinjaAttr(key);
  return UNDEFINED;
}

/** Python's slice semantics on lists, tuples and strings. */
export function slice(value: unknown, from: unknown, to: unknown, step: unknown): unknown {
  if (!Array.isArray(value) && typeof value !== 'string') throw new OperatorError(`'${typeName(value)}' object is not subscriptable`);
  const items = typeof value === 'string' ? [...value] : value;
  const n = items.length;
  const s = step === undefined || step === null ? 1 : (num(step) ?? 1);
  if (s === 0) throw new OperatorError('slice step cannot be zero');
  const clamp = (v: unknown, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    let i = num(v) ?? 0;
    if (i < 0) i += n;
    return s > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
  };
  const start = clamp(from, s > 0 ? 0 : n - 1);
  const stop = clamp(to, s > 0 ? n : -1);
  const out: unknown[] = [];
  for (let i = start; s > 0 ? i < stop : i > stop; i += s) out.push(items[i]);
  if (typeof value === 'string') return out.join('');
  return value instanceof Tuple ? tuple(out) : out;
}
