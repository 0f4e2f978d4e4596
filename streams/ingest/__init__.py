"""`newswatch ingest`: sources (feeds, sitemaps, URL lists) polled into news.raw, exactly once in effect."""
