"""Sites behind vault entries: host and domain parsing, and the catalogue of known services."""

from reuse_audit.services.catalogue import (
    CatalogueError,
    Category,
    Service,
    change_password_url,
    looks_like_mail_host,
    lookup_service,
    mailbox_provider_domains,
)
from reuse_audit.services.domains import email_domain, host_from_url, is_email, registrable_domain

__all__ = [
    "CatalogueError",
    "Category",
    "Service",
    "change_password_url",
    "email_domain",
    "host_from_url",
    "is_email",
    "looks_like_mail_host",
    "lookup_service",
    "mailbox_provider_domains",
    "registrable_domain",
]
