-- Issue 16, hole 7: a per-intake-code daily ceiling. A report over the ceiling is still accepted and handled, but
-- held out of statistics and risk evidence until a case handler confirms it (held_for_review = false again).
alter table grievances add column held_for_review boolean not null default false;

-- The ceiling counts a site's reports since the start of the UTC day.
create index grievances_site_received on grievances (tenant_id, site_id, received_at);
