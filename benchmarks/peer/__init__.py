"""Peer benchmark: carbonpath against PyPSA on generated instances (benchmarks/README.md)."""
