-- Event format version 2: a decision also grants or refuses each service (a vendor such as
-- google-analytics) by its id. Version 1 decisions, all that 0001 stored, name none.

-- The format a decision came in: 2 when the banner reported its services (perhaps none),
-- 1 when it had no choice per service. Every row stored before this migration is version 1.
ALTER TABLE decisions ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version IN (1, 2));

-- The services each version 2 decision granted or refused, written in the same
-- transaction as the decision and deleted with it by retention (which deletes these
-- first; the writer turns foreign keys on, so a decision cannot go while its services stay).
CREATE TABLE decision_services (
    seq     INTEGER NOT NULL REFERENCES decisions (seq),
    service TEXT    NOT NULL CHECK (length(service) BETWEEN 1 AND 40 AND service NOT GLOB '*[^a-z0-9-]*'),
    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
    PRIMARY KEY (seq, service)
) WITHOUT ROWID;

-- Counts per UTC day, site, language and service, updated in the same transaction as
-- the decisions and `daily`. `decisions` counts the decisions other than withdrawals
-- that named the service, `granted` those of them that granted it. Retention never
-- deletes these.
CREATE TABLE daily_services (
    day       TEXT    NOT NULL,
    site      TEXT    NOT NULL,
    lang      TEXT    NOT NULL,
    service   TEXT    NOT NULL,
    decisions INTEGER NOT NULL DEFAULT 0,
    granted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, site, lang, service)
) WITHOUT ROWID;
