"""What citizens write back on channels: read, moderated, hidden or queued for a human.

Authors are kept minimally (personal data law): a channel-scoped keyed pseudonym of the
channel's author id, never the id itself, and the display name the channel showed.
"""
