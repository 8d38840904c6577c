# syntax=docker/dockerfile:1.7
# The image of every Node process (user, chat, web): one recipe, the process chosen by build args.
# Build from the repository root, e.g.
#   docker build --build-arg WORKSPACE=services/chat --build-arg PORT=3002 \
#     --build-arg ENTRY=dist/src/main.js -t converge-chat .
# skaffold.yaml passes the three sets; cdk8s/test/dockerfiles.test.ts checks them against the chart.
# Stage "build" runs the same npm targets as `make build` (hack/deps.sh, then the workspace builds),
# so what ships is what the tests ran; then it reinstalls node_modules with the process's production
# dependencies only and stages the files it runs from (docker/runtime-files.sh: no tests, no fakes).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# WORKSPACE: services/user, services/chat or web. ENTRY: the file node runs, relative to it.
ARG WORKSPACE
ARG PORT
ARG ENTRY
WORKDIR /src
COPY . .
RUN if [ ! -f "${WORKSPACE:-none}/package.json" ] || [ -z "$PORT" ] || [ -z "$ENTRY" ]; then \
      echo "build args: WORKSPACE=<services/user|services/chat|web> PORT=<port> ENTRY=<file to run>" >&2; exit 1; \
    fi
# Every packages/* workspace is built (-w packages selects them all, whichever the process uses),
# then the process's own workspace.
RUN --mount=type=cache,target=/root/.npm \
    bash hack/deps.sh \
 && npm run build --silent --if-present -w packages -w "$WORKSPACE" \
 && npm ci --omit=dev --workspace "$WORKSPACE" --no-audit --no-fund --loglevel=error \
 && bash docker/runtime-files.sh "$WORKSPACE" /out \
 && test -f "/out/$WORKSPACE/$ENTRY"

FROM ${NODE_IMAGE}
ARG WORKSPACE
ARG PORT
ARG ENTRY
# ENTRY stays in the environment for the entrypoint below (PORT does not: the processes read PORT
# themselves and default to the port their chart Service targets).
ENV NODE_ENV=production ENTRY=${ENTRY}
WORKDIR /app
# Root-owned and read-only to the process: the pod runs with readOnlyRootFilesystem (and /tmp as an
# emptyDir), so nothing here needs to be writable.
COPY --from=build /src/node_modules node_modules
COPY --from=build /out ./
# Migrations run from the same image: node dist/src/migrate.js (the chart's init container).
WORKDIR /app/${WORKSPACE}
# A numeric non-root user, so Kubernetes can check runAsNonRoot without a passwd lookup.
USER 10001:10001
# 9464: METRICS_PORT's default, where /metrics answers (never on PORT).
EXPOSE ${PORT} 9464
# node is PID 1: the shell only expands ENTRY (exec form cannot) and execs node in its place. node
# has no default signal handlers as PID 1, and @converge/runtime installs its own SIGTERM/SIGINT
# handlers (readiness 503, close listener, finish in-flight work, exit). The chart sets the same
# command (node <entry>) explicitly, so in a pod no shell runs at all.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/bin/sh", "-c", "exec node \"$ENTRY\" \"$@\"", "node"]
