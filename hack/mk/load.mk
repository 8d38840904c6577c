# Load against a running Converge (included by the root Makefile): `make dev` in one terminal, then these.
.PHONY: load load-smoke

load: build ## Load generator against make dev, ~1 min (LOAD_ARGS="--users 200 --rate 100 ...", or LOAD_* variables)
	@node observability/dist/src/load/main.js $(LOAD_ARGS)

load-smoke: build ## The k6 smoke script under the k6 stand-in against make dev (K6_ARGS="-e USER_URL=... -e CHAT_URLS=...")
	@mkdir -p .test-results
	@node observability/dist/src/k6-standin/main.js run -e SUMMARY_JSON=.test-results/k6-smoke-summary.json $(K6_ARGS) observability/k6/smoke.js
