package main

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// env is what a scenario works with: a clientset on the server, a namespace of its own and
// a recorder of every HTTP exchange, so a scenario can assert how client-go talked, not only
// what it got back.
type env struct {
	server string
	cfg    *rest.Config
	cs     kubernetes.Interface
	ns     string
	rec    *recorder
}

func newEnv(ctx context.Context, server, name string) (*env, error) {
	rec := &recorder{}
	cfg := &rest.Config{Host: server, QPS: -1}
	cfg.Wrap(rec.wrap)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ns := fmt.Sprintf("cg-%s-%05d", name, rand.Intn(100000))
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create namespace %s: %w", ns, err)
	}
	return &env{server: server, cfg: cfg, cs: cs, ns: ns, rec: rec}, nil
}

// exchange is one request as the server saw it and the content type it answered with.
type exchange struct {
	Method      string
	Path        string
	Query       string
	Accept      string
	ContentType string // of the request body
	Status      int
	RespType    string // Content-Type of the response
}

// recorder is a RoundTripper wrapper remembering every exchange.
type recorder struct {
	mu   sync.Mutex
	seen []exchange
}

type recordingTransport struct {
	rec  *recorder
	next http.RoundTripper
}

func (r *recorder) wrap(next http.RoundTripper) http.RoundTripper {
	return &recordingTransport{rec: r, next: next}
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	ex := exchange{
		Method:      req.Method,
		Path:        req.URL.Path,
		Query:       req.URL.RawQuery,
		Accept:      req.Header.Get("Accept"),
		ContentType: req.Header.Get("Content-Type"),
	}
	if resp != nil {
		ex.Status = resp.StatusCode
		ex.RespType = resp.Header.Get("Content-Type")
	}
	t.rec.mu.Lock()
	t.rec.seen = append(t.rec.seen, ex)
	t.rec.mu.Unlock()
	return resp, err
}

// matching returns the exchanges whose path is path and whose query has every key=value of want
// (a value "" only asks the key to be absent).
func (r *recorder) matching(method, path string, want map[string]string) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []exchange
	for _, ex := range r.seen {
		if ex.Method != method || ex.Path != path {
			continue
		}
		if queryHas(ex.Query, want) {
			out = append(out, ex)
		}
	}
	return out
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.seen...)
}

func queryHas(raw string, want map[string]string) bool {
	got := map[string]string{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
	}
	for k, v := range want {
		gv, ok := got[k]
		if v == "" && ok {
			return false
		}
		if v != "" && gv != v {
			return false
		}
	}
	return true
}
