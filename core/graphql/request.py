"""What every resolver of one HTTP request shares: the Context, loaders, the actor.

Reads use short sessions (:meth:`RequestContext.read`) that return their
connection to the pool before the resolver yields to the event loop. A
request that held a connection across an ``await`` (a DataLoader batch) could
exhaust the pool under concurrency and block the loop thread that the holders
need to finish: a deadlock. Rows read this way stay usable (detached, loaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.content.lookups import Lookups
from core.context import Context
from core.graphql.loaders import Loaders


@dataclass
class RequestContext:
    ctx: Context
    actor: Actor | None = None
    address: str = ""
    #: The public endpoint's cache of unit subtrees and category ids (per content generation).
    lookups: Lookups | None = None
    _loaders: Loaders | None = field(default=None, repr=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for one synchronous stretch of reads; closed (connection back) after."""
        with self.ctx.sessions() as session:
            yield session

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders.build(self.read)
        return self._loaders
