-- Issue #22: what sites make (with HS codes), frozen enforcement dossiers (CBP 19 CFR 12.42, EU 2024/3015, LkSG/BAFA)
-- and the consent kind trade-authority.

-- What a site makes. The HS code is 6 to 10 digits (the international 6-digit subheading, then national digits).
create table site_products (
  id uuid primary key,
  tenant_id uuid not null,
  supplier_id uuid not null,
  site_id uuid not null,
  description text not null check (length(description) between 1 and 2000),
  hs_code text not null check (hs_code ~ '^[0-9]{6,10}$'),
  buyers text check (buyers is null or length(buyers) <= 2000),
  brands text check (brands is null or length(brands) <= 2000),
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites (tenant_id, id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
create index site_products_tenant_site on site_products (tenant_id, site_id);
select app.protect_tenant_table('site_products');

-- A dossier is frozen when made: the canonical JSON that was signed, its SHA-256 and the Ed25519 signature with the
-- id of the key that made it. Never changed or deleted by the app (a new dossier is made instead).
create table dossiers (
  id uuid primary key,
  tenant_id uuid not null,
  regime text not null check (regime in ('cbp-19cfr12.42', 'eu-flr', 'lksg-bafa')),
  site_ids uuid[] not null,
  period_from date not null,
  period_to date not null check (period_to >= period_from),
  canonical_json text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  signature text not null,
  key_id text not null,
  created_at timestamptz not null,
  unique (tenant_id, id)
);
create index dossiers_tenant_created on dossiers (tenant_id, created_at desc, id);
select app.protect_tenant_table('dossiers', 'no_supplier_scope');
insert into app.runtime_revocations values ('dossiers', 'update'), ('dossiers', 'delete') on conflict do nothing;

-- The worker may consent to authorities that can stop goods made with forced labour from being sold.
alter table grievances add column consent_trade_authority boolean not null default false;

-- The same kind is a destination kind like the others.
alter table escalation_destinations drop constraint if exists escalation_destinations_kind_check;
alter table escalation_destinations add constraint escalation_destinations_kind_check
  check (kind in ('ngo', 'labour-authority', 'anti-trafficking-council', 'police', 'child-protection', 'buyer', 'trade-authority'));
