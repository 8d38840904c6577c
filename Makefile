# Converge: the README's two commands are `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Every target runs on the repo's pinned Node 24, installed once under ~/.cache/converge by hack/node.sh
# (the machine's own Node is older); its bin directory goes first on PATH, for npm and npx too.
NODE_BIN := $(shell bash hack/node.sh)
ifeq ($(NODE_BIN),)
$(error hack/node.sh could not install the pinned Node (see its message above))
endif
export PATH := $(NODE_BIN):$(PATH)

.PHONY: help deps build dev test lint typecheck bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

deps: ## Install npm dependencies (npm ci, only when the lockfile changed)
	@bash hack/deps.sh

build: deps ## Compile every workspace
	@bash hack/build.sh

dev: ## Run the whole platform on loopback (user :3000, web :3001, chat :3002 and :3012)
	@bash hack/dev.sh

test: ## Install what is needed and run every test; ends with "N passed, N failed"
	@bash hack/test.sh

lint: deps ## ESLint over every workspace
	@npx eslint .

typecheck: deps ## Type-check every workspace (the web app has its own tsconfigs for Vite)
	@npx tsc -b
	@npm run typecheck --silent -w web

bench: build ## Benchmarks that print figures
	@bash hack/bench.sh

clean: ## Remove build output
	@rm -rf packages/*/dist services/*/dist web/dist web/dist-server cdk8s/dist .test-results

-include hack/mk/*.mk
