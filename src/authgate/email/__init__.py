"""Transactional mail: localized templates, tenant customizations and a delivery outbox.

``EmailService.enqueue`` renders a message and stores it in the caller's transaction; workers
deliver stored messages over SMTP after the commit (``outbox.py``). Without any SMTP transport
configured, messages stay in the development outbox, read by ``authgate outbox``.
"""
