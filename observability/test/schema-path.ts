import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Grafana dashboard JSON schema (the foundation SDK repository's, a data file kept beside the
 * repository, never copied into it): GRAFANA_DASHBOARD_SCHEMA, or the first `shared/schemas` folder
 * found walking up from here, or the workplace's /work/shared (where a clone outside /work, such as a
 * clean CI clone in /tmp, still finds it).
 */
export function dashboardSchemaPath(): string {
  const given = process.env.GRAFANA_DASHBOARD_SCHEMA;
  if (given) return given;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'schemas', 'grafana-dashboard.schema.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const workplace = '/work/shared/schemas/grafana-dashboard.schema.json';
  if (existsSync(workplace)) return workplace;
  throw new Error('grafana-dashboard.schema.json not found: set GRAFANA_DASHBOARD_SCHEMA');
}
