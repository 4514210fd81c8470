"""What every resolver of one HTTP request shares: the Context, one session, loaders, the actor.

One session per request keeps a page of articles and its related rows on one
connection; it is opened on first use and closed when the response is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.context import Context
from core.graphql.loaders import Loaders


@dataclass
class RequestContext:
    ctx: Context
    actor: Actor | None = None
    _session: Session | None = field(default=None, repr=False)
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self.ctx.sessions()
        return self._session

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders.build(self.session)
        return self._loaders

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
