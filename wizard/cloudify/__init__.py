"""REST client for a Cloudify Manager (API v3.1, managers 4.x to 7.x).

No Textual and no engine imports: the engine and the TUI use this, never the reverse.
"""
