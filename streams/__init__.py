"""newswatch: a streaming news-event pipeline (clean -> tag -> alert)."""

__version__ = "0.1.0"
