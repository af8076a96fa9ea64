// Paths a project names (lake, warehouse, the dbt folders, source globs, a profile's path) stay
// inside the project, and a source's inside the lake, after `..` and symlinks; outputs may be absolute.
import * as path from 'node:path';
import type { FileSystem } from './fs.js';
import { str, type YamlNode } from './yamlDoc.js';
import type { Diagnostic, Range } from './types.js';

export interface PathRef {
  /** The key as written, for messages: 'lake', 'model-paths', 'sources.app_logs.path'. */
  key: string;
  value: string;
  file: string;
  range: Range;
  /** 'project': relative to the project root; 'lake': a key or glob in the lake. */
  base: 'project' | 'lake';
  /** Outputs (lake, warehouse, target-path, a profile's path) may be absolute, anywhere. */
  absoluteAllowed: boolean;
}

/** The references a YAML node makes: a string, or a list of strings (model-paths). */
export function pathRefs(file: string, node: YamlNode, key: string, base: PathRef['base'], absoluteAllowed: boolean): PathRef[] {
  const nodes = node?.kind === 'seq' ? node.items : node ? [node] : [];
  return nodes.flatMap((n) => {
    const value = str(n);
    return value === undefined ? [] : [{ key, value, file, range: n.range, base, absoluteAllowed }];
  });
}

/** The check on the text alone: absolute where it must be relative, or climbing out with `..`. */
export function checkPathText(ref: PathRef): Diagnostic | undefined {
  const value = ref.value.replace(/\\/g, '/');
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) {
    if (ref.absoluteAllowed) return undefined;
    return problem(ref, ref.base === 'lake'
      ? `'${ref.key}' must be relative to the lake (a key such as bronze/${ref.key.split('.')[1] ?? 'x'}/**/*.json), not an absolute path`
      : `'${ref.key}' (${ref.value}) is outside the project: these folders must be inside it`);
  }
  const normal = path.posix.normalize(value);
  if (normal === '..' || normal.startsWith('../')) return problem(ref, `'${ref.key}' (${ref.value}) climbs outside the ${ref.base === 'lake' ? 'lake' : 'project'}${ref.absoluteAllowed ? '; write an absolute path if it really lives elsewhere' : ''}`);
  return undefined;
}

/**
 * The check on the disk: a relative path must still be inside `baseDir` (the project root, or the
 * local lake's root for a source) once symlinks are followed. Needs a FileSystem with realPath.
 */
export async function checkPathLinks(fs: FileSystem, ref: PathRef, baseDir: string): Promise<Diagnostic | undefined> {
  const value = ref.value.replace(/\\/g, '/');
  // Absolute paths were written so on purpose (or refused by the text check), as were climbs out.
  if (!fs.realPath || path.posix.isAbsolute(value) || path.win32.isAbsolute(value) || checkPathText(ref)) return undefined;
  const wildcard = value.search(/[*?[{]/);
  const fixed = wildcard < 0 ? value : value.slice(0, value.lastIndexOf('/', wildcard) + 1);
  const [base, real] = await Promise.all([fs.realPath(baseDir), fs.realPath(path.posix.join(baseDir, fixed))]);
  if (base !== undefined && real !== undefined && (real === base || real.startsWith(base.replace(/\/$/, '') + '/'))) return undefined;
  return problem(ref, `'${ref.key}' (${ref.value}) goes through a symlink leading outside the ${ref.base === 'lake' ? 'lake' : 'project'}`);
}

function problem(ref: PathRef, message: string): Diagnostic {
  return { file: ref.file, range: ref.range, severity: 'error', message, code: 'path-outside' };
}
