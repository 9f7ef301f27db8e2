-- Ethical recruitment records (issue 3): agencies, workers, fees, reimbursements, zero-fee declarations, contracts,
-- passport custody and access requests; and the one definition of every worker flag (app.worker_flags).
--
-- Workers and every row under a worker carry supplier_id and site_id, denormalised from the site, so RLS and the
-- OData feed narrow by supplier without joins. Composite FKs with ON UPDATE CASCADE keep the copies in step when a
-- site moves to another supplier or a worker to another site. A worker is never linked to a grievance.

-- Lets workers reference (supplier, site) so the denormalised supplier_id always matches the site's.
create unique index if not exists sites_tenant_supplier_id on sites (tenant_id, supplier_id, id);

create table agencies (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null,
  country_code char(2) not null,
  licence_number text,
  licence_expires_on date,
  blacklisted boolean not null,
  sub_agents_prohibited boolean not null,
  last_due_diligence_on date,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, name, country_code)
);
-- Agencies are tenant-wide: supplier keys read them all.
select app.protect_tenant_table('agencies', 'no_supplier_scope');

create table workers (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  employee_ref text not null,
  nationality char(2) not null,
  gender text not null check (gender in ('female', 'male', 'another', 'undisclosed')),
  birth_year int not null,
  preferred_language text not null,
  channel text not null check (channel in ('direct', 'agency')),
  agency_id uuid,
  sub_agent_used boolean not null,
  recruited_in_country char(2) not null,
  hired_on date not null,
  arrived_on date,
  work_permit_expires_on date,
  status text not null check (status in ('active', 'left')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, supplier_id, site_id, id),
  unique (tenant_id, supplier_id, employee_ref),
  check ((channel = 'agency') = (agency_id is not null)),
  foreign key (tenant_id, supplier_id, site_id) references sites (tenant_id, supplier_id, id) on update cascade,
  foreign key (tenant_id, agency_id) references agencies (tenant_id, id)
);
create index workers_tenant_site on workers (tenant_id, site_id);
create index workers_tenant_agency on workers (tenant_id, agency_id) where agency_id is not null;
create index workers_tenant_nationality on workers (tenant_id, nationality);
select app.protect_tenant_table('workers');

create table fees (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  category text not null check (category in ('recruitment', 'visa', 'medical', 'travel', 'training', 'levy', 'deposit', 'document', 'other')),
  amount numeric(20, 3) not null check (amount > 0),
  currency char(3) not null,
  paid_by text not null check (paid_by in ('worker', 'employer')),
  paid_to text not null check (paid_to in ('agency', 'sub-agent', 'employer', 'government', 'other')),
  paid_on date not null,
  paid_in_country char(2) not null,
  financed_by_loan boolean not null,
  loan_interest_rate_percent numeric(7, 3),
  note text,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
create index fees_tenant_worker on fees (tenant_id, worker_id);
select app.protect_tenant_table('fees');

create table reimbursements (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  amount numeric(20, 3) not null check (amount > 0),
  currency char(3) not null,
  paid_on date not null,
  reference text not null,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
create index reimbursements_tenant_worker on reimbursements (tenant_id, worker_id);
select app.protect_tenant_table('reimbursements');

create table declarations (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  kind text not null check (kind in ('pre-departure', 'post-arrival')),
  language text not null,
  signed_on date not null,
  paid_no_fees boolean not null,
  holds_own_passport boolean not null,
  contract_explained boolean not null,
  template_version text not null,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
create index declarations_tenant_worker on declarations (tenant_id, worker_id);
select app.protect_tenant_table('declarations');

create table contracts (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  version int not null,
  language text not null,
  signed_on date not null,
  signed_in_country char(2) not null,
  signed_before_departure boolean not null,
  wage_amount numeric(20, 3) not null,
  wage_currency char(3) not null,
  hours_per_week numeric(5, 2) not null,
  term_months int not null,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, worker_id, version),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
select app.protect_tenant_table('contracts');

-- Append-only history of who holds the passport. There is deliberately no column for the passport number.
create table passport_custody (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  holder text not null check (holder in ('worker', 'employer-safekeeping', 'agency', 'government', 'unknown')),
  since date not null,
  written_consent boolean,
  note text,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
create index passport_custody_tenant_worker on passport_custody (tenant_id, worker_id, since desc, recorded_at desc);
select app.protect_tenant_table('passport_custody');
insert into app.runtime_revocations values ('passport_custody', 'update'), ('passport_custody', 'delete') on conflict do nothing;

create table passport_access_requests (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  worker_id uuid not null,
  requested_at timestamptz not null,
  returned_at timestamptz,
  refused_at timestamptz,
  refusal_note text,
  recorded_at timestamptz not null,
  unique (tenant_id, id),
  check (returned_at is null or refused_at is null),
  foreign key (tenant_id, supplier_id, site_id, worker_id) references workers (tenant_id, supplier_id, site_id, id) on update cascade
);
create index passport_access_requests_tenant_worker on passport_access_requests (tenant_id, worker_id);
select app.protect_tenant_table('passport_access_requests');

-- ---------------------------------------------------------------------------------------------------------------
-- The one definition of each flag. All functions are SECURITY INVOKER, LANGUAGE SQL, STABLE and a single SELECT,
-- so PostgreSQL inlines them (a predicate on worker_id reaches the indexes) and RLS applies to the caller.
-- ---------------------------------------------------------------------------------------------------------------

-- A "paid no fees" declaration is contradicted by every worker-paid fee of the same worker (FL02).
create or replace function app.declaration_contradictions()
  returns table (tenant_id uuid, worker_id uuid, declaration_id uuid, fee_id uuid)
  language sql stable as $$
  select d.tenant_id, d.worker_id, d.id, f.id
  from declarations d
  join fees f on f.tenant_id = d.tenant_id and f.worker_id = d.worker_id and f.paid_by = 'worker'
  where d.paid_no_fees
$$;

-- Per contract: substitution (a later version with a lower wage in the same currency, more hours or a longer
-- term than any earlier version) and language mismatch (primary subtag differs from the worker's language).
create or replace function app.contract_flags()
  returns table (tenant_id uuid, worker_id uuid, contract_id uuid, substituted boolean, language_mismatch boolean)
  language sql stable as $$
  select c.tenant_id, c.worker_id, c.id,
    exists (
      select 1 from contracts e
      where e.tenant_id = c.tenant_id and e.worker_id = c.worker_id and e.version < c.version
        and ((e.wage_currency = c.wage_currency and c.wage_amount < e.wage_amount)
             or c.hours_per_week > e.hours_per_week
             or c.term_months > e.term_months)),
    split_part(lower(c.language), '-', 1) <> split_part(lower(w.preferred_language), '-', 1)
  from contracts c
  join workers w on w.tenant_id = c.tenant_id and w.id = c.worker_id
$$;

-- Per access request: overdue when not returned within 24 h of the request (still waiting at as_of, returned
-- late, or refused); refused when the employer refused (FL07, a hard trigger).
create or replace function app.passport_access_flags(as_of timestamptz)
  returns table (tenant_id uuid, worker_id uuid, request_id uuid, overdue boolean, refused boolean)
  language sql stable as $$
  select r.tenant_id, r.worker_id, r.id,
    coalesce(r.returned_at, r.refused_at, as_of) > r.requested_at + interval '24 hours'
      or (r.refused_at is not null and r.refused_at <= as_of),
    r.refused_at is not null and r.refused_at <= as_of
  from passport_access_requests r
  where r.requested_at <= as_of
$$;

-- One row per worker. Ages from a birth year alone are uncertain, so a worker who may have been under 18 is
-- presumed a child (DNH-8): year difference below 19. Consent and signed declarations are reported as facts
-- (signed_zero_fee_declaration, passport_safekeeping_with_consent) and never clear any flag.
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
    exists (select 1 from fees f where f.tenant_id = w.tenant_id and f.worker_id = w.id and f.paid_by = 'worker'),
    exists (select 1 from fees f where f.tenant_id = w.tenant_id and f.worker_id = w.id and f.financed_by_loan),
    exists (
      select 1 from (
        select f.currency, f.amount from fees f where f.tenant_id = w.tenant_id and f.worker_id = w.id and f.paid_by = 'worker'
        union all
        select r.currency, -r.amount from reimbursements r where r.tenant_id = w.tenant_id and r.worker_id = w.id
      ) ledger group by ledger.currency having sum(ledger.amount) > 0),
    exists (select 1 from app.declaration_contradictions() x where x.tenant_id = w.tenant_id and x.worker_id = w.id),
    exists (select 1 from app.contract_flags() c where c.tenant_id = w.tenant_id and c.worker_id = w.id and c.substituted),
    exists (select 1 from app.contract_flags() c where c.tenant_id = w.tenant_id and c.worker_id = w.id and c.language_mismatch),
    coalesce(custody.holder <> 'worker', false),
    exists (select 1 from app.passport_access_flags(as_of) a where a.tenant_id = w.tenant_id and a.worker_id = w.id and a.overdue),
    exists (select 1 from app.passport_access_flags(as_of) a where a.tenant_id = w.tenant_id and a.worker_id = w.id and a.refused),
    extract(year from w.hired_on)::int - w.birth_year < 19,
    w.status = 'active' and extract(year from (as_of at time zone 'UTC'))::int - w.birth_year < 19,
    w.status = 'active' and w.work_permit_expires_on is not null and w.work_permit_expires_on < (as_of at time zone 'UTC')::date,
    ag.id is not null and (ag.blacklisted or ag.licence_number is null or coalesce(ag.licence_expires_on < w.hired_on, false)),
    w.sub_agent_used or exists (select 1 from fees f where f.tenant_id = w.tenant_id and f.worker_id = w.id and f.paid_to = 'sub-agent'),
    exists (select 1 from declarations d where d.tenant_id = w.tenant_id and d.worker_id = w.id and d.paid_no_fees),
    coalesce(custody.holder = 'employer-safekeeping' and custody.written_consent, false)
  from workers w
  left join agencies ag on ag.tenant_id = w.tenant_id and ag.id = w.agency_id
  left join lateral (
    select p.holder, p.written_consent from passport_custody p
    where p.tenant_id = w.tenant_id and p.worker_id = w.id and p.since <= (as_of at time zone 'UTC')::date
    order by p.since desc, p.recorded_at desc limit 1
  ) custody on true
$$;
