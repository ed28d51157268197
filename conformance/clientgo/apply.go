package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
)

func managers(m metav1.Object) []string {
	var out []string
	for _, f := range m.GetManagedFields() {
		out = append(out, f.Manager+"/"+string(f.Operation))
	}
	slices.Sort(out)
	return out
}

// applyServerSide: apply creates, a second manager's different value is a 409 conflict naming
// the owner, Force takes ownership, the managed fields extract back into an apply configuration,
// and a field a manager stops applying is removed.
func applyServerSide(ctx context.Context, t *env) error {
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	a := corev1ac.ConfigMap("cm", t.ns).WithLabels(map[string]string{"owner": "a"}).WithData(map[string]string{"x": "1", "y": "1"})
	cm, err := cms.Apply(ctx, a, metav1.ApplyOptions{FieldManager: "mgr-a"})
	if err != nil {
		return fmt.Errorf("apply creating: %w", err)
	}
	if fmt.Sprint(cm.Data) != "map[x:1 y:1]" || !slices.Equal(managers(cm), []string{"mgr-a/Apply"}) {
		return fmt.Errorf("after first apply: data %v managers %v", cm.Data, managers(cm))
	}

	b := corev1ac.ConfigMap("cm", t.ns).WithData(map[string]string{"x": "2"})
	_, err = cms.Apply(ctx, b, metav1.ApplyOptions{FieldManager: "mgr-b"})
	if !apierrors.IsConflict(err) {
		return fmt.Errorf("apply of a field owned by another manager: want 409 Conflict, got %v", err)
	}
	if !strings.Contains(err.Error(), "mgr-a") || !strings.Contains(err.Error(), ".data.x") {
		return fmt.Errorf("conflict message %q does not name the owner mgr-a and the field .data.x", err)
	}
	var causes []string
	if s, ok := err.(apierrors.APIStatus); ok && s.Status().Details != nil {
		for _, c := range s.Status().Details.Causes {
			causes = append(causes, string(c.Type)+" "+c.Field)
		}
	}
	if !slices.Equal(causes, []string{"FieldManagerConflict .data.x"}) {
		return fmt.Errorf("conflict causes %v, want [FieldManagerConflict .data.x]", causes)
	}

	cm, err = cms.Apply(ctx, b, metav1.ApplyOptions{FieldManager: "mgr-b", Force: true})
	if err != nil {
		return fmt.Errorf("forced apply: %w", err)
	}
	if fmt.Sprint(cm.Data) != "map[x:2 y:1]" || !slices.Equal(managers(cm), []string{"mgr-a/Apply", "mgr-b/Apply"}) {
		return fmt.Errorf("after forced apply: data %v managers %v", cm.Data, managers(cm))
	}
	extracted, err := corev1ac.ExtractConfigMap(cm, "mgr-b")
	if err != nil {
		return fmt.Errorf("extract mgr-b's fields: %w", err)
	}
	if fmt.Sprint(extracted.Data) != "map[x:2]" || extracted.Labels != nil {
		return fmt.Errorf("mgr-b's extracted apply configuration: data %v labels %v, want data {x:2} only", extracted.Data, extracted.Labels)
	}

	// mgr-a applies again without y: y (still only mgr-a's) is removed, x (now mgr-b's) stays
	a = corev1ac.ConfigMap("cm", t.ns).WithLabels(map[string]string{"owner": "a"})
	cm, err = cms.Apply(ctx, a, metav1.ApplyOptions{FieldManager: "mgr-a"})
	if err != nil {
		return fmt.Errorf("re-apply without y: %w", err)
	}
	if fmt.Sprint(cm.Data) != "map[x:2]" || cm.Labels["owner"] != "a" {
		return fmt.Errorf("after mgr-a dropped y: data %v labels %v, want data {x:2}", cm.Data, cm.Labels)
	}

	// an Update by another client is recorded as an Update manager
	cm.Data["z"] = "3"
	cm, err = cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: "editor"})
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if !slices.Equal(managers(cm), []string{"editor/Update", "mgr-a/Apply", "mgr-b/Apply"}) {
		return fmt.Errorf("managers after update %v", managers(cm))
	}
	return applyDeployment(ctx, t)
}

// applyDeployment: apply of a workload merges the containers list by name and applying the
// same configuration again is a no-op (same resourceVersion).
func applyDeployment(ctx context.Context, t *env) error {
	deps := t.cs.AppsV1().Deployments(t.ns)
	labels := map[string]string{"app": "web"}
	ac := appsv1ac.Deployment("web", t.ns).WithSpec(appsv1ac.DeploymentSpec().
		WithReplicas(2).
		WithSelector(metav1ac.LabelSelector().WithMatchLabels(labels)).
		WithTemplate(corev1ac.PodTemplateSpec().WithLabels(labels).WithSpec(corev1ac.PodSpec().
			WithContainers(corev1ac.Container().WithName("web").WithImage("nginx:1.25")))))
	d, err := deps.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: "deployer"})
	if err != nil {
		return fmt.Errorf("apply deployment: %w", err)
	}
	again, err := deps.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: "deployer"})
	if err != nil {
		return fmt.Errorf("re-apply deployment: %w", err)
	}
	if again.ResourceVersion != d.ResourceVersion {
		return fmt.Errorf("re-applying the same configuration changed resourceVersion %s -> %s", d.ResourceVersion, again.ResourceVersion)
	}
	side := appsv1ac.Deployment("web", t.ns).WithSpec(appsv1ac.DeploymentSpec().
		WithTemplate(corev1ac.PodTemplateSpec().WithSpec(corev1ac.PodSpec().
			WithContainers(corev1ac.Container().WithName("sidecar").WithImage("busybox:1.36")))))
	d, err = deps.Apply(ctx, side, metav1.ApplyOptions{FieldManager: "injector"})
	if err != nil {
		return fmt.Errorf("apply a second container as another manager: %w", err)
	}
	if got, want := containersOf(d.Spec.Template.Spec), []string{"web=nginx:1.25", "sidecar=busybox:1.36"}; !slices.Equal(got, want) {
		return fmt.Errorf("containers after two managers applied: %v, want %v", got, want)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
		return fmt.Errorf("applied deployment replicas %v strategy %q", d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	return nil
}
