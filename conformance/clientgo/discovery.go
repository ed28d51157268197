package main

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// discoveryDynamic: client-go's discovery reads the aggregated documents (two requests, no
// per-group-version fetches), ServerPreferredResources is complete, a RESTMapper built on it
// maps kinds to resources, and the dynamic client lists every listable resource it found.
func discoveryDynamic(ctx context.Context, t *env) error {
	dc, err := discovery.NewDiscoveryClientForConfig(t.cfg)
	if err != nil {
		return err
	}
	lists, err := discovery.ServerPreferredResources(dc)
	if err != nil {
		return fmt.Errorf("ServerPreferredResources: %w", err)
	}
	if err := checkAggregated(t); err != nil {
		return err
	}
	preferred := map[string]metav1.APIResource{}
	var gvrs []schema.GroupVersionResource
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return fmt.Errorf("group version %q: %w", l.GroupVersion, err)
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") {
				return fmt.Errorf("ServerPreferredResources lists the subresource %s", r.Name)
			}
			preferred[gv.WithResource(r.Name).String()] = r
			if contains(r.Verbs, "list") {
				gvrs = append(gvrs, gv.WithResource(r.Name))
			}
		}
	}
	for _, want := range []string{
		"/v1, Resource=configmaps", "/v1, Resource=pods", "/v1, Resource=services", "/v1, Resource=namespaces",
		"apps/v1, Resource=deployments", "batch/v1, Resource=jobs", "coordination.k8s.io/v1, Resource=leases",
		"discovery.k8s.io/v1, Resource=endpointslices", "events.k8s.io/v1, Resource=events",
	} {
		if _, ok := preferred[want]; !ok {
			return fmt.Errorf("ServerPreferredResources lacks %s", want)
		}
	}
	if r := preferred["apps/v1, Resource=deployments"]; !r.Namespaced || r.Kind != "Deployment" || !contains(r.ShortNames, "deploy") {
		return fmt.Errorf("deployments discovered as %+v", r)
	}

	// kubectl's path from a kind to a resource
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	m, err := mapper.RESTMapping(schema.GroupKind{Group: "apps", Kind: "Deployment"})
	if err != nil {
		return fmt.Errorf("RESTMapping Deployment: %w", err)
	}
	if m.Resource.String() != "apps/v1, Resource=deployments" || m.Scope.Name() != "namespace" {
		return fmt.Errorf("RESTMapping Deployment: %s scope %s", m.Resource, m.Scope.Name())
	}
	expander := restmapper.NewShortcutExpander(mapper, dc, nil)
	if gvr, err := expander.ResourceFor(schema.GroupVersionResource{Resource: "cm"}); err != nil || gvr.Resource != "configmaps" {
		return fmt.Errorf("short name cm resolves to %v (%v), want configmaps", gvr, err)
	}

	if _, err := t.cs.CoreV1().ConfigMaps(t.ns).Create(ctx, configMap("seen", nil, nil), metav1.CreateOptions{}); err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(t.cfg)
	if err != nil {
		return err
	}
	for _, gvr := range gvrs {
		l, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("dynamic list %s: %w", gvr, err)
		}
		// componentstatuses are probed live, not stored: their list has no resourceVersion
		stored := gvr.Resource != "componentstatuses"
		if !strings.HasSuffix(l.GetKind(), "List") || (stored && l.GetResourceVersion() == "") {
			return fmt.Errorf("dynamic list %s: kind %q resourceVersion %q", gvr, l.GetKind(), l.GetResourceVersion())
		}
		if gvr.Resource == "configmaps" && gvr.Group == "" {
			found := false
			for _, item := range l.Items {
				found = found || (item.GetNamespace() == t.ns && item.GetName() == "seen")
			}
			if !found {
				return fmt.Errorf("dynamic list of configmaps across namespaces lacks %s/seen", t.ns)
			}
		}
	}
	if len(gvrs) < 20 {
		return fmt.Errorf("only %d listable resources discovered", len(gvrs))
	}
	return nil
}

// checkAggregated: discovery asked for the aggregated documents and got them, so it did not
// fall back to fetching every group version one by one.
func checkAggregated(t *env) error {
	const v2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	for _, path := range []string{"/api", "/apis"} {
		got := t.rec.matching("GET", path, nil)
		if len(got) == 0 {
			return fmt.Errorf("discovery never fetched %s", path)
		}
		ex := got[len(got)-1]
		if !strings.Contains(ex.Accept, "apidiscovery.k8s.io") {
			return fmt.Errorf("discovery fetched %s with Accept %q, not asking for the aggregated document", path, ex.Accept)
		}
		if strings.ReplaceAll(ex.RespType, " ", "") != v2 {
			return fmt.Errorf("%s answered Content-Type %q, want %s", path, ex.RespType, v2)
		}
	}
	for _, ex := range t.rec.all() {
		if strings.HasPrefix(ex.Path, "/apis/") && strings.Count(ex.Path, "/") == 3 && ex.Method == "GET" {
			return fmt.Errorf("discovery fell back to the per-group-version document %s", ex.Path)
		}
		if ex.Path == "/api/v1" {
			return fmt.Errorf("discovery fell back to the per-group-version document /api/v1")
		}
	}
	return nil
}
