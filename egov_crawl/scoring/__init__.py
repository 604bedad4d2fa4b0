"""Scoring: checks (pure functions of stored facts) → findings → scores under a versioned methodology.

Facts are collected once by the crawler, the probes and the browser; this package judges them, as many times as
the methodology changes, without touching the network.
"""
