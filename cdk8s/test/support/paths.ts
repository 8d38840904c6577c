import { join, resolve } from 'node:path';

// Compiled to cdk8s/dist/test/support: the repository root is four levels up.
export const REPO = resolve(__dirname, '..', '..', '..', '..');
export const CHART_DIR = join(REPO, 'charts', 'converge');
// Where the pinned Go-built tools live: one definition, beside the control plane in @converge/testing.
export { TOOLS_BIN } from '@converge/testing/kube';
