//go:build tools

// Package tools pins skaffold, built by hack/tools/install.sh.
package tools

import _ "github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold"
