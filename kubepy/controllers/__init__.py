"""The controller-manager's controllers: each informer → key → queue → idempotent sync (STYLE.md §3).

Controllers talk to the apiserver only through kubepy.client; manager.py wires them with shared
informers and leader election.
"""
