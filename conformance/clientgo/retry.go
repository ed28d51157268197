package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// retryOnConflict: the read-modify-write loop controllers use. A write from a stale read is a
// 409 that retry.RetryOnConflict retries; concurrent incrementers lose no update.
func retryOnConflict(ctx context.Context, t *env) error {
	cms := t.cs.CoreV1().ConfigMaps(t.ns)
	if _, err := cms.Create(ctx, configMap("counter", nil, map[string]string{"n": "0"}), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	// a deterministic conflict: the first attempt writes a copy read before someone else's write
	stale, err := cms.Get(ctx, "counter", metav1.GetOptions{})
	if err != nil {
		return err
	}
	other := stale.DeepCopy()
	other.Data["n"] = "1"
	if _, err := cms.Update(ctx, other, metav1.UpdateOptions{}); err != nil {
		return err
	}
	attempts := 0
	var conflicts []error
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		attempts++
		cur := stale
		if attempts > 1 {
			if cur, err = cms.Get(ctx, "counter", metav1.GetOptions{}); err != nil {
				return err
			}
		}
		cur = cur.DeepCopy()
		n, _ := strconv.Atoi(cur.Data["n"])
		cur.Data["n"] = strconv.Itoa(n + 1)
		_, err := cms.Update(ctx, cur, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			conflicts = append(conflicts, err)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("RetryOnConflict: %w", err)
	}
	if attempts != 2 || len(conflicts) != 1 {
		return fmt.Errorf("RetryOnConflict took %d attempts with %d conflicts, want 2 and 1", attempts, len(conflicts))
	}

	// concurrent writers: every increment lands exactly once
	const writers, each = 4, 5
	backoff := wait.Backoff{Steps: 100, Duration: 2 * time.Millisecond, Factor: 1.2, Jitter: 1.0, Cap: 50 * time.Millisecond}
	var wg sync.WaitGroup
	var failed atomic.Value
	var retried atomic.Int64
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := retry.RetryOnConflict(backoff, func() error {
					cur, err := cms.Get(ctx, "counter", metav1.GetOptions{})
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(cur.Data["n"])
					cur.Data["n"] = strconv.Itoa(n + 1)
					_, err = cms.Update(ctx, cur, metav1.UpdateOptions{})
					if apierrors.IsConflict(err) {
						retried.Add(1)
					}
					return err
				})
				if err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return fmt.Errorf("concurrent increment: %w", err)
	}
	final, err := cms.Get(ctx, "counter", metav1.GetOptions{})
	if err != nil {
		return err
	}
	return expect(fmt.Sprintf("counter after %d concurrent increments (%d conflicts retried)", writers*each, retried.Load()),
		final.Data["n"], strconv.Itoa(2+writers*each))
}
