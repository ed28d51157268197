// Command clientgo runs named client-go scenarios against a live kubepy apiserver.
//
//	clientgo -server http://127.0.0.1:8080 [-run a,b] [-list] [-timeout 30s]
//
// It prints "PASS name" or "FAIL name: reason" for each scenario and exits with the number
// of failures, so a wrapper (test_clientgo.py) can both gate on it and record each result.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// scenario is one named behaviour a real client-go program depends on.
type scenario struct {
	name string
	run  func(ctx context.Context, t *env) error
	// hidden scenarios are not part of the default run; they are reached by name (the
	// informer child processes run with a feature gate set in their environment).
	hidden bool
}

var scenarios = []scenario{
	{name: "crud-configmaps", run: crudConfigMaps},
	{name: "crud-services", run: crudServices},
	{name: "crud-pods", run: crudPods},
	{name: "crud-deployments", run: crudDeployments},
	{name: "list-selectors", run: listSelectors},
	{name: "list-pagination", run: listPagination},
	{name: "watch-resume", run: watchResume},
	{name: "watch-initial-events", run: watchInitialEvents},
	{name: "informer-watchlist-on", run: informerChild("true")},
	{name: "informer-watchlist-off", run: informerChild("false")},
	{name: "informer", run: informerScenario, hidden: true},
	{name: "patch-strategic", run: patchStrategic},
	{name: "patch-merge", run: patchMerge},
	{name: "patch-json", run: patchJSON},
	{name: "field-validation", run: fieldValidation},
	{name: "apply-server-side", run: applyServerSide},
	{name: "delete-options", run: deleteOptions},
	{name: "delete-propagation", run: deletePropagation},
	{name: "update-status", run: updateStatus},
	{name: "scale-subresource", run: scaleSubresource},
	{name: "discovery-dynamic", run: discoveryDynamic},
	{name: "metadata-client", run: metadataClient},
	{name: "openapi-version", run: openAPIAndVersion},
	{name: "retry-on-conflict", run: retryOnConflict},
	{name: "leader-election", run: leaderElection},
	{name: "events-recorder", run: eventsRecorder},
	{name: "core-event-recorder", run: coreRecorder},
	{name: "protobuf-default", run: protobufDefault},
	{name: "protobuf", run: protobufScenario},
}

func main() {
	server := flag.String("server", "", "apiserver URL, e.g. http://127.0.0.1:8080")
	only := flag.String("run", "", "comma-separated scenario names (default: all)")
	list := flag.Bool("list", false, "print the scenario names and exit")
	timeout := flag.Duration("timeout", 30*time.Second, "time limit of one scenario")
	flag.BoolVar(&verbose, "v", false, "print every HTTP exchange of each scenario to stderr")
	flag.Parse()

	if *list {
		for _, s := range scenarios {
			if !s.hidden {
				fmt.Println(s.name)
			}
		}
		return
	}
	if *server == "" {
		fmt.Fprintln(os.Stderr, "clientgo: -server is required")
		os.Exit(2)
	}
	selected, err := selectScenarios(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientgo:", err)
		os.Exit(2)
	}
	failures := 0
	for _, s := range selected {
		if err := runOne(s, *server, *timeout); err != nil {
			failures++
			fmt.Printf("FAIL %s: %s\n", s.name, oneLine(err.Error()))
		} else {
			fmt.Printf("PASS %s\n", s.name)
		}
	}
	os.Exit(failures)
}

// selectScenarios resolves -run into scenarios, in the order given; unknown names are an error.
func selectScenarios(only string) ([]scenario, error) {
	if only == "" {
		var all []scenario
		for _, s := range scenarios {
			if !s.hidden {
				all = append(all, s)
			}
		}
		return all, nil
	}
	byName := map[string]scenario{}
	for _, s := range scenarios {
		byName[s.name] = s
	}
	var out []scenario
	for _, name := range strings.Split(only, ",") {
		s, ok := byName[strings.TrimSpace(name)]
		if !ok {
			return nil, fmt.Errorf("unknown scenario %q", name)
		}
		out = append(out, s)
	}
	return out, nil
}

// runOne gives a scenario its own namespace and time limit; a panic is a failure, not a crash
// that would hide the results of the scenarios after it.
func runOne(s scenario, server string, timeout time.Duration) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t, err := newEnv(ctx, server, s.name)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if verbose {
		defer func() {
			for _, ex := range t.rec.all() {
				fmt.Fprintf(os.Stderr, "%s: %s %s?%s [%s; accept %s] -> %d %s\n",
					s.name, ex.Method, ex.Path, ex.Query, ex.ContentType, ex.Accept, ex.Status, ex.RespType)
			}
		}()
	}
	return s.run(ctx, t)
}

// verbose is set by -v.
var verbose bool

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
