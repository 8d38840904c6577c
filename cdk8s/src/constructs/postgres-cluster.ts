import { ApiObject } from 'cdk8s';
import { GROUP, KIND, LABEL_CLUSTER, VERSION } from '@converge/operator';
import { Construct } from 'constructs';
import { PG_CLUSTER_SUFFIX, PG_DATABASES, POSTGRES_BY_OPERATOR } from '../helm/data-layer-tpl';
import { renderOnlyIf, when } from '../helm/expr';
import type { ValuePath } from '../values/defaults';
import { v, value, valueNumber } from '../values/refs';
import { labels, releaseName } from './naming';

/**
 * The PostgresCluster `<release>-pg` the operator runs for the services (PostgreSQL in operator
 * mode), its spec from `.Values.dataLayer.postgres.cluster`. The operator owns everything it makes
 * from it (instance pods and claims, Services, Secrets); this chart owns only the resource itself.
 */
export class PostgresClusterResource extends Construct {
  readonly name = releaseName(PG_CLUSTER_SUFFIX);
  /** What every instance pod carries (the operator's cluster label), for the NetworkPolicies. */
  readonly selector: Record<string, string> = { [LABEL_CLUSTER]: this.name };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const c = (rest: string) => `dataLayer.postgres.cluster.${rest}` as ValuePath;
    const o = new ApiObject(this, 'cluster', {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: KIND,
      metadata: {
        name: this.name,
        labels: labels('postgres'),
        // Deleting the cluster deletes its claims (owner references): an uninstall must not drop
        // every message. Delete it by hand to drop the data: kubectl delete postgrescluster <release>-pg.
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      spec: {
        instances: valueNumber(c('instances')),
        imagePullPolicy: value('image.pullPolicy'),
        storage: {
          size: value(c('storage.size')),
          [when(v(c('storage.storageClass')), 'storageClass')]: value(c('storage.storageClass')),
        },
        resources: value(c('resources')),
        [when(v(c('parameters')), 'parameters')]: value(c('parameters')),
        synchronous: value(c('synchronous')),
        failoverDelaySeconds: valueNumber(c('failoverDelaySeconds')),
        databases: [PG_DATABASES.user, PG_DATABASES.chat],
      },
    });
    renderOnlyIf(o, POSTGRES_BY_OPERATOR);
  }
}
