import { join, resolve } from 'node:path';

// Compiled to cdk8s/dist/test/support: the repository root is four levels up.
export const REPO = resolve(__dirname, '..', '..', '..', '..');
export const CHART_DIR = join(REPO, 'charts', 'converge');
export const TOOLS_BIN = join(process.env.CONVERGE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'converge'), 'bin');
