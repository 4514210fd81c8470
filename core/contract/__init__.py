"""The parts of the channel contract beyond the base protocol of ``core.contract.channels``.

``core.contract.channels`` holds what every channel implements (render, publish, update, retract,
reconcile) and its typed errors. Each module here is one optional part a channel may take
on (credentials, webhooks, replies, media, assisted delivery, costs, previews) and the typed
context a plugin receives. Plugins import all of it from ``core`` only.
"""
