using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>What became of a survey answer.</summary>
public enum SurveyOutcome
{
    Recorded,

    /// <summary>The case was answered before; the first answers stand (a replaced answer would change a released month).</summary>
    AlreadyAnswered,

    /// <summary>The case has not ended (resolved or closed) yet.</summary>
    NotEnded,

    /// <summary>A satisfaction outside 1–5 or a reprisal answer outside <see cref="EffectivenessMetrics.ReprisalAnswers"/>.</summary>
    Invalid,
}

/// <summary>
/// The two questions offered through the receipt once a case has ended (UNGP 31 "legitimate"): "Were you satisfied
/// with how your report was handled?" (1–5) and "Did anything bad happen to you because you reported?" (yes, no,
/// prefer not to say). One answer set per case: a second is refused, never replaces the first. Answers are stored at
/// day precision with the case (for one-per-case), in a table no runtime query reads (migration 026): the employer
/// side gets suppressed per-unit counts only.
/// <para>
/// Every channel calls <see cref="RecordAsync"/> on the case it opened through the receipt, inside that tenant
/// transaction (web: <c>WorkerPages</c>; SMS, WhatsApp and voice: theirs), then commits it.
/// </para>
/// </summary>
public sealed class EffectivenessSurvey(ComplianceDbContext db, TimeProvider clock)
{
    public static bool Offered(Grievance grievance) =>
        grievance?.Status is GrievanceStatuses.Resolved or GrievanceStatuses.Closed;

    /// <summary>Records the answers for <paramref name="grievance"/>, a case opened through its receipt (the tenant is set on the transaction).</summary>
    public async Task<SurveyOutcome> RecordAsync(Grievance grievance, int satisfaction, string reprisal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grievance);
        if (satisfaction is < 1 or > 5 || !EffectivenessMetrics.ReprisalAnswers.Contains(reprisal))
        {
            return SurveyOutcome.Invalid;
        }

        if (!Offered(grievance))
        {
            return SurveyOutcome.NotEnded;
        }

        var recorded = await TenantSql.RowsAsync(
            db,
            "select app.record_effectiveness_survey(@g, @s, @r, @d)",
            r => r.GetBoolean(0),
            ct,
            ("g", grievance.Id),
            ("s", satisfaction),
            ("r", reprisal),
            ("d", DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)));
        return recorded[0] ? SurveyOutcome.Recorded : SurveyOutcome.AlreadyAnswered;
    }

    /// <summary>Whether the case's survey was answered (the page then thanks instead of asking again).</summary>
    public async Task<bool> AnsweredAsync(Grievance grievance, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grievance);
        return (await TenantSql.RowsAsync(db, "select app.effectiveness_survey_answered(@g)", r => r.GetBoolean(0), ct, ("g", grievance.Id)))[0];
    }
}
