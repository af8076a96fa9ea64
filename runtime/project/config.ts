// Model configs: checking raw config values (from folders, schema YAML and config() calls) and
// merging the levels into a ModelConfig. dbt's rules: later levels win, tags accumulate.
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic, IncrementalStrategy, Materialization, ModelConfig, Range } from './types.js';

export const MATERIALIZATIONS: Materialization[] = ['view', 'table', 'incremental', 'ephemeral', 'external'];
export const INCREMENTAL_STRATEGIES: IncrementalStrategy[] = ['merge', 'append', 'delete+insert'];
export const DEFAULT_LAYERS = ['bronze', 'silver', 'gold'];

/** "did you mean" for a misspelt name: the closest candidate when it is close enough to be a typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.length === 0 || name === '') return undefined;
  const best = closest(name, list);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
}

/**
 * Checks the values of known config keys. `rangeOf(key)` gives the range to report on.
 * Unknown keys are allowed (dbt has many); only values we act on are checked.
 */
export function checkConfig(file: string, config: Record<string, unknown>, rangeOf: (key: string) => Range): Diagnostic[] {
  // A value holding Jinja is checked once rendered (link time, configJinja.ts), as dbt renders it first.
  const raw = Object.fromEntries(Object.entries(config).filter(([, v]) => !isTemplated(v)));
  const out: Diagnostic[] = [];
  const bad = (key: string, message: string, data?: Record<string, unknown>): void => {
    out.push({ file, range: rangeOf(key), severity: 'error', message, code: 'bad-config', data });
  };
  // Any other materialization name may be a `{% materialization %}` of the project or a package: the
  // node is skipped, with a "did you mean" for a near-miss of a built-in (skipped.ts).
  const m = raw.materialized;
  if (m !== undefined && typeof m !== 'string') bad('materialized', `'materialized' must be a string`);
  const st = raw.incremental_strategy;
  if (st !== undefined && !(typeof st === 'string' && (INCREMENTAL_STRATEGIES as string[]).includes(st))) {
    const s = typeof st === 'string' ? suggest(st, INCREMENTAL_STRATEGIES) : undefined;
    bad('incremental_strategy', `Unknown incremental_strategy '${String(st)}': expected one of ${INCREMENTAL_STRATEGIES.join(', ')}${didYouMean(s)}`, s ? { suggestion: s } : undefined);
  }
  for (const key of ['tags', 'unique_key', 'partition_by']) {
    const v = raw[key];
    if (v !== undefined && v !== null && !isStringOrList(v)) bad(key, `'${key}' must be a string or a list of strings`);
  }
  for (const key of ['schema', 'layer']) {
    const v = raw[key];
    if (v !== undefined && v !== null && typeof v !== 'string') bad(key, `'${key}' must be a string`);
  }
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') bad('enabled', `'enabled' must be true or false`);
  return out;
}

export function isBuiltinMaterialization(m: unknown): m is Materialization {
  return typeof m === 'string' && (MATERIALIZATIONS as string[]).includes(m);
}

/** A config value dbt renders before reading it: a string with a Jinja tag. */
export function isTemplated(v: unknown): v is string {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

function isStringOrList(v: unknown): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

export function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Merges raw config levels, outermost first: scalars are replaced, tags and hooks accumulate (`pre_hook` is `pre-hook`). */
export function mergeConfigs(levels: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const tags: string[] = [];
  for (const level of levels) {
    if (!level) continue;
    for (const [key, value] of Object.entries(level)) {
      const hook = /^(pre|post)[-_]hook$/.exec(key);
      if (hook) {
        const name = `${hook[1]}-hook`;
        const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
        merged[name] = [...((merged[name] as unknown[] | undefined) ?? []), ...list];
      } else if (key === 'tags') {
        for (const t of asList(value)) if (!tags.includes(t)) tags.push(t);
      } else if (key === 'contract' && isObject(value) && isObject(merged.contract)) {
        merged.contract = { ...merged.contract, ...value };
      } else {
        merged[key] = value;
      }
    }
  }
  if (tags.length > 0) merged.tags = tags;
  return merged;
}

const KNOWN = new Set(['materialized', 'unique_key', 'incremental_strategy', 'tags', 'schema', 'partition_by', 'layer', 'contract', 'enabled']);

/** The typed view of a merged raw config; invalid values fall back to defaults (they were reported). */
export function toModelConfig(raw: Record<string, unknown>): ModelConfig {
  const m = raw.materialized;
  const st = raw.incremental_strategy;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!KNOWN.has(k)) extra[k] = v;
  const uniqueKey = asList(raw.unique_key);
  const partitionBy = asList(raw.partition_by);
  return {
    materialized: isBuiltinMaterialization(m) ? m : 'view',
    uniqueKey: uniqueKey.length > 0 ? uniqueKey : undefined,
    incrementalStrategy: typeof st === 'string' && (INCREMENTAL_STRATEGIES as string[]).includes(st) ? (st as IncrementalStrategy) : undefined,
    tags: asList(raw.tags),
    schema: typeof raw.schema === 'string' && raw.schema !== '' ? raw.schema : 'main',
    partitionBy: partitionBy.length > 0 ? partitionBy : undefined,
    layer: typeof raw.layer === 'string' ? raw.layer : undefined,
    contractEnforced: isObject(raw.contract) && raw.contract.enforced === true,
    enabled: raw.enabled !== false,
    extra,
    ...(typeof m === 'string' && m !== '' && !isBuiltinMaterialization(m) ? { customMaterialization: m } : {}),
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

