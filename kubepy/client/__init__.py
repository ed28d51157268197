"""The client library components use to talk to the apiserver (and only through its API).

rest: verbs over HTTP; informer + cache: a watched local copy; workqueue: keys to workers;
leaderelection: one active replica. Layering: above kubepy.api, never importing apiserver/storage.
"""
