"""Loading lists: every format and layout a bureau receives, names matched, facts read from
titles and columns, renewals and revocations, refusals, hostile files, locks, the pipeline."""
