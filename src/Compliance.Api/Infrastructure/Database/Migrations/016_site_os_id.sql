-- Open Supply Hub ids name facilities, not companies: a site (a facility) carries its OS ID. Within a tenant one
-- facility is one site, so an OS ID names at most one site of the tenant. The supplier's os_id column stays, with its
-- own meaning: the OS ID a supplier gives for itself as a whole (its head office or, for a one-facility supplier,
-- that facility), free text as before.
alter table sites add column os_id text;
create unique index sites_tenant_os_id on sites (tenant_id, os_id) where os_id is not null;
