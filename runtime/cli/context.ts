// What every project command shares: the --project/--vars/--target/--select/--exclude options, finding
// and loading the project, printing its diagnostics, and the exit codes (0 ok, 1 user error, 2 internal error).
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildGraph, type Graph } from '../graph/dag.js';
import { selectNodes, type Selection } from '../graph/select.js';
import { loadSelectors, pickSelector, SELECTORS_FILE } from '../graph/selectors.js';
import { NodeFileSystem, type FileSystem } from '../project/fs.js';
import { CONFIG_FILES, loadProject } from '../project/load.js';
import type { ConfigOverrides } from '../project/projectConfig.js';
import type { Diagnostic, Project } from '../project/types.js';
import { readDeferState, type DeferState } from '../run/defer.js';
import type { RunOptions } from '../run/types.js';
import { countErrors, formatDiagnostics } from './diagnostics.js';
import { parseVars } from './vars.js';
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
  /** dbt's name for --project. */
  projectDir?: string;
  /** YAML (or JSON) map of vars, as dbt's --vars. */
  vars?: string;
  target?: string;
  profilesDir?: string;
}

export interface SelectOptions {
  select?: string[];
  exclude?: string[];
  /** A selector of selectors.yml. */
  selector?: string;
}

/**
 * Adds `--project <dir>` (the project folder, else the nearest folder upwards with a config file), its
 * dbt spelling `--project-dir`, and dbt's `--vars`, `--target` and `--profiles-dir`.
 */
export function projectOption(command: Command): Command {
  return command
    .option('--project <dir>', `the project folder (default: the nearest folder upwards from here with ${CONFIG_FILES.join(' or ')})`)
    .option('--project-dir <dir>', 'the same as --project (dbt\'s name)')
    .option('--vars <yaml>', "variables for var(), a YAML or JSON map: '{key: value}'; they win over the project's vars")
    .option('--target <name>', "the profile output to use (dbt projects); exposed as target.name")
    .option('--profiles-dir <dir>', 'the folder of profiles.yml (default: the project, $DBT_PROFILES_DIR, then ~/.dbt)');
}

/** The folder --project or --project-dir names, if any; both naming different folders is a user error. */
export function projectDir(options: ProjectOptions): string | undefined {
  if (options.project !== undefined && options.projectDir !== undefined && options.project !== options.projectDir) {
    throw new UserError(`--project ${options.project} and --project-dir ${options.projectDir} name different folders; give one`);
  }
  return options.project ?? options.projectDir;
}

/** --vars, --target and --profiles-dir as the loader takes them; a --vars that is not a YAML map is a user error. */
export function overridesOf(options: ProjectOptions, cwd: string): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (options.vars !== undefined) {
    const parsed = parseVars(options.vars);
    if (parsed.diagnostics.length) throw new UserError(parsed.diagnostics[0].message);
    overrides.vars = parsed.value;
  }
  if (options.target !== undefined) {
    if (options.target.trim() === '') throw new UserError('--target needs a name');
    overrides.target = options.target;
  }
  if (options.profilesDir !== undefined) overrides.profilesDir = path.resolve(cwd, options.profilesDir).split(path.sep).join('/');
  return overrides;
}

/** Adds dbt's `-s/--select` and `--exclude`; each takes several selectors and may repeat. */
export function selectOptions(command: Command): Command {
  return command
    .addOption(new Option('-s, --select <selector...>', "nodes to include: name, +name, name+, 2+name, tag:x, path:models/gold, layer:silver; space = union, comma = intersection").argParser(collect))
    .addOption(new Option('--exclude <selector...>', 'nodes to leave out (same syntax as --select)').argParser(collect))
    .option('--selector <name>', `a selector defined in ${SELECTORS_FILE} (replaces --select and --exclude, as in dbt)`);
}

export interface DeferOptions {
  defer?: boolean;
  state?: string;
}

/** Adds dbt's `--defer` and `--state DIR`. */
export function deferOptions(command: Command): Command {
  return command
    .option('--defer', "refs to unselected models and seeds that this warehouse lacks read the relations of --state's manifest.json")
    .option('--state <dir>', "a folder with another run's manifest.json (its target folder, or a copy)");
}

/** `--threads N`: a whole number >= 1. */
export function threadsArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

/** The state --defer reads; --defer without --state, or an unreadable manifest, is a user error. */
export async function deferOf(options: DeferOptions, io: Io): Promise<DeferState | undefined> {
  if (!options.defer && options.state === undefined) return undefined;
  if (!options.defer) throw new UserError('--state is read by --defer here (state: selectors are not supported yet); add --defer');
  if (options.state === undefined) throw new UserError('--defer needs --state DIR, the folder of the manifest.json to defer to');
  const read = await readDeferState(path.resolve(io.cwd, options.state));
  if (!read.state) throw new UserError(read.error!);
  return read.state;
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

/** The subcommands of a local service (`lake`, `engine`): start it, stop it, ask after it. */
export type ServiceSubcommand = 'up' | 'down' | 'status';

/** Registers `<name> up | down | status`, each with the project options, run by `run`. */
export function serviceCommands(program: Command, name: string, description: string, subcommands: Record<ServiceSubcommand, string>, run: (subcommand: ServiceSubcommand, options: ProjectOptions) => Promise<number>): void {
  const group = program.command(name).description(description);
  for (const [subcommand, text] of Object.entries(subcommands) as Array<[ServiceSubcommand, string]>) {
    projectOption(group.command(subcommand).description(text)).action(action((options: ProjectOptions) => run(subcommand, options)));
  }
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
  const overrides = overridesOf(options, io.cwd);
  const root = (await findProjectRoot(fs, projectDir(options), io.cwd)).split(path.sep).join('/');
  const project = await loadProject(fs, root, { overrides });
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

/**
 * What the user selected: --select/--exclude, or the selectors.yml selector --selector names (without
 * either, the one marked `default: true`). A bad selectors.yml or an unknown name is a user error.
 */
export async function selectionOf(opened: OpenedProject, options: SelectOptions, io: Io): Promise<Selection> {
  const selectors = await loadSelectors(opened.fs, opened.project.root);
  if ((await opened.report(selectors.diagnostics)) > 0) throw new UserError(`${plural(countErrors(selectors.diagnostics), 'error')} in ${SELECTORS_FILE}`);
  const given = (options.select?.length ?? 0) > 0 || (options.exclude?.length ?? 0) > 0;
  const picked = pickSelector(selectors.value, options.selector);
  if (picked.diagnostics.length) throw new UserError(picked.diagnostics[0].message);
  const selector = options.selector !== undefined || !given ? picked.value : undefined;
  if (!selector) return { select: options.select, exclude: options.exclude };
  if (given) io.err(`warning: --selector ${selector.name} replaces --select and --exclude, which are ignored (as in dbt)`);
  return { selector: selector.definition };
}

/**
 * Resolves a selection to node ids in DAG order. A bad selector is a user error, and so is a
 * selection that matches nothing at all (`-s nope`): there would be nothing to do.
 */
export async function select(opened: OpenedProject, selection: Selection): Promise<string[]> {
  const result = selectNodes(opened.graph, selection);
  if ((await opened.report(result.diagnostics)) > 0) throw new UserError('invalid selector', true);
  const selecting = selection.selector !== undefined || (selection.select?.length ?? 0) > 0;
  if (selecting && result.value.length === 0) {
    const what = selection.selector ? 'the selector' : `--select ${selection.select!.join(' ')}`;
    throw new UserError(`nothing to do: ${what} matches no node of the project`);
  }
  return result.value;
}

/**
 * The selection of a run, build, test or seed, checked before anything runs (a selection matching
 * nothing is a user error) and handed to the runner as its select hook, so a selectors.yml selector
 * and dbt's indirect test selection reach it.
 */
export async function runSelection(opened: OpenedProject, options: SelectOptions, io: Io, indirectTests?: 'eager'): Promise<Pick<RunOptions, 'select' | 'exclude' | 'hooks'> & { ids: string[] }> {
  const selection = await selectionOf(opened, options, io);
  const ids = await select(opened, { ...selection, indirectTests });
  return {
    ids,
    select: selection.select,
    exclude: selection.exclude,
    hooks: { select: (graph, s) => selectNodes(graph as Graph, { ...s, selector: selection.selector, indirectTests: indirectTests ?? s.indirectTests }) },
  };
}

/**
 * Refuses a run when the project has errors, except errors in the files of nodes the run leaves out
 * (`--exclude`, or not selected): a node removed from the run cannot fail it. Opened with allowErrors.
 */
export function refuseOnErrors(opened: OpenedProject, selected: string[]): void {
  const chosen = new Set(selected);
  const fileOf = (id: string): string | undefined => {
    const node = opened.graph.nodes.get(id);
    return node?.kind === 'model' || (node?.kind === 'test' && node.text !== undefined) ? node.file : undefined;
  };
  const keep = new Set(selected.map(fileOf));
  const left = new Set([...opened.graph.nodes.keys()].filter((id) => !chosen.has(id)).map(fileOf).filter((f): f is string => f !== undefined && !keep.has(f)));
  const errors = [...opened.project.diagnostics, ...opened.graph.diagnostics].filter((d) => d.severity === 'error' && !left.has(d.file)).length;
  if (errors > 0) throw new UserError(`${plural(errors, 'error')} in the project`);
}

/** A path as the user would type it: relative to cwd when below it ('' for cwd itself), else absolute. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file).split(path.sep).join('/');
  return relative.startsWith('..') || path.isAbsolute(relative) ? file.split(path.sep).join('/') : relative;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
