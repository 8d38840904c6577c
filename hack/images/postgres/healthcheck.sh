#!/bin/sh
# Compose's and a pod's readiness: the server accepts connections (over its socket in /tmp).
exec pg_isready -q -h /tmp -p "${PGPORT:-5432}" -U "${POSTGRES_USER:-postgres}"
