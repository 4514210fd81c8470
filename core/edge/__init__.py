"""The HTTP edge: what every request meets before an endpoint reads or answers it.

Bounded bodies (:mod:`core.edge.body`), strict JSON documents (:mod:`core.edge.jsondoc`) and
``Cache-Control: no-store`` on private answers (:mod:`core.edge.nostore`).
"""
