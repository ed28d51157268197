"""The official `kubernetes` Python client against a live kubepy apiserver."""
