"""Actions: what a person (or the scheduler) does, each a function that checks its permission.

Wagtail-style actions, one module per subject: ``content`` (write, submit, expire),
``workflow`` (approve, reject, release), ``screening`` (moderation verdicts and terms), ``media``
(the library), ``targets`` (channel-target administration), ``importer``, ``unit_portals`` and
``audit_log``. They sit above the data packages (content, units, media, workflow, delivery…) and
below the interfaces (GraphQL, admin, routes), so that no data package imports an action.
"""
