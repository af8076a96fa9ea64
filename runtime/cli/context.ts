// What every project command shares: the --project/--select/--exclude options, finding and loading
// the project, printing its diagnostics, and the exit codes (0 ok, 1 user error, 2 internal error).
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { buildGraph, type Graph } from '../graph/dag.js';
import { selectNodes, type Selection } from '../graph/select.js';
import { NodeFileSystem, type FileSystem } from '../project/fs.js';
import { CONFIG_FILES, loadProject } from '../project/load.js';
import type { Diagnostic, Project } from '../project/types.js';
import { countErrors, formatDiagnostics } from './diagnostics.js';
import pc from 'picocolors';

/** A problem the user can fix (bad flag, no project, errors in the project): exit code 1. */
export class UserError extends Error {
  constructor(
    message: string,
    /** Set when the details were already printed (e.g. the project's diagnostics). */
    readonly reported = false,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** The directory relative paths are resolved against. */
  cwd: string;
  /** Whether to colour the output (ANSI); plain text when absent. */
  colors?: boolean;
}

export const stdio: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  get cwd() {
    return process.cwd();
  },
  // A terminal, or CI logs (picocolors' rules: NO_COLOR, FORCE_COLOR, --no-color, CI, TERM=dumb).
  colors: pc.isColorSupported,
};

export type Colors = ReturnType<typeof pc.createColors>;

/** The colour functions for what a command writes to `io` (identity functions when it is plain). */
export function colorsOf(io: Io): Colors {
  return pc.createColors(io.colors === true);
}

export interface ProjectOptions {
  project?: string;
}

export interface SelectOptions {
  select?: string[];
  exclude?: string[];
}

/** Adds `--project <dir>`: the project folder, else the nearest folder upwards with a config file. */
export function projectOption(command: Command): Command {
  return command.option('--project <dir>', `the project folder (default: the nearest folder upwards from here with ${CONFIG_FILES.join(' or ')})`);
}

/** Adds dbt's `-s/--select` and `--exclude`; each takes several selectors and may repeat. */
export function selectOptions(command: Command): Command {
  return command
    .addOption(new Option('-s, --select <selector...>', "nodes to include: name, +name, name+, 2+name, tag:x, path:models/gold, layer:silver; space = union, comma = intersection").argParser(collect))
    .addOption(new Option('--exclude <selector...>', 'nodes to leave out (same syntax as --select)').argParser(collect));
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Wraps a command body: its return value is the exit code; a UserError prints `error: …` and
 * exits 1; anything else propagates to main, which reports an internal error (exit 2).
 */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number>, io: Io = stdio): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await body(...args);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      if (!err.reported) io.err(`error: ${err.message}`);
      process.exitCode = 1;
    }
  };
}

/** The absolute project root: `dir` must hold a config file; without `dir`, search upwards from cwd. */
export async function findProjectRoot(fs: FileSystem, dir: string | undefined, cwd: string): Promise<string> {
  const has = async (d: string): Promise<boolean> => {
    for (const name of CONFIG_FILES) if (await fs.exists(path.join(d, name))) return true;
    return false;
  };
  if (dir !== undefined) {
    const root = path.resolve(cwd, dir);
    if (!(await fs.exists(root))) throw new UserError(`project folder ${dir} does not exist`);
    if (!(await has(root))) throw new UserError(`no ${CONFIG_FILES.join(' or ')} in ${dir}`);
    return root;
  }
  for (let d = path.resolve(cwd); ; d = path.dirname(d)) {
    if (await has(d)) return d;
    if (path.dirname(d) === d) break;
  }
  throw new UserError(`no ${CONFIG_FILES.join(' or ')} in ${cwd} or any folder above it (use --project DIR)`);
}

export interface OpenedProject {
  project: Project;
  graph: Graph;
  fs: FileSystem;
  /** The root as the user would type it from cwd ('' when it is cwd), for printing paths. */
  displayRoot: string;
  /** Errors among the load and graph diagnostics (already printed). */
  errors: number;
  /** Prints diagnostics to stderr as file:line:col; returns how many were errors. */
  report(diagnostics: Diagnostic[]): Promise<number>;
}

export interface OpenOptions {
  /** Keep going when the project has errors (they are printed either way). Default: throw a UserError. */
  allowErrors?: boolean;
  fs?: FileSystem;
}

/** Loads the project and its DAG, printing load and graph diagnostics. */
export async function openProject(options: ProjectOptions, io: Io, open: OpenOptions = {}): Promise<OpenedProject> {
  const fs = open.fs ?? new NodeFileSystem();
  const root = (await findProjectRoot(fs, options.project, io.cwd)).split(path.sep).join('/');
  const project = await loadProject(fs, root);
  const graph = buildGraph(project);
  const displayRoot = displayPath(io.cwd, root);
  const report = async (diagnostics: Diagnostic[]): Promise<number> => {
    for (const line of await formatDiagnostics(fs, root, diagnostics, displayRoot)) io.err(line);
    return countErrors(diagnostics);
  };
  const errors = await report([...project.diagnostics, ...graph.diagnostics]);
  if (project.state === 'failed') throw new UserError(`cannot read ${path.posix.join(displayRoot, project.config.file)}`);
  if (errors > 0 && !open.allowErrors) throw new UserError(`${plural(errors, 'error')} in the project`);
  return { project, graph, fs, displayRoot, errors, report };
}

/** Resolves --select/--exclude to node ids in DAG order; a bad selector is a user error. */
export async function select(opened: OpenedProject, selection: Selection): Promise<string[]> {
  const result = selectNodes(opened.graph, selection);
  if ((await opened.report(result.diagnostics)) > 0) throw new UserError('invalid selector', true);
  return result.value;
}

/** A path as the user would type it: relative to cwd when below it ('' for cwd itself), else absolute. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file).split(path.sep).join('/');
  return relative.startsWith('..') || path.isAbsolute(relative) ? file.split(path.sep).join('/') : relative;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
