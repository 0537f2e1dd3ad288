"""Scorers behind `chronique eval …` and the evaluation gate (tests/test_gate_*.py)."""
