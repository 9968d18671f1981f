/**
 * Files of this package (package.json, build/keytab_native.node) found from this module,
 * wherever it runs: lib/node (sources, under vitest), dist/lib/node (the compiled library), or
 * dist/bin (the bundled command-line programs).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOTS = ['../../', '../../../'];

/** The absolute path of `relative` (from the package root), or undefined when absent. */
export function packageFile(relative: string): string | undefined {
  for (const root of ROOTS) {
    const file = fileURLToPath(new URL(root + relative, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}
