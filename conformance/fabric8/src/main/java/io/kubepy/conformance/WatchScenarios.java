package io.kubepy.conformance;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** JAVA-024's Watcher over a WebSocket, and a SharedIndexInformer (list + watch + resync). */
final class WatchScenarios {
  static final String WATCH_NS = "ns-fabric8-watch";
  static final String INFORM_NS = "ns-fabric8-informer";
  static final long RESYNC_MS = 500;

  private final KubernetesClient client;

  private WatchScenarios(KubernetesClient client) {
    this.client = client;
  }

  static void register(Map<String, Scenario> all, KubernetesClient client) {
    WatchScenarios s = new WatchScenarios(client);
    all.put("watch-pods", s::watchPods);
    all.put("informer-configmaps", s::informConfigMaps);
  }

  private void namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  /** Records "ACTION name" lines, as the book's watcher prints them, and how the watch closed. */
  static final class Recorder implements Watcher<Pod> {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicReference<WatcherException> cause = new AtomicReference<>();

    @Override
    public void eventReceived(Action action, Pod pod) {
      events.add(action + " " + pod.getMetadata().getName());
    }

    @Override
    public void onClose() {
      closed.countDown();
    }

    @Override
    public void onClose(WatcherException e) {
      cause.set(e);
      closed.countDown();
    }
  }

  /** ADDED, MODIFIED, DELETED arrive in order over the WebSocket; close() calls onClose(). */
  void watchPods() throws Exception {
    namespace(WATCH_NS);
    Recorder rec = new Recorder();
    Watch watch = client.pods().inNamespace(WATCH_NS).watch(rec);
    String kind = watch.getClass().getSimpleName();
    Check.equal("WatchConnectionManager", kind, "fabric8's watch implementation (WebSocket; WatchHTTPManager is its HTTP fallback)");
    try {
      Pod pod = new PodBuilder().withNewMetadata().withName("watched").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
      client.pods().inNamespace(WATCH_NS).resource(pod).create();
      client.pods().inNamespace(WATCH_NS).withName("watched").edit(p -> new PodBuilder(p).editMetadata().addToLabels("step", "2").endMetadata().build());
      client.pods().inNamespace(WATCH_NS).withName("watched").withGracePeriod(0).delete();
      Check.eventually(() -> rec.events.size() >= 3, "three watch events; got " + rec.events);
      Check.equal(List.of("ADDED watched", "MODIFIED watched", "DELETED watched"), List.copyOf(rec.events), "watch events in order");
    } finally {
      watch.close();
    }
    Check.that(rec.closed.await(10, TimeUnit.SECONDS), "onClose was not called after close()");
    Check.that(rec.cause.get() == null, "a client-side close reports no exception: " + rec.cause.get());
  }

  /**
   * Records the informer's callbacks by kind and object name; an update whose old and new objects
   * have the same resourceVersion is a resync (or a replayed event) and only counted. The root CA
   * ConfigMap a controller-manager puts in every namespace is left out.
   */
  static final class Handler implements ResourceEventHandler<ConfigMap> {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile int resyncs;

    private static boolean ours(ConfigMap cm) {
      return !"kube-root-ca.crt".equals(cm.getMetadata().getName());
    }

    @Override
    public void onAdd(ConfigMap cm) {
      if (ours(cm)) {
        calls.add("add " + cm.getMetadata().getName());
      }
    }

    @Override
    public void onUpdate(ConfigMap old, ConfigMap cm) {
      if (!ours(cm)) {
        return;
      }
      if (old.getMetadata().getResourceVersion().equals(cm.getMetadata().getResourceVersion())) {
        resyncs++;
      } else {
        calls.add("update " + cm.getMetadata().getName() + " " + old.getData().get("k") + "->" + cm.getData().get("k"));
      }
    }

    @Override
    public void onDelete(ConfigMap cm, boolean unknownFinalState) {
      if (ours(cm)) {
        calls.add("delete " + cm.getMetadata().getName() + (unknownFinalState ? " (unknown final state)" : ""));
      }
    }
  }

  private static List<String> cachedNames(SharedIndexInformer<ConfigMap> informer) {
    return informer.getStore().list().stream().map(cm -> cm.getMetadata().getName())
        .filter(n -> !"kube-root-ca.crt".equals(n)).sorted().toList();
  }

  private ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(INFORM_NS).endMetadata()
        .addToData("k", value).build();
  }

  /**
   * Two informers list (the pre-existing ConfigMaps arrive as adds; one pages through the list one
   * object at a time) and then watch from the list's resourceVersion, so nothing is replayed: add,
   * update and delete handlers fire once each, in order. The one with a resync period replays its
   * cache as same-resourceVersion updates.
   */
  void informConfigMaps() throws Exception {
    namespace(INFORM_NS);
    client.configMaps().inNamespace(INFORM_NS).resource(configMap("before", "0")).create();
    client.configMaps().inNamespace(INFORM_NS).resource(configMap("before-2", "0")).create();
    Handler resyncing = new Handler();
    Handler paged = new Handler();
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(INFORM_NS).inform(resyncing, RESYNC_MS);
    SharedIndexInformer<ConfigMap> pager = client.configMaps().inNamespace(INFORM_NS).withLimit(1L).inform(paged, 0);
    try {
      for (SharedIndexInformer<ConfigMap> inf : List.of(informer, pager)) {
        Check.eventually(inf::hasSynced, "the informer has synced");
        Check.that(inf.lastSyncResourceVersion() != null, "a list resourceVersion is recorded");
        Check.eventually(inf::isWatching, "the informer is watching");
      }
      List<String> listed = List.of("add before", "add before-2");
      for (Handler h : List.of(resyncing, paged)) {
        Check.eventually(() -> h.calls.size() >= 2, "onAdd for the listed ConfigMaps; got " + h.calls);
        Check.equal(listed, List.copyOf(h.calls), "adds from the (paged) list");
      }
      client.configMaps().inNamespace(INFORM_NS).resource(configMap("during", "1")).create();
      client.configMaps().inNamespace(INFORM_NS).withName("during").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
      client.configMaps().inNamespace(INFORM_NS).withName("during").delete();
      List<String> expected = List.of("add before", "add before-2", "add during", "update during 1->2", "delete during");
      for (Handler h : List.of(resyncing, paged)) {
        Check.eventually(() -> h.calls.size() >= expected.size(), "five callbacks; got " + h.calls);
        Check.equal(expected, List.copyOf(h.calls), "informer callbacks in order");
      }
      Check.equal(0, paged.resyncs, "updates replayed to an informer without resync (the watch did not start at its list)");
      for (SharedIndexInformer<ConfigMap> inf : List.of(informer, pager)) {
        Check.equal(List.of("before", "before-2"), cachedNames(inf), "objects in the informer's cache");
      }
      Check.eventually(() -> resyncing.resyncs >= 4, "resync replays the cache as updates (resync " + RESYNC_MS + " ms)");
      Check.that(informer.isWatching() && pager.isWatching(), "the informers still watch");
    } finally {
      informer.close();
      pager.close();
    }
  }
}
