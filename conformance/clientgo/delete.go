package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// deleteOptions: what a client-go Delete can ask for besides the name: preconditions, dry run,
// finalizers that hold an object in deletion and a pod's grace period.
func deleteOptions(ctx context.Context, t *env) error {
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	cm, err := cms.Create(ctx, configMap("pre", nil, nil), metav1.CreateOptions{})
	if err != nil {
		return err
	}
	wrongUID := types.UID("00000000-0000-0000-0000-000000000000")
	if err := cms.Delete(ctx, "pre", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &wrongUID}}); !apierrors.IsConflict(err) {
		return fmt.Errorf("delete with a wrong uid precondition: want Conflict, got %v", err)
	}
	cm.Labels = map[string]string{"bump": "1"}
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return err
	}
	if err := cms.Delete(ctx, "pre", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &cm.ResourceVersion}}); !apierrors.IsConflict(err) {
		return fmt.Errorf("delete with a stale resourceVersion precondition: want Conflict, got %v", err)
	}
	if err := cms.Delete(ctx, "pre", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		return fmt.Errorf("dry-run delete: %w", err)
	}
	if _, err := cms.Get(ctx, "pre", metav1.GetOptions{}); err != nil {
		return fmt.Errorf("after a dry-run delete: %w", err)
	}
	if err := cms.Delete(ctx, "pre", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &cm.UID}}); err != nil {
		return fmt.Errorf("delete with a matching uid precondition: %w", err)
	}

	// a finalizer holds the object, with deletionTimestamp set, until it is removed
	held := configMap("held", nil, nil)
	held.Finalizers = []string{"example.com/hold"}
	if _, err := cms.Create(ctx, held, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := cms.Delete(ctx, "held", metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("delete of a finalized object: %w", err)
	}
	held, err = cms.Get(ctx, "held", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("a finalized object went at once: %w", err)
	}
	if held.DeletionTimestamp == nil {
		return fmt.Errorf("a finalized object after delete has no deletionTimestamp")
	}
	held.Data = map[string]string{"late": "write"}
	if _, err := cms.Update(ctx, held, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update of an object being deleted: %w", err)
	}
	held, _ = cms.Get(ctx, "held", metav1.GetOptions{})
	held.Finalizers = nil
	if _, err := cms.Update(ctx, held, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("removing the last finalizer: %w", err)
	}
	if _, err := cms.Get(ctx, "held", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("after its last finalizer went: want NotFound, got %v", err)
	}

	// a pod bound to a node is deleted gracefully: it stays, marked, until its kubelet (or a
	// grace period of 0) finishes it
	pods := t.cs.CoreV1().Pods(t.ns)
	p := pod("bound", nil)
	p.Spec.NodeName = "node-1"
	if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := pods.Delete(ctx, "bound", metav1.DeleteOptions{}); err != nil {
		return err
	}
	p, err = pods.Get(ctx, "bound", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("a bound pod went at once on a graceful delete: %w", err)
	}
	if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != 30 {
		return fmt.Errorf("bound pod after delete: deletionTimestamp %v gracePeriod %v, want set and 30", p.DeletionTimestamp, p.DeletionGracePeriodSeconds)
	}
	if err := pods.Delete(ctx, "bound", metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}); err != nil {
		return fmt.Errorf("delete with grace period 0: %w", err)
	}
	if _, err := pods.Get(ctx, "bound", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("after a delete with grace period 0 (client-go sends DeleteOptions as protobuf): want NotFound, got %v", err)
	}
	return nil
}

// deletePropagation: kube-apiserver (--enable-garbage-collector defaults to true) records a
// Foreground or Orphan propagation policy as a finalizer on the object, which then stays, with
// deletionTimestamp set, until the garbage collector has handled its dependents.
func deletePropagation(ctx context.Context, t *env) error {
	deps := t.cs.AppsV1().Deployments(t.ns)
	for _, c := range []struct {
		policy    metav1.DeletionPropagation
		finalizer string
	}{
		{metav1.DeletePropagationForeground, metav1.FinalizerDeleteDependents},
		{metav1.DeletePropagationOrphan, metav1.FinalizerOrphanDependents},
	} {
		policy, finalizer := c.policy, c.finalizer
		name := strings.ToLower(string(policy))
		if _, err := deps.Create(ctx, deployment(name, 1), metav1.CreateOptions{}); err != nil {
			return err
		}
		if err := deps.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil {
			return fmt.Errorf("delete with propagationPolicy %s: %w", policy, err)
		}
		d, err := deps.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("after delete with propagationPolicy %s: %w (kube-apiserver keeps it for the garbage collector)", policy, err)
		}
		if d.DeletionTimestamp == nil || !slices.Equal(d.Finalizers, []string{finalizer}) {
			return fmt.Errorf("propagationPolicy %s: deletionTimestamp %v finalizers %v, want set and [%s]", policy, d.DeletionTimestamp, d.Finalizers, finalizer)
		}
	}
	return nil
}
