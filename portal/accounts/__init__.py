"""Accounts and access (issue 18): lockout after failed logins (django-axes), the
second factor (django-otp, TOTP with one-time recovery codes), idle sessions, and
the audit log of every login, logout, failure and lockout.

Site level: it puts the libraries together for the portal; the rules of who needs
a second factor live in `portal.roles` (`needs_second_factor`)."""
