import { APP_USERNAME, REDIS_PORT, SENTINEL_PORT, names, redisNames } from '@converge/operator';

// Which part of the data layer the chart's operator runs, as named templates (`_helpers.tpl`), and
// the names of what it runs, taken from @converge/operator so the chart and the operator agree.

/** The PostgresCluster of a release: `<release>-pg`. */
export const PG_CLUSTER_SUFFIX = 'pg';
/** The instances' PostgreSQL port (the operator's Services and pods all use it). */
export const POSTGRES_PORT = 5432;
/** The databases the operator creates for the services, owned by the app user. */
export const PG_DATABASES = { user: 'converge_user', chat: 'converge_chat' } as const;
/** The RedisSentinel of a release: `<release>-redis` (its objects `<release>-redis-redis-0`, `<release>-redis-master`, …). */
export const REDIS_SENTINEL_SUFFIX = 'redis';
/** The longest StatefulSet name whose pods' controller-revision-hash label (`<set>-<10 chars>`) fits 63. */
const REDIS_MAX_SET_NAME = 52;
/** `<release>-redis-sentinel` is the longer of the two StatefulSets. */
export const REDIS_MAX_RELEASE = REDIS_MAX_SET_NAME - `-${REDIS_SENTINEL_SUFFIX}-sentinel`.length;

// The operator's names for a cluster, as printf formats of the cluster name (`%s-rw`, `%s-app`).
const pgNames = names('%s');

/**
 * PostgreSQL's mode: `dataLayer.postgres.mode`, or `dataLayer.mode` when that is empty. The schema
 * already refuses other values; `fail` says the same for a render without it (--skip-schema-validation).
 */
const postgresMode = `
{{- define "converge.postgresMode" -}}
{{- $d := .Values.dataLayer -}}
{{- if not (has $d.mode (list "external" "operator")) -}}
{{- fail (printf "dataLayer.mode %q is not supported: use external or operator" $d.mode) -}}
{{- end -}}
{{- $m := $d.postgres.mode | default $d.mode -}}
{{- if not (has $m (list "external" "operator")) -}}
{{- fail (printf "dataLayer.postgres.mode %q is not supported: use external, operator, or empty to follow dataLayer.mode" $m) -}}
{{- end -}}
{{- $m -}}
{{- end -}}
`;

/**
 * Redis's mode: `dataLayer.redis.mode`, or `dataLayer.mode` when that is empty, checked like
 * PostgreSQL's. In operator mode the quorum must not exceed the Sentinels (the CRD refuses it too,
 * but only at apply), and the release name is checked against what the RedisSentinel's
 * objects can carry: `<release>-redis-sentinel` is a StatefulSet, whose pods get the label
 * `controller-revision-hash: <set>-<hash>` (at most 63 characters, so the set at most
 * ${REDIS_MAX_SET_NAME}), which caps the release name at ${REDIS_MAX_RELEASE} characters. Failing at render
 * beats a StatefulSet that never makes a pod.
 */
const redisMode = `
{{- define "converge.redisMode" -}}
{{- $d := .Values.dataLayer -}}
{{- $m := $d.redis.mode | default $d.mode -}}
{{- if not (has $m (list "external" "operator")) -}}
{{- fail (printf "dataLayer.redis.mode %q is not supported: use external, operator, or empty to follow dataLayer.mode" $m) -}}
{{- end -}}
{{- if and (eq $m "operator") (gt (int $d.redis.sentinel.quorum) (int $d.redis.sentinel.sentinels)) -}}
{{- fail (printf "dataLayer.redis.sentinel.quorum %d exceeds sentinels %d: that many Sentinels could never agree" (int $d.redis.sentinel.quorum) (int $d.redis.sentinel.sentinels)) -}}
{{- end -}}
{{- if and (eq $m "operator") (gt (len .Release.Name) ${REDIS_MAX_RELEASE}) -}}
{{- fail (printf "release name %q is too long for Redis in operator mode: at most ${REDIS_MAX_RELEASE} characters (its StatefulSet %s-${REDIS_SENTINEL_SUFFIX}-sentinel must fit a label)" .Release.Name .Release.Name) -}}
{{- end -}}
{{- $m -}}
{{- end -}}
`;

/** "true" when some part of the data layer is the operator's: the operator's objects render then. */
const operatorEnabled = `
{{- define "converge.operatorEnabled" -}}
{{- if or (eq (include "converge.postgresMode" .) "operator") (eq (include "converge.redisMode" .) "operator") -}}
true
{{- end -}}
{{- end -}}
`;

/**
 * The PostgreSQL part of the endpoints JSON in operator mode: the primary's Service of the chart's
 * PostgresCluster, the app user, and the Secret the operator generates for it.
 */
export const operatorPostgresEndpoint = `
{{- $cluster := printf "%s-${PG_CLUSTER_SUFFIX}" .Release.Name -}}
{{- $pg = dict "host" (printf "${pgNames.rw}" $cluster) "port" ${POSTGRES_PORT} "username" "${APP_USERNAME}" "params" ""
            "databases" (dict "user" "${PG_DATABASES.user}" "chat" "${PG_DATABASES.chat}")
            "passwordSecret" (dict "name" (printf "${pgNames.app}" $cluster) "key" "password") -}}
`.trim();

// The operator's names for a RedisSentinel, as printf formats of its name; a StatefulSet's pods are
// `<set>-<ordinal>` (Kubernetes' rule).
const rdsNames = redisNames('%s');

/**
 * The Redis part of the endpoints JSON in operator mode: every Sentinel pod by its stable DNS name
 * (the headless Service publishes each pod, ready or not, so a client reaches the Sentinels that
 * answer), the master name of the values, and the Secret the operator generates. REDIS_URL (unused
 * with Sentinels) names the master's Service, for anyone reading the env.
 */
export const operatorRedisEndpoint = `
{{- $rds := printf "%s-${REDIS_SENTINEL_SUFFIX}" .Release.Name -}}
{{- $s := $v.dataLayer.redis.sentinel -}}
{{- $hosts := list -}}
{{- range $i := until (int $s.sentinels) -}}
{{- $hosts = append $hosts (printf "${rdsNames.sentinel}-%d.${rdsNames.sentinelHeadless}.%s.svc:${SENTINEL_PORT}" $rds $i $rds $.Release.Namespace) -}}
{{- end -}}
{{- $redis = dict "url" (printf "redis://${rdsNames.master}:${REDIS_PORT}" $rds) "sentinels" (join "," $hosts) "masterName" $s.masterName
               "passwordSecret" (dict "name" (printf "${rdsNames.auth}" $rds) "key" "password") -}}
`.trim();

export const dataLayerTemplates = [postgresMode, redisMode, operatorEnabled];

/** Template conditions (pipelines) for `renderOnlyIf`, `when` and `whenItem`. */
export const OPERATOR_ENABLED = 'include "converge.operatorEnabled" .';
export const POSTGRES_BY_OPERATOR = 'eq (include "converge.postgresMode" .) "operator"';
export const POSTGRES_EXTERNAL = 'eq (include "converge.postgresMode" .) "external"';
export const REDIS_BY_OPERATOR = 'eq (include "converge.redisMode" .) "operator"';
export const REDIS_EXTERNAL = 'eq (include "converge.redisMode" .) "external"';
