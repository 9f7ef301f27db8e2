-- Worker voice (issue 4): anonymous grievances, their encrypted testimony, the narrative access log, tenant
-- retention settings. No column holds a network identifier, a name or a plaintext narrative (DNH-1, DNH-2).
create table grievances (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  site_id uuid not null,
  supplier_id uuid not null,
  case_reference text not null,
  -- HMAC-SHA256 of the receipt under WorkerVoice:ReceiptKey; the receipt itself is never stored (DNH-9).
  receipt_hash bytea not null,
  language text not null,
  categories text[] not null,
  indicators text[] not null,
  severity text,
  critical boolean not null,
  status text not null check (status in ('received', 'acknowledged', 'in-progress', 'resolved', 'referred', 'closed')),
  received_at timestamptz not null,
  acknowledge_by timestamptz not null,
  acknowledged_at timestamptz,
  feedback_by timestamptz not null,
  feedback_at timestamptz,
  closed_at timestamptz,
  acknowledge_overdue boolean not null default false,
  feedback_overdue boolean not null default false,
  consent_ngo boolean not null default false,
  consent_labour_authority boolean not null default false,
  consent_anti_trafficking_council boolean not null default false,
  consent_police boolean not null default false,
  consent_child_protection boolean not null default false,
  consent_buyer boolean not null default false,
  -- Envelope encryption: a per-grievance AES-256 data key wrapped by WorkerVoice:MasterKey. Retention clears
  -- the wrapped key too, so any copy of the ciphertext (backups) becomes unreadable.
  wrapped_key bytea,
  narrative_ciphertext bytea,
  review_note_ciphertext bytea,
  testimony_deleted_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, case_reference),
  foreign key (tenant_id, site_id) references sites (tenant_id, id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
-- Follow-up knows only the receipt, so its hash is unique across tenants (like sites.intake_code).
create unique index grievances_receipt_hash on grievances (receipt_hash);
create index grievances_tenant_status on grievances (tenant_id, status, received_at);
create index grievances_tenant_site on grievances (tenant_id, site_id, received_at);
select app.protect_tenant_table('grievances');

create table grievance_messages (
  id uuid primary key,
  tenant_id uuid not null,
  grievance_id uuid not null,
  author text not null check (author in ('worker', 'handler')),
  ciphertext bytea not null,
  sent_at timestamptz not null,
  api_key_id uuid,
  unique (tenant_id, id),
  foreign key (tenant_id, grievance_id) references grievances (tenant_id, id)
);
create index grievance_messages_tenant_grievance on grievance_messages (tenant_id, grievance_id, sent_at);
select app.protect_tenant_table('grievance_messages', 'no_supplier_scope');

-- DNH-12: who read which narrative and when; never the content. api_key_id is null for system reads
-- (escalation through TestimonyReader). Append-only.
create table narrative_access_log (
  id uuid primary key,
  tenant_id uuid not null,
  grievance_id uuid not null,
  api_key_id uuid,
  read_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, grievance_id) references grievances (tenant_id, id)
);
create index narrative_access_log_tenant_read on narrative_access_log (tenant_id, read_at);
select app.protect_tenant_table('narrative_access_log', 'no_supplier_scope');
insert into app.runtime_revocations values ('narrative_access_log', 'update'), ('narrative_access_log', 'delete') on conflict do nothing;

create table worker_voice_settings (
  tenant_id uuid primary key references tenants (id),
  retention_days integer not null check (retention_days between 30 and 3650),
  updated_at timestamptz not null
);
select app.protect_tenant_table('worker_voice_settings', 'no_supplier_scope');

-- Bypass: follow-up knows only the receipt, so its keyed hash must be found before any tenant is known.
-- Returns only the tenant and grievance ids.
create or replace function app.resolve_receipt(hash bytea)
  returns table (tenant_id uuid, grievance_id uuid)
  language sql stable security definer set search_path = public as $$
  select g.tenant_id, g.id from grievances g where g.receipt_hash = hash
$$;
grant select on grievances to compliance_definer;
alter function app.resolve_receipt(bytea) owner to compliance_definer;
