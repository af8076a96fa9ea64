// One Renderer per project's macros and settings: the project's macro files and its installed
// packages' parsed once and shared by every compile, and by a relinked project (the editor's case)
// whose macros and settings did not change.
import { packageOf } from '../project/packages.js';
import type { Project } from '../project/types.js';
import { Renderer } from '../template/render.js';

const renderers = new WeakMap<Project, Renderer>();
/** Renderers by config and macros, so a relinked project reuses parsed macros and templates. */
const bySignature = new Map<string, Renderer>();

export function rendererFor(project: Project): Renderer {
  let r = renderers.get(project);
  if (r) return r;
  const c = project.config;
  const macroFiles = [...(project.macroFiles ?? new Map<string, string>())]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, text]) => ({ file, text, package: packageOf(c, file)?.name }));
  const signature = JSON.stringify([c.name, c.vars, c.target, c.dispatch, c.renderLimits, macroFiles]);
  r = bySignature.get(signature);
  if (!r) {
    r = new Renderer(c, macroFiles, { limits: c.renderLimits });
    if (bySignature.size >= 4) bySignature.delete(bySignature.keys().next().value!);
    bySignature.set(signature, r);
  }
  renderers.set(project, r);
  return r;
}

