// The runner's default collaborators from the rest of the runtime: compilation and selection (H-core),
// seeds and tests (runtime/run/seeds.ts, runtime/run/tests/). Tests of the runner inject their own.
import type { RunHooks } from './types.js';

export const defaultHooks: Partial<RunHooks> = {};
