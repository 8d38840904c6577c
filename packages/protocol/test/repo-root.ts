import { join } from 'node:path';

/** The repository root, from dist/test/ of this package. */
export const repoRoot = join(__dirname, '../../../..');
