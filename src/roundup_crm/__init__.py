"""roundup-crm: a distribution outreach CRM for international film sales."""

__version__ = "0.1.0"
