// `node dist/src/generate-key.js [file]`: a development signing key, made once (`make dev`).
// The file defaults to JWT_KEY_FILE; an existing key is kept, so tokens survive restarts.
// In a cluster the key comes from a Secret instead; never commit a key.
import { resolve } from 'node:path';
import { generateKeyFileIfMissing, loadSigningKey } from './security/signing-keys';
import { readFileSync } from 'node:fs';

async function main(): Promise<void> {
  const target = process.argv[2] ?? process.env.JWT_KEY_FILE;
  if (!target) throw new Error('usage: generate-key.js <file> (or set JWT_KEY_FILE)');
  const file = resolve(target);
  const created = generateKeyFileIfMissing(file);
  // Either way, prove the file is a usable signing key before make dev starts the service with it.
  const { kid, alg } = await loadSigningKey(readFileSync(file, 'utf8'));
  console.log(JSON.stringify({ level: 'info', service: 'user', msg: created ? 'Signing key generated' : 'Signing key kept', file, kid, alg }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
