"""Search over records with a subset of the Lucene query syntax, as Auth0's user and log search.

``parser.parse(q, schema)`` reads ``q`` into a small typed tree (``tree``) and
``compiler.where(tree, schema)`` turns it into a SQLAlchemy condition. A ``schema.Schema``
names the searchable fields of one kind of record, their kinds and their columns: users
(``authgate.users.search``) and log events (``authgate.logs.search``) each have one.

Syntax: ``field:value``, ``field:"quoted phrase"``, bare terms (matched against the schema's
default fields), ``AND``/``&&``, ``OR``/``||``, ``NOT``/``!``, ``-term``, ``+term``,
parentheses, ``field:(a OR b)``, wildcards ``*`` and ``?`` (a wildcard at the start needs 3
literal characters), ranges ``[a TO b]``, ``{a TO b}``, ``[* TO b]`` on dates and integers,
``_exists_:field``, ``field:*``, ``*:*`` and backslash escapes. Side-by-side terms are ORed
(Lucene's default operator). Values match the whole field; see ``parser`` for the grammar.
"""
