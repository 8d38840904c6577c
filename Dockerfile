# The image of every Node process (user, chat, web, operator): one recipe, the process chosen by build args.
# Build from the repository root, e.g.
#   docker build --build-arg WORKSPACE=services/chat --build-arg PORT=3002 \
#     --build-arg ENTRY=dist/src/main.js -t converge-chat .
# skaffold.yaml passes the three sets; cdk8s/test/dockerfiles.test.ts checks them against the chart.
# It builds with the legacy builder as well as BuildKit (hack/images/build.sh has no BuildKit), so
# no syntax line and no cache mounts: the layers are ordered for the cache instead. The npm install
# layer depends only on the package.json files and the lockfile, the build layer on the sources, and
# both come before the build args, so the three images share them and rebuild neither when only a
# build arg differs. Stage "build" runs the same npm targets as `make build` (hack/deps.sh, then the
# workspace builds), so what ships is what the tests ran; then it reinstalls node_modules with the
# process's production dependencies only and stages the files it runs from (docker/runtime-files.sh:
# no tests, no fakes); npm's links to workspaces the process does not run (@converge/testing) go, as
# they would dangle in the image.
ARG NODE_IMAGE=node:24-bookworm-slim

# What `npm ci` reads, and nothing else: every package.json (found, so a new workspace needs no line
# here), the lockfile and hack/deps.sh. A source change leaves these files, and so the layer that
# copies them into "build", unchanged.
FROM ${NODE_IMAGE} AS manifests
COPY . /ctx
RUN cd /ctx && mkdir /m \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /m/ \; \
 && cp --parents package-lock.json hack/deps.sh /m/

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# EXTRA_CA_CERTS (PEM, default none): CAs npm must trust on a machine whose egress goes through a
# TLS-inspecting proxy (hack/images/build.sh passes the machine's own). It stays in this stage.
ARG EXTRA_CA_CERTS=""
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" >/etc/extra-ca-certs.pem; fi
COPY --from=manifests /m/ ./
# npm's cache stays in this stage's layer (never shipped): the production reinstall below reads it.
RUN if [ -f /etc/extra-ca-certs.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/extra-ca-certs.pem; fi \
 && bash hack/deps.sh
COPY . .
# Every workspace an image runs, for all four at once (-w packages selects every packages/*
# workspace, -w services every service), so the layer is the same whichever image is built.
RUN npm run build --silent --if-present -w packages -w services -w web -w operator
# WORKSPACE: services/user, services/chat or web. ENTRY: the file node runs, relative to it.
ARG WORKSPACE
ARG PORT
ARG ENTRY
RUN if [ ! -f "${WORKSPACE:-none}/package.json" ] || [ -z "$PORT" ] || [ -z "$ENTRY" ]; then \
      echo "build args: WORKSPACE=<services/user|services/chat|web|operator> PORT=<port> ENTRY=<file to run>" >&2; exit 1; \
    fi
RUN if [ -f /etc/extra-ca-certs.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/extra-ca-certs.pem; fi \
 && npm ci --omit=dev --workspace "$WORKSPACE" --no-audit --no-fund --loglevel=error --prefer-offline \
 && bash docker/runtime-files.sh "$WORKSPACE" /out \
 && for link in node_modules/@converge/*; do \
      [ -e "/out/$(readlink "$link" | sed 's#^\.\./\.\./##')" ] || rm "$link"; \
    done \
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
