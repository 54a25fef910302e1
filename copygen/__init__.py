"""copygen: copy packs for WeChat private-domain community campaigns, and a checker for every draft."""

__version__ = "0.1.0"
