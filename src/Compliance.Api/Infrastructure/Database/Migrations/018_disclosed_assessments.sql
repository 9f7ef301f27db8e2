-- Issue 16, hole 2: an assessment's evidence as every reader outside case handling gets it.
--
-- evidence and discrepancies keep the model's true counts (an internal record the API never maps). Beside them the
-- job now writes the disclosed form (Compliance.Domain.Risk.RiskDisclosure): worker-derived counts from 1 to 4 are
-- null, shown as "fewer than 5", and each evidence line lists what it withheld. REST, OData and dossiers read only
-- these columns. A row written without them (nothing in the app does) shows no evidence rather than true counts.
alter table risk_assessments
  add column disclosed_evidence json,
  add column disclosed_discrepancies json;

-- Rows assessed before this migration: the same projection, in SQL (their key order stays as stored).
update risk_assessments a set
  disclosed_evidence = coalesce((
    select json_agg(
      case when (x.e -> 'sources' ->> 'worker')::int between 1 and 4 then
        (x.e || jsonb_build_object(
          'measured', case when x.e -> 'sources' ->> 'employer' = '0' and x.e -> 'sources' ->> 'audit' = '0' and x.e ->> 'measure' = 'count'
                           then null else x.e -> 'measured' end,
          'sources', (x.e -> 'sources') || '{"worker": null}'::jsonb,
          'explanation', regexp_replace(x.e ->> 'explanation', '^[0-9]+ ', 'fewer than 5 '),
          'withheld', case when x.e -> 'sources' ->> 'employer' = '0' and x.e -> 'sources' ->> 'audit' = '0' and x.e ->> 'measure' = 'count'
                           then '[{"field": "measured", "shown": "fewer than 5"}, {"field": "sources.worker", "shown": "fewer than 5"}]'::jsonb
                           else '[{"field": "sources.worker", "shown": "fewer than 5"}]'::jsonb end))::json
      else x.e::json end
      order by x.n)
    from jsonb_array_elements(a.evidence::jsonb) with ordinality as x(e, n)), '[]'::json),
  disclosed_discrepancies = coalesce((
    select json_agg(
      (x.d || jsonb_build_object('explanation',
        regexp_replace(x.d ->> 'explanation', '(filed|and) ([1-4]) (worker )?grievance', '\1 fewer than 5 \3grievance', 'g')))::json
      order by x.n)
    from jsonb_array_elements(a.discrepancies::jsonb) with ordinality as x(d, n)), '[]'::json);

alter table risk_assessments
  alter column disclosed_evidence set default '[]'::json,
  alter column disclosed_evidence set not null,
  alter column disclosed_discrepancies set default '[]'::json,
  alter column disclosed_discrepancies set not null;
