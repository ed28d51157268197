package main

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func portsOf(s *corev1.Service) []string {
	var out []string
	for _, p := range s.Spec.Ports {
		out = append(out, fmt.Sprintf("%s:%d/%s->%s", p.Name, p.Port, p.Protocol, p.TargetPort.String()))
	}
	slices.Sort(out)
	return out
}

func containersOf(spec corev1.PodSpec) []string {
	var out []string
	for _, c := range spec.Containers {
		out = append(out, c.Name+"="+c.Image)
	}
	return out
}

// statusCode is the HTTP code of an API error, 0 for anything else.
func statusCode(err error) int32 {
	if s, ok := err.(apierrors.APIStatus); ok {
		return s.Status().Code
	}
	return 0
}

func patchStrategic(ctx context.Context, t *env) error {
	svcs := t.cs.CoreV1().Services(t.ns)
	if _, err := svcs.Create(ctx, service("web", 80), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create service: %w", err)
	}
	// ports merge on their key (port): a new one is added, the old one kept, defaults applied
	p := `{"metadata":{"labels":{"patched":"smp"}},"spec":{"ports":[{"name":"https","port":443}]}}`
	svc, err := svcs.Patch(ctx, "web", types.StrategicMergePatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("strategic patch adding a port: %w", err)
	}
	if want := []string{"http:80/TCP->80", "https:443/TCP->443"}; !slices.Equal(portsOf(svc), want) || svc.Labels["patched"] != "smp" || svc.Labels["app"] != "web" {
		return fmt.Errorf("after strategic patch: ports %v labels %v, want ports %v and both labels", portsOf(svc), svc.Labels, want)
	}
	// the $patch: delete directive removes one element by its key
	p = `{"spec":{"ports":[{"port":80,"$patch":"delete"}]}}`
	svc, err = svcs.Patch(ctx, "web", types.StrategicMergePatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("strategic patch $patch: delete: %w", err)
	}
	if want := []string{"https:443/TCP->443"}; !slices.Equal(portsOf(svc), want) {
		return fmt.Errorf("after $patch: delete: ports %v, want %v", portsOf(svc), want)
	}
	// containers merge on their name: patching one image keeps the other container
	deps := t.cs.AppsV1().Deployments(t.ns)
	if _, err := deps.Create(ctx, deployment("web", 1), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	p = `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}`
	d, err := deps.Patch(ctx, "web", types.StrategicMergePatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("strategic patch of a container image: %w", err)
	}
	if got, want := containersOf(d.Spec.Template.Spec), []string{"web=nginx:1.27", "sidecar=busybox:1.36"}; !slices.Equal(got, want) {
		return fmt.Errorf("after strategic patch: containers %v, want %v", got, want)
	}
	if err := expect("generation after a template patch", d.Generation, 2); err != nil {
		return err
	}
	return nil
}

func patchMerge(ctx context.Context, t *env) error {
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	orig, err := cms.Create(ctx, configMap("cm", nil, map[string]string{"a": "1", "keep": "k"}), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	p := `{"metadata":{"labels":{"m":"1"}},"data":{"a":null,"b":"2"}}`
	cm, err := cms.Patch(ctx, "cm", types.MergePatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("merge patch: %w", err)
	}
	if len(cm.Data) != 2 || cm.Data["b"] != "2" || cm.Data["keep"] != "k" || cm.Labels["m"] != "1" {
		return fmt.Errorf("after merge patch: data %v labels %v, want {b:2 keep:k} and m=1", cm.Data, cm.Labels)
	}
	// a resourceVersion in the patch is a precondition: a stale one is 409 Conflict
	p = fmt.Sprintf(`{"metadata":{"resourceVersion":%q},"data":{"c":"3"}}`, orig.ResourceVersion)
	if _, err := cms.Patch(ctx, "cm", types.MergePatchType, []byte(p), metav1.PatchOptions{}); !apierrors.IsConflict(err) {
		return fmt.Errorf("merge patch with a stale resourceVersion: want Conflict, got %v", err)
	}
	// a JSON merge patch replaces lists whole: the sidecar container goes
	deps := t.cs.AppsV1().Deployments(t.ns)
	if _, err := deps.Create(ctx, deployment("web", 1), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	p = `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}`
	d, err := deps.Patch(ctx, "web", types.MergePatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("merge patch of containers: %w", err)
	}
	if got, want := containersOf(d.Spec.Template.Spec), []string{"web=nginx:1.27"}; !slices.Equal(got, want) {
		return fmt.Errorf("after merge patch: containers %v, want %v (lists are replaced)", got, want)
	}
	// the replaced container was defaulted again
	if err := expect("patched container imagePullPolicy", d.Spec.Template.Spec.Containers[0].ImagePullPolicy, corev1.PullIfNotPresent); err != nil {
		return err
	}
	// a patch of a missing object is 404
	if _, err := cms.Patch(ctx, "missing", types.MergePatchType, []byte(`{"data":{"a":"1"}}`), metav1.PatchOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("merge patch of a missing object: want NotFound, got %v", err)
	}
	return nil
}

func patchJSON(ctx context.Context, t *env) error {
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	if _, err := cms.Create(ctx, configMap("cm", map[string]string{"x": "1"}, map[string]string{"a": "1", "b": "2"}), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	p := `[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"10"},` +
		`{"op":"remove","path":"/data/b"},{"op":"add","path":"/data/c","value":"3"},` +
		`{"op":"add","path":"/metadata/labels/y","value":"2"},{"op":"copy","from":"/data/c","path":"/data/d"}]`
	cm, err := cms.Patch(ctx, "cm", types.JSONPatchType, []byte(p), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("json patch: %w", err)
	}
	if fmt.Sprint(cm.Data) != "map[a:10 c:3 d:3]" || fmt.Sprint(cm.Labels) != "map[x:1 y:2]" {
		return fmt.Errorf("after json patch: data %v labels %v", cm.Data, cm.Labels)
	}
	// a failing test op aborts the whole patch with 422 and changes nothing
	p = `[{"op":"replace","path":"/data/a","value":"99"},{"op":"test","path":"/data/c","value":"wrong"}]`
	_, err = cms.Patch(ctx, "cm", types.JSONPatchType, []byte(p), metav1.PatchOptions{})
	if statusCode(err) != 422 {
		return fmt.Errorf("json patch with a failing test op: want 422, got %v", err)
	}
	cm, err = cms.Get(ctx, "cm", metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cm.Data["a"] != "10" {
		return fmt.Errorf("a failed json patch was partly applied: data %v", cm.Data)
	}
	// a patch document that is not a JSON patch is 400
	if _, err := cms.Patch(ctx, "cm", types.JSONPatchType, []byte(`{"op":"add"}`), metav1.PatchOptions{}); !apierrors.IsBadRequest(err) {
		return fmt.Errorf("malformed json patch: want BadRequest, got %v", err)
	}
	return nil
}
