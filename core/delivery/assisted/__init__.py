"""Assisted delivery: tasks for an operator when a channel cannot be called (see
:mod:`core.contract.assisted`): the task rows, their kits, and the actions on them."""
