"""Seeded synthetic export-control case: declarations, registers, bills of lading, trade statistics,
a restricted list, planted smuggling schemes with legitimate decoys, and the ground truth.

    from graphtool.demo import generate
    summary = generate(Path("demo"), declarations=20_000, seed=7)
"""

from graphtool.demo.generate import DemoSummary, generate

__all__ = ["DemoSummary", "generate"]
