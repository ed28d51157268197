package main

import (
	"context"
	"fmt"
	"net"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// object is what every typed client's item satisfies.
type object interface {
	metav1.Object
	runtime.Object
}

// typedClient is the part of a generated typed client (ConfigMapInterface, ...) CRUD needs.
type typedClient[T object, L any] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
}

// crud runs the lifecycle every resource shares: create (+ AlreadyExists, dry run, generateName),
// get, update (+ Conflict on a stale resourceVersion), list, delete (+ NotFound after).
func crud[T object, L any](ctx context.Context, c typedClient[T, L], obj T, names func(L) []string) (T, error) {
	var zero T
	name := obj.GetName()
	created, err := c.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		return zero, fmt.Errorf("create: %w", err)
	}
	if ts := created.GetCreationTimestamp(); created.GetUID() == "" || created.GetResourceVersion() == "" || ts.IsZero() {
		return zero, fmt.Errorf("create: uid %q, resourceVersion %q, creationTimestamp %v: all must be set",
			created.GetUID(), created.GetResourceVersion(), created.GetCreationTimestamp())
	}
	if _, err := c.Create(ctx, obj, metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		return zero, fmt.Errorf("second create: want AlreadyExists, got %v", err)
	}

	dry := obj.DeepCopyObject().(T)
	dry.SetName(name + "-dry")
	if _, err := c.Create(ctx, dry, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		return zero, fmt.Errorf("dry-run create: %w", err)
	}
	if _, err := c.Get(ctx, name+"-dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return zero, fmt.Errorf("dry-run create persisted the object (get: %v)", err)
	}

	gen := obj.DeepCopyObject().(T)
	gen.SetName("")
	gen.SetGenerateName(name + "-")
	generated, err := c.Create(ctx, gen, metav1.CreateOptions{})
	if err != nil {
		return zero, fmt.Errorf("create with generateName: %w", err)
	}
	if g := generated.GetName(); !strings.HasPrefix(g, name+"-") || len(g) <= len(name)+1 {
		return zero, fmt.Errorf("generateName %q gave name %q", name+"-", g)
	}

	got, err := c.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return zero, fmt.Errorf("get: %w", err)
	}
	if err := firstErr(
		expect("get uid", got.GetUID(), created.GetUID()),
		expect("get resourceVersion", got.GetResourceVersion(), created.GetResourceVersion()),
	); err != nil {
		return zero, err
	}

	changed := got.DeepCopyObject().(T)
	labels := changed.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels["updated"] = "yes"
	changed.SetLabels(labels)
	updated, err := c.Update(ctx, changed, metav1.UpdateOptions{})
	if err != nil {
		return zero, fmt.Errorf("update: %w", err)
	}
	if updated.GetResourceVersion() == created.GetResourceVersion() || updated.GetLabels()["updated"] != "yes" {
		return zero, fmt.Errorf("update: resourceVersion %s (was %s), labels %v",
			updated.GetResourceVersion(), created.GetResourceVersion(), updated.GetLabels())
	}
	if _, err := c.Update(ctx, changed, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		return zero, fmt.Errorf("update with stale resourceVersion: want Conflict, got %v", err)
	}

	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		return zero, fmt.Errorf("list: %w", err)
	}
	listed := names(list)
	if !contains(listed, name) || !contains(listed, generated.GetName()) || contains(listed, name+"-dry") {
		return zero, fmt.Errorf("list: names %v, want %s and %s (and no dry-run object)", listed, name, generated.GetName())
	}

	if err := c.Delete(ctx, generated.GetName(), metav1.DeleteOptions{}); err != nil {
		return zero, fmt.Errorf("delete: %w", err)
	}
	if _, err := c.Get(ctx, generated.GetName(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return zero, fmt.Errorf("get after delete: want NotFound, got %v", err)
	}
	if err := c.Delete(ctx, generated.GetName(), metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
		return zero, fmt.Errorf("second delete: want NotFound, got %v", err)
	}
	return updated, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func itemNames[T any](items []T, name func(*T) string) []string {
	out := make([]string, 0, len(items))
	for i := range items {
		out = append(out, name(&items[i]))
	}
	return out
}

func crudConfigMaps(ctx context.Context, t *env) error {
	c := t.cs.CoreV1().ConfigMaps(t.ns)
	cm, err := crud(ctx, c, configMap("cm", nil, map[string]string{"a": "1"}),
		func(l *corev1.ConfigMapList) []string {
			return itemNames(l.Items, func(o *corev1.ConfigMap) string { return o.Name })
		})
	if err != nil {
		return err
	}
	if cm.Data["a"] != "1" {
		return fmt.Errorf("data after update: %v", cm.Data)
	}
	// an immutable ConfigMap refuses a data change with 422 Invalid
	frozen := configMap("frozen", nil, map[string]string{"k": "v"})
	yes := true
	frozen.Immutable = &yes
	frozen, err = c.Create(ctx, frozen, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create immutable: %w", err)
	}
	frozen.Data["k"] = "changed"
	if _, err := c.Update(ctx, frozen, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		return fmt.Errorf("update of an immutable ConfigMap's data: want Invalid, got %v", err)
	}
	// DeleteCollection by label selector removes exactly the selected ones
	for i, tier := range []string{"x", "x", "y"} {
		if _, err := c.Create(ctx, configMap(fmt.Sprintf("dc-%d", i), map[string]string{"tier": tier}, nil), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create dc-%d: %w", i, err)
		}
	}
	if err := c.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "tier=x"}); err != nil {
		return fmt.Errorf("deletecollection: %w", err)
	}
	left, err := c.List(ctx, metav1.ListOptions{LabelSelector: "tier"})
	if err != nil {
		return fmt.Errorf("list after deletecollection: %w", err)
	}
	names := itemNames(left.Items, func(o *corev1.ConfigMap) string { return o.Name })
	if len(names) != 1 || names[0] != "dc-2" {
		return fmt.Errorf("after deletecollection tier=x: left %v, want [dc-2]", names)
	}
	return nil
}

func crudServices(ctx context.Context, t *env) error {
	c := t.cs.CoreV1().Services(t.ns)
	svc, err := crud(ctx, c, service("web", 80),
		func(l *corev1.ServiceList) []string {
			return itemNames(l.Items, func(o *corev1.Service) string { return o.Name })
		})
	if err != nil {
		return err
	}
	s := svc.Spec
	if ip := net.ParseIP(s.ClusterIP); ip == nil || ip.To4() == nil {
		return fmt.Errorf("spec.clusterIP %q: want an allocated IPv4 address", s.ClusterIP)
	}
	if len(s.ClusterIPs) != 1 || s.ClusterIPs[0] != s.ClusterIP {
		return fmt.Errorf("spec.clusterIPs %v: want [%s]", s.ClusterIPs, s.ClusterIP)
	}
	if err := firstErr(
		expect("spec.type", s.Type, corev1.ServiceTypeClusterIP),
		expect("spec.sessionAffinity", s.SessionAffinity, corev1.ServiceAffinityNone),
		expect("spec.ports[0].protocol", s.Ports[0].Protocol, corev1.ProtocolTCP),
		expect("spec.ports[0].targetPort", s.Ports[0].TargetPort.String(), "80"),
	); err != nil {
		return err
	}
	if s.InternalTrafficPolicy == nil || *s.InternalTrafficPolicy != corev1.ServiceInternalTrafficPolicyCluster {
		return fmt.Errorf("spec.internalTrafficPolicy %v: want Cluster", s.InternalTrafficPolicy)
	}
	if len(s.IPFamilies) != 1 || s.IPFamilies[0] != corev1.IPv4Protocol {
		return fmt.Errorf("spec.ipFamilies %v: want [IPv4]", s.IPFamilies)
	}
	// the cluster IP is immutable
	moved := svc.DeepCopy()
	moved.Spec.ClusterIP = "10.0.0.250"
	moved.Spec.ClusterIPs = []string{"10.0.0.250"}
	if _, err := c.Update(ctx, moved, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		return fmt.Errorf("update of spec.clusterIP: want Invalid, got %v", err)
	}
	return nil
}

func crudPods(ctx context.Context, t *env) error {
	c := t.cs.CoreV1().Pods(t.ns)
	p, err := crud(ctx, c, pod("pod", map[string]string{"app": "pod"}),
		func(l *corev1.PodList) []string {
			return itemNames(l.Items, func(o *corev1.Pod) string { return o.Name })
		})
	if err != nil {
		return err
	}
	s := p.Spec
	ctr := s.Containers[0]
	grace := int64(-1)
	if s.TerminationGracePeriodSeconds != nil {
		grace = *s.TerminationGracePeriodSeconds
	}
	if err := firstErr(
		expect("spec.restartPolicy", s.RestartPolicy, corev1.RestartPolicyAlways),
		expect("spec.dnsPolicy", s.DNSPolicy, corev1.DNSClusterFirst),
		expect("spec.schedulerName", s.SchedulerName, "default-scheduler"),
		expect("spec.terminationGracePeriodSeconds", grace, 30),
		expect("containers[0].imagePullPolicy", ctr.ImagePullPolicy, corev1.PullIfNotPresent),
		expect("containers[0].terminationMessagePath", ctr.TerminationMessagePath, "/dev/termination-log"),
		expect("containers[0].terminationMessagePolicy", ctr.TerminationMessagePolicy, corev1.TerminationMessageReadFile),
		expect("status.phase", p.Status.Phase, corev1.PodPending),
		expect("status.qosClass", p.Status.QOSClass, corev1.PodQOSBestEffort),
	); err != nil {
		return err
	}
	if s.SecurityContext == nil {
		return fmt.Errorf("spec.securityContext: want {} (defaulted), got nil")
	}
	// an image may change on a live pod; a container's name may not
	p.Spec.Containers[0].Image = "nginx:1.26"
	p, err = c.Update(ctx, p, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update of the image: %w", err)
	}
	renamed := p.DeepCopy()
	renamed.Spec.Containers[0].Name = "other"
	if _, err := c.Update(ctx, renamed, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		return fmt.Errorf("update of a container's name: want Invalid, got %v", err)
	}
	return nil
}

func crudDeployments(ctx context.Context, t *env) error {
	c := t.cs.AppsV1().Deployments(t.ns)
	d, err := crud(ctx, c, deployment("web", 2),
		func(l *appsv1.DeploymentList) []string {
			return itemNames(l.Items, func(o *appsv1.Deployment) string { return o.Name })
		})
	if err != nil {
		return err
	}
	s := d.Spec
	if s.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || s.Strategy.RollingUpdate == nil ||
		s.Strategy.RollingUpdate.MaxSurge.String() != "25%" || s.Strategy.RollingUpdate.MaxUnavailable.String() != "25%" {
		return fmt.Errorf("spec.strategy %+v: want RollingUpdate 25%%/25%%", s.Strategy)
	}
	if s.RevisionHistoryLimit == nil || *s.RevisionHistoryLimit != 10 ||
		s.ProgressDeadlineSeconds == nil || *s.ProgressDeadlineSeconds != 600 {
		return fmt.Errorf("spec.revisionHistoryLimit %v, progressDeadlineSeconds %v: want 10 and 600",
			s.RevisionHistoryLimit, s.ProgressDeadlineSeconds)
	}
	if err := firstErr(
		expect("metadata.generation after a labels-only update", d.Generation, 1),
		expect("template restartPolicy", s.Template.Spec.RestartPolicy, corev1.RestartPolicyAlways),
		expect("template containers[0].imagePullPolicy", s.Template.Spec.Containers[0].ImagePullPolicy, corev1.PullIfNotPresent),
	); err != nil {
		return err
	}
	d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26"
	d, err = c.Update(ctx, d, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update of the template: %w", err)
	}
	if err := expect("metadata.generation after a spec update", d.Generation, 2); err != nil {
		return err
	}
	// the selector of apps/v1 is immutable
	moved := d.DeepCopy()
	moved.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", "x": "y"}}
	moved.Spec.Template.Labels["x"] = "y"
	if _, err := c.Update(ctx, moved, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		return fmt.Errorf("update of spec.selector: want Invalid, got %v", err)
	}
	return nil
}
