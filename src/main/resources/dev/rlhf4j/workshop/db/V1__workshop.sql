-- The workshop store, version 1. The same SQL runs on SQLite and PostgreSQL. Times are epoch
-- milliseconds; lists (completions, their sources, a ranking's groups) are JSON text.

CREATE TABLE workshops (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    k           INTEGER NOT NULL,
    created_ms  BIGINT NOT NULL
);

CREATE TABLE rounds (
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    number      INTEGER NOT NULL,
    model       TEXT NOT NULL,
    opened_ms   BIGINT NOT NULL,
    closed_ms   BIGINT,
    PRIMARY KEY (workshop_id, number)
);

CREATE TABLE tasks (
    workshop_id TEXT NOT NULL,
    id          TEXT NOT NULL,
    round       INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    prompt_id   TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    model       TEXT NOT NULL,
    completions TEXT NOT NULL,
    sources     TEXT NOT NULL,
    PRIMARY KEY (workshop_id, id),
    FOREIGN KEY (workshop_id, round) REFERENCES rounds (workshop_id, number)
);

CREATE TABLE raters (
    id          TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    joined_ms   BIGINT NOT NULL,
    UNIQUE (workshop_id, name_key)
);

CREATE TABLE rankings (
    id          TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    rater_id    TEXT NOT NULL REFERENCES raters (id),
    idem_key    TEXT NOT NULL,
    ranking     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    UNIQUE (rater_id, idem_key),
    UNIQUE (rater_id, task_id),
    FOREIGN KEY (workshop_id, task_id) REFERENCES tasks (workshop_id, id)
);

CREATE INDEX rankings_by_time ON rankings (workshop_id, created_ms);
