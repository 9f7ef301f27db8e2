-- The full rescore spent most of its time in two per-row lookups inside app.worker_flags; both become one pass.
--
-- 1. app.contract_flags: "substituted" (a later version with a lower wage in the same currency, more hours or a
--    longer term than ANY earlier version, 002) was a correlated EXISTS probed once per contract (~200,000 index
--    probes). The same rule as running aggregates over the worker's earlier versions: a contract is substituted
--    when its wage is below the highest earlier wage in its currency, its hours above the lowest earlier hours, or
--    its term above the shortest earlier term. (tenant_id, worker_id, version) is unique, so "earlier" (version <)
--    is exactly the frame "rows before this one" ordered by version; no earlier version gives null, i.e. false.
-- 2. app.worker_flags: the passport holder "as of" was a lateral LIMIT 1 per worker; now one DISTINCT ON over
--    passport_custody with the same order (since desc, recorded_at desc) and the same filter (since <= as_of date).
--
-- Filters on a worker (the API's per-worker and per-contract reads) still reach the indexes: worker_id is a
-- partition column of both windows and a DISTINCT ON / GROUP BY key, so the planner pushes it down.
create or replace function app.contract_flags()
  returns table (tenant_id uuid, worker_id uuid, contract_id uuid, substituted boolean, language_mismatch boolean)
  language sql stable as $$
  select c.tenant_id, c.worker_id, c.id,
    coalesce(c.wage_amount < max(c.wage_amount) over (
               partition by c.tenant_id, c.worker_id, c.wage_currency order by c.version
               rows between unbounded preceding and 1 preceding), false)
      or coalesce(c.hours_per_week > min(c.hours_per_week) over earlier, false)
      or coalesce(c.term_months > min(c.term_months) over earlier, false),
    split_part(lower(c.language), '-', 1) <> split_part(lower(w.preferred_language), '-', 1)
  from contracts c
  join workers w on w.tenant_id = c.tenant_id and w.id = c.worker_id
  window earlier as (partition by c.tenant_id, c.worker_id order by c.version rows between unbounded preceding and 1 preceding)
$$;

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
    coalesce(fee.worker_paid, false),
    coalesce(fee.financed_by_loan, false),
    coalesce(ledger.outstanding, false),
    coalesce(decl.paid_no_fees, false) and coalesce(fee.worker_paid, false),
    coalesce(con.substituted, false),
    coalesce(con.language_mismatch, false),
    coalesce(custody.holder <> 'worker', false),
    coalesce(access.overdue, false),
    coalesce(access.refused, false),
    extract(year from w.hired_on)::int - w.birth_year < 19,
    w.status = 'active' and extract(year from (as_of at time zone 'UTC'))::int - w.birth_year < 19,
    w.status = 'active' and w.work_permit_expires_on is not null and w.work_permit_expires_on < (as_of at time zone 'UTC')::date,
    ag.id is not null and (ag.blacklisted or ag.licence_number is null or coalesce(ag.licence_expires_on < w.hired_on, false)),
    w.sub_agent_used or coalesce(fee.paid_to_sub_agent, false),
    coalesce(decl.paid_no_fees, false),
    coalesce(custody.holder = 'employer-safekeeping' and custody.written_consent, false)
  from workers w
  left join agencies ag on ag.tenant_id = w.tenant_id and ag.id = w.agency_id
  left join (
    select f.tenant_id, f.worker_id,
      bool_or(f.paid_by = 'worker') as worker_paid,
      bool_or(f.financed_by_loan) as financed_by_loan,
      bool_or(f.paid_to = 'sub-agent') as paid_to_sub_agent
    from fees f group by f.tenant_id, f.worker_id
  ) fee on fee.tenant_id = w.tenant_id and fee.worker_id = w.id
  left join (
    select b.tenant_id, b.worker_id, bool_or(b.balance > 0) as outstanding
    from (
      select l.tenant_id, l.worker_id, l.currency, sum(l.amount) as balance
      from (
        select f.tenant_id, f.worker_id, f.currency, f.amount from fees f where f.paid_by = 'worker'
        union all
        select r.tenant_id, r.worker_id, r.currency, -r.amount from reimbursements r
      ) l
      group by l.tenant_id, l.worker_id, l.currency
    ) b
    group by b.tenant_id, b.worker_id
  ) ledger on ledger.tenant_id = w.tenant_id and ledger.worker_id = w.id
  left join (
    select d.tenant_id, d.worker_id, bool_or(d.paid_no_fees) as paid_no_fees
    from declarations d group by d.tenant_id, d.worker_id
  ) decl on decl.tenant_id = w.tenant_id and decl.worker_id = w.id
  left join (
    select c.tenant_id, c.worker_id, bool_or(c.substituted) as substituted, bool_or(c.language_mismatch) as language_mismatch
    from app.contract_flags() c group by c.tenant_id, c.worker_id
  ) con on con.tenant_id = w.tenant_id and con.worker_id = w.id
  left join (
    select a.tenant_id, a.worker_id, bool_or(a.overdue) as overdue, bool_or(a.refused) as refused
    from app.passport_access_flags(as_of) a group by a.tenant_id, a.worker_id
  ) access on access.tenant_id = w.tenant_id and access.worker_id = w.id
  left join (
    select distinct on (p.tenant_id, p.worker_id) p.tenant_id, p.worker_id, p.holder, p.written_consent
    from passport_custody p
    where p.since <= (as_of at time zone 'UTC')::date
    order by p.tenant_id, p.worker_id, p.since desc, p.recorded_at desc
  ) custody on custody.tenant_id = w.tenant_id and custody.worker_id = w.id
$$;
