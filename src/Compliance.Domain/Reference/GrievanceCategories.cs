namespace Compliance.Domain.Reference;

/// <summary>
/// One grievance category a worker can pick: its stable code, the indicators it is evidence of,
/// and whether it is critical (acknowledged within 24 h and a hard trigger in the risk model).
/// </summary>
/// <param name="Code">Stable code, used in the API, templates and reports; never renamed.</param>
/// <param name="Indicators">Indicator codes from <see cref="Reference.Indicators"/>, in reporting order.</param>
/// <param name="IsCritical">True for categories that describe violence, confinement or a child.</param>
public sealed record GrievanceCategory(string Code, IReadOnlyList<string> Indicators, bool IsCritical);

/// <summary>
/// The grievance categories offered to workers and the indicators each maps to (issue 5, item 2;
/// BRIEF.md §3 "worker-side evidence"). Workers describe what happened in plain words; the mapping to
/// ILO indicators is ours, so a worker never has to know the vocabulary.
/// </summary>
public static class GrievanceCategories
{
    public const string WagesUnpaid = "wages-unpaid";
    public const string PayDeducted = "pay-deducted";
    public const string JobDifferent = "job-different";
    public const string ConditionsDifferent = "conditions-different";
    public const string UnsafeScared = "unsafe-scared";
    public const string ForcedOrTricked = "forced-or-tricked";
    public const string SexualPressure = "sexual-pressure";
    public const string HurtOrThreatened = "hurt-or-threatened";
    public const string CannotLeave = "cannot-leave";
    public const string NoContactOutside = "no-contact-outside";
    public const string DocumentsHeld = "documents-held";
    public const string OweMoney = "owe-money";
    public const string PaidFeeForJob = "paid-fee-for-job";
    public const string TooManyHours = "too-many-hours";
    public const string HousingBad = "housing-bad";
    public const string Under18 = "under-18";
    public const string Other = "other";

    private static readonly GrievanceCategory[] Definitions =
    [
        new(WagesUnpaid, [Indicators.WithholdingOfWages], false),
        new(PayDeducted, [Indicators.WithholdingOfWages, Indicators.DebtBondage], false),
        new(JobDifferent, [Indicators.Deception], false),
        new(ConditionsDifferent, [Indicators.Deception, Indicators.AbusiveWorkingAndLivingConditions], false),
        new(UnsafeScared, [Indicators.IntimidationAndThreats], false),
        new(ForcedOrTricked, [Indicators.Deception, Indicators.IntimidationAndThreats], false),
        new(SexualPressure, [Indicators.PhysicalAndSexualViolence], true),
        new(HurtOrThreatened, [Indicators.PhysicalAndSexualViolence, Indicators.IntimidationAndThreats], true),
        new(CannotLeave, [Indicators.RestrictionOfMovement], true),
        new(NoContactOutside, [Indicators.Isolation], false),
        new(DocumentsHeld, [Indicators.RetentionOfIdentityDocuments], false),
        new(OweMoney, [Indicators.DebtBondage], false),
        new(PaidFeeForJob, [Indicators.DebtBondage], false),
        new(TooManyHours, [Indicators.ExcessiveOvertime], false),
        new(HousingBad, [Indicators.AbusiveWorkingAndLivingConditions], false),
        new(Under18, [Indicators.ChildUnder18], true),

        // "Other" maps to no indicator so a worker is never forced into a box; a case handler triages it.
        new(Other, [], false),
    ];

    private static readonly Dictionary<string, GrievanceCategory> ByCode =
        Definitions.ToDictionary(d => d.Code, StringComparer.Ordinal);

    /// <summary>Every category code, in the order shown to workers.</summary>
    public static readonly IReadOnlyList<string> All = [.. Definitions.Select(d => d.Code)];

    public static bool IsValid(string? code) => code is not null && ByCode.ContainsKey(code);

    /// <summary>The full definition of a category.</summary>
    /// <exception cref="ArgumentException">The code is not a category.</exception>
    public static GrievanceCategory Get(string code) =>
        code is not null && ByCode.TryGetValue(code, out var category)
            ? category
            : throw new ArgumentException($"Unknown grievance category '{code}'.", nameof(code));

    /// <summary>The indicators a category is evidence of (empty for <see cref="Other"/>).</summary>
    public static IReadOnlyList<string> IndicatorsOf(string code) => Get(code).Indicators;

    public static bool IsCritical(string code) => Get(code).IsCritical;

    /// <summary>
    /// The distinct indicators a set of categories is evidence of, in <see cref="Indicators.All"/> order,
    /// so the result does not depend on the order the worker ticked the boxes.
    /// </summary>
    public static IReadOnlyList<string> IndicatorsFor(IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var found = codes.SelectMany(IndicatorsOf).ToHashSet(StringComparer.Ordinal);
        return [.. Indicators.All.Where(found.Contains)];
    }

    /// <summary>True when any of the categories is critical.</summary>
    public static bool AnyCritical(IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        return codes.Any(IsCritical);
    }
}
