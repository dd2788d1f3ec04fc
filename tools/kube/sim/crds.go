// Package sim is never built into a program: its imports keep the modules whose published
// CustomResourceDefinitions `./dev kube up` registers in go.mod and go.sum, so that their YAML is
// pinned and checksummed like any dependency (as controller-runtime's envtest takes CRDs from Go
// modules).
package sim

import (
	_ "istio.io/api/networking/v1alpha3"
	_ "sigs.k8s.io/gateway-api/apis/v1"
)
