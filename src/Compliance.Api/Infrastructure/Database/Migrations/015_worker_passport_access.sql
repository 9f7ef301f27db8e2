-- A worker's passport-access flags, defined once: app.worker_flags joins them to every worker (as before, with the
-- same definitions), and the risk assessment counts them per site from the workers who have access requests.
--
-- Why: a full rescore counts its flags per site over every worker of the tenant. Joining the access requests there
-- meant grouping them (one hash per statement) and probing that hash for each of 200,000 workers, about 70 of the
-- statement's 260 ms, for a flag that only workers with a request can have (10,000 in the benchmark dataset). The
-- rescore's recruitment statement no longer reads the two access flags, so the planner removes the join (the
-- function's rows are unique per tenant and worker); a separate statement counts them from the requests (~30 ms).
create or replace function app.worker_passport_access(as_of timestamptz)
  returns table (tenant_id uuid, worker_id uuid, overdue boolean, refused boolean)
  language sql stable as $$
  select a.tenant_id, a.worker_id, bool_or(a.overdue), bool_or(a.refused)
  from app.passport_access_flags(as_of) a
  group by a.tenant_id, a.worker_id
$$;

-- Unchanged but for the access join, which now uses the function above.
create or replace function app.worker_flags(as_of timestamptz)
  returns table (
    tenant_id uuid, supplier_id uuid, site_id uuid, worker_id uuid, status text,
    paid_recruitment_fees boolean, fees_financed_by_loan boolean, outstanding_remediation boolean,
    declaration_contradicted boolean, contract_substituted boolean, contract_language_mismatch boolean,
    passport_held_by_other boolean, passport_access_overdue boolean, passport_return_refused boolean,
    under_age_at_hire boolean, under_age_now boolean, work_permit_expired boolean,
    agency_unlicensed_or_blacklisted boolean, sub_agent_used boolean,
    signed_zero_fee_declaration boolean, passport_safekeeping_with_consent boolean)
  language sql stable as $$
  select w.tenant_id, w.supplier_id, w.site_id, w.id, w.status,
    w.fees_paid_by_worker,
    w.fees_financed_by_loan,
    w.fees_outstanding,
    w.declared_no_fees and w.fees_paid_by_worker,
    w.contract_substituted,
    w.contract_language_mismatch,
    coalesce(custody.holder <> 'worker', false),
    coalesce(access.overdue, false),
    coalesce(access.refused, false),
    date_part('year', w.hired_on)::int - w.birth_year < 19,
    w.status = 'active' and (select extract(year from (as_of at time zone 'UTC'))::int) - w.birth_year < 19,
    w.status = 'active' and w.work_permit_expires_on is not null and w.work_permit_expires_on < (select (as_of at time zone 'UTC')::date),
    ag.id is not null and (ag.blacklisted or ag.licence_number is null or coalesce(ag.licence_expires_on < w.hired_on, false)),
    w.sub_agent_used or w.fees_paid_to_sub_agent,
    w.declared_no_fees,
    coalesce(custody.holder = 'employer-safekeeping' and custody.written_consent, false)
  from workers w
  left join agencies ag on ag.tenant_id = w.tenant_id and ag.id = w.agency_id
  left join app.worker_passport_access(as_of) access on access.tenant_id = w.tenant_id and access.worker_id = w.id
  cross join lateral (
    select
      case when w.custody_latest_since <= (select (as_of at time zone 'UTC')::date) then w.custody_latest_holder
           when w.custody_latest_since is not null then (
             select p.holder from passport_custody p
             where p.tenant_id = w.tenant_id and p.worker_id = w.id and p.since <= (select (as_of at time zone 'UTC')::date)
             order by p.since desc, p.recorded_at desc limit 1) end as holder,
      case when w.custody_latest_since <= (select (as_of at time zone 'UTC')::date) then w.custody_latest_consent
           when w.custody_latest_since is not null then (
             select p.written_consent from passport_custody p
             where p.tenant_id = w.tenant_id and p.worker_id = w.id and p.since <= (select (as_of at time zone 'UTC')::date)
             order by p.since desc, p.recorded_at desc limit 1) end as written_consent
  ) custody
$$;
