package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

const (
	protobufType = "application/vnd.kubernetes.protobuf"
	// what client-go 0.35+ typed clients of built-in types send when no ContentType is set
	defaultAccept = protobufType + ",application/json"
)

// protobufDefault: with no content type configured, client-go's typed clients of built-in
// types offer protobuf first (JSON as a fallback); a Kubernetes server answers every one of
// those requests, watches included, in protobuf.
func protobufDefault(ctx context.Context, t *env) error {
	return protobufRoundTrip(ctx, t, t.cfg, defaultAccept)
}

// protobufScenario: ContentType protobuf as the Kubernetes components configure it, and
// protobuf as the only type accepted (ContentType alone would send "protobuf, */*"): no JSON
// fallback can hide a gap.
func protobufScenario(ctx context.Context, t *env) error {
	cfg := rest.CopyConfig(t.cfg)
	cfg.ContentType = protobufType
	cfg.AcceptContentTypes = protobufType
	return protobufRoundTrip(ctx, t, cfg, protobufType)
}

func protobufRoundTrip(ctx context.Context, t *env, cfg *rest.Config, accept string) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	from := len(t.rec.all())
	if err := protobufOps(ctx, t, cs); err != nil {
		return err
	}
	return checkAllProtobuf(t.rec.all()[from:], accept)
}

func protobufOps(ctx context.Context, t *env, cs kubernetes.Interface) error {
	cms := cs.CoreV1().ConfigMaps(t.ns)
	cm, err := cms.Create(ctx, configMap("cm", map[string]string{"k": "v"}, map[string]string{"a": "1"}), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create configmap: %w", err)
	}
	if cm.Data["a"] != "1" || cm.Labels["k"] != "v" || cm.UID == "" {
		return fmt.Errorf("create configmap answered data %v labels %v uid %q", cm.Data, cm.Labels, cm.UID)
	}
	w, err := cms.Watch(ctx, metav1.ListOptions{ResourceVersion: cm.ResourceVersion})
	if err != nil {
		return fmt.Errorf("watch configmaps: %w", err)
	}
	defer w.Stop()
	cm.Data["a"] = "2"
	upd, err := cms.Update(ctx, cm, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update configmap: %w", err)
	}
	if err := expectEvents(ctx, w, seen{watch.Modified, "cm", upd.ResourceVersion}); err != nil {
		return fmt.Errorf("watch configmaps: %w", err)
	}
	l, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list configmaps: %w", err)
	}
	if len(l.Items) != 1 || l.Items[0].Data["a"] != "2" {
		return fmt.Errorf("list configmaps: %d items", len(l.Items))
	}
	if _, err := cms.Get(ctx, "missing", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("get of a missing configmap: want NotFound, got %v", err)
	}

	pods := cs.CoreV1().Pods(t.ns)
	pw, err := pods.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("watch pods: %w", err)
	}
	defer pw.Stop()
	p, err := pods.Create(ctx, pod("p", map[string]string{"app": "p"}), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod: %w", err)
	}
	if p.Spec.RestartPolicy != "Always" || p.Spec.Containers[0].Image != "nginx:1.25" {
		return fmt.Errorf("pod: restartPolicy %q image %q", p.Spec.RestartPolicy, p.Spec.Containers[0].Image)
	}
	if err := expectEvents(ctx, pw, seen{watch.Added, "p", p.ResourceVersion}); err != nil {
		return fmt.Errorf("watch pods: %w", err)
	}
	if pl, err := pods.List(ctx, metav1.ListOptions{}); err != nil || len(pl.Items) != 1 {
		return fmt.Errorf("list pods: %v", err)
	}

	svcs := cs.CoreV1().Services(t.ns)
	svc, err := svcs.Create(ctx, service("web", 80), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create service: %w", err)
	}
	if svc.Spec.ClusterIP == "" || svc.Spec.Ports[0].TargetPort.IntValue() != 80 {
		return fmt.Errorf("service: clusterIP %q targetPort %s", svc.Spec.ClusterIP, svc.Spec.Ports[0].TargetPort.String())
	}

	deps := cs.AppsV1().Deployments(t.ns)
	dw, err := deps.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("watch deployments: %w", err)
	}
	defer dw.Stop()
	d, err := deps.Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	if err := expectEvents(ctx, dw, seen{watch.Added, "web", d.ResourceVersion}); err != nil {
		return fmt.Errorf("watch deployments: %w", err)
	}
	sc, err := deps.GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get scale: %w", err)
	}
	if sc.Spec.Replicas != 2 || sc.Status.Selector != "app=web" {
		return fmt.Errorf("scale: spec.replicas %d selector %q", sc.Spec.Replicas, sc.Status.Selector)
	}
	d.Status.Replicas = 2
	if _, err := deps.UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update deployment status: %w", err)
	}
	if err := deps.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("delete deployment: %w", err)
	}
	return nil
}

func expectEvents(ctx context.Context, w watch.Interface, want ...seen) error {
	got, err := collect(ctx, w, len(want), 10*time.Second)
	if err != nil {
		return err
	}
	if !sameEvents(got, want) {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

// checkAllProtobuf: every body sent and every answer received was protobuf; client-go reads a
// JSON answer when it offered JSON too, which would hide the gap.
func checkAllProtobuf(exs []exchange, accept string) error {
	var gaps []string
	for _, ex := range exs {
		where := fmt.Sprintf("%s %s", ex.Method, ex.Path)
		if strings.Contains(ex.Query, "watch=true") {
			where += "?watch"
		}
		switch {
		case strings.ReplaceAll(ex.Accept, " ", "") != accept:
			gaps = append(gaps, fmt.Sprintf("%s sent Accept %q, want %q", where, ex.Accept, accept))
		case ex.Method != "GET" && ex.ContentType != protobufType:
			gaps = append(gaps, fmt.Sprintf("%s sent Content-Type %q", where, ex.ContentType))
		case !strings.HasPrefix(ex.RespType, protobufType):
			gaps = append(gaps, fmt.Sprintf("%s (HTTP %d) answered %q", where, ex.Status, ex.RespType))
		}
	}
	if len(gaps) > 0 {
		return fmt.Errorf("not protobuf: %s", strings.Join(gaps, "; "))
	}
	return nil
}
