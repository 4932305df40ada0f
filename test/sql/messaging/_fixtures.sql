-- Fixtures of the messaging tests (pg_temp, gone with the session). Include after
-- the shared fixtures:
--   \ir ../fixtures.sql
--   \ir _fixtures.sql
-- Names start with msg_ so that they never collide with test/sql/fixtures.sql.
--
-- The tests evaluate everything as of 2026-05-04 10:00 UTC; the standard evidence
-- below then reads "renewal in 75 days", "seat assigned 40 days ago".

-- A record that passes the golden rule (see pg_temp.ready_record) with a BIT band
-- and a pressure class. A NULL score means no bit_scores row at all.
create function pg_temp.msg_record(band int, pressure text, score numeric default 70)
returns uuid language plpgsql volatile as $$
declare
  oid uuid;
begin
  oid := pg_temp.ready_record(score);
  if score is not null then
    update outreach.bit_scores set band = msg_record.band, pressure_class = msg_record.pressure
     where outreach_id = oid;
  end if;
  return oid;
end $$;

-- A DOL filing.
create function pg_temp.msg_dol(oid uuid, renewal date, pct numeric)
returns void language sql volatile as $$
  insert into outreach.dol (outreach_id, ein, renewal_date, employer_contribution_change_pct)
  values (oid, '123456789', renewal, pct);
$$;

-- A blog / news item.
create function pg_temp.msg_blog(oid uuid, signal text, summary text, published timestamptz)
returns void language sql volatile as $$
  insert into outreach.blog (outreach_id, signal_type, summary, published_at) values (oid, signal, summary, published);
$$;

-- Dates a slot assignment (the People evidence) and optionally retitles its person.
create function pg_temp.msg_seat(oid uuid, slot text, assigned timestamptz, title text default null)
returns void language sql volatile as $$
  update outreach.company_slot set assigned_at = assigned where outreach_id = oid and slot_type = slot;
  update outreach.people p set title = coalesce(msg_seat.title, p.title)
    from outreach.company_slot cs
   where cs.outreach_id = oid and cs.slot_type = slot and p.person_id = cs.person_id;
$$;

-- The standard evidence: a DOL filing (+18 %, renewal 2026-07-18), the CFO seat
-- assigned 2026-03-25 (VP Finance), a blog item of 2026-04-01.
create function pg_temp.msg_evidence(oid uuid, with_blog boolean default true)
returns uuid language plpgsql volatile as $$
begin
  perform pg_temp.msg_dol(oid, date '2026-07-18', 18);
  perform pg_temp.msg_seat(oid, 'CFO', timestamptz '2026-03-25 12:00:00+00', 'VP Finance');
  if with_blog then
    perform pg_temp.msg_blog(oid, 'vendor_review', 'Broker under review', timestamptz '2026-04-01 09:00:00+00');
  end if;
  return oid;
end $$;
