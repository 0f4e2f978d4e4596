"""The archive: news.raw kept as rolling, compressed JSON Lines files under a manifest.

The on-disk format, shared by `newswatch archive` (which writes it) and the replayer and
`backtest` (which read it): one archive line per Kafka record (record.py), the manifest of
complete parts (manifest.py), JSON Lines files plain or gzipped and article files
(files.py), writing parts (writer.py: no Kafka), and resolving and reading archives and
feeds in order (reader.py). archiver.py is the consumer that feeds a topic into writer.py."""
