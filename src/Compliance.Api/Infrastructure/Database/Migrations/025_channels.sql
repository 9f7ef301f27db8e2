-- Issue #20: grievance intake over SMS, WhatsApp and voice. Nothing here holds a worker's phone number: the numbers
-- below are the installation's own (the ones on the posters), and a worker's number lives only in memory for the
-- length of a conversation.

-- The JSON intake API records its own channel ('api'); the pages stay 'web'.
alter table grievances drop constraint if exists grievances_channel_check;
alter table grievances add constraint grievances_channel_check check (channel in ('web', 'api', 'sms', 'whatsapp', 'voice'));

-- A provider number a tenant serves workers on. Without a site it serves the whole tenant (the worker types the site's
-- intake code); several sites may share a number (the worker types the code of one of them).
create table channel_numbers (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  channel text not null check (channel in ('sms', 'whatsapp', 'voice')),
  number text not null check (number ~ '^\+[1-9][0-9]{6,14}$'),
  site_id uuid references sites (id) on delete cascade,
  created_on date not null
);
create unique index channel_numbers_unique on channel_numbers (tenant_id, channel, number, coalesce(site_id, '00000000-0000-0000-0000-000000000000'::uuid));
create index channel_numbers_lookup on channel_numbers (channel, number);
select app.protect_tenant_table('channel_numbers', 'no_supplier_scope');

-- The webhook knows only which of our numbers was called: this bypass answers which tenant (and sites) it serves.
create or replace function app.resolve_channel_number(ch text, num text)
  returns table (tenant_id uuid, site_id uuid)
  language sql stable security definer set search_path = public as $$
  select n.tenant_id, n.site_id from channel_numbers n where n.channel = ch and n.number = num
$$;
grant select on channel_numbers to compliance_definer;
alter function app.resolve_channel_number(text, text) owner to compliance_definer;

-- Provider message ids (Twilio SIDs) of finished conversations, waiting for the deletion job to ask the provider to
-- delete its copies; the row goes once the provider confirms. A SID is not a phone number, but it opens the message
-- (sender included) at the provider, so it is kept no longer than that.
create table channel_message_deletions (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  provider text not null check (provider in ('twilio')),
  message_sid text not null check (message_sid ~ '^(SM|MM|CA)[0-9a-f]{32}$'),
  queued_on date not null
);
create unique index channel_message_deletions_sid on channel_message_deletions (tenant_id, provider, message_sid);
select app.protect_tenant_table('channel_message_deletions', 'no_supplier_scope');
