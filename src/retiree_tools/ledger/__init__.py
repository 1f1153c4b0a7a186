"""The campaign ledger: every submission, person and handover of a campaign in one database
(SQLite by default, PostgreSQL when offices share one). ``ledger init`` makes it
(:mod:`.documents`), ``submit`` records workbooks (:mod:`.submit`), ``handover`` the signed
forms (:mod:`.handover`), ``status`` and ``acceptance-report --db`` read it (:mod:`.query`),
``ledger export`` writes a unit's basic-information ledger (:mod:`.export`)."""
