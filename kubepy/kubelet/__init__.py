"""The kubelet: registers its node, heartbeats, and runs the pods bound to it through a runtime.

host.py runs one or many nodes over shared informers, queue and workers; podworker.py syncs one
pod; podstatus.py, pleg.py and backoff.py hold the pure decisions; nodestatus.py builds the Node.
"""
