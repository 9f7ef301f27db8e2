-- Handling offices (issue #18): the organisations whose people read testimony, their links to tenants, the people
-- who sign in (ASP.NET Core Identity's tables), and the append-only roster of every change in who can read.
-- A third scope joins app.tenant_id and app.supplier_id: app.office_id, set for office members and office keys.

create or replace function app.current_office() returns uuid
  language sql stable as $$ select nullif(current_setting('app.office_id', true), '')::uuid $$;

create table handling_offices (
  id uuid primary key,
  -- The public code a tenant owner types to request a link (given out by the office itself).
  code text not null unique,
  name text not null,
  kind text not null check (kind in ('independent-ngo', 'independent-helpline', 'trade-union', 'internal')),
  country_code char(2) not null,
  contact text not null,
  -- An internal office is its tenant's own grievance team; the worker page says so.
  internal_tenant_id uuid references tenants (id),
  -- Made by migration 020 from a tenant's case-handler keys, which the owner had minted: the page says so too.
  migrated boolean not null default false,
  verified_at timestamptz,
  created_at timestamptz not null,
  check ((kind = 'internal') = (internal_tenant_id is not null))
);

create table handling_links (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  office_id uuid not null references handling_offices (id),
  requested_at timestamptz not null,
  accepted_at timestamptz,
  ended_at timestamptz,
  ended_by text check (ended_by in ('tenant', 'office')),
  check ((ended_at is null) = (ended_by is null))
);
-- One live (requested or accepted) link per pair; ended links stay as history.
create unique index handling_links_live on handling_links (tenant_id, office_id) where ended_at is null;
create index handling_links_office on handling_links (office_id);

-- The tenant side sees its links; an office sees its own (also while it works on a tenant's cases).
alter table handling_links enable row level security;
alter table handling_links force row level security;
create policy link_parties on handling_links
  using ((tenant_id = app.current_tenant() and app.current_office() is null) or office_id = app.current_office())
  with check ((tenant_id = app.current_tenant() and app.current_office() is null) or office_id = app.current_office());

-- An office is visible to its own people and to the tenants it has a link with (any state: its name is public).
alter table handling_offices enable row level security;
alter table handling_offices force row level security;
create policy office_parties on handling_offices
  using (id = app.current_office()
         or internal_tenant_id = app.current_tenant()
         or exists (select 1 from handling_links l where l.office_id = handling_offices.id and l.tenant_id = app.current_tenant()))
  with check (id = app.current_office() or internal_tenant_id = app.current_tenant());

-- Handler keys are scoped to (office, tenant): the key's tenant and the office whose link grants it.
alter table api_keys add column office_id uuid references handling_offices (id);

-- People (ASP.NET Core Identity users). A person belongs to one tenant (owner, compliance, supplier, auditor) or to
-- one office (office-admin, case-handler). The identity store alone reads across them: it connects with
-- app.identity_store = on (its own pool), the rest of the application sees only its tenant's or office's people.
create table people (
  id uuid primary key,
  user_name text not null,
  normalized_user_name text not null unique,
  email text not null,
  normalized_email text not null unique,
  email_confirmed boolean not null default false,
  password_hash text,
  security_stamp text,
  concurrency_stamp text,
  phone_number text,
  phone_number_confirmed boolean not null default false,
  two_factor_enabled boolean not null default false,
  lockout_end timestamptz,
  lockout_enabled boolean not null default true,
  access_failed_count integer not null default 0,
  display_name text not null,
  role text not null check (role in ('owner', 'compliance', 'supplier', 'auditor', 'office-admin', 'case-handler')),
  tenant_id uuid references tenants (id),
  supplier_id uuid,
  office_id uuid references handling_offices (id),
  -- Invited members set their own password with a one-time code (no mail here); only its hash is kept.
  setup_code_hash bytea,
  setup_code_expires_at timestamptz,
  created_at timestamptz not null,
  disabled_at timestamptz,
  check ((tenant_id is null) <> (office_id is null)),
  check ((office_id is not null) = (role in ('office-admin', 'case-handler'))),
  check ((supplier_id is not null) = (role = 'supplier')),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
create index people_tenant on people (tenant_id);
create index people_office on people (office_id);

create or replace function app.identity_store() returns boolean
  language sql stable as $$ select coalesce(current_setting('app.identity_store', true), '') = 'on' $$;

alter table people enable row level security;
alter table people force row level security;
create policy people_parties on people
  using (app.identity_store()
         or (tenant_id = app.current_tenant() and app.current_office() is null)
         or office_id = app.current_office())
  with check (app.identity_store()
         or (tenant_id = app.current_tenant() and app.current_office() is null)
         or office_id = app.current_office());

create table person_claims (
  id serial primary key,
  user_id uuid not null references people (id) on delete cascade,
  claim_type text,
  claim_value text
);
create table person_logins (
  login_provider text not null,
  provider_key text not null,
  provider_display_name text,
  user_id uuid not null references people (id) on delete cascade,
  primary key (login_provider, provider_key)
);
-- Holds the TOTP authenticator key and recovery codes: the identity store only.
create table person_tokens (
  user_id uuid not null references people (id) on delete cascade,
  login_provider text not null,
  name text not null,
  value text,
  primary key (user_id, login_provider, name)
);
do $$
declare t text;
begin
  foreach t in array array['person_claims', 'person_logins', 'person_tokens'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy identity_store_only on %I using (app.identity_store()) with check (app.identity_store())', t);
  end loop;
end $$;

-- Who read a narrative: the person (name and office at the time of reading), not only the key.
alter table narrative_access_log add column person_id uuid, add column reader_name text, add column reader_office text;

-- The testimony access roster: every change in who can read testimony, appended, never edited or deleted.
-- An office-wide change (an account created, say) is one row with no tenant: each tenant linked to the office sees it,
-- from the office's beginning (who could read before the link still can) up to the end of its link.
create table testimony_access_roster (
  id uuid primary key,
  seq bigserial not null,
  office_id uuid not null references handling_offices (id),
  tenant_id uuid references tenants (id),
  at timestamptz not null,
  change text not null check (change in (
    'office-created', 'office-verified', 'office-migrated',
    'link-requested', 'link-accepted', 'link-ended',
    'account-created', 'account-disabled', 'account-two-factor',
    'key-created', 'key-revoked')),
  -- Whom it concerns: an office, an account's display name or a key's name (never an email or a secret).
  subject text not null,
  -- Who made the change: tenant, office, operator or system.
  actor text not null check (actor in ('tenant', 'office', 'operator', 'system'))
);
create index testimony_access_roster_office on testimony_access_roster (office_id, at);
create index testimony_access_roster_tenant on testimony_access_roster (tenant_id, at);
alter table testimony_access_roster enable row level security;
alter table testimony_access_roster force row level security;
create policy roster_parties on testimony_access_roster
  using (office_id = app.current_office()
         or (app.current_office() is null and (
              tenant_id = app.current_tenant()
              or (tenant_id is null and exists (
                    select 1 from handling_links l
                    where l.office_id = testimony_access_roster.office_id and l.tenant_id = app.current_tenant()
                      and (l.ended_at is null or testimony_access_roster.at <= l.ended_at))))))
  with check (office_id = app.current_office() or tenant_id = app.current_tenant());
insert into app.runtime_revocations values ('testimony_access_roster', 'update'), ('testimony_access_roster', 'delete') on conflict do nothing;

create or replace function app.refuse_roster_change() returns trigger
  language plpgsql as $$
begin
  raise exception 'the testimony access roster is append-only';
end $$;
create trigger testimony_access_roster_append_only before update or delete on testimony_access_roster
  for each statement execute function app.refuse_roster_change();

-- A link that ends (or starts) changes which keys work: every instance drops its whole key cache at once.
create or replace function app.notify_link_changed() returns trigger
  language plpgsql as $$
begin
  perform pg_notify('api_key_changed', 'links');
  return null;
end $$;
create trigger handling_links_changed after update or delete on handling_links
  for each row execute function app.notify_link_changed();

-- Existing case-handler keys were minted by the tenant owner. They move to an internal office named after the
-- tenant, flagged as migrated, with an accepted link, so they keep working and the worker page says plainly that
-- the company's own staff hold them.
do $$
declare
  t record;
  office uuid;
begin
  for t in select distinct k.tenant_id, tn.name from api_keys k join tenants tn on tn.id = k.tenant_id where k.role = 'case-handler' loop
    office := gen_random_uuid();
    insert into handling_offices (id, code, name, kind, country_code, contact, internal_tenant_id, migrated, created_at)
      values (office, 'HO-' || upper(substr(md5(random()::text || office::text), 1, 10)), t.name || ' grievance team', 'internal',
              'ZZ', 'migrated from case-handler keys', t.tenant_id, true, now());
    insert into handling_links (id, tenant_id, office_id, requested_at, accepted_at) values (gen_random_uuid(), t.tenant_id, office, now(), now());
    update api_keys set office_id = office where tenant_id = t.tenant_id and role = 'case-handler';
    insert into testimony_access_roster (id, office_id, tenant_id, at, change, subject, actor)
      values (gen_random_uuid(), office, t.tenant_id, now(), 'office-migrated', t.name || ' grievance team', 'system');
  end loop;
end $$;

alter table api_keys add constraint api_keys_handler_office check ((role = 'case-handler') = (office_id is not null));

-- Bypass 1, extended: a handler key works only while its office's link to the key's tenant is accepted and live.
drop function if exists app.authenticate_api_key(bytea);
create function app.authenticate_api_key(hash bytea)
  returns table (key_id uuid, tenant_id uuid, role text, supplier_id uuid, expires_at timestamptz, revoked_at timestamptz, office_id uuid)
  language sql stable security definer set search_path = public as $$
  select k.id, k.tenant_id, k.role, k.supplier_id, k.expires_at,
         case when k.office_id is not null and not exists (
                select 1 from handling_links l
                where l.office_id = k.office_id and l.tenant_id = k.tenant_id and l.accepted_at is not null and l.ended_at is null)
              then coalesce(k.revoked_at, now()) else k.revoked_at end,
         k.office_id
  from api_keys k where k.key_hash = hash
$$;

-- Bypass 6: a person's session names a tenant; it is theirs only while their office's link is accepted and live.
create or replace function app.office_link_live(office uuid, tenant uuid) returns boolean
  language sql stable security definer set search_path = public as $$
  select exists (select 1 from handling_links l
                 where l.office_id = office and l.tenant_id = tenant and l.accepted_at is not null and l.ended_at is null)
$$;

-- Bypass 7: a tenant owner requests a link by the office's public code, before any link lets it see the office.
create or replace function app.resolve_office_code(office_code text) returns uuid
  language sql stable security definer set search_path = public as $$
  select o.id from handling_offices o where o.code = office_code
$$;

-- Bypass 8: the worker page's "Who reads your report": the offices linked to a tenant, for anyone holding its
-- intake code. Names, kinds and counts only; never a person.
create or replace function app.offices_reading(tenant uuid)
  returns table (office_id uuid, name text, kind text, verified boolean, migrated boolean, since timestamptz, readers integer)
  language sql stable security definer set search_path = public as $$
  select o.id, o.name, o.kind, o.verified_at is not null, o.migrated, l.accepted_at,
         (select count(*)::integer from people p where p.office_id = o.id and p.disabled_at is null)
       + (select count(*)::integer from api_keys k
          where k.office_id = o.id and k.tenant_id = tenant and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))
  from handling_links l join handling_offices o on o.id = l.office_id
  where l.tenant_id = tenant and l.accepted_at is not null and l.ended_at is null
  order by l.accepted_at, o.name
$$;

grant select on handling_offices, handling_links, people to compliance_definer;
alter function app.authenticate_api_key(bytea) owner to compliance_definer;
alter function app.office_link_live(uuid, uuid) owner to compliance_definer;
alter function app.resolve_office_code(text) owner to compliance_definer;
alter function app.offices_reading(uuid) owner to compliance_definer;
