-- Version 2: a round is a ranking round ('rank': K completions of one policy) or a blind A/B
-- round ('ab': the tuned policy against the initial model, K = 2).

ALTER TABLE rounds ADD COLUMN kind TEXT NOT NULL DEFAULT 'rank';
