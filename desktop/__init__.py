"""Dostyq's application core: domain rules, the local store, services and reports. No Qt here."""

__version__ = "0.1.0"
