// Lets Node import a k6 script unchanged: `k6` and `k6/...` resolve to the stand-in's modules (an
// ES module generated from their exports), and the script's own .js files load as ES modules (as
// k6 reads them) without a package.json "type". One run per process: Node caches what it imported.
import { registerHooks } from 'node:module';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const REGISTRY = Symbol.for('converge.k6-standin.modules');
const PREFIX = 'k6-standin:';
let installed = false;

/** Makes `modules` what `import ... from 'k6/...'` gives, and .js files under `scriptDir` ES modules. */
export function installK6Loader(modules: Record<string, Record<string, unknown>>, scriptDir: string): void {
  if (installed) throw new Error('the k6 stand-in runs one script per process');
  installed = true;
  (globalThis as Record<symbol, unknown>)[REGISTRY] = modules;
  const root = pathToFileURL(scriptDir.endsWith(sep) ? scriptDir : scriptDir + sep).href;
  installLoader(root);
}

function current(): Record<string, Record<string, unknown>> {
  return ((globalThis as Record<symbol, unknown>)[REGISTRY] ?? {}) as Record<string, Record<string, unknown>>;
}

function installLoader(root: string): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'k6' || specifier.startsWith('k6/')) {
        if (!(specifier in current())) {
          throw new Error(`${specifier} is not in the k6 stand-in (it has ${Object.keys(current()).join(', ')}); run this script with k6 itself`);
        }
        return { url: PREFIX + specifier, shortCircuit: true };
      }
      if (/^https?:\/\//.test(specifier)) throw new Error(`remote module ${specifier}: the stand-in loads local files only`);
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (url.startsWith(PREFIX)) {
        const name = url.slice(PREFIX.length);
        // Each export reads the registry when the module is first evaluated (once per process).
        const names = Object.keys(current()[name] ?? {}).filter((k) => k !== 'default');
        const access = `globalThis[Symbol.for('converge.k6-standin.modules')][${JSON.stringify(name)}]`;
        const lines = names.map((n) => `export const ${n} = ${access}[${JSON.stringify(n)}];`);
        if ('default' in (current()[name] ?? {})) lines.push(`export default ${access}.default;`);
        return { format: 'module', source: lines.join('\n'), shortCircuit: true };
      }
      if (url.startsWith(root) && url.endsWith('.js')) return nextLoad(url, { ...context, format: 'module' });
      return nextLoad(url, context);
    },
  });
}
