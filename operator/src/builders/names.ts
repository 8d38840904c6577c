// Names and labels of everything the operator owns for one PostgresCluster `<name>`.

export const LABEL_CLUSTER = 'data.converge.io/cluster';
export const LABEL_INSTANCE = 'data.converge.io/instance';
/** `primary` on the one pod `<name>-rw` selects, `replica` on the rest: the operator moves it. */
export const LABEL_ROLE = 'data.converge.io/role';
export const FIELD_MANAGER = 'converge-operator';
/** The app user of every cluster (Secret `<name>-app`, key `username`): the services log in as it. */
export const APP_USERNAME = 'converge';

export const names = (cluster: string) => ({
  headless: cluster,
  rw: `${cluster}-rw`,
  ro: `${cluster}-ro`,
  r: `${cluster}-r`,
  config: `${cluster}-config`,
  pdb: cluster,
  superuser: `${cluster}-superuser`,
  replication: `${cluster}-replication`,
  app: `${cluster}-app`,
  agent: `${cluster}-agent`,
});

export const instanceName = (cluster: string, serial: number) => `${cluster}-${serial}`;

/** The serial of `<cluster>-<n>`, or null for a name that is not one of this cluster's instances. */
export function serialOf(cluster: string, instance: string): number | null {
  const m = instance.startsWith(`${cluster}-`) ? /^([1-9][0-9]*)$/.exec(instance.slice(cluster.length + 1)) : null;
  return m ? Number(m[1]) : null;
}

export function clusterLabels(cluster: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'postgres',
    'app.kubernetes.io/instance': cluster,
    'app.kubernetes.io/component': 'database',
    'app.kubernetes.io/part-of': 'converge',
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
    [LABEL_CLUSTER]: cluster,
  };
}

export function instanceLabels(cluster: string, instance: string, role: 'primary' | 'replica'): Record<string, string> {
  return { ...clusterLabels(cluster), [LABEL_INSTANCE]: instance, [LABEL_ROLE]: role };
}
