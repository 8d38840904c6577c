// templates/_helpers.tpl of the chart. Named templates hold the logic that depends on several values
// at once; the constructs reference them with `include`. Kept as TS source so the chart stays generated.
import { dataLayerTemplates, operatorPostgresEndpoint, operatorRedisEndpoint } from './data-layer-tpl';

/**
 * The one place that decides where PostgreSQL, Redis and NATS are. Every env var of the services is
 * read from this JSON. Each part of the data layer has its mode (data-layer-tpl.ts): PostgreSQL is
 * `postgres.external` or the chart's PostgresCluster; Redis is `redis.external` or the chart's
 * RedisSentinel (its Sentinels, the master name, the Secret the operator generates).
 */
const endpoints = `
{{- define "converge.endpoints" -}}
{{- $v := .Values -}}
{{- $nats := printf "nats://%s-nats:4222" .Release.Name -}}
{{- $pg := dict -}}
{{- if eq (include "converge.postgresMode" .) "operator" -}}
${operatorPostgresEndpoint}
{{- else -}}
{{- $e := $v.postgres.external -}}
{{- $pg = dict "host" $e.host "port" (int $e.port) "username" $e.username "params" $e.params
            "databases" (dict "user" $e.userDatabase "chat" $e.chatDatabase)
            "passwordSecret" $v.postgres.passwordSecret -}}
{{- end -}}
{{- $redis := dict -}}
{{- if eq (include "converge.redisMode" .) "operator" -}}
${operatorRedisEndpoint}
{{- else -}}
{{- $e := $v.redis.external -}}
{{- /* An empty Secret name means the chart's generated one (credentials.ts). */ -}}
{{- $redisSecret := $v.redis.passwordSecret -}}
{{- if not $redisSecret.name }}{{ $redisSecret = dict "name" (printf "%s-redis-auth" .Release.Name) "key" "password" }}{{ end -}}
{{- $redis = dict "url" $e.url "sentinels" (join "," $e.sentinels) "masterName" $e.masterName "passwordSecret" $redisSecret -}}
{{- end -}}
{{- $natsSecret := $v.nats.auth.passwordSecret -}}
{{- if not $natsSecret.name }}{{ $natsSecret = dict "name" (printf "%s-nats-auth" .Release.Name) "key" "password" }}{{ end -}}
{{- dict
  "postgres" $pg
  "redis" $redis
  "nats" (dict "url" $nats "user" $v.nats.auth.user "passwordSecret" $natsSecret)
  | toJson -}}
{{- end -}}
`;

/** DATABASE_URL of one service: (list $ "user"|"chat"). The password comes from a Secret, not the URL. */
const databaseUrl = `
{{- define "converge.databaseUrl" -}}
{{- $pg := (include "converge.endpoints" (index . 0) | fromJson).postgres -}}
{{- $url := printf "postgres://%s@%s:%d/%s" $pg.username $pg.host (int $pg.port) (index $pg.databases (index . 1)) -}}
{{- if $pg.params }}{{ $url = printf "%s?%s" $url $pg.params }}{{ end -}}
{{- $url -}}
{{- end -}}
`;

/** Image reference: (list $ .Values.<process>.image). */
const image = `
{{- define "converge.image" -}}
{{- $root := index . 0 -}}
{{- $img := index . 1 -}}
{{- $tag := default $root.Values.image.tag $img.tag -}}
{{- if $root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $root.Values.image.registry) $img.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $tag -}}
{{- end -}}
{{- end -}}
`;

const pullSecrets = `
{{- define "converge.pullSecrets" -}}
{{- $out := list -}}
{{- range .Values.image.pullSecrets }}{{ $out = append $out (dict "name" .) }}{{ end -}}
{{- toJson $out -}}
{{- end -}}
`;

/** Longer than the preStop pause plus the longest drain, so the kubelet never kills a draining pod. */
const gracePeriod = `
{{- define "converge.terminationGracePeriodSeconds" -}}
{{- add (int .Values.preStopSleepSeconds) (div (add (int .Values.shutdownTimeoutMs) 999) 1000) 5 -}}
{{- end -}}
`;

/**
 * A password for a Secret the chart generates: the one already in the cluster when there is one
 * (so an upgrade never changes it), else 32 random characters. Base64, for the Secret's data.
 * Argument: (list $ "<secret name>").
 */
const generatedPassword = `
{{- define "converge.generatedPassword" -}}
{{- $s := lookup "v1" "Secret" (index . 0).Release.Namespace (index . 1) -}}
{{- if and $s $s.data (index $s.data "password") -}}
{{- index $s.data "password" -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}
`;

/** A NetworkPolicy's ports for a list of TCP port numbers (values lists, e.g. the Redis ports). */
const tcpPorts = `
{{- define "converge.tcpPorts" -}}
{{- $out := list -}}
{{- range . }}{{ $out = append $out (dict "protocol" "TCP" "port" (int .)) }}{{ end -}}
{{- toJson $out -}}
{{- end -}}
`;

/** nats.conf: JetStream on a PVC, cluster routes to every server of the StatefulSet. */
const natsConf = `
{{- define "converge.nats.conf" -}}
server_name: $SERVER_NAME
listen: 0.0.0.0:4222
http: 0.0.0.0:8222
pid_file: /var/run/nats/nats.pid
lame_duck_duration: 30s
lame_duck_grace_period: 10s
# Clients log in; the password is the pod's NATS_PASSWORD (from a Secret), never in this ConfigMap.
authorization {
  user: {{ .Values.nats.auth.user | quote }}
  password: $NATS_PASSWORD
}
jetstream {
  store_dir: /data/jetstream
  max_file_store: {{ .Values.nats.jetstream.maxFileStore }}
  max_memory_store: {{ .Values.nats.jetstream.maxMemoryStore }}
}
cluster {
  name: {{ .Release.Name }}-nats
  listen: 0.0.0.0:6222
  routes: [
{{- range $i := until (int .Values.nats.replicas) }}
    nats://{{ $.Release.Name }}-nats-{{ $i }}.{{ $.Release.Name }}-nats-headless.{{ $.Release.Namespace }}.svc.{{ $.Values.clusterDomain }}:6222
{{- end }}
  ]
}
{{ end -}}
`;

/** Capabilities check for the ServiceMonitor CRD. */
export const SERVICE_MONITOR_CONDITION =
  'and .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")';

/** Capabilities check for the PrometheusRule CRD (the same API group as the ServiceMonitor's). */
export const PROMETHEUS_RULE_CONDITION =
  'and .Values.observability.prometheusRule.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PrometheusRule")';

/**
 * An alert's runbook_url: (list $ "<repository-relative path>#<anchor>"). With
 * observability.prometheusRule.runbookBaseUrl it becomes <base>/<path>; without, the path stays.
 */
const runbookUrl = `
{{- define "converge.runbookUrl" -}}
{{- $base := (index . 0).Values.observability.prometheusRule.runbookBaseUrl -}}
{{- if $base -}}
{{- printf "%s/%s" (trimSuffix "/" $base) (index . 1) -}}
{{- else -}}
{{- index . 1 -}}
{{- end -}}
{{- end -}}
`;

export const helpersTpl = [
  '{{/* Generated by cdk8s/src/helm/helpers-tpl.ts: do not edit. */}}',
  ...dataLayerTemplates,
  endpoints,
  databaseUrl,
  image,
  pullSecrets,
  gracePeriod,
  generatedPassword,
  tcpPorts,
  natsConf,
  runbookUrl,
]
  .map((s) => s.trim())
  .join('\n\n')
  .concat('\n');

/** A field of the endpoints JSON, as a template pipeline (e.g. `redis.url`). */
export const endpoint = (field: string): string => `(include "converge.endpoints" . | fromJson).${field}`;
