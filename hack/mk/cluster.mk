# A real one-node Kubernetes with the whole chart on it, for a person (included by the root Makefile).
.PHONY: cluster cluster-down

cluster: build ## Real node + images + chart (state in .dev/cluster; OPERATOR=1: PostgreSQL from the operator); prints the URL
	@node e2e/dist/src/cluster-cli.js up

cluster-down: ## Remove everything make cluster made (processes, interfaces, iptables, mounts)
	@node e2e/dist/src/cluster-cli.js down
