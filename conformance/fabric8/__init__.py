"""fabric8 (Java) conformance: a Maven project and its pytest wrapper."""
