-- An assessment's evidence, discrepancies and sources are stored exactly as the model wrote them: json, not jsonb.
--
-- Why: the rows are append-only records (the runtime role may not update or delete them, 004) that are read back
-- whole and never queried inside. jsonb re-parses every document into its binary form on insert (about half of
-- the write cost of a full rescore: 2,000 sites carry about 12 MB of evidence) and hands back a normalised copy:
-- keys re-sorted by length, whitespace changed. json checks the text is valid JSON and keeps it byte for byte, so
-- an auditor reads the evidence in the model's own order (indicator, rule id, measured value, threshold, ...),
-- the same bytes the job produced. Existing rows are converted; their key order stays jsonb's.
alter table risk_assessments
  alter column evidence type json using evidence::json,
  alter column discrepancies type json using discrepancies::json,
  alter column sources type json using sources::json;
