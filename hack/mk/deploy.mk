# Kubernetes delivery targets (included by the root Makefile). The chart is generated from cdk8s/src.
.PHONY: chart deploy render tools

TOOLS_BIN := $(HOME)/.cache/converge/bin
SKAFFOLD_FLAGS = $(if $(REGISTRY),--default-repo=$(REGISTRY)) $(if $(PROFILE),--profile=$(PROFILE)) $(if $(NAMESPACE),--namespace=$(NAMESPACE))

tools: ## Build the pinned Go tools (helm, skaffold, kube control plane, kwok) into ~/.cache/converge/bin
	@bash hack/tools/install.sh

chart: deps ## Re-synthesize charts/converge from cdk8s/src (never edit the chart by hand)
	@npm run build --silent -w cdk8s && node cdk8s/dist/src/main.js

render: chart ## Print the manifests skaffold would deploy (no cluster, no image build)
	@bash hack/tools/install.sh helm skaffold
	@PATH="$(TOOLS_BIN):$$PATH" skaffold render --offline --digest-source=tag $(SKAFFOLD_FLAGS)

deploy: chart ## Build the images and install/upgrade the chart: make deploy REGISTRY=... [PROFILE=dev] [NAMESPACE=...]
	@bash hack/tools/install.sh helm skaffold
	@PATH="$(TOOLS_BIN):$$PATH" skaffold run $(SKAFFOLD_FLAGS)
