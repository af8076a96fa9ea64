// The pinned dbt-core + dbt-duckdb that Medallion is compared with (peer bench, conformance suite):
// a virtualenv at .bench/dbt-venv, created from PyPI on first use and reused while the pins match.
//
// duckdb (Python) is pinned to the engine version @duckdb/node-api bundles, so both tools run the same
// DuckDB and either can open the other's file. dbt downloads nothing at run time (DBT_ENV: no usage
// stats, no version check; the profile turns DuckDB's extension autoinstall off).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';

export const DBT_PINS = { 'dbt-core': '1.10.23', 'dbt-duckdb': '1.9.6', duckdb: '1.5.6' } as const;

const ROOT = path.resolve(__dirname, '..', '..');
export const BENCH_DIR = path.join(ROOT, '.bench');
export const DBT_VENV = path.join(BENCH_DIR, 'dbt-venv');
export const DBT = path.join(DBT_VENV, 'bin', 'dbt');

/** Environment for every dbt process: nothing phoned home, no colours in the logs. */
export const DBT_ENV: Record<string, string> = {
  DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  DBT_VERSION_CHECK: 'false',
  DBT_USE_COLORS: 'false',
  NO_COLOR: '1',
};

export type DbtAvailability = { ok: true; dbt: string } | { ok: false; reason: string };

/**
 * The virtualenv with the pinned dbt, created (or re-created when the pins changed) on demand with
 * $PYTHON (default python3). Returns why not when python3, venv or pip is missing or pip fails.
 */
export function ensureDbt(log: (line: string) => void = console.log): DbtAvailability {
  const marker = path.join(DBT_VENV, 'medallion-pins.json');
  const want = JSON.stringify(DBT_PINS);
  if (existsSync(DBT) && existsSync(marker) && readFileSync(marker, 'utf8') === want) return { ok: true, dbt: DBT };
  const python = process.env.PYTHON ?? 'python3';
  rmSync(DBT_VENV, { recursive: true, force: true });
  mkdirSync(BENCH_DIR, { recursive: true });
  const specs = Object.entries(DBT_PINS).map(([p, v]) => `${p}==${v}`);
  log(`creating ${path.relative(ROOT, DBT_VENV)} with ${specs.join(' ')} from PyPI …`);
  const venv = spawnSync(python, ['-m', 'venv', DBT_VENV], { encoding: 'utf8' });
  if (venv.error || venv.status !== 0) return { ok: false, reason: `${python} -m venv failed: ${oneLine(venv)}` };
  const pip = spawnSync(path.join(DBT_VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...specs], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (pip.error || pip.status !== 0 || !existsSync(DBT)) {
    rmSync(DBT_VENV, { recursive: true, force: true });
    return { ok: false, reason: `pip install failed: ${oneLine(pip)}` };
  }
  writeFileSync(marker, want);
  return { ok: true, dbt: DBT };
}

/** A dbt-duckdb profiles.yml with one `dev` output writing to `database` (an absolute path). */
export function dbtProfilesYml(profile: string, database: string, threads: number, extra: Record<string, unknown> = {}): string {
  const settings = { autoinstall_known_extensions: false, ...(extra.settings as Record<string, unknown> | undefined) };
  const output = { type: 'duckdb', path: database, threads, ...extra, settings };
  return dump({ [profile]: { target: 'dev', outputs: { dev: output } } });
}

/** The `profile:` (else `name:`) of a dbt project, which its profiles.yml must define. */
export function dbtProfileName(project: string): string {
  const text = readFileSync(path.join(project, 'dbt_project.yml'), 'utf8');
  const match = /^profile:\s*['"]?([\w-]+)/m.exec(text) ?? /^name:\s*['"]?([\w-]+)/m.exec(text);
  if (!match) throw new Error(`${project}/dbt_project.yml names no profile`);
  return match[1];
}

function oneLine(result: SpawnSyncReturns<string>): string {
  const text = result.error?.message ?? `${result.stderr ?? ''} ${result.stdout ?? ''}`;
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return (lines.at(-1) ?? `exit ${result.status}`).replace(/\|/g, '/').slice(0, 200);
}
