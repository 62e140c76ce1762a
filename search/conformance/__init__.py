"""Conformance and behaviour tests for the Whoosh search backend."""
