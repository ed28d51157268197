"""kube-scheduler: binds every unscheduled pod to a node (filter, score, pick, bind).

- queue: pods waiting for an attempt (active by priority, backoff, unschedulable until the cluster
  changes);
- nodetable: nodes and the pods on them as flat arrays that the compiled kernel
  (kubepy/_fast/scoring) filters and scores all at once;
- framework: one pod's cycle over the plugins (plugins/, one module each) with
  percentageOfNodesToScore, FitError messages worded as kube-scheduler's;
- profiles, policy: today's default plugin set and weights, Kubernetes 1.0's, the book's Policy file;
- scheduler: informers → table and queue, the loop, binding, events and the Unschedulable condition;
- component, healthz: the `kubepy scheduler` component (leader election, /healthz, /metrics).

Talks to the apiserver only through kubepy.client.
"""
