package main

import (
	"context"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// updateStatus: the status subresource writes only status, the main resource only the rest,
// and neither touches metadata.generation through status.
func updateStatus(ctx context.Context, t *env) error {
	deps := t.cs.AppsV1().Deployments(t.ns)
	d, err := deps.Create(ctx, deployment("web", 3), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	d.Status.ObservedGeneration = d.Generation
	d.Status.Replicas = 3
	d.Status.ReadyReplicas = 2
	d.Spec.Replicas = ptr(int32(9)) // ignored by the status subresource
	d, err = deps.UpdateStatus(ctx, d, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update status: %w", err)
	}
	if d.Status.Replicas != 3 || d.Status.ReadyReplicas != 2 || *d.Spec.Replicas != 3 || d.Generation != 1 {
		return fmt.Errorf("after UpdateStatus: status %d/%d replicas %d generation %d; want 3/2, spec untouched (3), generation 1",
			d.Status.Replicas, d.Status.ReadyReplicas, *d.Spec.Replicas, d.Generation)
	}
	d.Status.ReadyReplicas = 0 // ignored by the main resource
	d.Labels["touched"] = "yes"
	d, err = deps.Update(ctx, d, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if d.Status.ReadyReplicas != 2 || d.Labels["touched"] != "yes" {
		return fmt.Errorf("a main-resource update changed status (readyReplicas %d) or lost labels %v", d.Status.ReadyReplicas, d.Labels)
	}

	// the kubelet's write: a pod's phase, conditions and IPs through pods/status
	pods := t.cs.CoreV1().Pods(t.ns)
	p, err := pods.Create(ctx, pod("p", nil), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod: %w", err)
	}
	now := metav1.Now()
	p.Status.Phase = corev1.PodRunning
	p.Status.PodIP = "10.244.0.7"
	p.Status.PodIPs = []corev1.PodIP{{IP: "10.244.0.7"}}
	p.Status.StartTime = &now
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}}
	p.Spec.Containers[0].Image = "ignored:1" // status does not write spec
	createdRV := p.ResourceVersion
	p, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("pod update status: %w", err)
	}
	if p.Status.Phase != corev1.PodRunning || p.Status.PodIP != "10.244.0.7" || len(p.Status.Conditions) != 1 ||
		p.Spec.Containers[0].Image != "nginx:1.25" {
		return fmt.Errorf("after pod UpdateStatus: phase %s ip %s conditions %d image %s",
			p.Status.Phase, p.Status.PodIP, len(p.Status.Conditions), p.Spec.Containers[0].Image)
	}
	// a stale resourceVersion is a conflict on the subresource too
	p.ResourceVersion = createdRV
	if _, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		return fmt.Errorf("status update with a stale resourceVersion: want Conflict, got %v", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// scaleSubresource: GetScale/UpdateScale on a Deployment read and write spec.replicas through
// autoscaling/v1 Scale, with the selector as a string and optimistic concurrency.
func scaleSubresource(ctx context.Context, t *env) error {
	deps := t.cs.AppsV1().Deployments(t.ns)
	d, err := deps.Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	sc, err := deps.GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get scale: %w", err)
	}
	if err := firstErr(
		expect("scale name", sc.Name, "web"),
		expect("scale spec.replicas", sc.Spec.Replicas, 2),
		expect("scale status.selector", sc.Status.Selector, "app=web"),
		expect("scale uid", sc.UID, d.UID),
		expect("scale resourceVersion", sc.ResourceVersion, d.ResourceVersion),
	); err != nil {
		return err
	}
	sc.Spec.Replicas = 5
	sc, err = deps.UpdateScale(ctx, "web", sc, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update scale: %w", err)
	}
	if sc.Spec.Replicas != 5 {
		return fmt.Errorf("update scale answered spec.replicas %d, want 5", sc.Spec.Replicas)
	}
	d, err = deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		return err
	}
	if *d.Spec.Replicas != 5 || d.Generation != 2 {
		return fmt.Errorf("after scaling: spec.replicas %d generation %d, want 5 and 2", *d.Spec.Replicas, d.Generation)
	}
	stale := &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: t.ns, ResourceVersion: sc.ResourceVersion}, Spec: autoscalingv1.ScaleSpec{Replicas: 1}}
	d.Labels["bump"] = "1"
	if _, err := deps.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
		return err
	}
	if _, err := deps.UpdateScale(ctx, "web", stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		return fmt.Errorf("update scale with a stale resourceVersion: want Conflict, got %v", err)
	}
	// without a resourceVersion the scale is applied unconditionally; negative replicas are invalid
	stale.ResourceVersion = ""
	if _, err := deps.UpdateScale(ctx, "web", stale, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update scale without resourceVersion: %w", err)
	}
	stale.Spec.Replicas = -1
	if _, err := deps.UpdateScale(ctx, "web", stale, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		return fmt.Errorf("scale to -1: want Invalid, got %v", err)
	}
	if _, err := deps.GetScale(ctx, "missing", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("scale of a missing deployment: want NotFound, got %v", err)
	}
	return nil
}
