-- The consent log: every decision (the proof of consent, GDPR Art. 7(1)) and the daily
-- counts that the dashboard reads. No IP address, user agent or cookie is ever stored.

-- One row per decision. `time_ms` is the server's time of receipt (UTC milliseconds).
CREATE TABLE decisions (
    seq        INTEGER PRIMARY KEY,
    consent_id TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL,
    event      TEXT    NOT NULL CHECK (event IN ('accept_all', 'reject_all', 'custom', 'withdraw')),
    site       TEXT    NOT NULL,
    lang       TEXT    NOT NULL CHECK (lang IN ('fi', 'en', 'sv')),
    revision   INTEGER NOT NULL CHECK (revision BETWEEN 1 AND 65535),
    texts      TEXT    NOT NULL,
    layer      TEXT    NOT NULL CHECK (layer IN ('first', 'settings', 'embed', 'declaration', 'api')),
    analytics  INTEGER NOT NULL CHECK (analytics IN (0, 1)),
    marketing  INTEGER NOT NULL CHECK (marketing IN (0, 1)),
    social     INTEGER NOT NULL CHECK (social IN (0, 1))
);

-- Receipts read a consent id's decisions in order.
CREATE INDEX decisions_by_consent ON decisions (consent_id, seq);

-- Retention deletes by time.
CREATE INDEX decisions_by_time ON decisions (time_ms);

-- Counts per UTC day, site and language, updated in the same transaction as the
-- decisions. `analytics`, `marketing` and `social` count the decisions other than
-- withdrawals that granted the category. Retention never deletes these.
CREATE TABLE daily (
    day        TEXT    NOT NULL,
    site       TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    shown      INTEGER NOT NULL DEFAULT 0,
    accept_all INTEGER NOT NULL DEFAULT 0,
    reject_all INTEGER NOT NULL DEFAULT 0,
    custom     INTEGER NOT NULL DEFAULT 0,
    withdraw   INTEGER NOT NULL DEFAULT 0,
    analytics  INTEGER NOT NULL DEFAULT 0,
    marketing  INTEGER NOT NULL DEFAULT 0,
    social     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, site, lang)
) WITHOUT ROWID;
