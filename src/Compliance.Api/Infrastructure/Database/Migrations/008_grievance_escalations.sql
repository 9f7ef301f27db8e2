-- Grievance-level escalations (issue 5 item 6): at most one per grievance and destination, so re-runs and
-- retries never create a second; the grievance must belong to the same tenant.
create unique index if not exists escalations_grievance_once on escalations (tenant_id, grievance_id, destination_id) where subject_kind = 'grievance';
alter table escalations add constraint escalations_grievance_fk foreign key (tenant_id, grievance_id) references grievances (tenant_id, id);
alter table escalations add constraint escalations_grievance_subject check ((subject_kind = 'grievance') = (grievance_id is not null));
