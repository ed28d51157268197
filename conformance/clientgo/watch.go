package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// seen is one watch event reduced to what the scenarios compare.
type seen struct {
	Type watch.EventType
	Name string
	RV   string
}

func (s seen) String() string { return fmt.Sprintf("%s %s@%s", s.Type, s.Name, s.RV) }

// collect reads n events (bookmarks skipped) from w, or fails when ctx or `wait` ends first.
func collect(ctx context.Context, w watch.Interface, n int, wait time.Duration) ([]seen, error) {
	var out []seen
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(out) < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return out, fmt.Errorf("watch closed after %v", out)
			}
			if ev.Type == watch.Bookmark {
				continue
			}
			if ev.Type == watch.Error {
				return out, fmt.Errorf("watch error event %v after %v", ev.Object, out)
			}
			m, err := metaOf(ev.Object)
			if err != nil {
				return out, err
			}
			out = append(out, seen{ev.Type, m.GetName(), m.GetResourceVersion()})
		case <-timer.C:
			return out, fmt.Errorf("got %d of %d events in %s: %v", len(out), n, wait, out)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	return out, nil
}

func sameEvents(got, want []seen) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func watchResume(ctx context.Context, t *env) error {
	c := t.cs.CoreV1().ConfigMaps(t.ns)
	a, err := c.Create(ctx, configMap("a", nil, map[string]string{"v": "1"}), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create a: %w", err)
	}
	a.Data["v"] = "2"
	a2, err := c.Update(ctx, a, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update a: %w", err)
	}
	b, err := c.Create(ctx, configMap("b", nil, nil), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create b: %w", err)
	}
	if err := c.Delete(ctx, "b", metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("delete b: %w", err)
	}
	after, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}

	// resuming from a's creation replays everything after it, in order
	w, err := c.Watch(ctx, metav1.ListOptions{ResourceVersion: a.ResourceVersion})
	if err != nil {
		return fmt.Errorf("watch from %s: %w", a.ResourceVersion, err)
	}
	got, err := collect(ctx, w, 3, 10*time.Second)
	w.Stop()
	if err != nil {
		return fmt.Errorf("watch from a's creation: %w", err)
	}
	want := []seen{{watch.Modified, "a", a2.ResourceVersion}, {watch.Added, "b", b.ResourceVersion}, {watch.Deleted, "b", got[2].RV}}
	if !sameEvents(got, want) {
		return fmt.Errorf("watch from a's creation: got %v, want %v", got, want)
	}
	if got[2].RV == b.ResourceVersion || got[2].RV == "" {
		return fmt.Errorf("DELETED event resourceVersion %q: want the deletion's own revision, not b's creation %s", got[2].RV, b.ResourceVersion)
	}

	// resuming from b's creation gives only its deletion
	w, err = c.Watch(ctx, metav1.ListOptions{ResourceVersion: b.ResourceVersion})
	if err != nil {
		return fmt.Errorf("watch from %s: %w", b.ResourceVersion, err)
	}
	got, err = collect(ctx, w, 1, 10*time.Second)
	w.Stop()
	if err != nil {
		return fmt.Errorf("watch from b's creation: %w", err)
	}
	if !sameEvents(got, want[2:]) {
		return fmt.Errorf("watch from b's creation: got %v, want %v", got, want[2:])
	}

	// list-then-watch: nothing replayed, then the next change, filtered by a label selector
	w, err = c.Watch(ctx, metav1.ListOptions{ResourceVersion: after.ResourceVersion, LabelSelector: "watched=yes", AllowWatchBookmarks: true})
	if err != nil {
		return fmt.Errorf("watch from the list's resourceVersion: %w", err)
	}
	defer w.Stop()
	if _, err := c.Create(ctx, configMap("unwatched", nil, nil), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create unwatched: %w", err)
	}
	cw, err := c.Create(ctx, configMap("c", map[string]string{"watched": "yes"}, nil), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create c: %w", err)
	}
	got, err = collect(ctx, w, 1, 10*time.Second)
	if err != nil {
		return fmt.Errorf("watch from the list: %w", err)
	}
	if want := []seen{{watch.Added, "c", cw.ResourceVersion}}; !sameEvents(got, want) {
		return fmt.Errorf("watch from the list with a selector: got %v, want %v", got, want)
	}
	// a label change out of the selector is a DELETED event for that watcher
	cw.Labels["watched"] = "no"
	cw2, err := c.Update(ctx, cw, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("relabel c: %w", err)
	}
	got, err = collect(ctx, w, 1, 10*time.Second)
	if err != nil {
		return fmt.Errorf("watch after relabel: %w", err)
	}
	if want := []seen{{watch.Deleted, "c", cw2.ResourceVersion}}; !sameEvents(got, want) {
		return fmt.Errorf("object leaving the selector: got %v, want %v", got, want)
	}
	return watchGarbledRV(ctx, t)
}

// watchGarbledRV: a resourceVersion that is not one is refused, either as the response or as
// the watch's first (ERROR) event; never a watch that silently starts from now.
func watchGarbledRV(ctx context.Context, t *env) error {
	w, err := t.cs.CoreV1().ConfigMaps(t.ns).Watch(ctx, metav1.ListOptions{ResourceVersion: "not-a-number"})
	if err == nil {
		defer w.Stop()
		select {
		case ev := <-w.ResultChan():
			if ev.Type != watch.Error {
				return fmt.Errorf("watch with a garbled resourceVersion: got %s event, want an error", ev.Type)
			}
		case <-time.After(5 * time.Second):
			return fmt.Errorf("watch with a garbled resourceVersion: no error within 5s")
		}
		return nil
	}
	if !strings.Contains(err.Error(), "resource version") && !strings.Contains(err.Error(), "resourceVersion") {
		return fmt.Errorf("watch with a garbled resourceVersion: error %q does not name the resource version", err)
	}
	return nil
}

// watchInitialEvents: the watch-list protocol raw, as client-go's reflector speaks it: a watch
// with sendInitialEvents=true streams the current objects (selector applied) as ADDED, then a
// BOOKMARK annotated k8s.io/initial-events-end, then live changes.
func watchInitialEvents(ctx context.Context, t *env) error {
	c := t.cs.CoreV1().ConfigMaps(t.ns)
	for _, name := range []string{"x", "y", "z"} {
		labels := map[string]string{"pick": "yes"}
		if name == "z" {
			labels["pick"] = "no"
		}
		if _, err := c.Create(ctx, configMap(name, labels, nil), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
	}
	w, err := c.Watch(ctx, metav1.ListOptions{
		LabelSelector:        "pick=yes",
		SendInitialEvents:    ptr(true),
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
		AllowWatchBookmarks:  true,
	})
	if err != nil {
		return fmt.Errorf("watch with sendInitialEvents: %w", err)
	}
	defer w.Stop()
	var added []string
	bookmarkRV := ""
	timeout := time.After(10 * time.Second)
	for bookmarkRV == "" {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return fmt.Errorf("watch closed before the initial-events-end bookmark; added %v", added)
			}
			m, err := metaOf(ev.Object)
			if err != nil {
				return err
			}
			switch ev.Type {
			case watch.Added:
				added = append(added, m.GetName())
			case watch.Bookmark:
				if m.GetAnnotations()[metav1.InitialEventsAnnotationKey] == "true" {
					bookmarkRV = m.GetResourceVersion()
				}
			default:
				return fmt.Errorf("initial events: unexpected %s %s", ev.Type, m.GetName())
			}
		case <-timeout:
			return fmt.Errorf("no initial-events-end bookmark within 10s; added %v", added)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	slices.Sort(added)
	if !slices.Equal(added, []string{"x", "y"}) || bookmarkRV == "" {
		return fmt.Errorf("initial events %v then bookmark at %q, want [x y] and a resourceVersion", added, bookmarkRV)
	}
	n, err := c.Create(ctx, configMap("n", map[string]string{"pick": "yes"}, nil), metav1.CreateOptions{})
	if err != nil {
		return err
	}
	got, err := collect(ctx, w, 1, 10*time.Second)
	if err != nil {
		return fmt.Errorf("after the initial events: %w", err)
	}
	if want := []seen{{watch.Added, "n", n.ResourceVersion}}; !sameEvents(got, want) {
		return fmt.Errorf("after the initial events: got %v, want %v", got, want)
	}
	return nil
}
