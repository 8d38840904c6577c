import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { REDIS_EXTERNAL } from '../helm/data-layer-tpl';
import { expr, renderOnlyIf } from '../helm/expr';
import { v } from '../values/refs';
import { labels, releaseName } from './naming';

/**
 * The passwords the chart makes when values name no Secret of their own: `<release>-redis-auth`
 * (configure your Redis with it: `requirepass` or an ACL user) and `<release>-nats-auth` (the chart's
 * NATS requires it). Random at install, kept on upgrade (lookup) and on uninstall (resource-policy),
 * so a reinstall does not lock the services out of a Redis set up with the old one. With Redis in
 * operator mode there is no `<release>-redis-auth` of the chart's: the RedisSentinel `<release>-redis`
 * has its Secret of the same name, which the operator generates and owns.
 */
export class GeneratedCredentials extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const secret = (suffix: 'redis-auth' | 'nats-auth', condition: string) => {
      const name = releaseName(suffix);
      const o = new ApiObject(this, suffix, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels: labels('credentials'), annotations: { 'helm.sh/resource-policy': 'keep' } },
        type: 'Opaque',
        data: { password: expr(`include "converge.generatedPassword" (list . (printf "%s-${suffix}" .Release.Name)) | toJson`) },
      });
      renderOnlyIf(o, condition);
    };
    secret('redis-auth', `and (${REDIS_EXTERNAL}) (not ${v('redis.passwordSecret.name')})`);
    secret('nats-auth', `not ${v('nats.auth.passwordSecret.name')}`);
  }
}
