"""Files the package ships, read through streams.resources.

In a source checkout these are symbolic links to where the files live at the top level
(schemas/, deploy/kafka/, tests/fixtures/feed/sample.jsonl); building a wheel copies the
files themselves in, so an installed newswatch needs no checkout."""
