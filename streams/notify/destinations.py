"""Delivering one notification to one destination. A refusal is :class:`DeliveryError` with a
short ``reason`` and whether it is ``permanent`` (a 4xx other than 408/429: retrying would not
help); messages never carry the destination's URL or credentials."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiohttp
import orjson

from streams.notify.subscriptions import Destination
from streams.timestamps import format_utc

ALERTMANAGER_TTL = timedelta(days=7)  # an open alert stays firing this long unless resolved or re-sent


class DeliveryError(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def headline(event: str, alert: dict[str, Any] | None, alert_id: str) -> str:
    if alert is None:
        return f"[resolved] alert {alert_id} was withdrawn"
    tag = {"new": "new", "new_source": "update", "severity_up": "severity up"}.get(event, event)
    return (f"[{alert['severity']}] {alert['summary']} ({tag}; {alert['sources_count']} source(s); "
            f"{alert['id']})")


def _evidence_lines(alert: dict[str, Any] | None) -> list[str]:
    if alert is None:
        return []
    return [f"- {e.get('source') or ''} {e.get('url') or ''}: {(e.get('quote') or e.get('sentence') or '')[:300]}"
            for e in (alert.get("evidence") or [])[:10]]


def _am_labels(subscription: str, alert_id: str, rule: str | None, severity: str | None) -> dict[str, str]:
    labels = {"alertname": "newswatch", "alert_id": alert_id, "subscription": subscription}
    if rule:
        labels["rule"] = rule
    if severity:
        labels["severity"] = severity
    return labels


def payload(kind: str, event: str, subscription: str, alert_id: str, alert: dict[str, Any] | None,
            previous: dict[str, Any] | None = None) -> Any:
    """What ``kind`` is sent. ``previous``: what this lane last delivered for the alert (its rule
    and severity), since Alertmanager knows an alert by its label set: a resolution must carry the
    labels the alert fired with, and a severity change ends the old label set."""
    text = headline(event, alert, alert_id)
    if kind == "slack":  # Slack incoming webhooks (and Mattermost, Rocket.Chat) take {"text": …}
        return {"text": "\n".join([text, *_evidence_lines(alert)])}
    if kind == "teams":  # Teams incoming webhook: a MessageCard
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": text[:150],
                "themeColor": "D9534F" if alert and alert["severity"] in ("high", "critical") else "F0AD4E",
                "title": text, "text": "\n\n".join(_evidence_lines(alert)) or text}
    if kind == "alertmanager":
        now = datetime.now(UTC)
        before = previous or {}
        fired = _am_labels(subscription, alert_id, before.get("rule"), before.get("severity"))
        if alert is None:
            return [{"labels": fired, "endsAt": format_utc(now)}]
        labels = _am_labels(subscription, alert_id, alert["rule"]["id"], alert["severity"])
        out = [{"labels": labels,
                "annotations": {"summary": alert["summary"], "sources_count": str(alert["sources_count"]),
                                "evidence": "\n".join(_evidence_lines(alert))[:4000]},
                "startsAt": alert["first_seen"], "endsAt": format_utc(now + ALERTMANAGER_TTL)}]
        if previous and not previous.get("resolved") and fired != labels:
            out.append({"labels": fired, "endsAt": format_utc(now)})  # e.g. severity up: the old set ends
        return out
    return {"event": event, "subscription": subscription, "alert_id": alert_id, "alert": alert, "text": text}


async def _post(session: aiohttp.ClientSession, dest: Destination, url: str, body: Any) -> None:
    try:
        async with session.post(url, data=orjson.dumps(body), headers={"Content-Type": "application/json"},
                                timeout=aiohttp.ClientTimeout(total=dest.timeout), allow_redirects=False) as resp:
            await resp.read()
            if resp.status >= 300:
                permanent = 400 <= resp.status < 500 and resp.status not in (408, 429)
                raise DeliveryError(f"http_{resp.status}", permanent)
    except TimeoutError as exc:
        raise DeliveryError("timeout") from exc
    except aiohttp.ClientError as exc:
        raise DeliveryError(f"connect:{type(exc).__name__}") from exc  # the message would name the URL


def _send_mail(dest: Destination, subject: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = dest.sender
    message["To"] = ", ".join(dest.to)
    message["Subject"] = subject[:200]
    message.set_content(text)
    assert dest.host is not None
    context = ssl.create_default_context()
    if dest.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(dest.host, dest.port, timeout=dest.timeout, context=context)
    else:
        client = smtplib.SMTP(dest.host, dest.port, timeout=dest.timeout)
    with client:
        if dest.tls == "starttls":
            client.starttls(context=context)
        if dest.username and dest.password:
            client.login(dest.username, dest.password)
        client.send_message(message)


async def deliver(session: aiohttp.ClientSession, dest: Destination, event: str, subscription: str,
                  alert_id: str, alert: dict[str, Any] | None, previous: dict[str, Any] | None = None) -> None:
    if dest.kind == "smtp":
        subject = headline(event, alert, alert_id)
        text = "\n".join([subject, "", *_evidence_lines(alert)])
        try:
            await asyncio.to_thread(_send_mail, dest, subject, text)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError("smtp_auth", permanent=True) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError("smtp_recipients", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"smtp:{type(exc).__name__}") from exc
        return
    assert dest.url is not None
    url = dest.url.rstrip("/") + "/api/v2/alerts" if dest.kind == "alertmanager" else dest.url
    await _post(session, dest, url, payload(dest.kind, event, subscription, alert_id, alert, previous))
