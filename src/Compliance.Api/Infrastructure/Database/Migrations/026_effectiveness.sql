-- Issue #21, the effectiveness review of the grievance mechanism (UNGP 31, LkSG §8(5)). Who reads what:
--   remedies      office-only rows (like case_referrals); the employer side gets per-unit counts through
--                 app.effectiveness_remedy_units, never a row, so never a link from a case to a worker's reimbursement
--                 or passport record;
--   survey        no runtime reader or writer at all: the worker path records through app.record_effectiveness_survey,
--                 statistics read per-unit counts through app.effectiveness_survey_units; answers carry a day, never a time;
--   reviews       the tenant's own conclusions per year: ordinary tenant rows.

-- What the follow-up path learns, as two facts per case (no time, no count): the receipt was used again after filing,
-- and the worker was shown at least one reply. A case moved from resolved or referred back to in progress is reopened.
alter table grievances add column receipt_reused boolean not null default false;
alter table grievances add column reply_seen boolean not null default false;
alter table grievances add column reopened boolean not null default false;

-- The tenant's minimum cell size for effectiveness figures: 5 unless the tenant raises it (never lower: DNH-4).
alter table worker_voice_settings add column minimum_cell_size int not null default 5 check (minimum_cell_size between 5 and 50);

create table case_remedies (
  id uuid primary key,
  tenant_id uuid not null,
  grievance_id uuid not null references grievances (id) on delete cascade,
  office_id uuid not null references handling_offices (id),
  kind text not null check (kind in ('fee-reimbursed', 'passport-returned', 'wages-paid', 'contract-corrected', 'apology', 'policy-change', 'other')),
  amount numeric(18, 4) check (amount is null or amount > 0),
  currency char(3),
  reimbursement_id uuid references reimbursements (id),
  custody_id uuid references passport_custody (id),
  recorded_on date not null,
  check ((amount is null) = (currency is null)),
  check (reimbursement_id is null or kind = 'fee-reimbursed'),
  check (custody_id is null or kind = 'passport-returned')
);
create index case_remedies_case on case_remedies (tenant_id, grievance_id);
select app.protect_tenant_table('case_remedies', 'no_supplier_scope');
create policy office_only on case_remedies as restrictive
  using (office_id = app.current_office()) with check (office_id = app.current_office());
insert into app.runtime_revocations values ('case_remedies', 'update'), ('case_remedies', 'delete') on conflict do nothing;

-- One answer set per case, never replaced (a replaced answer would change a released month after the fact).
create table effectiveness_surveys (
  id uuid primary key,
  tenant_id uuid not null,
  grievance_id uuid not null unique references grievances (id) on delete cascade,
  satisfaction smallint not null check (satisfaction between 1 and 5),
  reprisal text not null check (reprisal in ('yes', 'no', 'prefer-not-to-say')),
  answered_on date not null
);
select app.protect_tenant_table('effectiveness_surveys', 'no_supplier_scope');
insert into app.runtime_revocations values
  ('effectiveness_surveys', 'select'), ('effectiveness_surveys', 'insert'),
  ('effectiveness_surveys', 'update'), ('effectiveness_surveys', 'delete') on conflict do nothing;

create table effectiveness_reviews (
  tenant_id uuid not null,
  year int not null check (year between 2000 and 2100),
  conclusions text not null check (length(conclusions) <= 20000),
  measures text not null check (length(measures) <= 20000),
  updated_on date not null,
  primary key (tenant_id, year)
);
select app.protect_tenant_table('effectiveness_reviews', 'no_supplier_scope');
insert into app.runtime_revocations values ('effectiveness_reviews', 'delete') on conflict do nothing;

grant select on case_remedies, case_referrals, escalations to compliance_definer;
grant select, insert on effectiveness_surveys to compliance_definer;

-- Records the worker's answers for a case of the current tenant that has ended (resolved or closed). True when
-- recorded; false when the case is not the tenant's, has not ended, or was answered before.
create or replace function app.record_effectiveness_survey(p_grievance uuid, p_satisfaction int, p_reprisal text, p_on date)
  returns boolean
  language plpgsql volatile security definer set search_path = public as $$
declare
  inserted int;
begin
  insert into effectiveness_surveys (id, tenant_id, grievance_id, satisfaction, reprisal, answered_on)
  select gen_random_uuid(), g.tenant_id, g.id, p_satisfaction, p_reprisal, p_on
    from grievances g
   where g.id = p_grievance and g.tenant_id = app.current_tenant() and g.status in ('resolved', 'closed')
  on conflict (grievance_id) do nothing;
  get diagnostics inserted = row_count;
  return inserted = 1;
end $$;
alter function app.record_effectiveness_survey(uuid, int, text, date) owner to compliance_definer;

-- Whether the current tenant's case was answered: the follow-up page offers the questions only once.
create or replace function app.effectiveness_survey_answered(p_grievance uuid)
  returns boolean
  language sql stable security definer set search_path = public as $$
  select exists (select 1 from effectiveness_surveys s where s.grievance_id = p_grievance and s.tenant_id = app.current_tenant())
$$;
alter function app.effectiveness_survey_answered(uuid) owner to compliance_definer;

-- Counts per unit (site × month answered), never a row: the caller suppresses them (EffectivenessSuppression).
create or replace function app.effectiveness_survey_units(p_from date, p_to date)
  returns table (site_id uuid, month date, satisfaction int, reprisal text, count int)
  language sql stable security definer set search_path = public as $$
  select g.site_id, date_trunc('month', s.answered_on)::date, s.satisfaction::int, s.reprisal, count(*)::int
    from effectiveness_surveys s join grievances g on g.id = s.grievance_id
   where s.tenant_id = app.current_tenant() and g.tenant_id = app.current_tenant() and not g.held_for_review
     and s.answered_on >= p_from and s.answered_on < p_to
   group by 1, 2, 3, 4
$$;
alter function app.effectiveness_survey_units(date, date) owner to compliance_definer;

-- Remedies per unit (site × month recorded), kind and currency: counts and amounts, never a row or a link.
create or replace function app.effectiveness_remedy_units(p_from date, p_to date)
  returns table (site_id uuid, month date, kind text, currency text, count int, amount numeric)
  language sql stable security definer set search_path = public as $$
  select g.site_id, date_trunc('month', r.recorded_on)::date, r.kind, r.currency::text, count(*)::int, coalesce(sum(r.amount), 0)
    from case_remedies r join grievances g on g.id = r.grievance_id
   where r.tenant_id = app.current_tenant() and g.tenant_id = app.current_tenant() and not g.held_for_review
     and r.recorded_on >= p_from and r.recorded_on < p_to
   group by 1, 2, 3, 4
$$;
alter function app.effectiveness_remedy_units(date, date) owner to compliance_definer;

-- Per unit (site × month received): cases referred to an NGO, and cases escalated or referred at all, as of p_as_of.
-- Referrals are office records; the employer side gets these two counts only.
create or replace function app.effectiveness_referral_units(p_start timestamptz, p_end timestamptz, p_as_of timestamptz)
  returns table (site_id uuid, month date, referred_ngo int, escalated_or_referred int)
  language sql stable security definer set search_path = public as $$
  select g.site_id, date_trunc('month', g.received_at at time zone 'UTC')::date,
         count(*) filter (where exists (
           select 1 from case_referrals r where r.grievance_id = g.id and r.kind = 'ngo' and r.created_on < (p_as_of at time zone 'UTC')::date))::int,
         count(*) filter (where exists (
           select 1 from case_referrals r where r.grievance_id = g.id and r.created_on < (p_as_of at time zone 'UTC')::date)
           or exists (select 1 from escalations e where e.grievance_id = g.id and e.tenant_id = g.tenant_id and e.created_at < p_as_of))::int
    from grievances g
   where g.tenant_id = app.current_tenant() and not g.held_for_review and g.received_at >= p_start and g.received_at < p_end
   group by 1, 2
$$;
alter function app.effectiveness_referral_units(timestamptz, timestamptz, timestamptz) owner to compliance_definer;
