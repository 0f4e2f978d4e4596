"""`newswatch notify`: alerts from news.alerts delivered to people (webhooks, chat, e-mail, Alertmanager)."""
