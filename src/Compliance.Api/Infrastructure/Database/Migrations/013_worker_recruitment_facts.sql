-- Per-worker recruitment facts kept on the worker row at write time, so a rescore reads one row per worker instead
-- of regrouping every fee, reimbursement, declaration, contract and custody record of the tenant (about 2.2 s of the
-- 3.4 s full rescore at 200,000 workers, see docs/risk-model.md).
--
-- Kept: whether the worker paid a recruitment fee, a fee was financed by a loan or paid to a sub-agent, worker-paid
-- fees are not yet repaid in full (per currency), a zero-fee declaration was signed, a contract version was
-- substituted, a contract is not in the worker's language, and the worker's latest passport custody record (its
-- date, holder and consent). Their definitions are unchanged (002, 009, 010): app.worker_recruitment_facts_computed()
-- below is the former body of app.worker_flags for them, moved verbatim. What depends on the assessment's time stays
-- computed at read time: custody as of a date before the latest record's (a future-dated record), access requests
-- past 24 hours, age now, expired permits; and agency status (an agency row, edited on its own).
--
-- How the kept facts stay equal to the computed ones:
-- * Statement-level AFTER triggers on every source table (fees, reimbursements, declarations, contracts,
--   passport_custody; and workers when preferred_language changes) refresh exactly the workers the statement
--   touched, from the computed function, in the same transaction. A rolled-back write rolls its refresh back.
-- * Concurrent writers for one worker serialise on the worker row (FOR NO KEY UPDATE, which does not conflict with
--   the FOR KEY SHARE that foreign-key checks take), and the refresh reads with a snapshot taken after that lock: a
--   refresh sees every write committed before it, so the last one to commit leaves the full picture. That needs
--   READ COMMITTED (a fresh snapshot per statement); the refresh refuses other isolation levels.
-- * app.worker_recruitment_facts_drift() lists every worker whose kept facts differ from the computed ones (tests
--   and operators; a full recompute).

alter table workers
  add column fees_paid_by_worker boolean not null default false,
  add column fees_financed_by_loan boolean not null default false,
  add column fees_paid_to_sub_agent boolean not null default false,
  add column fees_outstanding boolean not null default false,
  add column declared_no_fees boolean not null default false,
  add column contract_substituted boolean not null default false,
  add column contract_language_mismatch boolean not null default false,
  add column custody_latest_since date,
  add column custody_latest_holder text,
  add column custody_latest_consent boolean;

create type app.worker_recruitment_facts as (
  tenant_id uuid, worker_id uuid,
  fees_paid_by_worker boolean, fees_financed_by_loan boolean, fees_paid_to_sub_agent boolean, fees_outstanding boolean,
  declared_no_fees boolean, contract_substituted boolean, contract_language_mismatch boolean,
  custody_latest_since date, custody_latest_holder text, custody_latest_consent boolean);

-- The facts of every worker, computed from the source records (filters on a worker reach the indexes).
create or replace function app.worker_recruitment_facts_computed()
  returns setof app.worker_recruitment_facts
  language sql stable as $$
  select w.tenant_id, w.id,
    coalesce(fee.worker_paid, false),
    coalesce(fee.financed_by_loan, false),
    coalesce(fee.paid_to_sub_agent, false),
    coalesce(ledger.outstanding, false),
    coalesce(decl.paid_no_fees, false),
    coalesce(con.substituted, false),
    coalesce(con.language_mismatch, false),
    custody.since, custody.holder, custody.written_consent
  from workers w
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
    select distinct on (p.tenant_id, p.worker_id) p.tenant_id, p.worker_id, p.since, p.holder, p.written_consent
    from passport_custody p
    order by p.tenant_id, p.worker_id, p.since desc, p.recorded_at desc
  ) custody on custody.tenant_id = w.tenant_id and custody.worker_id = w.id
$$;

-- The computed facts of the given workers of one tenant.
create or replace function app.worker_recruitment_facts_for(p_tenant uuid, p_workers uuid[])
  returns setof app.worker_recruitment_facts language plpgsql stable as $$
begin
  if cardinality(p_workers) <= 1000 then
    -- Few workers (every API write): one lookup per worker; an equality on the worker reaches the indexes through
    -- the function's groupings (a list filter would not, and would regroup the whole tenant).
    return query
      select c.* from unnest(p_workers) as t(id)
      cross join lateral (
        select * from app.worker_recruitment_facts_computed() x where x.tenant_id = p_tenant and x.worker_id = t.id offset 0
      ) c;
  else
    -- Bulk (imports, loads): one pass over the tenant joined to the list, cheaper than a lookup per worker.
    return query
      select c.* from app.worker_recruitment_facts_computed() c join unnest(p_workers) as t(id) on t.id = c.worker_id
      where c.tenant_id = p_tenant;
  end if;
end $$;

-- Refresh the kept facts of the given workers of one tenant (the caller's RLS scope applies to every statement).
create or replace function app.refresh_worker_recruitment_facts(p_tenant uuid, p_workers uuid[])
  returns void language plpgsql as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'recruitment facts are refreshed at READ COMMITTED only (this transaction is %)', current_setting('transaction_isolation');
  end if;

  -- Serialise with other refreshes of the same workers; in a fixed order, so two statements cannot deadlock here.
  perform 1 from workers w where w.tenant_id = p_tenant and w.id = any(p_workers) order by w.id for no key update;

  -- A new statement, so a new snapshot: it sees every write committed before the lock was granted.
  update workers w set
    fees_paid_by_worker = c.fees_paid_by_worker, fees_financed_by_loan = c.fees_financed_by_loan,
    fees_paid_to_sub_agent = c.fees_paid_to_sub_agent, fees_outstanding = c.fees_outstanding,
    declared_no_fees = c.declared_no_fees, contract_substituted = c.contract_substituted,
    contract_language_mismatch = c.contract_language_mismatch, custody_latest_since = c.custody_latest_since,
    custody_latest_holder = c.custody_latest_holder, custody_latest_consent = c.custody_latest_consent
  from app.worker_recruitment_facts_for(p_tenant, p_workers) c
  where w.tenant_id = c.tenant_id and w.id = c.worker_id;
end $$;

-- The statement-level trigger: the workers of the changed rows, per tenant (an owner's bulk load may span tenants).
-- Transition tables are named changed_new / changed_old on every trigger that uses this function.
create or replace function app.worker_recruitment_facts_changed()
  returns trigger language plpgsql as $$
declare
  t record;
begin
  if tg_op = 'INSERT' then
    for t in select n.tenant_id, array_agg(distinct n.worker_id) as workers from changed_new n group by n.tenant_id loop
      perform app.refresh_worker_recruitment_facts(t.tenant_id, t.workers);
    end loop;
  elsif tg_op = 'UPDATE' then
    for t in
      select c.tenant_id, array_agg(distinct c.worker_id) as workers
      from (select n.tenant_id, n.worker_id from changed_new n union all select o.tenant_id, o.worker_id from changed_old o) c
      group by c.tenant_id
    loop
      perform app.refresh_worker_recruitment_facts(t.tenant_id, t.workers);
    end loop;
  else
    for t in select o.tenant_id, array_agg(distinct o.worker_id) as workers from changed_old o group by o.tenant_id loop
      perform app.refresh_worker_recruitment_facts(t.tenant_id, t.workers);
    end loop;
  end if;
  return null;
end $$;

-- Existing data: every worker's facts once, through the same refresh the triggers call (the owner, no RLS).
select app.refresh_worker_recruitment_facts(t.id, array(select w.id from workers w where w.tenant_id = t.id)) from tenants t;

do $$
declare
  source text;
begin
  foreach source in array array['fees', 'reimbursements', 'declarations', 'contracts', 'passport_custody'] loop
    execute format('create trigger %I after insert on %I referencing new table as changed_new for each statement execute function app.worker_recruitment_facts_changed()', source || '_facts_insert', source);
    execute format('create trigger %I after update on %I referencing old table as changed_old new table as changed_new for each statement execute function app.worker_recruitment_facts_changed()', source || '_facts_update', source);
    execute format('create trigger %I after delete on %I referencing old table as changed_old for each statement execute function app.worker_recruitment_facts_changed()', source || '_facts_delete', source);
  end loop;
end $$;

-- Workers: of a worker's own columns only the preferred language changes a fact (contract language mismatch). A new
-- worker has no records yet, so the column defaults are its facts.
create or replace function app.worker_recruitment_facts_language_changed()
  returns trigger language plpgsql as $$
declare
  t record;
begin
  for t in
    select n.tenant_id, array_agg(n.id) as workers
    from changed_new n join changed_old o on o.tenant_id = n.tenant_id and o.id = n.id
    where n.preferred_language is distinct from o.preferred_language
    group by n.tenant_id
  loop
    perform app.refresh_worker_recruitment_facts(t.tenant_id, t.workers);
  end loop;
  return null;
end $$;

create trigger workers_facts_language after update on workers
  referencing old table as changed_old new table as changed_new
  for each statement execute function app.worker_recruitment_facts_language_changed();

-- Workers whose kept facts differ from a full recompute. Empty when in step.
create or replace function app.worker_recruitment_facts_drift()
  returns table (tenant_id uuid, worker_id uuid, kept text, computed text)
  language sql stable as $$
  select c.tenant_id, c.worker_id, k::text, c::text
  from app.worker_recruitment_facts_computed() c
  join workers w on w.tenant_id = c.tenant_id and w.id = c.worker_id
  cross join lateral (
    select (w.tenant_id, w.id, w.fees_paid_by_worker, w.fees_financed_by_loan, w.fees_paid_to_sub_agent, w.fees_outstanding,
            w.declared_no_fees, w.contract_substituted, w.contract_language_mismatch, w.custody_latest_since,
            w.custody_latest_holder, w.custody_latest_consent)::app.worker_recruitment_facts as k
  ) kept
  where k is distinct from c
$$;

-- Read side: app.worker_flags keeps its signature and every definition; the kept facts replace the groupings.
-- Custody as of a date is the latest record when that record is not later than the date (the usual case); only a
-- worker whose latest record is dated after it looks the earlier record up. The as-of date and year are scalar
-- subqueries, evaluated once per statement instead of one time-zone conversion per worker and use, and the year of
-- hire is date_part (a float) rather than extract (a numeric): the same integers, about a fifth of the statement's
-- time at 200,000 workers.
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
  left join (
    select a.tenant_id, a.worker_id, bool_or(a.overdue) as overdue, bool_or(a.refused) as refused
    from app.passport_access_flags(as_of) a group by a.tenant_id, a.worker_id
  ) access on access.tenant_id = w.tenant_id and access.worker_id = w.id
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
