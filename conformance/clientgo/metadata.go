package main

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/metadata"
)

// metadataClient: the metadata-only client the garbage collector and quota controllers use asks
// for PartialObjectMetadata(List) (Accept ...;as=PartialObjectMetadata;g=meta.k8s.io;v=v1) and
// gets objects without their spec, data or status, on get, list, watch and patch.
func metadataClient(ctx context.Context, t *env) error {
	cm, err := t.cs.CoreV1().ConfigMaps(t.ns).Create(ctx, configMap("m", map[string]string{"app": "m"}, map[string]string{"big": "payload"}), metav1.CreateOptions{})
	if err != nil {
		return err
	}
	if _, err := t.cs.AppsV1().Deployments(t.ns).Create(ctx, deployment("d", 1), metav1.CreateOptions{}); err != nil {
		return err
	}
	mc, err := metadata.NewForConfig(t.cfg)
	if err != nil {
		return err
	}
	cms := mc.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(t.ns)
	// The metadata client decodes with a WithoutVersionDecoder, which clears TypeMeta, so only
	// the content (metadata present, spec/data absent) is checked, not the kind.
	got, err := cms.Get(ctx, "m", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("metadata get: %w", err)
	}
	if err := firstErr(
		expect("metadata get uid", got.UID, cm.UID),
		expect("metadata get label app", got.Labels["app"], "m"),
	); err != nil {
		return err
	}
	l, err := mc.Resource(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}).Namespace(t.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("metadata list: %w", err)
	}
	if len(l.Items) != 1 || l.Items[0].Name != "d" || l.Items[0].Generation != 1 || l.ResourceVersion == "" {
		return fmt.Errorf("metadata list of deployments: %d items, resourceVersion %q", len(l.Items), l.ResourceVersion)
	}

	w, err := cms.Watch(ctx, metav1.ListOptions{ResourceVersion: cm.ResourceVersion})
	if err != nil {
		return fmt.Errorf("metadata watch: %w", err)
	}
	defer w.Stop()
	patched, err := cms.Patch(ctx, "m", types.MergePatchType, []byte(`{"metadata":{"labels":{"seen":"yes"}}}`), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("metadata patch: %w", err)
	}
	if patched.Labels["seen"] != "yes" {
		return fmt.Errorf("metadata patch: labels %v", patched.Labels)
	}
	select {
	case ev := <-w.ResultChan():
		p, ok := ev.Object.(*metav1.PartialObjectMetadata)
		if !ok || ev.Type != watch.Modified || p.Name != "m" || p.Labels["seen"] != "yes" || p.ResourceVersion != patched.ResourceVersion {
			return fmt.Errorf("metadata watch event %s %T %+v", ev.Type, ev.Object, ev.Object)
		}
	case <-time.After(10 * time.Second):
		return fmt.Errorf("metadata watch: no event within 10s")
	}
	return nil
}
