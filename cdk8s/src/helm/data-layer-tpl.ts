import { APP_USERNAME, names } from '@converge/operator';

// Which part of the data layer the chart's operator runs, as named templates (`_helpers.tpl`), and
// the names of what it runs, taken from @converge/operator so the chart and the operator agree.

/** The PostgresCluster of a release: `<release>-pg`. */
export const PG_CLUSTER_SUFFIX = 'pg';
/** The instances' PostgreSQL port (the operator's Services and pods all use it). */
export const POSTGRES_PORT = 5432;
/** The databases the operator creates for the services, owned by the app user. */
export const PG_DATABASES = { user: 'converge_user', chat: 'converge_chat' } as const;

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
 * Redis's mode: external whatever dataLayer.mode says, until the operator runs Redis (issue 14 adds
 * dataLayer.redis.mode here, and a branch in converge.endpoints).
 */
const redisMode = `
{{- define "converge.redisMode" -}}
external
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

export const dataLayerTemplates = [postgresMode, redisMode, operatorEnabled];

/** Template conditions (pipelines) for `renderOnlyIf`, `when` and `whenItem`. */
export const OPERATOR_ENABLED = 'include "converge.operatorEnabled" .';
export const POSTGRES_BY_OPERATOR = 'eq (include "converge.postgresMode" .) "operator"';
export const POSTGRES_EXTERNAL = 'eq (include "converge.postgresMode" .) "external"';
