// Installed dbt packages (`dbt deps` puts them under dbt_packages/): which folders are packages, their
// namespaces (`name:` of each package's dbt_project.yml) and macro paths. Only macros and generic
// tests of packages are loaded, and their models (listed and ref()'d, never built); their seeds and
// snapshots are not. Never throws.
import type { FileSystem } from './fs.js';
import { asList, isObject } from './config.js';
import type { PackageInfo, ProjectConfig } from './types.js';
import { parseYaml, toJs } from './yamlDoc.js';

/**
 * The packages installed under the project's install path, sorted by folder. A folder without a
 * dbt_project.yml is not a package; one whose file has no `name:` is named after its folder.
 */
export async function discoverPackages(fs: FileSystem, root: string, config: ProjectConfig): Promise<PackageInfo[]> {
  const base = `${root}/${config.packagesInstallPath}`;
  const entries = (await fs.readDir(base)).filter((e) => e.isDirectory && !e.name.startsWith('.'));
  const found = await Promise.all(
    entries.map(async (e): Promise<PackageInfo | undefined> => {
      const text = await fs.readFile(`${base}/${e.name}/dbt_project.yml`);
      if (text === undefined) return undefined;
      const value = toJs(parseYaml(`${config.packagesInstallPath}/${e.name}/dbt_project.yml`, text).root);
      const name = isObject(value) && typeof value.name === 'string' && value.name !== '' ? value.name : e.name;
      const paths = (key: string, fallback: string): string[] => {
        const list = isObject(value) ? asList(value[key]).map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '')) : [];
        return list.length > 0 ? list : [fallback];
      };
      return { name, dir: `${config.packagesInstallPath}/${e.name}`, macroPaths: paths('macro-paths', 'macros'), modelPaths: paths('model-paths', 'models') };
    }),
  );
  return found.filter((p): p is PackageInfo => p !== undefined).sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

/** The package a project-relative file belongs to (its macro folders only), or undefined for the project's own files. */
export function packageOf(config: ProjectConfig, file: string): PackageInfo | undefined {
  if (!file.startsWith(config.packagesInstallPath + '/')) return undefined;
  return config.packages.find((p) => file.startsWith(p.dir + '/') && p.macroPaths.some((mp) => mp === '.' || file.startsWith(`${p.dir}/${mp}/`)));
}

/** The project-relative folders to walk for package macros and models. */
export function packageDirs(config: ProjectConfig): string[] {
  return config.packages.flatMap((p) => [...p.macroPaths, ...p.modelPaths].map((mp) => (mp === '.' ? p.dir : `${p.dir}/${mp}`)));
}

/** The package whose model folders hold a project-relative file, or undefined. */
export function packageModelOf(config: ProjectConfig, file: string): PackageInfo | undefined {
  if (!file.startsWith(config.packagesInstallPath + '/')) return undefined;
  return config.packages.find((p) => file.startsWith(p.dir + '/') && p.modelPaths.some((mp) => mp !== '.' && file.startsWith(`${p.dir}/${mp}/`)));
}
