import { join } from 'node:path';

/** The repository root, from dist-test/test/ of this package. */
export const repoRoot = join(__dirname, '../../../..');
