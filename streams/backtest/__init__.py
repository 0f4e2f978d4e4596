"""Backtest: the stages in process over archived articles, no broker (run.py), scored against
labels (score.py), with an HTML and terminal report (report.py); corpus.py scores the
labelled real-news corpus the same way for bench/quality.py and the quality tests."""
