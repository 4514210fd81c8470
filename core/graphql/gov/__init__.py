"""GraphQL of the government content types (:mod:`core.govcontent`), one file per type.

Each file has the type clients read, its public query (published and in-window only; an
editor of the unit also sees drafts in the management API) and its save mutation. The mixins
of :mod:`core.graphql.gov.schema` put them into both schemas.
"""
