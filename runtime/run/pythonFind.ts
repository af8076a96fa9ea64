// Which Python runs Python models: MEDALLION_PYTHON (the editor's medallion.python setting sets it
// for the server), else pipeline.yml's `python:`, else python3 on PATH — used only if `import duckdb` works.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { Project } from '../project/types.js';

export type PythonFound = { ok: true; command: string; duckdb: string } | { ok: false; reason: string };

const probes = new Map<string, Promise<PythonFound>>();

/** The interpreter for this project, probed once per process and command. */
export function findPython(project: Project, env: NodeJS.ProcessEnv = process.env): Promise<PythonFound> {
  const named = env.MEDALLION_PYTHON?.trim() || project.config.python;
  // A name with a slash is a path, relative to the project; a bare name is looked up on PATH.
  const command = named ? (named.includes('/') || named.includes('\\') ? path.resolve(project.root, named) : named) : 'python3';
  const via = env.MEDALLION_PYTHON?.trim() ? 'MEDALLION_PYTHON' : project.config.python ? 'python: in pipeline.yml' : 'PATH';
  let probe = probes.get(command);
  if (!probe) {
    probe = probeOf(command);
    probes.set(command, probe);
  }
  return probe.then((found) => (found.ok ? found : { ok: false, reason: `no Python 3 with the duckdb package to run Python models (${command} from ${via}: ${found.reason}); set MEDALLION_PYTHON, pipeline.yml python: or the setting medallion.python` }));
}

function probeOf(command: string): Promise<PythonFound> {
  return new Promise((resolve) => {
    execFile(command, ['-c', 'import sys, duckdb; assert sys.version_info[0] == 3, "not Python 3"; print(duckdb.__version__)'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, command, duckdb: stdout.trim() });
      const code = (err as NodeJS.ErrnoException).code;
      const last = stderr.trim().split('\n').pop();
      resolve({ ok: false, reason: code === 'ENOENT' ? 'not found' : last || err.message.split('\n')[0] });
    });
  });
}
