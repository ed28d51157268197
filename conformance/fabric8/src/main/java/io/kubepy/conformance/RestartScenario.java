package io.kubepy.conformance;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An informer outlives an apiserver restart: it reconnects (relisting when its resourceVersion is
 * gone) and delivers what changed afterwards. The restart is done by whoever runs this program:
 * it prints {@code RESTART} and waits for a line {@code RESTARTED} on standard input.
 */
final class RestartScenario {
  static final String NS = "ns-fabric8-restart";

  private final KubernetesClient client;
  private final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private RestartScenario(KubernetesClient client) {
    this.client = client;
  }

  static void register(Map<String, Scenario> all, KubernetesClient client) {
    all.put("informer-after-restart", new RestartScenario(client)::run);
  }

  private void restartServer() throws IOException {
    System.out.println("RESTART");
    System.out.flush();
    String line = stdin.readLine();
    Check.equal("RESTARTED", line, "the runner's answer to RESTART");
  }

  private ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().addToData("k", value).build();
  }

  private static Set<String> cached(SharedIndexInformer<ConfigMap> informer) {
    return informer.getStore().list().stream()
        .map(cm -> cm.getMetadata().getName() + "=" + cm.getData().get("k")).collect(Collectors.toSet());
  }

  void run() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    client.configMaps().inNamespace(NS).resource(configMap("kept", "1")).create();
    WatchScenarios.Handler handler = new WatchScenarios.Handler();
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).inform(handler, 0);
    try {
      Check.eventually(() -> handler.calls.contains("add kept"), "onAdd before the restart; got " + handler.calls);
      String before = informer.lastSyncResourceVersion();
      restartServer();
      client.configMaps().inNamespace(NS).resource(configMap("after", "1")).create();
      client.configMaps().inNamespace(NS).withName("kept").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
      Check.eventually(() -> cached(informer).equals(Set.of("kept=2", "after=1")),
          "the informer's cache follows changes made after the restart; cache " + cached(informer) + ", calls " + handler.calls);
      // The store is updated before the handler is called (fabric8 delivers callbacks on its own
      // executor), so the callbacks are awaited too.
      Check.eventually(() -> handler.calls.contains("add after") && handler.calls.contains("update kept 1->2"),
          "callbacks after the restart: " + handler.calls);
      List<String> calls = List.copyOf(handler.calls);
      Check.that(!calls.contains("delete kept") && !calls.contains("delete kept (unknown final state)"),
          "a restart with the data intact deletes nothing: " + calls);
      Check.that(Long.parseLong(informer.lastSyncResourceVersion()) >= Long.parseLong(before),
          "resourceVersion continues across the restart: " + before + " then " + informer.lastSyncResourceVersion());
      Check.eventually(informer::isWatching, "the informer watches again");
    } finally {
      informer.close();
    }
  }
}
