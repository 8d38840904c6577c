// `make chart`: synthesizes charts/converge from the constructs. The chart is generated, never edited;
// test/chart-fresh.test.ts fails when the committed copy differs from what this writes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { ConvergeChart } from './charts/converge-chart';
import { chartFiles } from './helm/chart-files';

export function synthChart(): Map<string, string> {
  return chartFiles(new ConvergeChart(new App(), 'converge'));
}

export function writeChart(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  for (const [file, text] of synthChart()) {
    const path = join(outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

if (require.main === module) {
  const out = resolve(process.argv[2] ?? join(__dirname, '..', '..', '..', 'charts', 'converge'));
  writeChart(out);
  console.log(`chart written to ${out}`);
}
