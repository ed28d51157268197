package io.kubepy.conformance;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.Map;

/** What fabric8 users write beyond the book: edit, server-side apply, createOr, scale. */
final class IdiomScenarios {
  static final String NS = "ns-fabric8";

  private final KubernetesClient client;
  private final Book book;

  private IdiomScenarios(KubernetesClient client, Book book) {
    this.client = client;
    this.book = book;
  }

  static void register(Map<String, Scenario> all, KubernetesClient client, Book book) {
    IdiomScenarios s = new IdiomScenarios(client, book);
    all.put("edit-pod", s::editPod);
    all.put("server-side-apply", s::serverSideApply);
    all.put("create-or-update", s::createOrUpdate);
    all.put("service-node-port", s::serviceNodePort);
    all.put("rc-scale", s::rcScale);
  }

  private static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().withData(data).build();
  }

  /** withName(n).edit(fn): fabric8 GETs, applies fn and PATCHes the JSON-patch difference. */
  void editPod() {
    String name = BookScenarios.CS_POD;
    Pod before = client.pods().inNamespace(BookScenarios.NS).withName(name).get();
    Pod edited = client.pods().inNamespace(BookScenarios.NS).withName(name).edit(p -> new PodBuilder(p)
        .editMetadata().addToLabels("edited", "by-fabric8").addToAnnotations("note", "edit()").endMetadata()
        .editSpec().editFirstContainer().withImage("busybox").endContainer().endSpec()
        .build());
    Check.equal("by-fabric8", edited.getMetadata().getLabels().get("edited"), "label added by edit");
    Check.equal("edit()", edited.getMetadata().getAnnotations().get("note"), "annotation added by edit");
    Check.equal("busybox", edited.getSpec().getContainers().get(0).getImage(), "image changed by edit");
    Check.equal(before.getMetadata().getUid(), edited.getMetadata().getUid(), "same object");
    Pod again = client.pods().inNamespace(BookScenarios.NS).withName(name).get();
    Check.equal(edited.getMetadata().getResourceVersion(), again.getMetadata().getResourceVersion(), "stored resourceVersion");
    Check.equal(before.getMetadata().getLabels().size() + 1, again.getMetadata().getLabels().size(), "labels after edit");
  }

  /** resource(cm).serverSideApply(): apply-patch+yaml, fieldManager fabric8, conflicts and force. */
  void serverSideApply() throws Exception {
    ConfigMap applied = client.configMaps().inNamespace(NS).resource(configMap("ssa", Map.of("a", "1", "b", "2"))).serverSideApply();
    Check.equal(Map.of("a", "1", "b", "2"), applied.getData(), "data after the first apply");
    ManagedFieldsEntry entry = applied.getMetadata().getManagedFields().stream()
        .filter(m -> "fabric8".equals(m.getManager())).findFirst()
        .orElseThrow(() -> new AssertionError("no managedFields entry for fabric8: " + applied.getMetadata().getManagedFields()));
    Check.equal("Apply", entry.getOperation(), "managedFields operation");
    ConfigMap shrunk = client.configMaps().inNamespace(NS).resource(configMap("ssa", Map.of("a", "10"))).serverSideApply();
    Check.equal(Map.of("a", "10"), shrunk.getData(), "a field the manager no longer applies is removed");
    ConfigMap other = configMap("ssa", Map.of("a", "other"));
    Check.refused(409, () -> client.configMaps().inNamespace(NS).resource(other).fieldManager("someone-else").serverSideApply(),
        "another manager applying an owned field");
    ConfigMap forced = client.configMaps().inNamespace(NS).resource(other).fieldManager("someone-else").forceConflicts().serverSideApply();
    Check.equal("other", forced.getData().get("a"), "a forced apply takes the field");
    Check.that(forced.getMetadata().getManagedFields().stream().anyMatch(m -> "someone-else".equals(m.getManager())),
        "the forcing manager is recorded");
  }

  /** client.resource(cm).createOr(NonDeletingOperation::update): create once, then update. */
  void createOrUpdate() {
    ConfigMap created = client.resource(configMap("create-or", Map.of("v", "1"))).createOr(NonDeletingOperation::update);
    Check.equal("1", created.getData().get("v"), "data after create");
    ConfigMap updated = client.resource(configMap("create-or", Map.of("v", "2"))).createOr(NonDeletingOperation::update);
    Check.equal("2", updated.getData().get("v"), "data after the second createOr");
    Check.equal(created.getMetadata().getUid(), updated.getMetadata().getUid(), "the second createOr updated in place");
    Check.that(!created.getMetadata().getResourceVersion().equals(updated.getMetadata().getResourceVersion()), "resourceVersion bumped");
    Check.equal("2", client.configMaps().inNamespace(NS).withName("create-or").get().getData().get("v"), "data read back");
  }

  /** The guestbook's frontend-service.yaml: a NodePort Service on 30001; the port is then taken. */
  void serviceNodePort() throws Exception {
    Service svc = client.getKubernetesSerialization().unmarshal(book.text("guestbook/frontend-service.yaml"), Service.class);
    Service created = client.services().inNamespace(NS).resource(svc).create();
    Check.equal("NodePort", created.getSpec().getType(), "service type");
    ServicePort port = created.getSpec().getPorts().get(0);
    Check.equal(30001, port.getNodePort(), "nodePort");
    Check.equal(80, port.getTargetPort().getIntVal(), "targetPort defaults to port");
    Check.equal("TCP", port.getProtocol(), "protocol default");
    Check.that(created.getSpec().getClusterIP() != null && !created.getSpec().getClusterIP().isEmpty(), "a cluster IP is allocated");
    svc.getMetadata().setName("frontend-again");
    Check.refused(422, () -> client.services().inNamespace(NS).resource(svc).create(), "a second service on nodePort 30001");
  }

  /** The guestbook's frontend-controller.yaml, scaled with .scale(5) through the scale subresource. */
  void rcScale() {
    ReplicationController rc = client.getKubernetesSerialization()
        .unmarshal(book.text("guestbook/frontend-controller.yaml"), ReplicationController.class);
    ReplicationController created = client.replicationControllers().inNamespace(NS).resource(rc).create();
    Check.equal(3, created.getSpec().getReplicas(), "replicas as written");
    ReplicationController scaled = client.replicationControllers().inNamespace(NS).withName("frontend").scale(5);
    Check.equal(5, scaled.getSpec().getReplicas(), "replicas returned by scale(5)");
    Scale scale = client.replicationControllers().inNamespace(NS).withName("frontend").scale();
    Check.equal(5, scale.getSpec().getReplicas(), "Scale.spec.replicas");
    Check.equal("name=frontend", scale.getStatus().getSelector(), "Scale.status.selector");
    Check.equal(5, client.replicationControllers().inNamespace(NS).withName("frontend").get().getSpec().getReplicas(),
        "replicas read back");
  }
}
