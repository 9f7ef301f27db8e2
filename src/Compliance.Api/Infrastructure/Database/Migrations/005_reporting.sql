-- Reporting (issue 6): the record of every OData request made with an auditor key. Append-only.
create table odata_request_log (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  api_key_id uuid not null,
  requested_at timestamptz not null,
  path text not null,
  query text not null,
  unique (tenant_id, id),
  foreign key (tenant_id, api_key_id) references api_keys (tenant_id, id)
);
create index odata_request_log_tenant_time on odata_request_log (tenant_id, requested_at);
create index odata_request_log_tenant_key on odata_request_log (tenant_id, api_key_id, requested_at);
select app.protect_tenant_table('odata_request_log', 'no_supplier_scope');
insert into app.runtime_revocations values ('odata_request_log', 'update'), ('odata_request_log', 'delete') on conflict do nothing;
