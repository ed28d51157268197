package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/features"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

const watchListEnv = "KUBE_FEATURE_WatchListClient"

// informerChild runs the hidden "informer" scenario in a child process with the WatchListClient
// gate set through its environment variable: client-go reads the gates once per process, the
// way a real program gets them.
func informerChild(gate string) func(ctx context.Context, t *env) error {
	return func(ctx context.Context, t *env) error {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		args := []string{"-server", t.server, "-run", "informer", "-timeout", "25s"}
		if verbose {
			args = append(args, "-v")
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Env = append(os.Environ(), watchListEnv+"="+gate)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if verbose {
			cmd.Stderr = os.Stderr
		}
		out, runErr := cmd.Output()
		for _, line := range strings.Split(string(out), "\n") {
			if line == "PASS informer" && runErr == nil {
				return nil
			}
			if reason, ok := strings.CutPrefix(line, "FAIL informer: "); ok {
				return fmt.Errorf("%s", reason)
			}
		}
		return fmt.Errorf("informer child: %v; stdout %q; stderr %q", runErr, out, tail(stderr.String(), 400))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// name works on objects and on the tombstones a DeleteFunc may get.
func name(obj any) string {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	if m, ok := obj.(metav1.Object); ok {
		return m.GetName()
	}
	return fmt.Sprintf("%T", obj)
}

// informerScenario: a SharedInformerFactory on Pods and ConfigMaps with handlers syncs, hands
// the initial objects to the handlers as initial adds, then follows creates, updates and deletes;
// the exchanges it recorded show whether the initial state came from a LIST or, with the
// WatchListClient gate on, from a watch with sendInitialEvents=true ended by a bookmark.
func informerScenario(ctx context.Context, t *env) error {
	watchList := features.FeatureGates().Enabled(features.WatchListClient)
	if v, ok := os.LookupEnv(watchListEnv); ok {
		want, _ := strconv.ParseBool(v)
		if want != watchList {
			return fmt.Errorf("%s=%s but the gate reads %v", watchListEnv, v, watchList)
		}
	}
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	pods := t.cs.CoreV1().Pods(t.ns)
	for i := 0; i < 2; i++ {
		if _, err := cms.Create(ctx, configMap(fmt.Sprintf("i-%d", i), nil, map[string]string{"v": "1"}), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create configmap: %w", err)
		}
		if _, err := pods.Create(ctx, pod(fmt.Sprintf("p-%d", i), nil), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create pod: %w", err)
		}
	}

	events := make(chan string, 64)
	handler := func(kind string) cache.ResourceEventHandler {
		return cache.ResourceEventHandlerDetailedFuncs{
			AddFunc: func(obj any, initial bool) {
				events <- fmt.Sprintf("%s add %s initial=%v", kind, name(obj), initial)
			},
			UpdateFunc: func(_, obj any) { events <- fmt.Sprintf("%s update %s", kind, name(obj)) },
			DeleteFunc: func(obj any) { events <- fmt.Sprintf("%s delete %s", kind, name(obj)) },
		}
	}
	factory := informers.NewSharedInformerFactoryWithOptions(t.cs, 0, informers.WithNamespace(t.ns))
	podInf := factory.Core().V1().Pods()
	cmInf := factory.Core().V1().ConfigMaps()
	podReg, err := podInf.Informer().AddEventHandler(handler("pod"))
	if err != nil {
		return err
	}
	cmReg, err := cmInf.Informer().AddEventHandler(handler("configmap"))
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	defer factory.Shutdown()
	defer close(stop)
	factory.Start(stop)

	syncCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), podReg.HasSynced, cmReg.HasSynced) {
		return fmt.Errorf("caches not synced within 15s (watch-list %v)%s", watchList, describeRequests(t, watchList))
	}
	initial, err := drain(ctx, events, 4, 5*time.Second)
	if err != nil {
		return fmt.Errorf("initial events: %w", err)
	}
	if want := []string{
		"configmap add i-0 initial=true", "configmap add i-1 initial=true",
		"pod add p-0 initial=true", "pod add p-1 initial=true",
	}; !slices.Equal(initial, want) {
		return fmt.Errorf("initial events %v, want %v", initial, want)
	}
	if rv := podInf.Informer().LastSyncResourceVersion(); rv == "" {
		return fmt.Errorf("pod informer has no resourceVersion after sync")
	}

	// live changes reach the handlers and the listers
	if _, err := cms.Create(ctx, configMap("i-2", nil, nil), metav1.CreateOptions{}); err != nil {
		return err
	}
	i0, err := cmInf.Lister().ConfigMaps(t.ns).Get("i-0")
	if err != nil {
		return fmt.Errorf("lister get i-0: %w", err)
	}
	i0 = i0.DeepCopy()
	i0.Data["v"] = "2"
	if _, err := cms.Update(ctx, i0, metav1.UpdateOptions{}); err != nil {
		return err
	}
	if err := cms.Delete(ctx, "i-1", metav1.DeleteOptions{}); err != nil {
		return err
	}
	if _, err := pods.Create(ctx, pod("p-2", nil), metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := pods.Delete(ctx, "p-0", metav1.DeleteOptions{}); err != nil {
		return err
	}
	live, err := drain(ctx, events, 5, 10*time.Second)
	if err != nil {
		return fmt.Errorf("events after sync: %w", err)
	}
	if want := []string{
		"configmap add i-2 initial=false", "configmap delete i-1", "configmap update i-0",
		"pod add p-2 initial=false", "pod delete p-0",
	}; !slices.Equal(live, want) {
		return fmt.Errorf("events after sync %v, want %v", live, want)
	}
	cached, err := cmInf.Lister().ConfigMaps(t.ns).List(labels.Everything())
	if err != nil {
		return err
	}
	got := itemNames(derefAll(cached), func(o *corev1.ConfigMap) string { return o.Name + "=" + o.Data["v"] })
	slices.Sort(got)
	if want := []string{"i-0=2", "i-2="}; !slices.Equal(got, want) {
		return fmt.Errorf("lister after changes %v, want %v", got, want)
	}
	return checkHowSynced(t, watchList)
}

// checkHowSynced asserts from the recorded exchanges which path the reflectors took: client-go
// falls back to a LIST silently (a log line at -v 4) when a watch-list fails.
func checkHowSynced(t *env, watchList bool) error {
	for _, res := range []string{"pods", "configmaps"} {
		path := "/api/v1/namespaces/" + t.ns + "/" + res
		streams := t.rec.matching("GET", path, map[string]string{
			"watch": "true", "sendInitialEvents": "true", "allowWatchBookmarks": "true", "resourceVersionMatch": "NotOlderThan",
		})
		lists := t.rec.matching("GET", path, map[string]string{"watch": ""})
		if watchList && (len(streams) == 0 || len(lists) != 0) {
			return fmt.Errorf("watch-list on: %s synced with %d watch-list streams and %d LISTs, want >=1 and 0%s",
				res, len(streams), len(lists), describeRequests(t, watchList))
		}
		if !watchList && (len(lists) == 0 || len(streams) != 0) {
			return fmt.Errorf("watch-list off: %s synced with %d LISTs and %d watch-list streams, want >=1 and 0", res, len(lists), len(streams))
		}
	}
	return nil
}

func describeRequests(t *env, watchList bool) string {
	var parts []string
	for _, ex := range t.rec.all() {
		if ex.Method == "GET" {
			parts = append(parts, fmt.Sprintf("%s?%s -> %d", ex.Path, ex.Query, ex.Status))
		}
	}
	return fmt.Sprintf("; GETs: %v", parts)
}

func derefAll[T any](xs []*T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = *x
	}
	return out
}

// drain reads n handler events, checks that no further one is already on its way (a duplicate
// or a resync), and sorts them: the two informers' handlers interleave freely.
func drain(ctx context.Context, events <-chan string, n int, wait time.Duration) ([]string, error) {
	var out []string
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(out) < n {
		select {
		case e := <-events:
			out = append(out, e)
		case <-timer.C:
			return out, fmt.Errorf("got %d of %d events within %s: %v", len(out), n, wait, out)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	// nothing more may arrive (no duplicates, no resync updates)
	select {
	case e := <-events:
		return out, fmt.Errorf("unexpected extra event %q after %v", e, out)
	case <-time.After(300 * time.Millisecond):
	}
	slices.Sort(out)
	return out, nil
}
