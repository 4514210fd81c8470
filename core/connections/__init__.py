"""Channel credentials over their life: connect by consent, refresh under a lock, health.

The plugin's half of the contract is :mod:`core.contract.credentials`; this package is
core's: the connect routes (:mod:`.routes`), the flow's state (:mod:`.connect`), the
refresh (:mod:`.refresh`) and the health a target's channel admins are alerted about
(:mod:`.health`).
"""
