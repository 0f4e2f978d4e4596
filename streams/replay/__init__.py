"""The replayer behind `newswatch replay`: archives and feeds (read through streams/archive/)
back onto a topic with their original event times (replay.py), paced (pacing.py), and
resumable with nothing lost or sent twice (resume.py)."""
