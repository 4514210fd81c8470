"""Inbound webhooks: ``/hooks/<plugin>/<target id>`` routed to the plugin, each event once.

The plugin's half is :mod:`core.contract.webhooks`; here are the route (:mod:`.routes`),
the once-per-event record (:mod:`.models`) and what each kind of event does
(:mod:`.intake`).
"""
