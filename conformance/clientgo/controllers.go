package main

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/client-go/tools/record"
)

// Scenarios of the client-go machinery every controller runs on: leader election over a Lease
// and the two event recorders.

// leaderElection: candidate a acquires the Lease, b waits, a releases on cancel, b takes over
// with leaseTransitions counted.
func leaderElection(ctx context.Context, t *env) error {
	leaders := make(chan string, 4)
	run := func(ctx context.Context, id string) (done chan struct{}, err error) {
		lock, err := resourcelock.New(resourcelock.LeasesResourceLock, t.ns, "cg-leader",
			t.cs.CoreV1(), t.cs.CoordinationV1(), resourcelock.ResourceLockConfig{Identity: id})
		if err != nil {
			return nil, err
		}
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock: lock, LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 200 * time.Millisecond,
			ReleaseOnCancel: true, Name: id,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(ctx context.Context) { leaders <- id; <-ctx.Done() },
				OnStoppedLeading: func() {},
			},
		})
		if err != nil {
			return nil, err
		}
		done = make(chan struct{})
		go func() { defer close(done); le.Run(ctx) }()
		return done, nil
	}
	next := func() (string, error) {
		select {
		case id := <-leaders:
			return id, nil
		case <-time.After(15 * time.Second):
			return "", fmt.Errorf("no leader elected within 15s")
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	leases := t.cs.CoordinationV1().Leases(t.ns)

	ctxA, cancelA := context.WithCancel(ctx)
	defer cancelA()
	doneA, err := run(ctxA, "a")
	if err != nil {
		return err
	}
	if id, err := next(); err != nil || id != "a" {
		return fmt.Errorf("first leader %q (%v), want a", id, err)
	}
	lease, err := leases.Get(ctx, "cg-leader", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get lease: %w", err)
	}
	s := lease.Spec
	if s.HolderIdentity == nil || *s.HolderIdentity != "a" || s.LeaseDurationSeconds == nil || *s.LeaseDurationSeconds != 3 ||
		s.AcquireTime == nil || s.RenewTime == nil {
		return fmt.Errorf("lease held by a: spec %+v", s)
	}

	ctxB, cancelB := context.WithCancel(ctx)
	defer cancelB()
	doneB, err := run(ctxB, "b")
	if err != nil {
		return err
	}
	select {
	case id := <-leaders:
		return fmt.Errorf("%s became leader while a held a valid lease", id)
	case <-time.After(time.Second): // b has retried ~5 times against a's lease
	}
	cancelA()
	<-doneA
	if id, err := next(); err != nil || id != "b" {
		return fmt.Errorf("leader after a released %q (%v), want b", id, err)
	}
	lease, err = leases.Get(ctx, "cg-leader", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get lease: %w", err)
	}
	if h := lease.Spec.HolderIdentity; h == nil || *h != "b" || lease.Spec.LeaseTransitions == nil || *lease.Spec.LeaseTransitions != 1 {
		return fmt.Errorf("lease after the takeover: holder %v transitions %v, want b and 1", h, lease.Spec.LeaseTransitions)
	}
	cancelB()
	<-doneB
	return nil
}

// eventsRecorder: the events.k8s.io/v1 recorder (tools/events) writes a new-style Event, and
// as Kubernetes keeps one stored Event for both API groups, it reads back through core/v1 too.
func eventsRecorder(ctx context.Context, t *env) error {
	p, err := t.cs.CoreV1().Pods(t.ns).Create(ctx, pod("p", nil), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod: %w", err)
	}
	eb := events.NewBroadcaster(&events.EventSinkImpl{Interface: t.cs.EventsV1()})
	if err := eb.StartRecordingToSinkWithContext(ctx); err != nil {
		return err
	}
	defer eb.Shutdown()
	eb.NewRecorder(scheme.Scheme, "cg-controller").Eventf(p, nil, corev1.EventTypeNormal, "Tested", "Testing", "hello %s", "world")
	var ev eventsv1.Event
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		l, err := t.cs.EventsV1().Events(t.ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(l.Items) == 0 {
			return false, err
		}
		ev = l.Items[0]
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("the events.k8s.io recorder's event never appeared: %w", err)
	}
	if ev.Reason != "Tested" || ev.Action != "Testing" || ev.Note != "hello world" || ev.Type != "Normal" ||
		ev.Regarding.Kind != "Pod" || ev.Regarding.Name != "p" || ev.Regarding.UID != p.UID ||
		ev.ReportingController != "cg-controller" || ev.EventTime.IsZero() {
		return fmt.Errorf("events.k8s.io/v1 event %+v", ev)
	}
	core, err := t.cs.CoreV1().Events(t.ns).Get(ctx, ev.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("the new-style event through core/v1: %w", err)
	}
	if core.Reason != "Tested" || core.Message != "hello world" || core.InvolvedObject.Name != "p" || core.ReportingController != "cg-controller" {
		return fmt.Errorf("the new-style event read through core/v1: reason %q message %q involvedObject %q reportingComponent %q",
			core.Reason, core.Message, core.InvolvedObject.Name, core.ReportingController)
	}
	return nil
}

// coreRecorder: the core recorder (tools/record) most controllers still use folds repeats
// into one Event whose count it raises with strategic merge patches.
func coreRecorder(ctx context.Context, t *env) error {
	p, err := t.cs.CoreV1().Pods(t.ns).Create(ctx, pod("p", nil), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod: %w", err)
	}
	rb := record.NewBroadcaster()
	rb.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: t.cs.CoreV1().Events(t.ns)})
	defer rb.Shutdown()
	rec := rb.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "cg-legacy"})
	for i := 0; i < 3; i++ {
		rec.Eventf(p, corev1.EventTypeWarning, "Repeated", "the same message")
	}
	var last corev1.Event
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		l, err := t.cs.CoreV1().Events(t.ns).List(ctx, metav1.ListOptions{FieldSelector: "reason=Repeated"})
		if err != nil || len(l.Items) != 1 {
			return false, err
		}
		last = l.Items[0]
		return last.Count == 3, nil
	})
	if err != nil {
		return fmt.Errorf("core recorder: want one Repeated event with count 3, last seen %q count %d: %w", last.Name, last.Count, err)
	}
	patches := t.rec.matching("PATCH", "/api/v1/namespaces/"+t.ns+"/events/"+last.Name, nil)
	if len(patches) != 2 || patches[0].ContentType != "application/strategic-merge-patch+json" {
		return fmt.Errorf("core recorder raised the count with %d patches (%v), want 2 strategic merge patches", len(patches), patches)
	}
	if last.Source.Component != "cg-legacy" || last.InvolvedObject.Name != "p" || last.Type != "Warning" {
		return fmt.Errorf("core event source %q involvedObject %q type %q", last.Source.Component, last.InvolvedObject.Name, last.Type)
	}
	return nil
}
