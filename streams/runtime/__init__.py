"""The Kafka/faust runtime: the faust App and its topics and table (app), the agent loop
(agents), every reach into faust's and aiokafka's private API (faust_internals), the skip
guard (skips), topic declaration (topics), Prometheus metrics and consumer lag (metrics,
lag), and log formatting (logs).

The stage functions under streams/cleaning, streams/tagging and streams/rules never import
this package. Importing the package itself loads nothing: modules that need no worker
(``topics``, ``logs``) are imported without faust.
"""
