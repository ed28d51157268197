package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/client-go/discovery"
)

// openAPIAndVersion: what kubectl and client-go's typed extraction fetch besides discovery:
// /version, the OpenAPI v2 document (protobuf) and the OpenAPI v3 per-group-version documents
// listed by /openapi/v3.
func openAPIAndVersion(ctx context.Context, t *env) error {
	dc, err := discovery.NewDiscoveryClientForConfig(t.cfg)
	if err != nil {
		return err
	}
	v, err := dc.ServerVersionWithContext(ctx)
	if err != nil {
		return fmt.Errorf("/version: %w", err)
	}
	if v.Major != "1" || !strings.HasPrefix(v.GitVersion, "v1.") || v.Platform == "" {
		return fmt.Errorf("/version: %+v", v)
	}
	doc, err := dc.OpenAPISchemaWithContext(ctx)
	if err != nil {
		return fmt.Errorf("OpenAPI v2: %w", err)
	}
	found := false
	for _, d := range doc.GetDefinitions().GetAdditionalProperties() {
		found = found || d.GetName() == "io.k8s.api.apps.v1.Deployment"
	}
	if !found {
		return fmt.Errorf("OpenAPI v2 lacks the definition io.k8s.api.apps.v1.Deployment")
	}
	paths, err := dc.OpenAPIV3WithContext(ctx).PathsWithContext(ctx)
	if err != nil {
		return fmt.Errorf("OpenAPI v3 paths: %w", err)
	}
	for _, want := range []string{"api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1"} {
		if _, ok := paths[want]; !ok {
			return fmt.Errorf("OpenAPI v3 root lacks %s", want)
		}
	}
	raw, err := paths["apis/apps/v1"].SchemaWithContext(ctx, "application/json")
	if err != nil {
		return fmt.Errorf("OpenAPI v3 apps/v1: %w", err)
	}
	var v3 struct {
		Components struct {
			Schemas map[string]struct {
				GVK []map[string]string `json:"x-kubernetes-group-version-kind"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &v3); err != nil {
		return fmt.Errorf("OpenAPI v3 apps/v1 is not JSON: %w", err)
	}
	dep, ok := v3.Components.Schemas["io.k8s.api.apps.v1.Deployment"]
	if !ok || len(dep.GVK) != 1 || dep.GVK[0]["kind"] != "Deployment" || dep.GVK[0]["group"] != "apps" {
		return fmt.Errorf("OpenAPI v3 apps/v1 Deployment schema: %+v (present %v)", dep, ok)
	}
	return nil
}
