"""The database schema as data: what the db program defines (`dibs.tables`),
what PostgreSQL holds (`introspect`), the difference between the two
(`diff`) and the SQL that closes it (`ddl`). `model` is the vocabulary all of
them share; everything but `introspect` is pure and needs no database."""
