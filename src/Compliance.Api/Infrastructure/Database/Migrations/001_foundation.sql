-- Foundation: tenants, API keys, suppliers, sites; the helpers every later migration uses for wall 2 (RLS).
create schema if not exists app;

-- Owner of the few security-definer functions that must see across tenants (API-key lookup, intake-code
-- resolution, tenant enumeration for jobs). NOLOGIN: nobody connects as it. See docs/architecture.md.
do $$ begin
  if not exists (select from pg_roles where rolname = 'compliance_definer') then
    create role compliance_definer nologin bypassrls;
  end if;
end $$;
grant usage on schema public to compliance_definer;

create or replace function app.current_tenant() returns uuid
  language sql stable as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create or replace function app.current_supplier() returns uuid
  language sql stable as $$ select nullif(current_setting('app.supplier_id', true), '')::uuid $$;

-- Wall 2 for a tenant table: ENABLE + FORCE RLS, rows visible only for the transaction's tenant; where the table
-- has supplier_id, a restrictive policy narrows a supplier-bound key to its own supplier.
create or replace function app.protect_tenant_table(tbl regclass, supplier_column text default 'supplier_id') returns void
  language plpgsql as $$
declare
  has_supplier boolean;
begin
  select exists (select 1 from pg_attribute where attrelid = tbl and attname = supplier_column and not attisdropped)
    into has_supplier;
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
  execute format('drop policy if exists tenant_isolation on %s', tbl);
  execute format('create policy tenant_isolation on %s using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())', tbl);
  execute format('drop policy if exists supplier_isolation on %s', tbl);
  if has_supplier then
    execute format(
      'create policy supplier_isolation on %s as restrictive using (app.current_supplier() is null or %I = app.current_supplier()) with check (app.current_supplier() is null or %I = app.current_supplier())',
      tbl, supplier_column, supplier_column);
  end if;
end $$;

-- Privileges a feature takes back from the runtime role after the blanket grant (append-only tables, say).
create table if not exists app.runtime_revocations (
  table_name text not null,
  privilege text not null check (privilege in ('update', 'delete', 'insert', 'select')),
  primary key (table_name, privilege)
);

create or replace function app.after_grants(runtime_role text) returns void
  language plpgsql as $$
declare
  r record;
begin
  for r in select table_name, privilege from app.runtime_revocations loop
    execute format('revoke %s on %I from %I', r.privilege, r.table_name, runtime_role);
  end loop;
end $$;

create table tenants (
  id uuid primary key,
  name text not null,
  contact_email text not null,
  created_at timestamptz not null
);
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_self on tenants using (id = app.current_tenant()) with check (id = app.current_tenant());

create table suppliers (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null,
  country_code char(2) not null,
  registration_number text,
  os_id text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, name)
);
-- A supplier-bound key sees only its own supplier row: the supplier "column" of this table is its id.
select app.protect_tenant_table('suppliers', 'id');

create table sites (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  name text not null,
  country_code char(2) not null,
  sector text not null,
  worker_housing boolean not null,
  intake_code text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, supplier_id, name),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
-- Intake codes are the public routing key of the worker path, so they are unique across tenants.
create unique index sites_intake_code on sites (intake_code);
create index sites_tenant_supplier on sites (tenant_id, supplier_id);
select app.protect_tenant_table('sites');

create table api_keys (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null,
  role text not null,
  supplier_id uuid,
  prefix text not null,
  key_hash bytea not null,
  created_at timestamptz not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, key_hash),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
create index api_keys_hash on api_keys (key_hash);
-- api_keys.supplier_id binds a key, it does not scope rows, so no supplier policy here.
select app.protect_tenant_table('api_keys', 'no_supplier_scope');

-- Bypass 1: authenticate a bearer key before any tenant is known. Returns only what the auth handler needs.
create or replace function app.authenticate_api_key(hash bytea)
  returns table (key_id uuid, tenant_id uuid, role text, supplier_id uuid, expires_at timestamptz, revoked_at timestamptz)
  language sql stable security definer set search_path = public as $$
  select k.id, k.tenant_id, k.role, k.supplier_id, k.expires_at, k.revoked_at from api_keys k where k.key_hash = hash
$$;

-- Bypass 2: resolve a public intake code (worker path) to its tenant and site.
create or replace function app.resolve_intake_code(code text)
  returns table (tenant_id uuid, site_id uuid)
  language sql stable security definer set search_path = public as $$
  select s.tenant_id, s.id from sites s where s.intake_code = code
$$;

-- Bypass 3: enumerate tenants for cross-tenant scheduled jobs, which then set each tenant themselves.
create or replace function app.tenant_ids()
  returns setof uuid
  language sql stable security definer set search_path = public as $$
  select id from tenants order by id
$$;

grant select on tenants, api_keys, sites to compliance_definer;
alter function app.authenticate_api_key(bytea) owner to compliance_definer;
alter function app.resolve_intake_code(text) owner to compliance_definer;
alter function app.tenant_ids() owner to compliance_definer;
