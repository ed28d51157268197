package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// warnings collects the Warning headers client-go hands to its WarningHandler.
type warnings struct {
	mu   sync.Mutex
	seen []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	w.seen = append(w.seen, text)
	w.mu.Unlock()
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.seen
	w.seen = nil
	return out
}

// fieldValidation: the fieldValidation parameter on bodies with an unknown field, as kubectl
// sends it: Strict refuses (400 on create, 422 Invalid on the three patch types), Warn and the
// server's default accept with a Warning header, Ignore accepts silently.
func fieldValidation(ctx context.Context, t *env) error {
	cfg := rest.CopyConfig(t.cfg)
	warns := &warnings{}
	cfg.WarningHandler = warns
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	rc := cs.CoreV1().RESTClient()
	create := func(name, directive string) error {
		req := rc.Post().Namespace(t.ns).Resource("configmaps").SetHeader("Content-Type", "application/json").
			Body([]byte(fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q},"bogus":1}`, name)))
		if directive != "" {
			req = req.Param("fieldValidation", directive)
		}
		return req.Do(ctx).Error()
	}
	const unknown = `unknown field "bogus"`
	warns.take()
	if err := create("strict", "Strict"); !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), unknown) {
		return fmt.Errorf("create with an unknown field, Strict: want 400 naming %s, got %v", unknown, err)
	}
	for _, c := range []struct{ name, directive, warning string }{
		{"warn", "Warn", unknown}, {"default", "", unknown}, {"ignore", "Ignore", ""},
	} {
		if err := create(c.name, c.directive); err != nil {
			return fmt.Errorf("create with an unknown field, fieldValidation=%q: %w", c.directive, err)
		}
		got := strings.Join(warns.take(), "; ")
		if got != c.warning {
			return fmt.Errorf("create with an unknown field, fieldValidation=%q: warnings %q, want %q", c.directive, got, c.warning)
		}
	}
	cms := cs.CoreV1().ConfigMaps(t.ns)
	strict := metav1.PatchOptions{FieldValidation: "Strict"}
	for _, p := range []struct {
		pt   types.PatchType
		body string
	}{
		{types.StrategicMergePatchType, `{"bogus":1}`},
		{types.MergePatchType, `{"bogus":1}`},
		{types.JSONPatchType, `[{"op":"add","path":"/bogus","value":1}]`},
	} {
		_, err := cms.Patch(ctx, "warn", p.pt, []byte(p.body), strict)
		if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), unknown) {
			return fmt.Errorf("%s patch with an unknown field, Strict: want 422 Invalid naming %s, got %d %v", p.pt, unknown, statusCode(err), err)
		}
	}
	return nil
}
