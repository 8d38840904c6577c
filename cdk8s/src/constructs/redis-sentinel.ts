import { ApiObject } from 'cdk8s';
import { GROUP, REDIS_KIND, VERSION, componentSelector } from '@converge/operator';
import { Construct } from 'constructs';
import { REDIS_BY_OPERATOR, REDIS_SENTINEL_SUFFIX } from '../helm/data-layer-tpl';
import { expr, renderOnlyIf, when } from '../helm/expr';
import type { ValuePath } from '../values/defaults';
import { v, value, valueNumber } from '../values/refs';
import { labels, releaseName } from './naming';

/**
 * The RedisSentinel `<release>-redis` the operator runs for the services (Redis in operator mode),
 * its spec from `.Values.dataLayer.redis.sentinel` and the image from `operator.redisImage`. The
 * operator owns everything it makes from it (the two StatefulSets and their claims, the Services,
 * the ConfigMap, the PDBs and the Secret `<release>-redis-auth`); this chart owns only the resource.
 */
export class RedisSentinelResource extends Construct {
  readonly name = releaseName(REDIS_SENTINEL_SUFFIX);
  /** What the operator's Redis pods carry (never the role label: it moves), for the NetworkPolicies. */
  readonly redisSelector: Record<string, string> = componentSelector(this.name, 'redis');
  /** The same for its Sentinel pods. */
  readonly sentinelSelector: Record<string, string> = componentSelector(this.name, 'sentinel');

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const s = (rest: string) => `dataLayer.redis.sentinel.${rest}` as ValuePath;
    const o = new ApiObject(this, 'sentinel', {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: REDIS_KIND,
      metadata: {
        name: this.name,
        labels: labels('redis'),
        // Not kept on uninstall, unlike the PostgresCluster: Redis holds presence, rate limits and the
        // Socket.IO adapter's traffic, nothing that outlives the pods' heartbeats; a reinstall starts clean.
      },
      spec: {
        replicas: valueNumber(s('replicas')),
        sentinels: valueNumber(s('sentinels')),
        quorum: valueNumber(s('quorum')),
        masterName: value(s('masterName')),
        image: expr(`include "converge.image" (list . ${v('operator.redisImage')}) | toJson`),
        imagePullPolicy: value('image.pullPolicy'),
        storage: {
          size: value(s('storage.size')),
          [when(v(s('storage.storageClass')), 'storageClass')]: value(s('storage.storageClass')),
        },
        resources: value(s('resources.redis')),
        sentinelResources: value(s('resources.sentinel')),
        sentinel: {
          downAfterMilliseconds: valueNumber(s('downAfterMilliseconds')),
          failoverTimeoutMilliseconds: valueNumber(s('failoverTimeoutMilliseconds')),
        },
      },
    });
    renderOnlyIf(o, REDIS_BY_OPERATOR);
  }
}
