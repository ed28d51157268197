package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/pager"
)

// seedConfigMaps creates cm-0..cm-(n-1), tier a for even and b for odd indexes, idx=i.
func seedConfigMaps(ctx context.Context, t *env, n int) error {
	for i := 0; i < n; i++ {
		tier := "a"
		if i%2 == 1 {
			tier = "b"
		}
		labels := map[string]string{"tier": tier, "idx": fmt.Sprint(i)}
		if _, err := t.cs.CoreV1().ConfigMaps(t.ns).Create(ctx, configMap(fmt.Sprintf("cm-%d", i), labels, nil), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create cm-%d: %w", i, err)
		}
	}
	return nil
}

func cmNames(l *corev1.ConfigMapList) []string {
	return itemNames(l.Items, func(o *corev1.ConfigMap) string { return o.Name })
}

func listSelectors(ctx context.Context, t *env) error {
	if err := seedConfigMaps(ctx, t, 6); err != nil {
		return err
	}
	c := t.cs.CoreV1().ConfigMaps(t.ns)
	cases := []struct {
		opts metav1.ListOptions
		want []string
	}{
		{metav1.ListOptions{LabelSelector: "tier=a"}, []string{"cm-0", "cm-2", "cm-4"}},
		{metav1.ListOptions{LabelSelector: "tier in (a,b),idx notin (0,1,2)"}, []string{"cm-3", "cm-4", "cm-5"}},
		{metav1.ListOptions{LabelSelector: "tier!=a,idx"}, []string{"cm-1", "cm-3", "cm-5"}},
		{metav1.ListOptions{LabelSelector: "!tier"}, []string{}},
		{metav1.ListOptions{FieldSelector: "metadata.name=cm-2"}, []string{"cm-2"}},
		{metav1.ListOptions{FieldSelector: "metadata.name!=cm-2", LabelSelector: "tier=a"}, []string{"cm-0", "cm-4"}},
		{metav1.ListOptions{FieldSelector: "metadata.namespace=" + t.ns, LabelSelector: "idx=5"}, []string{"cm-5"}},
	}
	for _, tc := range cases {
		l, err := c.List(ctx, tc.opts)
		if err != nil {
			return fmt.Errorf("list %+v: %w", tc.opts, err)
		}
		got := cmNames(l)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			return fmt.Errorf("list label %q field %q: got %v, want %v", tc.opts.LabelSelector, tc.opts.FieldSelector, got, tc.want)
		}
	}
	// a field the resource does not index is refused (400), not ignored
	if _, err := c.List(ctx, metav1.ListOptions{FieldSelector: "data.a=1"}); err == nil {
		return fmt.Errorf("field selector on an unsupported field: want an error, got a list")
	}
	// pods are selectable by spec.nodeName and status.phase, as the kubelet and scheduler do
	pods := t.cs.CoreV1().Pods(t.ns)
	if _, err := pods.Create(ctx, pod("p", nil), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create pod: %w", err)
	}
	for sel, want := range map[string]int{"spec.nodeName=": 1, "spec.nodeName=node-1": 0, "status.phase=Pending": 1, "status.phase!=Pending": 0} {
		l, err := pods.List(ctx, metav1.ListOptions{FieldSelector: sel})
		if err != nil {
			return fmt.Errorf("list pods %q: %w", sel, err)
		}
		if len(l.Items) != want {
			return fmt.Errorf("list pods field selector %q: %d items, want %d", sel, len(l.Items), want)
		}
	}
	// all namespaces with a selector finds this namespace's objects among everyone's
	all, err := t.cs.CoreV1().ConfigMaps("").List(ctx, metav1.ListOptions{FieldSelector: "metadata.namespace=" + t.ns})
	if err != nil {
		return fmt.Errorf("list across namespaces: %w", err)
	}
	return expect("cross-namespace list items", len(all.Items), 6)
}

func listPagination(ctx context.Context, t *env) error {
	const n = 7
	if err := seedConfigMaps(ctx, t, n); err != nil {
		return err
	}
	c := t.cs.CoreV1().ConfigMaps(t.ns)
	first, err := c.List(ctx, metav1.ListOptions{Limit: 3})
	if err != nil {
		return fmt.Errorf("list limit=3: %w", err)
	}
	if len(first.Items) != 3 || first.Continue == "" {
		return fmt.Errorf("first page: %d items, continue %q; want 3 and a token", len(first.Items), first.Continue)
	}
	if first.RemainingItemCount == nil || *first.RemainingItemCount != n-3 {
		return fmt.Errorf("first page remainingItemCount %v, want %d", first.RemainingItemCount, n-3)
	}
	// an object created after the first page is not in the later pages: they come from the
	// snapshot the first page was read at
	if _, err := c.Create(ctx, configMap("cm-zz", nil, nil), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create cm-zz: %w", err)
	}
	names := cmNames(first)
	token := first.Continue
	for pages := 1; token != ""; pages++ {
		if pages > n {
			return fmt.Errorf("pagination did not end after %d pages", pages)
		}
		page, err := c.List(ctx, metav1.ListOptions{Limit: 3, Continue: token})
		if err != nil {
			return fmt.Errorf("list continue (page %d): %w", pages+1, err)
		}
		if page.ResourceVersion != first.ResourceVersion {
			return fmt.Errorf("page %d resourceVersion %s, want the first page's %s", pages+1, page.ResourceVersion, first.ResourceVersion)
		}
		names = append(names, cmNames(page)...)
		token = page.Continue
	}
	want := []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"}
	if !slices.Equal(names, want) {
		return fmt.Errorf("paged names %v, want %v (in key order, no duplicates, snapshot of the first page)", names, want)
	}
	// client-go's pager, as kubectl and the informers use it, sees the object created since
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.List(ctx, opts)
	})
	p.PageSize = 2
	var paged []string
	err = p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		paged = append(paged, obj.(*corev1.ConfigMap).Name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pager: %w", err)
	}
	if want := append(want, "cm-zz"); !slices.Equal(paged, want) {
		return fmt.Errorf("pager names %v, want %v", paged, want)
	}
	// pages asked with limit=2 really were pages
	pagedReqs := t.rec.matching("GET", "/api/v1/namespaces/"+t.ns+"/configmaps", map[string]string{"limit": "2"})
	if len(pagedReqs) != 4 {
		return fmt.Errorf("pager made %d requests with limit=2, want 4 for 8 items", len(pagedReqs))
	}
	// a garbled continue token is a 400 Bad Request, not a silent full list
	if _, err := c.List(ctx, metav1.ListOptions{Limit: 3, Continue: "not-a-token"}); err == nil {
		return fmt.Errorf("list with a garbled continue token: want an error")
	} else if !strings.Contains(strings.ToLower(err.Error()), "continue") {
		return fmt.Errorf("garbled continue token: error %q does not mention the continue parameter", err)
	}
	return nil
}
