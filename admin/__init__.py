"""The server-rendered admin (Starlette, Jinja2): built on core actions, never SQL."""
