package io.kubepy.conformance;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The book's chapter 3 Java programs (JAVA-011..JAVA-023) replayed with fabric8: the Jersey
 * client's raw calls become the typed DSL, the requests on the wire are the same.
 */
final class BookScenarios {
  static final String NS = "ns-sample";
  static final String POD = "pod-sample-in-namespace";
  static final String CS_POD = "pod-sample-4-cluster-service";
  static final String CENTOS = "192.168.1.128:1180/centos";
  static final String PHP_REDIS = "192.168.1.128:1180/kubernetes/example-guestbook-php-redis";

  private final KubernetesClient client;
  private final Book book;

  private BookScenarios(KubernetesClient client, Book book) {
    this.client = client;
    this.book = book;
  }

  static void register(Map<String, Scenario> all, KubernetesClient client, Book book) {
    BookScenarios s = new BookScenarios(client, book);
    all.put("create-namespace", s::createNamespace);
    all.put("create-pods", s::createPods);
    all.put("list-pods-all-namespaces", s::listAllNamespaces);
    all.put("list-label-equality", s::listLabelEquality);
    all.put("list-label-set-in", s::listLabelSetIn);
    all.put("list-field-selector", s::listFieldSelector);
    all.put("replace-pod", s::replacePod);
    all.put("merge-patch", s::mergePatch);
    all.put("strategic-merge-patch", s::strategicMergePatch);
    all.put("update-status", s::updateStatus);
    all.put("delete-pod", s::deletePod);
  }

  private <T> T load(String rel, Class<T> type) {
    return client.getKubernetesSerialization().unmarshal(book.text(rel), type);
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  /** JAVA-010/011: namespace.json (ns-sample) and fabric8's ns-fabric8, then the list. */
  void createNamespace() {
    int before = client.namespaces().list().getItems().size();
    Namespace sample = client.namespaces().resource(load("api-client/namespace.json", Namespace.class)).create();
    Check.equal(NS, sample.getMetadata().getName(), "created namespace");
    Check.that(sample.getMetadata().getUid() != null, "the created namespace has a uid");
    Namespace ours = new NamespaceBuilder().withNewMetadata().withName("ns-fabric8").endMetadata().build();
    Namespace created = client.namespaces().resource(ours).create();
    Check.that(created.getMetadata().getResourceVersion() != null, "the created namespace has a resourceVersion");
    Check.equal("Active", created.getStatus().getPhase(), "new namespace phase");
    List<Namespace> items = client.namespaces().list().getItems();
    Check.equal(before + 2, items.size(), "namespace count after creating two");
    Set<String> listed = items.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    Check.that(listed.containsAll(Set.of(NS, "ns-fabric8", "default")), "listed namespaces: " + listed);
  }

  /** JAVA-012: podInNs.json and pod4ClusterService.json POSTed into ns-sample. */
  void createPods() throws Exception {
    Pod first = client.pods().inNamespace(NS).resource(load("api-client/podInNs.json", Pod.class)).create();
    Check.equal(POD, first.getMetadata().getName(), "first pod name");
    Check.equal(PHP_REDIS, first.getSpec().getContainers().get(0).getImage(), "first pod image");
    Check.equal("Pending", first.getStatus().getPhase(), "a new pod's phase");
    Pod second = client.pods().inNamespace(NS).resource(load("api-client/pod4ClusterService.json", Pod.class)).create();
    Check.equal("bbb", second.getMetadata().getLabels().get("kkk"), "label kkk of the second pod");
    Check.equal(4, second.getMetadata().getLabels().size(), "label count of the second pod");
    Check.that(!first.getMetadata().getUid().equals(second.getMetadata().getUid()), "distinct uids");
    Check.refused(409, () -> client.pods().inNamespace(NS).resource(load("api-client/podInNs.json", Pod.class)).create(),
        "creating the same pod twice");
  }

  /** JAVA-013: GET /api/v1/pods. */
  void listAllNamespaces() {
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    Set<String> got = names(pods);
    Check.that(got.containsAll(Set.of(POD, CS_POD)), "pods in all namespaces: " + got);
    Check.that(pods.stream().allMatch(p -> p.getMetadata().getNamespace() != null), "every listed pod has a namespace");
    Check.that(client.pods().inNamespace("ns-fabric8").list().getItems().isEmpty(), "ns-fabric8 has no pods");
  }

  /** JAVA-014: two equality requirements, all namespaces. */
  void listLabelEquality() {
    List<Pod> pods = client.pods().inAnyNamespace()
        .withLabel("k8s-cs", "kube-cluster-service")
        .withLabel("k8s-sample-app", "kube-service-sample")
        .list().getItems();
    Check.equal(Set.of(CS_POD), names(pods), "pods matching both labels");
    Check.equal(Set.of(POD), names(client.pods().inNamespace(NS).withoutLabel("k8s-cs", "kube-cluster-service").list().getItems()),
        "pods with k8s-cs != kube-cluster-service");
    Check.equal(Set.of(), names(client.pods().inAnyNamespace().withLabel("kkk", "nope").list().getItems()),
        "pods matching a label value nobody has");
  }

  /** JAVA-015: a set-based requirement, `k8s-cs in (kube-cluster-service,kube-cluster)`. */
  void listLabelSetIn() {
    List<Pod> pods = client.pods().inAnyNamespace().withLabelIn("k8s-cs", "kube-cluster-service", "kube-cluster").list().getItems();
    Check.equal(Set.of(CS_POD), names(pods), "pods with k8s-cs in (...)");
    List<Pod> notIn = client.pods().inNamespace(NS).withLabelNotIn("k8s-cs", "kube-cluster-service").list().getItems();
    Check.equal(Set.of(POD), names(notIn), "pods with k8s-cs notin (kube-cluster-service)");
    List<Pod> raw = client.pods().inNamespace(NS).withLabelSelector("k8s-cs in (kube-cluster-service, kube-cluster),kkk").list().getItems();
    Check.equal(Set.of(CS_POD), names(raw), "pods matching a selector string with an existence requirement");
  }

  /** JAVA-016: fieldSelector=metadata.name=pod-sample-4-cluster-service. */
  void listFieldSelector() throws Exception {
    List<Pod> pods = client.pods().inNamespace(NS).withField("metadata.name", CS_POD).list().getItems();
    Check.equal(Set.of(CS_POD), names(pods), "pods by metadata.name");
    List<Pod> others = client.pods().inNamespace(NS).withoutField("metadata.name", CS_POD).list().getItems();
    Check.equal(Set.of(POD), names(others), "pods by metadata.name!=");
    Check.refused(400, () -> client.pods().inNamespace(NS).withField("spec.nonsense", "x").list(),
        "a field selector on a field pods do not index");
  }

  /**
   * JAVA-017: pod4Replace.json changes only the image. Its uid/resourceVersion are the author's,
   * so sent as printed the server refuses it (409); the replay keeps the live ones.
   */
  void replacePod() throws Exception {
    Pod printed = load("api-client/pod4Replace.json", Pod.class);
    printed.setStatus(null);
    Check.refused(409, () -> client.pods().inNamespace(NS).resource(printed).update(),
        "PUT with the book's stale uid/resourceVersion");
    Pod live = client.pods().inNamespace(NS).withName(POD).get();
    String image = printed.getSpec().getContainers().get(0).getImage();
    live.getSpec().getContainers().get(0).setImage(image);
    Pod replaced = client.pods().inNamespace(NS).resource(live).update();
    Check.equal(CENTOS, replaced.getSpec().getContainers().get(0).getImage(), "image after replace");
    Check.equal(live.getMetadata().getUid(), replaced.getMetadata().getUid(), "uid kept by replace");
    Check.that(!live.getMetadata().getResourceVersion().equals(replaced.getMetadata().getResourceVersion()),
        "replace bumps the resourceVersion");
    Check.refused(409, () -> client.pods().inNamespace(NS).resource(live).update(), "a second PUT with the old resourceVersion");
  }

  /** JAVA-018: application/merge-patch+json with pod4MergeJsonPatch.json. */
  void mergePatch() {
    Pod patched = client.pods().inNamespace(NS).withName(POD)
        .patch(PatchContext.of(PatchType.JSON_MERGE), book.text("api-client/pod4MergeJsonPatch.json"));
    Map<String, String> labels = patched.getMetadata().getLabels();
    Check.equal("bbb4444", labels.get("kkk"), "label kkk");
    Check.equal("kube-service-sample", labels.get("k8s-sa5555mple-app"), "label k8s-sa5555mple-app");
    Check.equal(4, labels.size(), "label count");
    Check.equal(CENTOS, patched.getSpec().getContainers().get(0).getImage(), "image untouched by a labels patch");
    Pod removed = client.pods().inNamespace(NS).withName(POD)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"k8s-test\":null}}}");
    Check.that(!removed.getMetadata().getLabels().containsKey("k8s-test"), "null in a merge patch removes the key");
  }

  /**
   * JAVA-019: application/strategic-merge-patch+json with pod4StrategicMerge.json: containers merge
   * by name. Sent also to pod-sample-4-cluster-service, whose image it does change.
   */
  void strategicMergePatch() {
    String patch = book.text("api-client/pod4StrategicMerge.json");
    Pod same = client.pods().inNamespace(NS).withName(POD).patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
    Check.equal(1, same.getSpec().getContainers().size(), "containers after the patch");
    Check.equal(CENTOS, same.getSpec().getContainers().get(0).getImage(), "image after the patch");
    Pod changed = client.pods().inNamespace(NS).withName(CS_POD).patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
    Check.equal(1, changed.getSpec().getContainers().size(), "containers merged by name, not replaced");
    Check.equal("mycontainer", changed.getSpec().getContainers().get(0).getName(), "container name");
    Check.equal(CENTOS, changed.getSpec().getContainers().get(0).getImage(), "image set through the merge key");
    Check.that(changed.getSpec().getContainers().get(0).getAdditionalProperties().isEmpty(),
        "the patch's patchStrategy/patchMergeKey keys are not stored: " + changed.getSpec().getContainers().get(0).getAdditionalProperties());
    Check.equal("kube-cluster-service", changed.getMetadata().getLabels().get("k8s-cs"), "labels untouched");
  }

  /** JAVA-020: PUT .../status with pod4Status.json (phase Unknown, Ready "false") on the live pod. */
  void updateStatus() {
    Pod body = load("api-client/pod4Status.json", Pod.class);
    Pod live = client.pods().inNamespace(NS).withName(POD).get();
    ObjectMeta meta = body.getMetadata();
    meta.setUid(live.getMetadata().getUid());
    meta.setResourceVersion(live.getMetadata().getResourceVersion());
    Pod updated = client.pods().inNamespace(NS).resource(body).updateStatus();
    Check.equal("Unknown", updated.getStatus().getPhase(), "phase after the status update");
    PodCondition ready = updated.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow(() -> new AssertionError("no Ready condition"));
    Check.equal("false", ready.getStatus(), "Ready condition status as sent");
    Check.equal("10.1.10.79", updated.getStatus().getPodIP(), "podIP");
    Check.equal(CENTOS, updated.getSpec().getContainers().get(0).getImage(), "a status update leaves the spec alone");
    Check.that(updated.getSpec().getNodeName() == null, "a status update does not bind the pod: " + updated.getSpec().getNodeName());
    Check.equal(live.getMetadata().getLabels(), updated.getMetadata().getLabels(),
        "labels kept although the status body carries none");
    Check.equal("Unknown", client.pods().inNamespace(NS).withName(POD).get().getStatus().getPhase(), "phase read back");
  }

  /** JAVA-023: DELETE returns the details; the pod is gone afterwards. */
  void deletePod() throws InterruptedException {
    List<StatusDetails> details = client.pods().inNamespace(NS).withName(POD).delete();
    Check.equal(1, details.size(), "status details of one delete");
    Check.equal(POD, details.get(0).getName(), "deleted name");
    Check.eventually(() -> client.pods().inNamespace(NS).withName(POD).get() == null, "pod " + POD + " is gone");
    Check.that(client.pods().inNamespace(NS).withName(POD).delete().isEmpty(), "deleting a missing pod returns no details");
    Check.equal(Set.of(CS_POD), names(client.pods().inNamespace(NS).list().getItems()), "pods left in ns-sample");
  }
}
