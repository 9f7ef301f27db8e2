-- Issue 5: audits, findings and corrective actions; risk assessments (history); escalation destinations,
-- escalations (one per site, destination and period) and every delivery attempt.

create table audits (
  id uuid primary key,
  tenant_id uuid not null,
  site_id uuid not null,
  supplier_id uuid not null,
  auditor_organisation text not null,
  kind text not null check (kind in ('social-compliance', 'agency-due-diligence', 'worker-interviews', 'follow-up')),
  started_on date not null,
  ended_on date not null check (ended_on >= started_on),
  workers_interviewed integer not null check (workers_interviewed >= 0),
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites (tenant_id, id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, id)
);
create index audits_tenant_site on audits (tenant_id, site_id, ended_on);
select app.protect_tenant_table('audits');

create table audit_findings (
  id uuid primary key,
  tenant_id uuid not null,
  audit_id uuid not null,
  site_id uuid not null,
  supplier_id uuid not null,
  indicator text not null check (indicator in ('FL01','FL02','FL03','FL04','FL05','FL06','FL07','FL08','FL09','FL10','FL11','CH01')),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  description text not null,
  created_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, audit_id) references audits (tenant_id, id),
  foreign key (tenant_id, site_id) references sites (tenant_id, id)
);
create index audit_findings_tenant_audit on audit_findings (tenant_id, audit_id);
create index audit_findings_tenant_site on audit_findings (tenant_id, site_id, indicator);
select app.protect_tenant_table('audit_findings');

create table corrective_actions (
  id uuid primary key,
  tenant_id uuid not null,
  finding_id uuid not null,
  site_id uuid not null,
  supplier_id uuid not null,
  description text not null,
  due_on date not null,
  status text not null check (status in ('open', 'done', 'verified')),
  closed_on date,
  verification_note text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, finding_id) references audit_findings (tenant_id, id)
);
create index corrective_actions_tenant_finding on corrective_actions (tenant_id, finding_id);
select app.protect_tenant_table('corrective_actions');

-- One row per site per assessment run; history is kept, rows are never changed.
create table risk_assessments (
  id uuid primary key,
  tenant_id uuid not null,
  site_id uuid not null,
  supplier_id uuid not null,
  period text not null,
  score integer not null check (score between 0 and 100),
  level text not null check (level in ('low', 'medium', 'high', 'critical')),
  model_version text not null,
  points_total integer not null,
  floor text not null,
  evidence jsonb not null,
  discrepancies jsonb not null,
  sources jsonb not null,
  assessed_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites (tenant_id, id)
);
create index risk_assessments_tenant_site on risk_assessments (tenant_id, site_id, assessed_at desc, id desc);
select app.protect_tenant_table('risk_assessments');
insert into app.runtime_revocations values ('risk_assessments', 'update'), ('risk_assessments', 'delete') on conflict do nothing;

create table escalation_destinations (
  id uuid primary key,
  tenant_id uuid not null,
  name text not null,
  kind text not null check (kind in ('ngo', 'labour-authority', 'anti-trafficking-council', 'police', 'child-protection', 'buyer')),
  jurisdiction char(2) not null,
  url text not null,
  signing_secret text not null,
  minimum_level text not null check (minimum_level in ('high', 'critical')),
  active boolean not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  unique (tenant_id, name)
);
select app.protect_tenant_table('escalation_destinations', 'no_supplier_scope');

-- subject_kind 'grievance' (with grievance_id) is reserved for the consent-gated grievance escalation.
create table escalations (
  id uuid primary key,
  tenant_id uuid not null,
  subject_kind text not null check (subject_kind in ('site', 'grievance')),
  site_id uuid not null,
  supplier_id uuid not null,
  grievance_id uuid,
  destination_id uuid not null,
  assessment_id uuid,
  period text not null,
  level text not null,
  model_version text not null,
  body text not null,
  status text not null check (status in ('pending', 'delivered', 'failed')),
  attempt_count integer not null default 0,
  last_error text,
  created_at timestamptz not null,
  delivered_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, site_id) references sites (tenant_id, id),
  foreign key (tenant_id, destination_id) references escalation_destinations (tenant_id, id),
  foreign key (tenant_id, assessment_id) references risk_assessments (tenant_id, id)
);
-- Re-runs and retries never create a second site escalation for the same destination and period.
create unique index escalations_site_once on escalations (tenant_id, site_id, destination_id, period) where subject_kind = 'site';
create index escalations_tenant_status on escalations (tenant_id, status, created_at);
select app.protect_tenant_table('escalations');

create table escalation_attempts (
  id uuid primary key,
  tenant_id uuid not null,
  escalation_id uuid not null,
  attempt integer not null,
  attempted_at timestamptz not null,
  status_code integer,
  latency_ms integer not null,
  error text,
  unique (tenant_id, id),
  unique (tenant_id, escalation_id, attempt),
  foreign key (tenant_id, escalation_id) references escalations (tenant_id, id)
);
select app.protect_tenant_table('escalation_attempts', 'no_supplier_scope');
insert into app.runtime_revocations values ('escalation_attempts', 'update'), ('escalation_attempts', 'delete') on conflict do nothing;
