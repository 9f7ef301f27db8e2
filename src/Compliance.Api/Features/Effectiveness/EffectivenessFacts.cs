using System.Globalization;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>
/// A fixed calendar period: a month (<c>2026-11</c>), a quarter (<c>2026-Q3</c>) or a year (<c>2026</c>). No other range
/// is accepted, so tables of different periods overlap only in whole months. Only complete months count: a period
/// still running covers the months that have ended.
/// </summary>
public sealed partial record EffectivenessPeriod(string Name, DateOnly From, DateOnly To)
{
    [GeneratedRegex(@"^(?<y>\d{4})(-(?:(?<m>0[1-9]|1[0-2])|Q(?<q>[1-4])))?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();

    /// <summary>The period, or null when <paramref name="text"/> is not one of the three forms or lies outside 2000–2100.</summary>
    public static EffectivenessPeriod? Parse(string? text)
    {
        if (text is null || Pattern().Match(text) is not { Success: true } m)
        {
            return null;
        }

        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2100)
        {
            return null;
        }

        if (m.Groups["m"].Success)
        {
            var from = new DateOnly(year, int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture), 1);
            return new(text, from, from.AddMonths(1));
        }

        if (m.Groups["q"].Success)
        {
            var from = new DateOnly(year, ((int.Parse(m.Groups["q"].Value, CultureInfo.InvariantCulture) - 1) * 3) + 1, 1);
            return new(text, from, from.AddMonths(3));
        }

        return Year(year);
    }

    public static EffectivenessPeriod Year(int year) => new(year.ToString(CultureInfo.InvariantCulture), new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1));

    /// <summary>The first day after the last complete month on <paramref name="now"/>: figures stop there.</summary>
    public static DateOnly CompleteBefore(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);

    /// <summary>The period cut to complete months (<see cref="To"/> exclusive), or null when none of its months has ended.</summary>
    public EffectivenessPeriod? Complete(DateTimeOffset now)
    {
        var end = CompleteBefore(now);
        return From >= end ? null : this with { To = To < end ? To : end };
    }

    /// <summary>The last day covered (inclusive), as responses show it.</summary>
    public DateOnly LastDay => To.AddDays(-1);
}

/// <summary>
/// The counts behind the effectiveness figures, per unit, in one SQL statement (set-based, issue #21): cases by month of
/// receipt as of the end of the last complete day (as grievance statistics), remedies by month recorded and survey
/// answers by month answered. Office records (referrals, remedies) and survey answers come through the
/// <c>SECURITY DEFINER</c> functions of migration 026 as counts only. Grievances held for review are left out.
/// </summary>
public static class EffectivenessFacts
{
    public const string Cases = "cases";
    public const string Channel = "channel";
    public const string Language = "language";
    public const string Share = "share";
    public const string Days = "days";
    public const string Remedy = "remedy";
    public const string RemedyMoney = "remedy-money";
    public const string Satisfaction = "satisfaction";
    public const string Reprisal = "reprisal";

    public static Task<List<EffectivenessFact>> QueryAsync(ComplianceDbContext db, EffectivenessPeriod period, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        var start = new DateTimeOffset(period.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(period.To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var asOf = GrievanceFacts.ClockCutoff(now);
        var from = period.From;
        var to = period.To;
        return db.Database.SqlQuery<EffectivenessFact>($"""
            with c as (
              select g.site_id, date_trunc('month', g.received_at at time zone 'UTC')::date as month, g.channel, g.language,
                     (g.received_at at time zone 'UTC')::date as received_on,
                     case when g.acknowledged_at < {asOf} then (g.acknowledged_at at time zone 'UTC')::date end as ack_on,
                     case when g.feedback_at < {asOf} then (g.feedback_at at time zone 'UTC')::date end as reply_on,
                     case when g.closed_at < {asOf} then (g.closed_at at time zone 'UTC')::date end as closed_on,
                     coalesce(g.acknowledged_at < {asOf} and g.acknowledged_at <= g.acknowledge_by, false) as ack_on_time,
                     coalesce(g.feedback_at < {asOf} and g.feedback_at <= g.feedback_by, false) as feedback_on_time,
                     g.reply_seen, g.receipt_reused, g.reopened, g.language <> 'en' as own_language,
                     exists (select 1 from grievance_messages m
                              where m.grievance_id = g.id and m.author = 'worker' and m.sent_at < {asOf}) as wrote_again,
                     exists (select 1 from grievances p
                              where p.site_id = g.site_id and p.id <> g.id and not p.held_for_review and p.indicators && g.indicators
                                and p.received_at < g.received_at and p.received_at >= g.received_at - interval '12 months') as repeat_indicator
                from grievances g
               where g.received_at >= {start} and g.received_at < {end} and not g.held_for_review
            )
            select site_id, month, 'cases' as fact, '' as key, 0 as value, count(*)::int as count, 0::numeric as amount
              from c group by site_id, month
            union all
            select site_id, month, 'channel', channel, 0, count(*)::int, 0 from c group by site_id, month, channel
            union all
            select site_id, month, 'language', language, 0, count(*)::int, 0 from c group by site_id, month, language
            union all
            select site_id, month, 'share', s.key, 0, count(*)::int, 0
              from c cross join lateral (values
                ('acknowledged-on-time', ack_on_time), ('feedback-within-3-months', feedback_on_time), ('reply-seen', reply_seen),
                ('receipt-used-again', receipt_reused), ('worker-wrote-again', wrote_again), ('own-language', own_language),
                ('repeat-indicator', repeat_indicator), ('reopened', reopened)) as s(key, yes)
             where s.yes group by site_id, month, s.key
            union all
            select site_id, month, 'days', d.key, d.days, count(*)::int, 0
              from c cross join lateral (values
                ('days-to-acknowledge', ack_on - received_on), ('days-to-first-reply', reply_on - received_on),
                ('days-to-close', closed_on - received_on)) as d(key, days)
             where d.days is not null group by site_id, month, d.key, d.days
            union all
            select r.site_id, r.month, 'share', s.key, 0, s.count, 0
              from app.effectiveness_referral_units({start}, {end}, {asOf}) r
             cross join lateral (values ('referred-ngo', r.referred_ngo), ('escalated-or-referred', r.escalated_or_referred)) as s(key, count)
             where s.count > 0
            union all
            select site_id, month, 'remedy', kind, 0, sum(count)::int, 0
              from app.effectiveness_remedy_units({from}, {to}) group by site_id, month, kind
            union all
            select site_id, month, 'remedy-money', currency, 0, sum(count)::int, sum(amount)
              from app.effectiveness_remedy_units({from}, {to}) where currency is not null group by site_id, month, currency
            union all
            select site_id, month, 'satisfaction', satisfaction::text, 0, sum(count)::int, 0
              from app.effectiveness_survey_units({from}, {to}) group by site_id, month, satisfaction
            union all
            select site_id, month, 'reprisal', reprisal, 0, sum(count)::int, 0
              from app.effectiveness_survey_units({from}, {to}) group by site_id, month, reprisal
            """).ToListAsync(ct);
    }
}
